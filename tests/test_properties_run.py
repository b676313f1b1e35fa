"""Hypothesis properties of ``run``: L2 shrinkage, proximal zeros, and agreement with ``step``."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st

from regtrace import run, step

weights = st.lists(
    st.floats(min_value=-100, max_value=100, allow_nan=False).filter(lambda x: abs(x) > 1e-6),
    min_size=1,
    max_size=6,
)


@given(weights, st.floats(min_value=0.001, max_value=0.49), st.integers(1, 40))
def test_l2_without_data_gradient_shrinks_monotonically(
    w: list[float], decay: float, steps: int
) -> None:
    """g = 0 and 0 < 2*lr*lam < 1: each step multiplies w by a = 1 - 2*lr*lam in (0, 1), so
    |w| falls every step and the sign never changes (a > 0)."""
    lr = 0.1
    lam = decay / (2 * lr)  # 2*lr*lam = decay
    report = run(w, [0.0] * len(w), lam=lam, lr=lr, steps=steps, penalties=["l2"])
    path = report["l2"].weights
    assert (np.abs(path[1:]) < np.abs(path[:-1])).all()
    assert (np.sign(path) == np.sign(np.array(w))).all()


@given(
    st.floats(min_value=1e-3, max_value=10),
    st.sampled_from([-1.0, 1.0]),
    st.floats(min_value=0.01, max_value=1),
    st.floats(min_value=0.01, max_value=1),
)
def test_proximal_l1_reaches_zero_in_ceil_w_over_threshold(
    size: float, sign: float, lr: float, lam: float
) -> None:
    """g = 0: soft-thresholding takes lr*lam off |w| each step, so w is exactly 0 after
    ceil(|w|/(lr*lam)) steps and stays 0 (ratios within 1e-6 of a whole number are skipped:
    there the float rounding of k*lr*lam decides between two neighbouring counts)."""
    t = lr * lam
    ratio = size / t
    assume(ratio < 500 and abs(ratio - round(ratio)) > 1e-6)
    need = math.ceil(ratio)
    report = run([sign * size], [0.0], lam=lam, lr=lr, steps=need + 3, every=1, penalties=["l1"],
                 l1_method="proximal")  # fmt: skip
    path = report["l1"].weights[:, 0]
    assert (path[need:] == 0).all()
    assert path[need - 1] != 0
    ev = report["l1"].events
    assert ev is not None and ev.first_zero.tolist() == [need]


@given(
    weights,
    st.floats(min_value=-10, max_value=10, allow_nan=False),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
    st.sampled_from(["subgradient", "proximal"]),
)
@example(w=[1.0], g=0.0, lam=1.0, lr=0.9999999999999999, method="subgradient")
def test_each_step_of_a_run_is_a_step(
    w: list[float], g: float, lam: float, lr: float, method: str
) -> None:
    """Chaining ``step`` three times gives the rows of a 3-step run, bit for bit, except a
    weight that lands within 1e-12 of the weight it came from: that is float rounding of an
    exact 0 (1 - 0.9999999999999999 x 1 leaves 1.1e-16), which the run shows as 0 and, with
    an L1 part, goes on from."""
    grad = [g] * len(w)
    kinds = ["l2", "l1", "elastic"]
    report = run(w, grad, lam=lam, lr=lr, steps=3, penalties=kinds, l1_method=method)
    for k, kind in enumerate(kinds):
        current = np.array(w)
        for row in report.results[k].weights[1:]:
            before = current
            current = step(current, grad, lam=lam, lr=lr, penalties=[kind],
                           l1_method=method).results[0].w_new  # fmt: skip
            noise = np.abs(current) <= 1e-12 * np.abs(before)
            assert current[~noise].tolist() == row[~noise].tolist()
            assert (row[noise] == 0).all()
            if kind != "l2":
                current = np.where(noise, 0.0, current)
