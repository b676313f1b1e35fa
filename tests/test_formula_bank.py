"""The bank of loss-formula problems (fixtures/formulas/problems.toml), worked by hand, through
``step``, ``step --exact``, ``run --exact`` and ``check``."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest

from tests.conftest import ROOT, Invocation

BANK = tomllib.loads((ROOT / "fixtures/formulas/problems.toml").read_text())["problem"]
COMMON = ["--penalty", "l2", "--lam", "0.1", "--lr", "0.1"]

Cli = Callable[..., Invocation]


def _f(values: list[str]) -> list[Fraction]:
    return [Fraction(v) for v in values]


def test_the_bank_is_large_enough() -> None:
    assert len(BANK) >= 15


@pytest.mark.parametrize("problem", BANK, ids=[p["name"] for p in BANK])
def test_step_float(cli: Cli, problem: dict[str, Any]) -> None:
    """``step --format json``: the data gradient, loss and new weights (float64)."""
    done = cli(
        ["step", "--loss-fn", problem["formula"], "--w", ",".join(problem["w"]), *COMMON,
         "--format", "json"]
    )  # fmt: skip
    assert done.code == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["grad"] == pytest.approx([float(g) for g in _f(problem["grad"])], abs=1e-12)
    assert out["results"][0]["w_new"] == pytest.approx(
        [float(v) for v in _f(problem["w_new"])], abs=1e-12
    )
    assert out["formula"]["loss_fn"] == problem["formula"]
    assert len(out["formula"]["partials"]) == len(problem["w"])
    if problem["loss"] != "irrational":
        assert out["loss"] == pytest.approx(float(Fraction(problem["loss"])), abs=1e-12)


def _csv_rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()[1:]]


@pytest.mark.parametrize("problem", BANK, ids=[p["name"] for p in BANK])
def test_run_exact(cli: Cli, problem: dict[str, Any]) -> None:
    """``run --exact --steps 1``: w_1 exactly as worked by hand (CSV prints exact values)."""
    done = cli(
        ["run", "--exact", "--loss-fn", problem["formula"], "--w", ",".join(problem["w"]),
         *COMMON, "--steps", "1", "--format", "csv"]
    )  # fmt: skip
    assert done.code == 0, done.stderr
    last = _csv_rows(done.stdout)[-1]
    assert last[:2] == ["l2", "1"]
    assert [Fraction(v) for v in last[2:]] == _f(problem["w_new"])


@pytest.mark.parametrize("problem", BANK, ids=[p["name"] for p in BANK])
def test_check_grades_the_hand_answer(cli: Cli, problem: dict[str, Any]) -> None:
    """``check`` accepts the hand-worked new weights (exit 0) and the full gradient."""
    base = ["check", "--loss-fn", problem["formula"], "--w", ",".join(problem["w"]), *COMMON]
    done = cli([*base, "--answer", ",".join(problem["w_new"])])
    assert done.code == 0, done.stdout + done.stderr
    full = [g + w / 5 for g, w in zip(_f(problem["grad"]), _f(problem["w"]), strict=True)]
    done = cli([*base, "--quantity", "full-grad", "--answer", ",".join(map(str, full))])
    assert done.code == 0, done.stdout + done.stderr


@pytest.mark.parametrize("problem", BANK, ids=[p["name"] for p in BANK])
def test_step_exact_shows_the_loss(cli: Cli, problem: dict[str, Any]) -> None:
    """``step --exact --show-work``: each partial's line ends in its exact value, and L's in
    its value or in the note that it is not rational."""
    done = cli(
        ["step", "--exact", "--show-work", "--loss-fn", problem["formula"], "--w",
         ",".join(problem["w"]), *COMMON]
    )  # fmt: skip
    assert done.code == 0, done.stderr
    lines = {line.split(" = ")[0]: line for line in done.stdout.splitlines() if " = " in line}
    for i, g in enumerate(_f(problem["grad"])):
        assert Fraction(lines[f"dL/dw{i}"].rsplit(" = ", 1)[1]) == g
    last = lines["L"].rsplit(" = ", 1)[1]
    if problem["loss"] == "irrational":
        assert last == "(not a rational number)"
    else:
        assert Fraction(last) == Fraction(problem["loss"])
