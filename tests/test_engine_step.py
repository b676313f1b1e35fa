"""Engine numbers against values derived by hand from docs/design.md's formulas.

The example is the built-in one: w = [2.5, -0.8, 0.1], dL/dw = [-0.2, 0.1, -0.05],
lam = 0.01, lr = 0.1, L = 1.2. Every expected number below is worked out in the comment
above it; none is copied from the program's output.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from regtrace import RegtraceError, step
from regtrace.engine import Penalty, PenaltyKind
from tests.conftest import STEP_RESULT_KEYS

W = [2.5, -0.8, 0.1]
G = [-0.2, 0.1, -0.05]
EXACT = {"rtol": 0, "atol": 1e-15}  # a few float64 roundings on numbers of size ~1


def test_l2_lambda_form_matches_builtin() -> None:
    """L2 = lam*sum(w^2): the built-in example's L2 column, step by step."""
    r = step(W, G, lam=0.01, lr=0.1, loss=1.2)["l2"]
    # penalty term 2*lam*w = 0.02*w = [0.05, -0.016, 0.002]
    assert_allclose(r.penalty_grad, [0.05, -0.016, 0.002], **EXACT)
    # full gradient g + 2 lam w = [-0.2+0.05, 0.1-0.016, -0.05+0.002] = [-0.15, 0.084, -0.048]
    assert_allclose(r.full_grad, [-0.15, 0.084, -0.048], **EXACT)
    # update -lr*full = [0.015, -0.0084, 0.0048]
    assert_allclose(r.step, [0.015, -0.0084, 0.0048], **EXACT)
    # new weight w + update = [2.515, -0.8084, 0.1048]
    assert_allclose(r.w_new, [2.515, -0.8084, 0.1048], **EXACT)
    # penalty 0.01 * (6.25 + 0.64 + 0.01) = 0.069; loss 1.2 + 0.069 = 1.269
    assert r.penalty_value == pytest.approx(0.069, abs=1e-15)
    assert r.loss == pytest.approx(1.269, abs=1e-15)


def test_l1_subgradient_matches_builtin() -> None:
    """L1 = lam*sum(|w|): the built-in example's L1 column."""
    r = step(W, G, lam=0.01, lr=0.1, loss=1.2)["l1"]
    # lam*sign(w) = 0.01*[1, -1, 1]
    assert_allclose(r.penalty_grad, [0.01, -0.01, 0.01], **EXACT)
    # [-0.2+0.01, 0.1-0.01, -0.05+0.01] = [-0.19, 0.09, -0.04]
    assert_allclose(r.full_grad, [-0.19, 0.09, -0.04], **EXACT)
    # -0.1*[-0.19, 0.09, -0.04] = [0.019, -0.009, 0.004]
    assert_allclose(r.step, [0.019, -0.009, 0.004], **EXACT)
    assert_allclose(r.w_new, [2.519, -0.809, 0.104], **EXACT)
    # 0.01 * (2.5 + 0.8 + 0.1) = 0.034; 1.2 + 0.034 = 1.234
    assert r.penalty_value == pytest.approx(0.034, abs=1e-15)
    assert r.loss == pytest.approx(1.234, abs=1e-15)


def test_l2_half_form_is_pytorch_weight_decay() -> None:
    """L2 = lam/2*sum(w^2) has gradient lam*w (PyTorch adds weight_decay*w to the grad)."""
    r = step(W, G, lam=0.01, lr=0.1, penalties=["l2"], l2_form="half")["l2"]
    # lam*w = [0.025, -0.008, 0.001]; full = [-0.175, 0.092, -0.049]
    assert_allclose(r.penalty_grad, [0.025, -0.008, 0.001], **EXACT)
    assert_allclose(r.full_grad, [-0.175, 0.092, -0.049], **EXACT)
    # w - 0.1*full = [2.5175, -0.8092, 0.1049]
    assert_allclose(r.w_new, [2.5175, -0.8092, 0.1049], **EXACT)
    # 0.01/2 * 6.9 = 0.0345
    assert r.penalty_value == pytest.approx(0.0345, abs=1e-15)


