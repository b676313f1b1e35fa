"""``run`` against numbers derived by hand, the fixed points, divergence and L1 events.

Closed form used throughout (fixed gradient g, L2 in the ``lambda`` form): one step is
``w <- w - lr*(g + 2*lam*w) = a*w - lr*g`` with ``a = 1 - 2*lr*lam``, so after N steps
``w_N = a^N*w_0 - (1 + a + ... + a^(N-1))*lr*g = a^N*w_0 - (1 - a^N)/(1 - a)*lr*g``
(and ``w_N = w_0 - N*lr*g`` when ``a = 1``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from regtrace import RegtraceError, run, step
from regtrace.engine.penalties import Penalty
from regtrace.engine.trajectory import (
    UpdateRule,
    _SignWatch,
    default_every,
    fixed_point,
    kept_steps,
)

W = [2.5, -0.8, 0.1]
G = [-0.2, 0.1, -0.05]
CLOSE = {"rtol": 0, "atol": 1e-13}  # ten steps of float64 roundings on numbers of size ~1


def test_builtin_lambda_sensitivity_lam_0() -> None:
    """lam = 0: ten plain steps. A table often printed says [2.7, -0.7, 0.15]; its w1 is wrong.

    w_10 = w_0 - 10*0.1*g = w_0 - g = [2.5 + 0.2, -0.8 - 0.1, 0.1 + 0.05] = [2.7, -0.9, 0.15].
    A printed -0.7 would need dL/dw1 = -0.1; the loop (dL/dw1 = 0.1) gives -0.9.
    """
    report = run(W, G, lam=0.0, lr=0.1, steps=10, penalties=["l2"])
    assert_allclose(report["l2"].w_final, [2.7, -0.9, 0.15], **CLOSE)


def test_builtin_lambda_sensitivity_lam_1() -> None:
    """lam = 1: a = 1 - 2*0.1*1 = 0.8, a^10 = 0.1073741824 (exact in decimal).

    (1 - a^10)/(1 - a) = 0.8926258176/0.2 = 4.463129088, times lr = 0.4463129088:
    w0 = 2.5*0.1073741824 + 0.4463129088*0.2  = 0.268435456 + 0.08926258176 = 0.35769803776
    w1 = -0.8*0.1073741824 - 0.4463129088*0.1 = -0.08589934592 - 0.04463129088 = -0.1305306368
    w2 = 0.1*0.1073741824 + 0.4463129088*0.05 = 0.01073741824 + 0.02231564544 = 0.03305306368
    A table often printed says [-0.1694, 0.1898, 0.3122] with w0 "going negative": impossible,
    as a^10 > 0 multiplies a positive w0 and -lr*g0 = +0.02 pushes it up every step.
    """
    report = run(W, G, lam=1.0, lr=0.1, steps=10, penalties=["l2"])
    assert_allclose(report["l2"].w_final, [0.35769803776, -0.1305306368, 0.03305306368], **CLOSE)


@pytest.mark.parametrize("lam", [0.01, 0.1])
def test_builtin_lambda_sensitivity_closed_form(lam: float) -> None:
    """lam = 0.01 and 0.1 against the closed form (the 2.5615 and 1.6758 often printed for w0 are
    not what the loop computes: for lam = 0.01, a^10 = 0.998^10 = 0.98017904...,
    w0 = 0.980179*2.5 + (1 - 0.980179)/0.002*0.02 = 2.450448 + 0.198210 = 2.648657)."""
    a = 1 - 2 * 0.1 * lam
    expected = a**10 * np.array(W) - (1 - a**10) / (1 - a) * 0.1 * np.array(G)
    report = run(W, G, lam=lam, lr=0.1, steps=10, penalties=["l2"])
    assert_allclose(report["l2"].w_final, expected, **CLOSE)
    if lam == 0.01:
        assert report["l2"].w_final[0] == pytest.approx(2.648657, abs=1e-6)


def test_one_step_of_run_is_step_bit_for_bit() -> None:
    """Step 1 of a run is exactly ``step()``'s w_new for every penalty and L1 method."""
    kinds = ["l2", "l1", "elastic", "none"]
    for method in ("subgradient", "proximal"):
        for form in ("lambda", "half"):
            s = step(W, G, lam=0.03, lr=0.1, penalties=kinds, l1_method=method, l2_form=form)
            r = run(W, G, lam=0.03, lr=0.1, steps=1, penalties=kinds, l1_method=method,
                    l2_form=form)  # fmt: skip
            for a, b in zip(s.results, r.results, strict=True):
                assert a.w_new.tolist() == b.w_final.tolist()


