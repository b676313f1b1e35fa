"""A loss formula as a gradient source of the one problem description: the resolver builds
it, and the combinations every source gets from the pipeline (an optimizer run, ``--out``,
``sweep --exact``, a per-weight ``sweep --lam``, a multi-step ``check``) give the values
worked by hand."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from regtrace.cli.inputs import ProblemOptions, resolve_problem
from regtrace.engine.problem import FormulaGradient, NumberType
from regtrace.errors import RegtraceError
from tests.conftest import invoke

BOWL = "(w0 - 3)^2 + 2*w1^2"


def _json(args: list[str]) -> Any:
    result = invoke(args)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def test_resolver_builds_a_formula_source_in_both_number_types() -> None:
    """At w = [1, 1]: L = (1 - 3)^2 + 2 = 6, dL/dw = [2*(1 - 3), 4*1] = [-4, 4]; the same
    problem read with --exact evaluates in fractions, and --w defaults to one zero per weight."""
    floats = resolve_problem(ProblemOptions(loss_fn=BOWL, w="1,1", penalty="l2"))
    assert isinstance(floats.source, FormulaGradient)
    loss, grad = floats.source.evaluate(floats.w)
    assert (loss, grad.tolist()) == (6.0, [-4.0, 4.0])
    exact = resolve_problem(ProblemOptions(loss_fn=BOWL, w="1/2,1", exact=True))
    assert exact.numbers is NumberType.EXACT
    # L(1/2, 1) = 25/4 + 2 = 33/4, dL/dw0 = 2*(1/2 - 3) = -5
    assert exact.source.evaluate(exact.w) == (Fraction(33, 4), [Fraction(-5), Fraction(4)])
    zeros = resolve_problem(ProblemOptions(loss_fn=BOWL))
    assert zeros.w.tolist() == [0.0, 0.0]
    assert zeros.source.to_dict()["source"] == "formula"


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (ProblemOptions(loss_fn="w0", grad="1"), "--grad"),
        (ProblemOptions(loss_fn="w0", target="1"), "--target"),
        (ProblemOptions(loss_fn="w0", loss="1"), "--loss"),
    ],
)
def test_resolver_refuses_a_second_data_loss(options: ProblemOptions, named: str) -> None:
    with pytest.raises(RegtraceError, match=f"^{named} and --loss-fn both give the data loss"):
        resolve_problem(options)


def test_run_with_an_optimizer_recomputes_the_formula_gradient() -> None:
    """L = w0^2, momentum 0.9 (PyTorch), lr 0.1, lam 0: g1 = 2, buf = 2, w1 = 0.8;
    g2 = 1.6, buf = 0.9*2 + 1.6 = 3.4, w2 = 0.8 - 0.34 = 0.46; L(w2) = 0.2116."""
    out = _json(
        ["run", "--loss-fn", "w0^2", "--w", "1", "--lam", "0", "--lr", "0.1", "--steps", "2",
         "--optimizer", "momentum", "--momentum", "0.9", "--penalty", "l2", "--format", "json"]
    )  # fmt: skip
    assert out["results"][0]["w_final"] == pytest.approx([0.46], abs=1e-15)
    assert out["final_loss"] == {"l2": pytest.approx(0.2116, abs=1e-15)}
    assert out["formula"]["partials"] == {"dL/dw0": "2*w0"}


def test_run_compare_gives_the_final_loss_per_optimizer() -> None:
    """Plain SGD on L = w0^2 with lr 0.1 multiplies w0 by 0.8 each step: 0.64 after two,
    L = 0.4096; momentum as above ends at 0.46, L = 0.2116."""
    out = _json(
        ["run", "--loss-fn", "w0^2", "--w", "1", "--lam", "0", "--lr", "0.1", "--steps", "2",
         "-o", "momentum", "--momentum", "0.9", "--compare", "sgd", "--penalty", "l2",
         "--format", "json"]
    )  # fmt: skip
    assert out["final_loss"] == {
        "momentum": pytest.approx(0.2116, abs=1e-15),
        "sgd": pytest.approx(0.4096, abs=1e-15),
    }


def test_run_out_saves_the_final_weights(tmp_path: Path) -> None:
    """L = w0^2, lam 0, lr 0.1: 1 -> 0.8 -> 0.64."""
    target = tmp_path / "w.npz"
    args = ["run", "--loss-fn", "w0^2", "--w", "1", "--lam", "0", "--lr", "0.1", "--steps", "2",
            "--penalty", "l2", "--out", str(target)]  # fmt: skip
    assert invoke(args).code == 0
    with np.load(target) as saved:
        np.testing.assert_allclose(saved["l2"], [0.64], rtol=1e-15)


def test_sweep_exact_on_a_formula() -> None:
    """L = (w0 - 1/3)^2, lr 1/4, two steps from 0. lam 0: 0 -> 1/6 -> 1/6 + 1/12 = 1/4.
    lam 1/2 (L2 gradient 2*lam*w = w): step 2 has dL/dw = -1/3 and penalty 1/6, so
    1/6 - 1/4*(-1/6) = 5/24."""
    done = invoke(
        ["sweep", "--exact", "--loss-fn", "(w0 - 1/3)^2", "--w", "0", "--lr", "1/4", "--steps",
         "2", "--lams", "0,1/2", "--penalty", "l2", "--format", "csv"]
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines() == ["penalty,lam,w0", "l2,0,0.25", "l2,0.5,5/24"]


def test_sweep_lam_pattern_on_a_formula() -> None:
    """L = w0^2 + w1^2 from [1, 1], lr 1/4, one step, lam 1 times the pattern [1, 0]:
    w0 = 1 - 1/4*(2 + 2) = 0, w1 = 1 - 1/4*2 = 1/2 (unpenalized)."""
    out = _json(
        ["sweep", "--loss-fn", "w0^2 + w1^2", "--w", "1,1", "--lr", "0.25", "--steps", "1",
         "--lams", "1", "--lam", "1,0", "--penalty", "l2", "--format", "json"]
    )  # fmt: skip
    assert out["results"][0]["w_final"] == [0.0, 0.5]
    assert out["formula"]["loss_fn"] == "w0^2 + w1^2"


def test_sweep_on_a_formula_needs_steps() -> None:
    """There is no regularization path of a formula: one line, naming --steps (also when --w
    is given, which only a run uses)."""
    for extra in ([], ["--w", "1"]):
        done = invoke(["sweep", "--loss-fn", "(w0 - 3)^2", *extra])
        assert done.code == 2
        assert done.stderr.splitlines() == [
            "Error: sweep on L(w) = (w0 - 3)^2 needs --steps: the weights after N steps are "
            "shown per lam (the regularization path is drawn for --target and tables)"
        ]


def test_check_json_echoes_the_start_of_a_moving_formula() -> None:
    """Two steps on the bowl from [1, 1] (lam 0.1, lr 0.1): the answer 1.6764, 0.3364 is right,
    and the JSON's grad and loss are those at the start (dL/dw = [-4, 4], L = 6), not the
    last step's."""
    out = _json(
        ["check", "--loss-fn", BOWL, "--w", "1,1", "--lam", "0.1", "--lr", "0.1", "--steps",
         "2", "--answer", "1.6764,0.3364", "--format", "json"]
    )  # fmt: skip
    assert out["marks"] == ["right", "right"]
    assert (out["grad"], out["loss"]) == ([-4.0, 4.0], 6.0)
    assert out["formula"]["value"] == 6.0


def test_a_formula_file_is_read_as_every_input_is(tmp_path: Path) -> None:
    """``--loss-fn @file`` goes through the guarded reader's checks: a named pipe is refused
    before it is opened (it could wait forever), and the file counts as an input that --out
    must not replace."""
    import os

    pipe = tmp_path / "loss.fifo"
    os.mkfifo(pipe)
    done = invoke(["step", "--loss-fn", f"@{pipe}"])
    assert done.code == 2
    assert done.stderr.startswith("Error: --loss-fn: ") and "named pipe" in done.stderr
    source = tmp_path / "loss.json"
    source.write_text("w0^2\n")
    done = invoke(["step", "--loss-fn", f"@{source}", "--w", "1", "--out", str(source)])
    assert done.code == 2 and "is the input file of --loss-fn" in done.stderr
    assert source.read_text() == "w0^2\n"