def test_elastic_net_matches_builtin_penalty() -> None:
    """Elastic net with lam1 = lam2 = 0.01: the built-in example's penalty 0.034 + 0.069 = 0.103."""
    r = step(W, G, lam=0.01, lr=0.1, loss=1.2, penalties=["elastic"])["elastic"]
    assert r.penalty_value == pytest.approx(0.103, abs=1e-15)
    # 2*0.01*w + 0.01*sign(w) = [0.05+0.01, -0.016-0.01, 0.002+0.01] = [0.06, -0.026, 0.012]
    assert_allclose(r.penalty_grad, [0.06, -0.026, 0.012], **EXACT)
    # g + that = [-0.14, 0.074, -0.038]; w - 0.1*full = [2.514, -0.8074, 0.1038]
    assert_allclose(r.w_new, [2.514, -0.8074, 0.1038], **EXACT)


def test_elastic_strengths_default_to_lam_and_can_differ() -> None:
    """lam1 and lam2 default to lam; set apart, each scales its own part."""
    r = step(W, G, lam=0.01, lr=0.1, penalties=["elastic"], lam1=0.0, lam2=0.05)["elastic"]
    # lam1 = 0 leaves pure L2 with lam 0.05: 2*0.05*w = [0.25, -0.08, 0.01]
    assert_allclose(r.penalty_grad, [0.25, -0.08, 0.01], **EXACT)
    # 0.05 * 6.9 = 0.345
    assert r.penalty_value == pytest.approx(0.345, abs=1e-15)


def test_per_weight_lam_exempts_a_weight() -> None:
    """lam = [0.01, 0, 0.01] leaves w1 unpenalized: its step is the plain gradient step."""
    r = step(W, G, lam=[0.01, 0.0, 0.01], lr=0.1, penalties=["l2"])["l2"]
    # penalty term [2*0.01*2.5, 0, 2*0.01*0.1] = [0.05, 0, 0.002]
    assert_allclose(r.penalty_grad, [0.05, 0.0, 0.002], **EXACT)
    # w1: -0.8 - 0.1*0.1 = -0.81
    assert_allclose(r.w_new, [2.515, -0.81, 0.1048], **EXACT)
    # 0.01*6.25 + 0 + 0.01*0.01 = 0.0626
    assert r.penalty_value == pytest.approx(0.0626, abs=1e-15)


def test_none_is_plain_gradient_descent() -> None:
    """No penalty: w - lr*g = [2.52, -0.81, 0.105], penalty 0, loss = L."""
    r = step(W, G, lam=0.01, lr=0.1, loss=1.2, penalties=["none"])["none"]
    assert_allclose(r.w_new, [2.52, -0.81, 0.105], **EXACT)
    assert r.penalty_value == 0.0
    assert r.loss == 1.2


def test_l1_sign_of_zero_is_zero() -> None:
    """At w = 0 the L1 subgradient is taken as 0 (the usual convention)."""
    r = step([0.0], [0.3], lam=0.01, lr=0.1, penalties=["l1"])["l1"]
    # penalty term 0.01*sign(0) = 0; w_new = 0 - 0.1*0.3 = -0.03
    assert r.penalty_grad.tolist() == [0.0]
    assert_allclose(r.w_new, [-0.03], **EXACT)


def test_proximal_l1_reaches_exact_zero_where_subgradient_overshoots() -> None:
    """Soft-thresholding stops at 0; the subgradient step crosses it (its known limit)."""
    # v = w - lr*g = 0.004 - 0.1*0.05 = -0.001; |v| = lr*lam = 0.001, so w_new = 0 exactly.
    prox = step([0.004], [0.05], lam=0.01, lr=0.1, penalties=["l1"], l1_method="proximal")
    assert prox["l1"].w_new.tolist() == [0.0]
    # subgradient: 0.004 - 0.1*(0.05 + 0.01) = -0.002, past zero
    sub = step([0.004], [0.05], lam=0.01, lr=0.1, penalties=["l1"])
    assert_allclose(sub["l1"].w_new, [-0.002], **EXACT)