def test_l1_subgradient_ten_steps() -> None:
    """L1 at lam = 0.01 with a fixed g: every step adds -lr*(g + lam*sign(w)), signs fixed.

    w0: -0.1*(-0.2 + 0.01) = +0.019 per step -> 2.5 + 0.19 = 2.69
    w1: -0.1*(0.1 - 0.01) = -0.009 per step -> -0.8 - 0.09 = -0.89
    w2: -0.1*(-0.05 + 0.01) = +0.004 per step -> 0.1 + 0.04 = 0.14
    """
    report = run(W, G, lam=0.01, lr=0.1, steps=10, penalties=["l1"])
    assert_allclose(report["l1"].w_final, [2.69, -0.89, 0.14], **CLOSE)
    assert report["l1"].steps == tuple(range(11))


def test_quadratic_l2_converges_geometrically() -> None:
    """Data loss 1/2*(w - t)^2: w <- w - lr*((w - t) + 2*lam*w), so
    w_k - w* = a^k*(w_0 - w*) with a = 1 - lr*(1 + 2*lam) and w* = t/(1 + 2*lam).
    t = [3.5, 2.1], lam = 0.5, lr = 0.1: w* = t/2 = [1.75, 1.05], a = 1 - 0.1*2 = 0.8;
    from 0: w_10 = w*(1 - 0.8^10) = w* * 0.8926258176 = [1.5620951808, 0.93725710848]."""
    report = run([0, 0], target=[3.5, 2.1], lam=0.5, lr=0.1, steps=10, penalties=["l2"])
    t = report["l2"]
    assert_allclose(t.w_final, [1.5620951808, 0.93725710848], **CLOSE)
    assert t.fixed_point is not None
    assert_allclose(t.fixed_point, [1.75, 1.05], **CLOSE)
    assert t.factor == pytest.approx(0.8, abs=1e-15)


def test_fixed_points_by_hand() -> None:
    """Minimisers of 1/2*||w - t||^2 + penalty, t = [3.5, 2.1, -0.4]:

    L2 lambda, lam = 0.5: w - t + 2*0.5*w = 0 -> w = t/2 = [1.75, 1.05, -0.2]
    L2 half,   lam = 0.5: w - t + 0.5*w = 0 -> w = t/1.5 = [7/3, 1.4, -0.8/3]
    L1, lam = 0.5: soft(t, 0.5) = [3.0, 1.6, 0] (|-0.4| < 0.5 so 0)
    elastic lam1 = 0.5, lam2 = 0.25 (lambda): soft(t, 0.5)/(1 + 0.5) = [2, 1.6/1.5, 0]
    none: t
    """
    t = np.array([3.5, 2.1, -0.4])
    assert_allclose(fixed_point(Penalty.build("l2", 3, 0.5), t), [1.75, 1.05, -0.2], **CLOSE)
    half = Penalty.build("l2", 3, 0.5, l2_form="half")
    assert_allclose(fixed_point(half, t), [7 / 3, 1.4, -0.8 / 3], **CLOSE)
    assert fixed_point(Penalty.build("l1", 3, 0.5), t).tolist() == [3.0, 1.6, 0.0]
    elastic = Penalty.build("elastic", 3, 0.0, lam1=0.5, lam2=0.25)
    assert_allclose(fixed_point(elastic, t), [2.0, 1.6 / 1.5, 0.0], **CLOSE)
    assert fixed_point(Penalty.build("none", 3), t).tolist() == t.tolist()


