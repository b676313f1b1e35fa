"""Numerical edge cases, each defined here and checked against a hand derivation.

Conventions (docs/design.md): ``full_grad = g + penalty_grad``, ``w_new = w - lr*full_grad``;
L2 ``lambda`` form has ``penalty_grad = 2*lam*w`` and decay factor ``f = 1 - 2*lr*lam``;
L1 has ``lam*sign(w)`` with ``sign(0) = 0``; proximal L1 is ``soft(w - lr*g, lr*lam)``.

Definitions:
- overflow: any quantity of the step beyond float64 (about 1.8e308) is an error naming the
  penalty's step, exit 2, and no table (no ``inf`` is ever printed);
- divergence: one step is always shown, but when ``f < -1`` repeated steps diverge
  (``w_k+1 = f*w_k - lr*g`` grows without bound when ``|f| > 1``) and a note says so;
- a number below the smallest subnormal (4.9e-324) reads as 0, as IEEE rounding gives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace.engine.step import step
from tests.conftest import invoke

SMALLEST_SUBNORMAL = 5e-324  # 2**-1074, printed by Python as 5e-324


def _json(args: list[str]) -> dict[str, object]:
    result = invoke([*args, "--format", "json"])
    assert result.code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _w_new(data: dict[str, object]) -> dict[str, list[float]]:
    results = data["results"]
    assert isinstance(results, list)
    return {r["penalty"]: r["w_new"] for r in results}


def _error(args: list[str]) -> str:
    result = invoke(args)
    assert result.code == 2
    assert result.stdout == ""  # no table at all, so no inf in one
    (line,) = result.stderr.splitlines()
    return line


# -- overflow and divergence --------------------------------------------------------------


def test_penalty_gradient_overflow() -> None:
    """``w = 1e308``, ``lam = 1``: ``2*lam*w = 2e308`` is beyond float64."""
    assert _error(["step", "--w", "1e308", "--grad", "0", "--lam", "1", "--penalty", "l2"]) == (
        "Error: the L2 step overflows float64 (a weight or gradient beyond 1.8e308); "
        "use smaller lr, lam or weights"
    )


def test_update_overflow_from_huge_lr_times_lam() -> None:
    """``w = 1``, ``lam = 1e300``, ``lr = 1e10``: the gradient ``2e300`` is finite, the
    update ``-1e10 * 2e300 = -2e310`` is not."""
    args = ["step", "--w", "1", "--grad", "0", "--lam", "1e300", "--lr", "1e10", "-p", "l2"]
    assert _error(args) == (
        "Error: the L2 step overflows float64 (a weight or gradient beyond 1.8e308); "
        "use smaller lr, lam or weights"
    )


def test_l1_update_overflow() -> None:
    """L1 names its own step: ``full = 1e308 + 0.01``, ``lr*full = 1e309``."""
    args = ["step", "--w", "1", "--grad", "1e308", "--lr", "10", "--penalty", "l2,l1"]
    # L2 comes first and overflows first: 1e308 + 2*0.01*1 = 1e308, times 10.
    assert _error(args).startswith("Error: the L2 step overflows float64")
    assert _error([*args[:-1], "l1"]).startswith("Error: the L1 step overflows float64")


def test_lr_times_lam_beyond_float64_even_when_w_is_zero() -> None:
    """``w = 0`` keeps every update at 0, but ``1 - 2*lr*lam = 1 - 2e310`` cannot be shown."""
    args = ["step", "--w", "0", "--grad", "0", "--lam", "1e300", "--lr", "1e10", "-p", "l2"]
    assert _error(args) == (
        "Error: the L2 step overflows float64: lr x lam is beyond 1.8e308 (weight-decay "
        "factor 1 - 2*lr*lam); use smaller lr or lam"
    )


def test_loss_overflow() -> None:
    """``w = 1e154``, ``lam = 1``: penalty ``1e308``; ``L + penalty = 2e308`` overflows.
    (``g = -2e154`` cancels the penalty gradient ``2e154``, so the update itself is 0.)"""
    args = ["step", "--w", "1e154", "--grad", "-2e154", "--lam", "1", "--loss", "1e308"]
    assert _error([*args, "--penalty", "l2"]) == (
        "Error: the L2 loss L + penalty overflows float64; use a smaller loss, lam or weights"
    )


def test_divergent_step_is_shown_with_a_note() -> None:
    """``w = 1``, ``g = 0``, ``lam = 10``, ``lr = 1``: ``f = 1 - 2*1*10 = -19`` and
    ``w_new = 1 - 1*(0 + 2*10*1) = -19``; ``|f| > 1``, so repeated steps diverge."""
    args = ["step", "--w", "1", "--grad", "0", "--lam", "10", "--lr", "1", "--penalty", "l2"]
    result = invoke(args)
    assert result.code == 0
    assert re.search(r"New weight +-19\n", result.stdout)
    assert result.stdout.splitlines()[-1] == (
        "L2: the weight-decay factor -19 is below -1, so repeated steps flip the sign of w "
        "and grow it: they diverge (keep lr x lam < 1)"
    )


def test_factor_of_exactly_minus_one_is_not_divergent() -> None:
    """``lr*lam = 1``: ``f = -1``, ``w_new = -w``: it oscillates but does not grow."""
    args = ["step", "--w", "1", "--grad", "0", "--lam", "1", "--lr", "1", "--penalty", "l2"]
    result = invoke(args)
    assert result.code == 0
    assert "diverge" not in result.stdout
    assert _w_new(_json(args)) == {"l2": [-1.0]}


def test_half_form_divergence_threshold() -> None:
    """Half form: ``f = 1 - lr*lam``; ``lr = 3``, ``lam = 1`` gives ``f = -2``."""
    args = ["step", "--w", "1", "--grad", "0", "--lam", "1", "--lr", "3", "-p", "l2"]
    result = invoke([*args, "--l2-form", "half"])
    assert "factor -2 is below -1" in result.stdout
    assert "(keep lr x lam < 2)" in result.stdout


# -- subnormal numbers ------------------------------------------------------------------------


def test_subnormal_weight() -> None:
    """``w = 2**-1074`` (the smallest subnormal), ``g = 0``, ``lam = 0.01``, ``lr = 0.1``.

    - L2: ``2*0.01*w = 9.9e-326`` is below half the smallest subnormal, so it rounds to 0
      and ``w_new = w`` exactly.
    - L1: ``0.01*sign(w) = 0.01``; ``w_new = w - 0.001 = -0.001`` (w is absorbed).
    - proximal L1: ``v = w``, ``|v| < lr*lam = 0.001``, so ``w_new = 0`` exactly.
    """
    args = ["step", "--w", "5e-324", "--grad", "0", "--lam", "0.01", "--lr", "0.1"]
    new = _w_new(_json([*args, "--penalty", "l2,l1"]))
    assert new["l2"] == [SMALLEST_SUBNORMAL]
    assert new["l1"] == [-0.001]
    prox = _w_new(_json([*args, "--penalty", "l1", "--l1-method", "proximal"]))
    assert prox == {"l1": [0.0]}


def test_subnormal_shown_in_the_table() -> None:
    """``2**-1074 = 4.9406564584124654e-324``: 12 significant digits in the table."""
    result = invoke(["step", "--w", "5e-324", "--grad", "0", "--penalty", "l2"])
    assert result.code == 0
    assert "4.94065645841e-324" in result.stdout


def test_below_the_smallest_subnormal_reads_as_zero() -> None:
    """``1e-400`` rounds to 0 (IEEE): the step is that of ``w = 0``."""
    data = _json(["step", "--w", "1e-400", "--grad", "0.5", "--penalty", "l2"])
    assert data["w"] == [0.0]
    assert _w_new(data) == {"l2": [-0.05]}  # 0 - 0.1*(0.5 + 0)


# -- all-zero weights, a single weight ----------------------------------------------------------


def test_all_zero_weights() -> None:
    """``w = 0``, ``g = [0.1, -0.2, 0]``: every penalty gradient is 0 (``2*lam*0`` and
    ``lam*sign(0)``), so L2 and L1 both give ``w_new = -0.1*g = [-0.01, 0.02, 0]`` and a
    penalty of 0. Proximal: ``v = [-0.01, 0.02, 0]`` shrunk by 0.001: ``[-0.009, 0.019, 0]``."""
    args = ["step", "--w", "0,0,0", "--grad", "0.1,-0.2,0", "--lam", "0.01", "--lr", "0.1"]
    data = _json([*args, "--loss", "2"])
    for result in data["results"]:  # type: ignore[union-attr]
        assert result["penalty_grad"] == [0.0, 0.0, 0.0]
        assert result["penalty_value"] == 0.0
        assert result["loss"] == 2.0
        np.testing.assert_allclose(result["w_new"], [-0.01, 0.02, 0.0], rtol=0, atol=1e-17)
    prox = _w_new(_json([*args, "--penalty", "l1", "--l1-method", "proximal"]))
    np.testing.assert_allclose(prox["l1"], [-0.009, 0.019, 0.0], rtol=0, atol=1e-17)
    table = invoke([*args, "--layout", "summary"])
    assert table.code == 0
    assert "3 -> 1" in table.stdout  # exact zeros before -> after


def test_single_weight() -> None:
    """One weight is still a vector: ``w = 2.5``, ``g = -0.2`` gives L2 ``2.5 - 0.1*(-0.2 +
    0.05) = 2.515`` and L1 ``2.5 - 0.1*(-0.2 + 0.01) = 2.519``, as lists of one."""
    data = _json(["step", "--w", "2.5", "--grad", "-0.2"])
    assert data["w"] == [2.5]
    new = _w_new(data)
    assert new["l2"] == pytest.approx([2.515], abs=1e-15)
    assert new["l1"] == pytest.approx([2.519], abs=1e-15)
    table = invoke(["step", "--w", "2.5", "--grad", "-0.2"])
    assert "w0 (L2)" in table.stdout


# -- lam = 0 and lr = 0, as properties -----------------------------------------------------------

MODERATE = st.floats(min_value=-1e100, max_value=1e100, allow_nan=False)
METHODS = st.sampled_from(["subgradient", "proximal"])
FORMS = st.sampled_from(["lambda", "half"])


@st.composite
def weights_and_grads(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    n = draw(st.integers(1, 6))
    return draw(st.lists(MODERATE, min_size=n, max_size=n)), draw(
        st.lists(MODERATE, min_size=n, max_size=n)
    )


@settings(max_examples=150, deadline=None)
@given(data=weights_and_grads(), lr=st.floats(0, 10), method=METHODS, form=FORMS)
def test_lam_zero_is_no_penalty(
    data: tuple[list[float], list[float]], lr: float, method: str, form: str
) -> None:
    """``lam = 0`` makes every penalty ``none``: zero penalty gradient and value, and the
    very same new weights as ``none`` (``w - lr*g``), bit for bit."""
    w, g = data
    report = step(
        w,
        g,
        lam=0.0,
        lr=lr,
        penalties=["l2", "l1", "elastic", "none"],
        l1_method=method,
        l2_form=form,
    )
    plain = report["none"]
    for result in report.results:
        assert result.penalty_value == 0.0
        assert not np.any(result.penalty_grad)
        np.testing.assert_array_equal(result.w_new, plain.w_new)


@settings(max_examples=150, deadline=None)
@given(data=weights_and_grads(), lam=st.floats(0, 10), method=METHODS, form=FORMS)
def test_lr_zero_leaves_w_unchanged(
    data: tuple[list[float], list[float]], lam: float, method: str, form: str
) -> None:
    """``lr = 0``: ``step = -0*full_grad = 0`` and ``w_new == w`` exactly, for every
    penalty, also proximal (soft-thresholding by ``0*lam = 0`` is the identity)."""
    w, g = data
    report = step(
        w,
        g,
        lam=lam,
        lr=0.0,
        penalties=["l2", "l1", "elastic", "none"],
        l1_method=method,
        l2_form=form,
    )
    for result in report.results:
        np.testing.assert_array_equal(result.w_new, np.asarray(w))
        assert not np.any(result.step)


def test_lam_zero_on_the_command_line() -> None:
    """The CLI agrees: ``--lam 0`` gives each penalty the ``none`` result
    ``w - 0.1*g = [2.5 + 0.02, -0.8 - 0.01, 0.1 + 0.005]``."""
    new = _w_new(_json(["step", "--lam", "0", "--penalty", "l2,l1,elastic,none"]))
    assert len({tuple(v) for v in new.values()}) == 1
    np.testing.assert_allclose(new["none"], [2.52, -0.81, 0.105], rtol=0, atol=1e-15)


def test_lr_zero_on_the_command_line() -> None:
    """``--lr 0``: the new weights are the old ones, the updates are 0."""
    new = _w_new(_json(["step", "--lr", "0", "--penalty", "l2,l1,elastic"]))
    assert all(v == [2.5, -0.8, 0.1] for v in new.values())


# -- big runs keep small bookkeeping ------------------------------------------------------------


@pytest.mark.parametrize(("steps", "dtype"), [(100, np.int8), (127, np.int8), (200, np.int16)])
def test_sign_events_use_the_smallest_integer_that_holds_the_steps(
    steps: int, dtype: type[np.signedinteger[object]]
) -> None:
    """``w = 0.0005``, ``lam = 0.01``, ``lr = 0.1``, ``g = 0``: each L1 step moves by
    ``0.1*0.01 = 0.001`` against ``sign(w)``, so ``w`` alternates ``+-0.0005`` and changes sign
    at every step: ``steps`` flips, the first at step 1. The counters are the smallest signed
    integer type holding ``steps`` (10 MB instead of 40 MB per 10^7 weights for 100 steps)."""
    from regtrace.engine.trajectory import run

    events = run([0.0005], [0.0], lam=0.01, lr=0.1, steps=steps, penalties=["l1"])["l1"].events
    assert events is not None
    assert events.flips.dtype == dtype
    assert events.flips.tolist() == [steps]
    assert events.first_flip.tolist() == [1]
    assert events.first_zero.tolist() == [-1]


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.5]), min_size=0, max_size=40),
    top=st.integers(1, 8),
)
def test_largest_is_a_stable_argsort(values: list[float], top: int) -> None:
    """The summary's top-k by partition equals ``argsort(-x, kind="stable")[:top]``, ties in
    index order (few distinct values, so ties are everywhere)."""
    from regtrace.render.step_text import largest

    magnitude = np.array(values, dtype=np.float64)
    want = np.argsort(-magnitude, kind="stable")[:top]
    np.testing.assert_array_equal(largest(magnitude, top), want)


def test_runs_keeping_two_rows_share_one_start() -> None:
    """With only ``w_0`` and ``w_N`` kept, the penalties' trajectories share one ``w_0`` row
    (one copy of the start on 10^7 weights, not one per penalty) and each still equals the
    same penalty run alone, bit for bit."""
    from regtrace.engine.trajectory import run

    w, g = [1.0, -2.0, 0.0005], [0.1, 0.2, 0.0]
    both = run(w, g, lam=0.01, lr=0.1, steps=3, every=3, penalties=["l2", "l1"])
    assert np.shares_memory(both["l2"].weights, both["l1"].weights)
    assert both["l2"].steps == (0, 3)
    for kind in ("l2", "l1"):
        alone = run(w, g, lam=0.01, lr=0.1, steps=3, every=3, penalties=[kind])[kind]
        np.testing.assert_array_equal(both[kind].weights, alone.weights)
        np.testing.assert_array_equal(both[kind].weights[0], w)
    together, alone = both["l1"].events, run(w, g, steps=3, every=3, penalties=["l1"])["l1"].events
    assert together is not None and alone is not None
    for field in ("first_zero", "first_flip", "flips", "zero_at_end"):
        np.testing.assert_array_equal(getattr(together, field), getattr(alone, field))


def test_proximal_threshold_beyond_float64() -> None:
    """Proximal L1 soft-thresholds by ``lr*lam = 1e300*1e10 = 1e310``: beyond float64, even
    though ``w = 0`` would stay 0."""
    args = ["step", "--w", "0", "--grad", "0", "--lam", "1e10", "--lr", "1e300", "-p", "l1"]
    assert _error([*args, "--l1-method", "proximal"]) == (
        "Error: the L1 step overflows float64: lr x lam is beyond 1.8e308 (soft-threshold "
        "lr*lam); use smaller lr or lam"
    )


def test_a_lam_whose_double_overflows_is_a_divergence() -> None:
    """``run --lam 1e308``: 2*lam is beyond float64, so |1 - 2*lr*lam| is infinite and the run
    diverges; one error line, no overflow warning (warnings are errors in the tests)."""
    result = invoke(["run", "--lam", "1e308"])
    assert result.code == 2
    assert result.stderr.startswith("Error: the L2 run diverges from step 1")
    assert result.stderr.count("\n") == 1


def test_an_exponent_of_thousands_of_digits_is_one_error_line(tmp_path: Path) -> None:
    """``1e`` and 5000 nines in an answer file: refused as too big for exact arithmetic, with
    the digit count bounded below (10^12 + 1), not a crash on printing a 5000-digit integer."""
    answer = tmp_path / "answer.txt"
    answer.write_text("1e" + "9" * 5000 + "\n", encoding="utf-8")
    result = invoke(["check", "--answer", f"@{answer}"])
    assert result.code == 2
    assert "would be an exact number of 1,000,000,000,001 or more digits" in result.stderr
    assert result.stderr.count("\n") == 1