def test_proximal_l1_effective_gradient() -> None:
    """The proximal penalty term is (v - w_new)/lr = clip(v/lr, -lam, lam)."""
    # w = 0.0005, g = 0: v = 0.0005 < lr*lam = 0.001, so w_new = 0 and the effective
    # penalty term is v/lr = 0.005 (inside [-0.01, 0.01]).
    r = step([0.0005, 2.5], [0.0, -0.2], lam=0.01, lr=0.1, penalties=["l1"], l1_method="proximal")
    res = r["l1"]
    assert res.w_new[0] == 0.0
    # w = 2.5: v = 2.5 + 0.02 = 2.52 > 0.001: w_new = 2.52 - 0.001 = 2.519, the built-in example's
    # subgradient value (no sign change, so both methods agree), penalty term lam = 0.01.
    assert_allclose(res.w_new, [0.0, 2.519], **EXACT)
    assert_allclose(res.penalty_grad, [0.005, 0.01], **EXACT)
    # and w_new = w - lr*full_grad still holds
    assert_allclose(res.w_new, np.array([0.0005, 2.5]) - 0.1 * res.full_grad, **EXACT)


def test_proximal_elastic_soft_thresholds_after_the_l2_gradient() -> None:
    """Elastic proximal: v = w - lr*(g + 2*lam2*w), then soft-threshold by lr*lam1."""
    r = step([0.004], [0.05], lam=0.01, lr=0.1, penalties=["elastic"], l1_method="proximal")
    # v = 0.004 - 0.1*(0.05 + 0.00008) = -0.001008; soft(v, 0.001) = -0.000008
    assert_allclose(r["elastic"].w_new, [-0.000008], rtol=0, atol=1e-17)


def test_lr_zero_leaves_weights_unchanged() -> None:
    """lr = 0: no step under any penalty, including the proximal one."""
    for method in ("subgradient", "proximal"):
        r = step(W, G, lam=0.01, lr=0.0, penalties=["l2", "l1", "elastic"], l1_method=method)
        for res in r.results:
            assert res.w_new.tolist() == W


def test_decay_factor() -> None:
    """Weight decay: w <- w(1 - 2*alpha*lam) - alpha*dL/dw; 1 - 2*0.01*0.1 = 0.998."""
    pen = Penalty.build(PenaltyKind.L2, 3, 0.1)
    assert pen.decay_factor(0.01) == pytest.approx(0.998, abs=1e-15)
    half = Penalty.build(PenaltyKind.L2, 3, 0.1, l2_form="half")
    assert half.decay_factor(0.01) == pytest.approx(0.999, abs=1e-15)


def test_report_lookup_and_json_contract() -> None:
    """report[kind] finds a result; to_dict has exactly docs/design.md's keys."""
    r = step(W, G, lam=0.01, lr=0.1)
    with pytest.raises(KeyError):
        r["elastic"]
    assert tuple(r.to_dict()["results"][0]) == STEP_RESULT_KEYS
    assert r.to_dict()["results"][0]["loss"] is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"w": [1.0, 2.0], "grad": [1.0]}, "w has 2 values but grad has 1"),
        ({"lam": -0.1}, "lam must not be negative"),
        ({"lam": [0.1, 0.2]}, "lam has 2 values but w has 3"),
        ({"lr": -1.0}, "lr must not be negative"),
        ({"lr": float("nan")}, "lr must be finite"),
        ({"w": [float("inf"), 0.0, 0.0]}, "w holds NaN or infinity"),
        ({"w": []}, "w is empty"),
        ({"penalties": []}, "no penalty given"),
        ({"penalties": ["l3"]}, "'l3' is not a valid PenaltyKind"),
        ({"w": [1e200, 1, 1], "lam": 1e200}, "the L2 step overflows float64"),
    ],
)
def test_engine_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    """The engine is a library too: bad input raises the domain error with a clear message."""
    args: dict[str, object] = {"w": W, "grad": G, "lam": 0.01, "lr": 0.1, **kwargs}
    with pytest.raises(RegtraceError, match=message):
        step(**args)  # type: ignore[arg-type]