@pytest.mark.parametrize("kind", ["l2", "l1", "elastic", "none"])
def test_proximal_runs_end_at_the_fixed_point(kind: str) -> None:
    """Proximal gradient on 1/2*||w - t||^2 + penalty converges to the minimiser: with
    lr = 0.5 the error shrinks at least by |1 - 0.5*(1 + 2*lam2)| <= 0.5 per step, so after
    200 steps it is far below 1e-12."""
    report = run([0, 0, 0], target=[3.5, 2.1, -0.4], lam=0.5, lr=0.5, steps=200,
                 penalties=[kind], l1_method="proximal")  # fmt: skip
    t = report.results[0]
    assert t.fixed_point is not None
    assert_allclose(t.w_final, t.fixed_point, rtol=0, atol=1e-12)


def test_subgradient_l1_oscillates_around_zero() -> None:
    """w = -0.003, g = 0, lr = lam = 0.1, so each step moves by lr*lam = 0.01 toward 0 and past:
    -0.003 -> 0.007 -> -0.003 -> ... : a sign change at every one of 10 steps, never 0."""
    report = run([-0.003], [0.0], lam=0.1, lr=0.1, steps=10, penalties=["l1"])
    ev = report["l1"].events
    assert ev is not None
    assert ev.flips.tolist() == [10]
    assert ev.first_flip.tolist() == [1]
    assert ev.first_zero.tolist() == [-1]
    assert_allclose(report["l1"].weights[:3, 0], [-0.003, 0.007, -0.003], **CLOSE)


def test_proximal_l1_lands_on_zero_and_stays() -> None:
    """Proximal: soft(-0.003, lr*lam = 0.01) = 0 at step 1, and soft(0, 0.01) = 0 after."""
    report = run([-0.003], [0.0], lam=0.1, lr=0.1, steps=10, penalties=["l1"],
                 l1_method="proximal")  # fmt: skip
    ev = report["l1"].events
    assert ev is not None
    assert ev.first_zero.tolist() == [1]
    assert ev.zero_at_end.tolist() == [True]
    assert ev.flips.tolist() == [0]
    assert report["l1"].w_final.tolist() == [0.0]


def test_every_keeps_first_and_last() -> None:
    """every = 3 over 10 steps keeps 0, 3, 6, 9 and the last step 10; rows are those w_k."""
    assert kept_steps(10, 3) == (0, 3, 6, 9, 10)
    report = run([1.0], [0.0], lam=0.25, lr=1.0, steps=10, every=3, penalties=["l2"])
    # a = 1 - 2*1*0.25 = 0.5: w_k = 0.5^k
    assert report["l2"].weights[:, 0].tolist() == [1.0, 0.5**3, 0.5**6, 0.5**9, 0.5**10]
    assert report.to_dict()["kept_steps"] == [0, 3, 6, 9, 10]


def test_default_every() -> None:
    """Every step up to 50 steps; ceil(N/50) beyond; first and last only from 10^4 weights."""
    assert default_every(50, 3) == 1
    assert default_every(51, 3) == 2  # ceil(51/50)
    assert default_every(1000, 3) == 20
    assert default_every(100, 10_000) == 100


def test_zero_steps_is_the_start() -> None:
    """0 steps: the trajectory is w_0 alone and w_final is w_0."""
    report = run(W, G, steps=0)
    assert report["l2"].weights.tolist() == [W]
    assert report["l2"].w_final.tolist() == W


