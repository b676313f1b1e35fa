"""The penalty registry: built-ins, the words every message lists, and a new penalty that
flows through ``regtrace step`` (table, JSON, exact) by registering one rule, with no other
source file edited."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regtrace.engine.exact import exact_step
from regtrace.engine.penalties import Penalty
from regtrace.engine.step import step
from regtrace.regularizers import (
    Elementwise,
    Ops,
    PenaltyKind,
    new_kind,
    penalty_kinds,
    register,
    rule_for,
    unregister,
)
from tests.conftest import ROOT, invoke


@dataclass(frozen=True)
class Quartic:
    """``lam*sum(w^4)``, gradient ``4*lam*w^3``: a smooth penalty with no L1 or L2 part."""

    kind: PenaltyKind
    exact: bool = True
    l1_part: bool = False
    l2_part: bool = False
    help: str = "lam*sum(w^4)"

    def split(self, lam: Any, lam1: Any, lam2: Any) -> tuple[Any, Any]:
        return lam, lam * 0

    def lam_json(self, p: Penalty, to_json: Callable[[Any], Any]) -> Any:
        return to_json(p.lam1)

    def strengths(self, p: Penalty) -> Sequence[tuple[str, Any]]:
        return [("lam", p.lam1)]

    def formula(self, p: Penalty) -> str:
        return "lam*sum(w^4), gradient 4*lam*w^3"

    def value(self, p: Penalty, w: Any, ops: Ops) -> Any:
        return ops.total(p.lam1 * w * w * w * w)

    def grad(self, p: Penalty, w: Any, ops: Ops) -> Any:
        return 4 * p.lam1 * w * w * w

    def proximal(self, p: Penalty) -> bool:
        return False

    def smooth_grad(self, p: Penalty, w: Any, ops: Ops) -> Any:
        return self.grad(p, w, ops)

    def prox(self, p: Penalty, v: Any, lr: Any, ops: Ops) -> tuple[Any, Any]:
        raise NotImplementedError

    def elementwise(self, p: Penalty, lr: float) -> Elementwise | None:
        return None


@pytest.fixture
def quartic() -> Iterator[PenaltyKind]:
    """The quartic penalty, registered for one test."""
    rule = register(Quartic(new_kind("quartic", "Quartic")))
    yield rule.kind
    unregister(rule.kind)


def test_built_ins_in_order_and_enum_like() -> None:
    """l2, l1, elastic, none, in that order; a word gives the one instance of its kind."""
    assert [k.value for k in penalty_kinds()][:4] == ["l2", "l1", "elastic", "none"]
    assert PenaltyKind("l2") is PenaltyKind.L2
    assert PenaltyKind("elastic").label == "Elastic"
    assert [k.value for k in PenaltyKind][:4] == ["l2", "l1", "elastic", "none"]
    with pytest.raises(ValueError, match="'l3' is not a valid PenaltyKind"):
        PenaltyKind("l3")
    assert rule_for("l1").l1_part and not rule_for("l1").l2_part
    with pytest.raises(ValueError, match="already registered"):
        register(rule_for("l2"))


def test_choices_import_without_numpy() -> None:
    """The registry and the L2 form / L1 method / layout choices load no NumPy."""
    code = (
        "import sys\n"
        "from regtrace.regularizers import penalty_names, L2Form, L1Method\n"
        "from regtrace.render.layout import Layout\n"
        "print(penalty_names(), any(m.split('.')[0] == 'numpy' for m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "l2, l1, elastic, none False"


def test_new_penalty_in_step_json(quartic: PenaltyKind) -> None:
    """w = [1, -2], lam = 0.1, lr = 0.1, g = [0.5, 0]: gradient 4*0.1*w^3 = [0.4, -3.2],
    value 0.1*(1 + 16) = 1.7, full gradient [0.9, -3.2], w_new = w - 0.1*full = [0.91, -1.68]."""
    args = ["step", "--w", "1,-2", "--grad", "0.5,0", "--lam", "0.1", "--lr", "0.1"]
    done = invoke([*args, "--penalty", "quartic,l2", "--loss", "1", "--format", "json"])
    assert done.code == 0, done.stderr
    mine, l2 = json.loads(done.stdout)["results"]
    assert mine["penalty"] == "quartic" and mine["lam"] == 0.1
    assert mine["penalty_value"] == pytest.approx(1.7, abs=1e-15)
    assert mine["loss"] == pytest.approx(2.7, abs=1e-15)
    assert np.allclose(mine["penalty_grad"], [0.4, -3.2], rtol=0, atol=1e-15)
    assert np.allclose(mine["full_grad"], [0.9, -3.2], rtol=0, atol=1e-15)
    assert np.allclose(mine["w_new"], [0.91, -1.68], rtol=0, atol=1e-15)
    # L2: g + 2*0.1*w = [0.7, -0.4], w_new = [1 - 0.07, -2 + 0.04]
    assert np.allclose(l2["w_new"], [0.93, -1.96], rtol=0, atol=1e-15)


def test_new_penalty_in_step_table_and_exact(quartic: PenaltyKind) -> None:
    """The table names it and states its formula; --exact computes it in fractions."""
    args = ["step", "--w", "1,-2", "--grad", "0.5,0", "--lam", "0.1", "--lr", "0.1"]
    table = invoke([*args, "--penalty", "quartic", "--show-work"])
    assert table.code == 0, table.stderr
    assert "Quartic: lam*sum(w^4), gradient 4*lam*w^3" in table.stdout
    assert "w0 (Quartic)" in table.stdout and "lam = 0.1" in table.stdout
    assert "Quartic penalty: lam*sum(w^4) = 1.7" in table.stdout
    assert "4x0.1x" not in table.stdout  # no L2 arithmetic is invented for it
    exact = invoke([*args, "--penalty", "quartic", "--exact", "--format", "json"])
    assert exact.code == 0, exact.stderr
    assert json.loads(exact.stdout)["results"][0]["w_new"] == [0.91, -1.68]  # 91/100, -42/25


def test_unknown_penalty_lists_the_registry(quartic: PenaltyKind) -> None:
    """ "choose from" names every registered penalty, the new one included."""
    done = invoke(["step", "--penalty", "l3"])
    assert done.code == 2
    assert done.stderr.strip() == (
        "Error: --penalty: unknown penalty 'l3'; choose from l2, l1, elastic, none, quartic"
    )


def test_penalty_without_elementwise_form_is_refused_by_run_and_sweep(
    quartic: PenaltyKind,
) -> None:
    """run's in-place loop and sweep's fixed point need the per-weight form: one line, exit 2
    (never a fixed point computed as if there were no penalty)."""
    for args in (
        ["run", "--w", "1", "--grad", "0", "--penalty", "quartic", "--steps", "2"],
        ["sweep", "--target", "1,2", "--penalty", "quartic", "--lams", "0.1,0.2"],
    ):
        done = invoke(args)
        assert done.code == 2, args
        assert done.stderr.startswith("Error: the Quartic penalty has no per-weight update")
        assert done.stderr.count("\n") == 1


decimals = st.integers(-5000, 5000).map(lambda k: Fraction(k, 1000))


@given(
    st.lists(st.tuples(decimals, decimals), min_size=1, max_size=5),
    st.integers(0, 1000).map(lambda k: Fraction(k, 1000)),
    st.integers(0, 1000).map(lambda k: Fraction(k, 1000)),
    st.sampled_from(["l2", "l1", "elastic", "none"]),
    st.sampled_from(["subgradient", "proximal"]),
    st.sampled_from(["lambda", "half"]),
)
def test_exact_and_float_share_the_arithmetic(
    wg: list[tuple[Fraction, Fraction]],
    lam: Fraction,
    lr: Fraction,
    kind: str,
    method: str,
    form: str,
) -> None:
    """One description, two number types: the exact step keeps ``w_new = w - lr*full_grad``
    exactly, and the float step equals it to rounding (zeros included)."""
    w, g = [a for a, _ in wg], [b for _, b in wg]
    ex = exact_step(w, g, lam=lam, lr=lr, penalties=[kind], l1_method=method, l2_form=form)[kind]
    assert all(wn == wi - lr * fg for wn, wi, fg in zip(ex.w_new, w, ex.full_grad, strict=True))
    fl = step(
        [float(x) for x in w], [float(x) for x in g], lam=float(lam), lr=float(lr),
        penalties=[kind], l1_method=method, l2_form=form,
    )[kind]  # fmt: skip
    want = np.array([float(x) for x in ex.w_new])
    assert np.allclose(fl.w_new, want, rtol=1e-12, atol=1e-12)
    assert [x == 0 for x in fl.w_new] == [x == 0 for x in ex.w_new] or method == "subgradient"
    assert fl.penalty_value == pytest.approx(float(ex.penalty_value), rel=1e-12, abs=1e-12)
