"""The explorer's model without Textual: the lam/lr knob, the decay demo, the chart."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regtrace.engine.penalties import L2Form
from regtrace.explore.decay import Regime, decay_demo, regime
from regtrace.explore.plot import Axis, Series, chart
from regtrace.explore.state import LAM_RANGE, LR_RANGE, nudge


@given(st.integers(-16, 16))  # 0.01 * 10^(-16/4) = 1e-6 to 0.01 * 10^4 = 100: the range
def test_presses_land_on_the_quarter_decades(k: int) -> None:
    """From 0.01, k presses give 0.01 * 10^(k/4) at 4 significant digits (within range)."""
    value = 0.01
    for _ in range(abs(k)):
        value = nudge(value, k > 0, LAM_RANGE)
    assert value == float(f"{0.01 * 10 ** (k / 4):.4g}")


def test_the_knob_stops_at_the_top_and_turns_off_at_the_bottom() -> None:
    """lr tops out at 10; lam below 1e-6 is 0, and back up from 0 is 1e-6."""
    assert nudge(10.0, True, LR_RANGE) == 10.0
    assert nudge(8.0, True, LR_RANGE) == 10.0  # 8 * 1.778 is past 10: held at 10
    assert nudge(1.5e-6, False, LAM_RANGE) == 1e-6  # 1.5e-6 / 1.778 < 1e-6: the floor first
    assert nudge(1e-6, False, LAM_RANGE) == 0.0
    assert nudge(0.0, False, LAM_RANGE) == 0.0
    assert nudge(0.0, True, LAM_RANGE) == 1e-6


def test_l2_path_is_the_textbook_geometric_decay() -> None:
    """lam = 1, lr = 0.1: factor 1 - 2*0.1*1 = 0.8, so w_k = 2.5 * 0.8^k: 2, 1.6, 1.28."""
    demo = decay_demo(2.5, 1.0, 0.1, steps=3)
    assert demo.factor == pytest.approx(0.8)
    assert demo.regime is Regime.DECAY
    assert demo.paths[0].values.tolist() == pytest.approx([2.5, 2.0, 1.6, 1.28])


def test_l1_subgradient_chatters_and_proximal_stops_at_zero() -> None:
    """w0 = 0.25, lam = 1, lr = 0.1: each L1 step moves lr*lam = 0.1 towards 0.
    Subgradient: 0.25, 0.15, 0.05, then -0.05 (overshoot), 0.05, -0.05 ...
    Proximal: 0.25, 0.15, 0.05, then soft(0.05, 0.1) = 0 and it stays 0."""
    sub, prox = decay_demo(0.25, 1.0, 0.1, steps=5).paths[1:]
    assert sub.values.tolist() == pytest.approx([0.25, 0.15, 0.05, -0.05, 0.05, -0.05])
    assert prox.values.tolist() == pytest.approx([0.25, 0.15, 0.05, 0.0, 0.0, 0.0], abs=1e-15)
    assert prox.values[-1] == 0.0


def test_the_half_form_uses_one_minus_lr_lam() -> None:
    """With L2 as lam/2*||w||^2 (PyTorch weight_decay) the factor is 1 - lr*lam = 0.9."""
    demo = decay_demo(1.0, 1.0, 0.1, steps=2, l2_form=L2Form.HALF)
    assert demo.factor == pytest.approx(0.9)
    assert demo.paths[0].values.tolist() == pytest.approx([1.0, 0.9, 0.81])


def test_a_diverging_weight_is_refused_as_regtrace_run_refuses_it() -> None:
    """lam = 100, lr = 10: factor 1 - 2*10*100 = -1999, |factor| > 1: the trajectory engine
    refuses the L2 run (it would grow without bound) and the path keeps only w0. L1 moves by
    lr*lam = 1000 a step: from 1 to -999, then +1, -999, ... and is drawn."""
    demo = decay_demo(1.0, 100.0, 10.0, steps=3)
    assert demo.regime is Regime.DIVERGE
    l2, sub, _ = demo.paths
    assert l2.values.tolist() == [1.0]
    assert l2.refused is not None
    assert l2.refused.startswith(
        "the L2 run diverges from step 1: each step multiplies the distance to the fixed point "
        "by |1 - 2*lr*lam| = 1999 > 1"
    )
    assert sub.refused is None
    assert sub.values.tolist() == [1.0, -999.0, 1.0, -999.0]


def test_the_paths_are_regtrace_runs() -> None:
    """Each path is ``regtrace run --w W0 --grad 0 --every 1`` for its penalty, bit for bit."""
    from regtrace.engine.trajectory import run

    demo = decay_demo(2.5, 0.3, 0.7, steps=20)
    expected = run([2.5], [0.0], steps=20, every=1, lam=0.3, lr=0.7, penalties=["l2"])
    assert demo.paths[0].values.tolist() == expected["l2"].weights[:, 0].tolist()


@pytest.mark.parametrize(
    ("factor", "expected"),
    [
        (1.0, Regime.NONE),
        (0.5, Regime.DECAY),
        (0.0, Regime.DECAY),
        (-0.1, Regime.OSCILLATE),
        (-1.0, Regime.STALL),
        (-1.0001, Regime.DIVERGE),
    ],
)
def test_regimes(factor: float, expected: Regime) -> None:
    """The factor's sign and size decide: shrink, flip, stall or grow."""
    assert regime(factor) is expected


def test_chart_places_points_and_the_marker() -> None:
    """A 3-point line on a 20x6 chart: corners where the data is, a marker column at x = 1."""
    series = [Series("s", [0.0, 1.0, 2.0], [0.0, 1.0, 2.0], "*", "")]
    text = chart(series, 20, 6, Axis(0, 2), Axis(0, 2), vline=1.0).plain
    lines = text.splitlines()
    # 20 wide: 9-column label margin, the axis, 10 plot columns; 6 high: 4 plot rows + 2.
    plot = [line[10:] for line in lines[:4]]
    assert plot[0][9] == "*"  # (2, 2): the top right corner
    assert plot[3][0] == "*"  # (0, 0): the bottom left corner
    assert [p[round(0.5 * 9)] for p in plot] == ["│", "│", "*", "│"]  # x = 1 is column 4.5 -> 4
    assert lines[0].startswith("        2┤") and lines[3].startswith("        0┤")
    assert lines[5].split() == ["0", "1", "2"]


def test_chart_leaves_out_points_off_the_axes() -> None:
    """A point above the y range, or at x <= 0 on a log axis, is not drawn."""
    series = [Series("s", [0.0, 1.0, 10.0], [1.0, 100.0, 1.0], "*", "")]
    text = chart(series, 30, 6, Axis(1, 10, log=True), Axis(0, 2)).plain
    assert text.count("*") == 1  # only (10, 1); (0, 1) is off the log axis, (1, 100) too high
    assert np.isfinite(1.0)