def test_json_contract_keys() -> None:
    """docs/design.md: each run entry has exactly penalty, lam, trajectory, w_final."""
    data = run(W, G, steps=2, penalties=["l2", "elastic"]).to_dict()
    assert [sorted(r) for r in data["results"]] == [["lam", "penalty", "trajectory", "w_final"]] * 2
    assert data["results"][0]["trajectory"][0] == W
    assert data["results"][1]["lam"] == {"l1": 0.01, "l2": 0.01}


def test_divergence_is_an_error() -> None:
    """lr = 0.1, lam = 20: a = 1 - 2*0.1*20 = -3, |a| = 3 > 1: the weights grow as 3^k."""
    with pytest.raises(RegtraceError) as info:
        run(W, G, lam=20, lr=0.1, steps=5)
    assert str(info.value) == (
        "the L2 run diverges from step 1: each step multiplies the distance to the fixed "
        "point by |1 - 2*lr*lam| = 3 > 1, so the weights grow without bound; use a smaller lr "
        "or lam"
    )


def test_quadratic_divergence_counts_the_data_curvature() -> None:
    """With 1/2*||w - t||^2 even lam = 0 diverges when |1 - lr| > 1: lr = 2.5 gives 1.5."""
    with pytest.raises(RegtraceError, match=r"\|1 - lr\*\(1 \+ 2\*lam\)\| = 1.5 > 1"):
        run([0.0], target=[1.0], lam=0.0, lr=2.5, steps=3, penalties=["l2"])
    with pytest.raises(RegtraceError, match=r"the L1 run diverges .* \|1 - lr\| = 1.5 > 1"):
        run([0.0], target=[1.0], lam=0.0, lr=2.5, steps=3, penalties=["l1"])


def test_overflow_names_the_step() -> None:
    """w = 1e300, g = -1e300, lr = 1e7, no penalty: w_k = 1e300 + k*1e307, which passes the
    float64 maximum 1.797e308 at k = 18 (17*1e307 = 1.7e308 still fits)."""
    with pytest.raises(RegtraceError) as info:
        run([1e300], [-1e300], lr=1e7, steps=40, penalties=["none"])
    assert str(info.value).startswith("the none run overflows float64 at step 18 ")


