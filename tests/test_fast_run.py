"""The chunk-at-a-time loop of big runs against the general loop.

Both compute ``w - lr*(c*lam2*w + lam1*sign(w) + g)``; the general loop in the order the
one-step trace shows, the fast one as ``a*w - lr*g - lr*lam1*sign(w)``. From the same ``w``
one step of each agrees within ``FAST_STEP_ULPS`` ulps of the step's scale
``|w| + lr*(|g| + c*lam2*|w| + lam1)`` (``g`` the data gradient at ``w``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace import RegtraceError, run
from regtrace.engine.penalties import Penalty
from regtrace.engine.trajectory import (
    BIG_VECTOR,
    BLOCK,
    FAST_STEP_ULPS,
    UpdateRule,
    _SignWatch,
    gradient_descent,
)

EPS = float(np.finfo(np.float64).eps)
KINDS = ["l2", "l1", "elastic", "none"]


def general(penalty: Penalty, lr: float) -> UpdateRule:
    """Plain gradient descent through the general loop (a rule other than the built-in)."""
    return gradient_descent(penalty, lr)


def _inputs(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(n) * rng.choice([1e-3, 1.0, 1e3], n)
    g = rng.standard_normal(n) * rng.choice([1e-3, 1.0, 1e3], n)
    w[: n // 50] = 0.0  # exact zeros: sign(0) = 0
    return w, g


def _scale(w: np.ndarray, g: np.ndarray, lam: float, lr: float) -> np.ndarray:
    """``|w| + lr*(|g| + 2*lam*|w| + lam)``: what one step's rounding is measured against."""
    return np.abs(w) + lr * (np.abs(g) + 2 * lam * np.abs(w) + lam)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    lam=st.floats(0.0, 2.0),
    lr=st.floats(1e-4, 0.2),
    method=st.sampled_from(["subgradient", "proximal"]),
    use_target=st.booleans(),
    per_weight=st.booleans(),
)
def test_one_fast_step_is_within_the_bound_of_the_general_step(
    seed: int, lam: float, lr: float, method: str, use_target: bool, per_weight: bool
) -> None:
    """From the same w, one step of the fast loop and of the general loop differ by at most
    FAST_STEP_ULPS ulps of the step's scale, for every penalty, with a fixed gradient or a
    target, scalar or per-weight strengths."""
    n = BIG_VECTOR + 77
    w, g = _inputs(seed, n)
    strength = np.random.default_rng(seed).uniform(0, lam, n) if per_weight else lam
    data = {"target": g} if use_target else {"grad": g}
    kw = dict(lam=strength, lr=lr, steps=1, penalties=KINDS, l1_method=method, **data)
    fast = run(w, **kw)  # type: ignore[arg-type]
    slow = run(w, rule=general, **kw)  # type: ignore[arg-type]
    grad_at_w = w - g if use_target else g
    bound = FAST_STEP_ULPS * EPS * _scale(w, grad_at_w, lam, lr)
    for kind in KINDS:
        diff = np.abs(fast[kind].w_final - slow[kind].w_final)
        assert np.all(diff <= bound), (kind, float(np.max(diff / np.maximum(bound, 1e-300))))


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    lam=st.floats(0.0, 1.0),
    lr=st.floats(1e-3, 0.2),
    steps=st.integers(2, 30),
    use_target=st.booleans(),
)
def test_runs_that_cannot_jump_stay_within_steps_times_the_bound(
    seed: int, lam: float, lr: float, steps: int, use_target: bool
) -> None:
    """L2, none and proximal L1 do not amplify a difference, so after N steps the fast and
    general runs differ by at most N times the one-step bound (at the largest scale seen);
    every kept row is written, chunk by chunk, in the right place."""
    n = 2 * BLOCK + 5
    w, g = _inputs(seed, n)
    data = {"target": g} if use_target else {"grad": g}
    kinds = ["l2", "none", "l1", "elastic"]
    kw = dict(lam=lam, lr=lr, steps=steps, every=1, penalties=kinds, l1_method="proximal")
    fast = run(w, **kw, **data)  # type: ignore[arg-type]
    slow = run(w, rule=general, **kw, **data)  # type: ignore[arg-type]
    for kind in kinds:
        rows = slow[kind].weights
        grads = rows - g if use_target else np.broadcast_to(g, rows.shape)
        scale = np.max(_scale(rows, grads, lam, lr), axis=0)
        bound = (np.arange(steps + 1)[:, None] * FAST_STEP_ULPS * EPS) * scale
        assert np.all(np.abs(fast[kind].weights - rows) <= bound), kind