def test_overflow_in_a_big_vector_names_the_exact_step() -> None:
    """The same with 10^4 weights, where the loop checks only every 16 steps: the replay still
    finds step 18."""
    n = 10_000
    with pytest.raises(RegtraceError, match="overflows float64 at step 18 "):
        run(np.full(n, 1e300), np.full(n, -1e300), lr=1e7, steps=40, penalties=["none"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"grad": G, "target": W},
            "give either grad (a fixed data gradient) or target (the data loss "
            "1/2*||w - target||^2), not both",
        ),
        ({}, "give grad (a fixed data gradient) or target (the data loss 1/2*||w - target||^2)"),
        ({"target": [1.0, 2.0]}, "w has 3 values but target has 2; give one target per weight"),
        ({"grad": G, "steps": -1}, "steps must be between 0 and 10,000,000, not -1"),
        ({"grad": G, "every": 0}, "every must be at least 1 (keep every step), not 0"),
        ({"grad": G, "penalties": []}, "no penalty given; choose from l2, l1, elastic, none"),
        ({"grad": G, "lr": -1.0}, "lr must not be negative"),
        ({"grad": G, "lam": -1.0}, "lam must not be negative; use 0 for no penalty"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    """Each bad input raises one RegtraceError with a message saying what to do."""
    with pytest.raises(RegtraceError) as info:
        run(W, **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_an_update_rule_plugs_into_run() -> None:
    """The optimizer seam: ``run(..., rule=factory)`` calls ``factory(penalty, lr)`` once per
    penalty and the rule once per step with w (in place) and the data gradient.

    A toy "heavy ball" rule, v <- 0.5*v + g, w <- w - lr*v (penalty ignored), g = 1, lr = 0.1,
    from w = 0: v = 1, 1.5, 1.75 -> w = -0.1, -0.25, -0.425."""

    made: list[str] = []

    def heavy_ball(penalty: Penalty, lr: float) -> UpdateRule:
        made.append(penalty.kind.value)
        velocity = np.zeros(1)

        def rule(w: np.ndarray, g: np.ndarray) -> None:  # type: ignore[type-arg]
            velocity[...] = 0.5 * velocity + g
            w -= lr * velocity

        return rule

    report = run([0.0], [1.0], lr=0.1, steps=3, penalties=["l2", "l1"], rule=heavy_ball)
    assert made == ["l2", "l1"]
    assert_allclose(report["l2"].weights[:, 0], [0.0, -0.1, -0.25, -0.425], **CLOSE)
    assert_allclose(report["l1"].w_final, [-0.425], **CLOSE)


def test_a_plugged_rule_that_blows_up_names_the_step() -> None:
    """Another rule skips the gradient-descent stability check; overflow still names the step:
    w <- 1e200*w from 1e10 gives 1e210, 1e410 = inf at step 2."""

    def explode(penalty: Penalty, lr: float) -> object:
        def rule(w: np.ndarray, g: np.ndarray) -> None:  # type: ignore[type-arg]
            w *= 1e200

        return rule

    with pytest.raises(RegtraceError, match="the L2 run overflows float64 at step 2 "):
        run([1e10], [0.0], steps=5, penalties=["l2"], rule=explode)  # type: ignore[arg-type]


@given(
    st.integers(min_value=1, max_value=80).flatmap(
        lambda n: st.tuples(
            st.lists(st.sampled_from([-1, 0, 1]), min_size=n, max_size=n),
            st.lists(st.sampled_from([-1, 0, 1]), min_size=n, max_size=n),
        )
    )
)
def test_sign_watch_finds_every_change_word_by_word(signs: tuple[list[int], list[int]]) -> None:
    """The int64-word search for changed signs equals an element-by-element comparison,
    whether or not the length is a multiple of 8 (the tail is compared one by one)."""
    before, after = (np.array(s, dtype=np.int8) for s in signs)
    watch = _SignWatch(before.astype(np.float64), n_steps=10)
    expected = np.flatnonzero(before != after)
    assert watch._changed(after).tolist() == expected.tolist()
    watch.observe(after, 1)
    assert np.array_equal(watch.prev, after)
    # a weight that went from nonzero to 0 is first at 0 after step 1; -1 <-> 1 is a flip
    landed = (before != 0) & (after == 0)
    flipped = before * after == -1
    assert np.array_equal(watch.first_zero == 1, landed)
    assert np.array_equal(watch.flips, flipped.astype(watch.flips.dtype))


@pytest.mark.parametrize("method", ["subgradient", "proximal"])
def test_chunked_update_equals_repeated_steps_bit_for_bit(method: str) -> None:
    """Past one chunk (2 chunks and a ragged end), with per-weight strengths, each penalty's
    run through the general loop (any rule other than the built-in one takes it) equals
    step() applied again and again, to the last bit."""
    from regtrace.engine.trajectory import CHUNK, gradient_descent

    def general(penalty: Penalty, lr: float) -> UpdateRule:
        return gradient_descent(penalty, lr)

    rng = np.random.default_rng(7)
    n = 2 * CHUNK + 123
    w0, g = rng.standard_normal(n), rng.standard_normal(n)
    lam = rng.uniform(0, 0.05, n)
    w0[:50] = 0.0  # exact zeros: sign(0) = 0 at the chunk start
    kinds = ["l2", "l1", "elastic", "none"]
    report = run(w0, g, lam=lam, lr=0.1, steps=3, penalties=kinds, l1_method=method, rule=general)
    for kind in kinds:
        w = w0.copy()
        for _ in range(3):
            w = step(w, g, lam=lam, lr=0.1, penalties=[kind], l1_method=method)[kind].w_new
        assert np.array_equal(report[kind].w_final, w)