@pytest.mark.parametrize(
    ("method", "lam"), [("subgradient", 0.05), ("proximal", 0.05), ("subgradient", 1.0)]
)
def test_sign_notes_merged_over_chunks_equal_a_watch_over_every_step(
    method: str, lam: float
) -> None:
    """The sign changes noted chunk by chunk are those a watch over the whole vector finds in
    the run's own steps (first zero, first flip, number of flips, zero at the end); with a
    strong lam most weights flip at every step (each block then takes every sign afresh)."""
    rng = np.random.default_rng(3)
    n = 3 * BLOCK + 11
    w0 = rng.standard_normal(n) * 0.02
    g = rng.standard_normal(n) * 0.01
    steps = 12
    report = run(w0, g, lam=lam, lr=0.1, steps=steps, every=1, penalties=["l1", "elastic"],
                 l1_method=method)  # fmt: skip
    for t in report.results:
        watch = _SignWatch(t.weights[0], steps)
        for k in range(1, steps + 1):
            watch.update(t.weights[k], k)
        want = watch.result(t.weights[-1])
        assert t.events is not None
        assert np.array_equal(t.events.first_zero, want.first_zero)
        assert np.array_equal(t.events.first_flip, want.first_flip)
        assert np.array_equal(t.events.flips, want.flips)
        assert np.array_equal(t.events.zero_at_end, want.zero_at_end)
        # the case exercises the notes: proximal L1 lands on 0, subgradient L1 flips
        noted = want.first_zero if method == "proximal" else want.first_flip
        assert np.any(noted >= 0)


def test_overflow_names_the_earliest_step_over_all_chunks() -> None:
    """A weight in a late chunk that overflows at step 1 wins over one in an earlier chunk
    that overflows at step 2; the message is the general loop's."""
    n = 3 * BLOCK
    w = np.zeros(n)
    g = np.zeros(n)
    w[BLOCK + 3], g[BLOCK + 3] = 1e308, -5e307  # 1.5e308, then inf at step 2
    w[2 * BLOCK + 9], g[2 * BLOCK + 9] = 1.7e308, -1e308  # inf at step 1
    messages = []
    for rule in (gradient_descent, general):
        with pytest.raises(RegtraceError) as err:
            run(w, g, lam=0.0, lr=1.0, steps=5, penalties=["l2"], rule=rule)
        messages.append(str(err.value))
    assert "at step 1 " in messages[0]
    assert messages[0] == messages[1]


@pytest.mark.parametrize("method", ["subgradient", "proximal"])
def test_threads_change_nothing(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunks shared out among threads give, bit for bit, the run of one thread: the
    weights, the sign notes and the summary numbers."""
    import regtrace.engine.parallel as parallel

    rng = np.random.default_rng(8)
    n = 5 * BLOCK + 3
    w0, g = rng.standard_normal(n) * 0.02, rng.standard_normal(n) * 0.01
    kwargs = dict(lam=0.05, lr=0.1, steps=9, every=4, l1_method=method)
    monkeypatch.setattr(parallel, "thread_count", lambda pieces: min(pieces, 4))
    many = run(w0, g, penalties=["l2", "l1", "elastic"], **kwargs)
    monkeypatch.setattr(parallel, "thread_count", lambda pieces: 1)
    one = run(w0, g, penalties=["l2", "l1", "elastic"], **kwargs)
    for a, b in zip(many.results, one.results, strict=True):
        assert np.array_equal(a.weights, b.weights)
        assert a.stats == b.stats
        if b.events is not None:
            assert a.events is not None
            for field in ("first_zero", "first_flip", "flips", "zero_at_end"):
                assert np.array_equal(getattr(a.events, field), getattr(b.events, field))
