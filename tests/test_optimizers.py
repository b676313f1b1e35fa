"""Optimizer arithmetic against numbers derived by hand, per framework convention.

The example is the built-in one: w = [2.5, -0.8, 0.1], dL/dw = g = [-0.2, 0.1, -0.05],
lr = 0.1. Each expected value is worked out in the comment above it from the framework's
own update rule (the file is named; the rules are collected in
regtrace/engine/conventions.py). Keras and optax are not installed here, so these
derivations are the independent check of those two conventions; PyTorch is also checked
against real PyTorch in tests/test_torch_reference.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from regtrace import RegtraceError
from regtrace.engine.optimizers import OptimizerSpec, optimize, optimizer_step
from regtrace.engine.penalties import Penalty
from tests.conftest import STEP_RESULT_KEYS

W = np.array([2.5, -0.8, 0.1])
G = np.array([-0.2, 0.1, -0.05])
EXACT = {"rtol": 0, "atol": 1e-15}
CLOSE = {"rtol": 1e-12, "atol": 1e-15}


def spec(kind: str, convention: str = "torch", **kw: float | list[float]) -> OptimizerSpec:
    """An optimizer on the built-in example's three weights with lr = 0.1."""
    wd = kw.pop("weight_decay", None)
    return OptimizerSpec.build(
        kind,
        convention,
        lr=0.1,
        n=3,
        weight_decay=None if wd is None else np.asarray(wd, dtype=np.float64),
        **kw,  # type: ignore[arg-type]
    )


def run(s: OptimizerSpec, steps: int, penalty: Penalty | None = None) -> list[np.ndarray]:
    """``steps`` steps with the built-in example's gradient every time (a constant gradient)."""
    return optimize(W, [G] * steps, s, penalty=penalty).trajectory


# -- SGD -------------------------------------------------------------------------------------


def test_torch_sgd_weight_decay_is_the_builtin_l2_step() -> None:
    """torch/optim/sgd.py: grad + wd*w. With wd = 0.02 = 2*lam that is the example's L2 step."""
    r = optimize(W, [G], spec("sgd", weight_decay=0.02)).steps[0]
    # wd*w = 0.02*[2.5, -0.8, 0.1] = [0.05, -0.016, 0.002]
    assert_allclose(r.decay_grad, [0.05, -0.016, 0.002], **EXACT)
    # g + wd*w = [-0.15, 0.084, -0.048]; w - 0.1*that = [2.515, -0.8084, 0.1048]
    assert_allclose(r.full_grad, [-0.15, 0.084, -0.048], **EXACT)
    assert_allclose(r.w_new, [2.515, -0.8084, 0.1048], **EXACT)
    assert r.spec.decay.value == "coupled"


def test_loss_side_l2_penalty_matches_coupled_decay_of_twice_lam() -> None:
    """The lam*||w||^2 form (gradient 2*lam*w) through the optimizer = PyTorch wd = 2*lam."""
    penalty = Penalty.build("l2", 3, 0.01)
    via_loss = optimize(W, [G], spec("sgd"), penalty=penalty).w_final
    # both give w - 0.1*(g + 0.02*w) = [2.515, -0.8084, 0.1048]
    assert_allclose(via_loss, [2.515, -0.8084, 0.1048], **EXACT)


def test_per_weight_decay_exempts_a_bias() -> None:
    """weight_decay [0.02, 0, 0.02] (a PyTorch parameter group with 0 for the bias)."""
    w_new = optimize(W, [G], spec("sgd", weight_decay=[0.02, 0.0, 0.02])).w_final
    # w1 is not decayed: -0.8 - 0.1*0.1 = -0.81; the others as in the built-in example's L2 step
    assert_allclose(w_new, [2.515, -0.81, 0.1048], **EXACT)


@pytest.mark.parametrize("convention", ["torch", "keras", "optax"])
def test_plain_sgd_is_the_same_everywhere(convention: str) -> None:
    """Without decay, w - lr*g: [2.5+0.02, -0.8-0.01, 0.1+0.005] = [2.52, -0.81, 0.105]."""
    assert_allclose(run(spec("sgd", convention), 1)[1], [2.52, -0.81, 0.105], **EXACT)


def test_keras_sgd_weight_decay_is_decoupled_but_equal_for_plain_sgd() -> None:
    """keras/src/optimizers/base_optimizer.py: w - w*wd*lr, then w - lr*g.

    (w - 0.002*w) - 0.1*g = w - 0.1*(g + 0.02*w): the example's L2 step again, by a different road.
    """
    r = optimize(W, [G], spec("sgd", "keras", weight_decay=0.02)).steps[0]
    assert r.spec.decay.value == "decoupled"
    # decoupled move -lr*wd*w = -0.002*[2.5, -0.8, 0.1] = [-0.005, 0.0016, -0.0002]
    assert_allclose(r.decay_step, [-0.005, 0.0016, -0.0002], **EXACT)
    assert_allclose(r.w_new, [2.515, -0.8084, 0.1048], **EXACT)


# -- momentum and Nesterov -----------------------------------------------------------------


def test_torch_momentum_two_steps() -> None:
    """torch/optim/sgd.py: buf = g on step 1, then 0.9*buf + g."""
    traj = run(spec("momentum", momentum=0.9), 2)
    # step 1: buf = g, w1 = w - 0.1*g = [2.52, -0.81, 0.105]
    assert_allclose(traj[1], [2.52, -0.81, 0.105], **EXACT)
    # step 2: buf = 0.9*g + g = 1.9*g; w2 = w1 - 0.19*g = [2.558, -0.829, 0.1145]
    assert_allclose(traj[2], [2.558, -0.829, 0.1145], **EXACT)


def test_torch_dampening_skips_the_first_step() -> None:
    """dampening 0.5: step 1 still buf = g; step 2 buf = 0.9*g + 0.5*g = 1.4*g."""
    trace = optimize(W, [G, G], spec("momentum", momentum=0.9, dampening=0.5))
    # step 1 buffer is g itself (a clone), not 0.5*g
    assert trace.steps[0].state.buf is not None
    assert_allclose(trace.steps[0].state.buf, G, **EXACT)
    # w2 = [2.52, -0.81, 0.105] - 0.14*g = [2.548, -0.824, 0.112]
    assert_allclose(trace.w_final, [2.548, -0.824, 0.112], **EXACT)


@pytest.mark.parametrize("convention", ["torch", "keras", "optax"])
def test_nesterov_two_steps_agree_across_frameworks(convention: str) -> None:
    """At a constant lr the three Nesterov forms give the same weights.

    torch: buf1 = g, move g + 0.9*g = 1.9g; buf2 = 1.9g, move g + 0.9*1.9g = 2.71g.
    keras (sgd.py): v1 = -0.1g, move 0.9*v1 - 0.1g = -0.19g; v2 = -0.19g, move -0.271g.
    optax (trace): t1 = g, update g + 0.9*g = 1.9g; t2 = 1.9g, update 2.71g, times -lr.
    w1 = w - 0.19g = [2.538, -0.819, 0.1095]; w2 = w1 - 0.271g = [2.5922, -0.8461, 0.12305].
    """
    traj = run(spec("nesterov", convention, momentum=0.9), 2)
    assert_allclose(traj[1], [2.538, -0.819, 0.1095], **CLOSE)
    assert_allclose(traj[2], [2.5922, -0.8461, 0.12305], **CLOSE)


def test_momentum_state_is_named_and_kept_in_each_frameworks_units() -> None:
    """Keras keeps velocity = -lr*(torch buffer); optax's trace equals torch's buffer."""
    torch_buf = optimize(W, [G], spec("momentum", momentum=0.9)).steps[0].state.buf
    keras = optimize(W, [G], spec("momentum", "keras", momentum=0.9)).steps[0]
    optax_buf = optimize(W, [G], spec("momentum", "optax", momentum=0.9)).steps[0].state.buf
    assert keras.spec.buffer_name == "velocity"
    # keras v1 = 0.9*0 - 0.1*g = [0.02, -0.01, 0.005]; torch and optax: g
    assert_allclose(keras.state.buf, [0.02, -0.01, 0.005], **EXACT)
    assert_allclose(torch_buf, G, **EXACT)
    assert_allclose(optax_buf, G, **EXACT)


# -- Adam and AdamW ------------------------------------------------------------------------


def test_torch_adam_first_step_in_full() -> None:
    """torch/optim/adam.py, step 1 with b1 = 0.9, b2 = 0.999, eps = 1e-8."""
    r = optimize(W, [G], spec("adam")).steps[0]
    # m = 0.1*g = [-0.02, 0.01, -0.005]; v = 0.001*g^2 = [4e-5, 1e-5, 2.5e-6]
    assert_allclose(r.state.m, [-0.02, 0.01, -0.005], **EXACT)
    assert_allclose(r.state.v, [4e-5, 1e-5, 2.5e-6], **CLOSE)
    # m_hat = m/(1-0.9) = g; v_hat = v/(1-0.999) = g^2
    assert_allclose(r.m_hat, G, **CLOSE)
    assert_allclose(r.v_hat, G**2, **CLOSE)
    # denom = |g| + 1e-8; step size lr/denom = 0.1/0.20000001, 0.1/0.10000001, 0.1/0.05000001
    assert_allclose(r.denom, [0.20000001, 0.10000001, 0.05000001], **CLOSE)
    assert_allclose(r.lr_eff, [0.1 / 0.20000001, 0.1 / 0.10000001, 0.1 / 0.05000001], **CLOSE)
    # update -lr*g/(|g|+eps): each weight moves by (almost exactly) lr against its gradient
    expected = [2.5 + 0.02 / 0.20000001, -0.8 - 0.01 / 0.10000001, 0.1 + 0.005 / 0.05000001]
    assert_allclose(r.w_new, expected, **CLOSE)


def test_adam_with_a_constant_gradient_moves_lr_every_step() -> None:
    """Step 2: m = 0.19g, v = 0.001999g^2, bias corrections 0.19 and 0.001999: m_hat = g and
    v_hat = g^2 again, so w2 = w - 2*lr*g/(|g| + eps)."""
    traj = run(spec("adam"), 2)
    assert_allclose(traj[2], W - 2 * 0.1 * G / (np.abs(G) + 1e-8), **CLOSE)


def test_adam_coupled_decay_is_washed_out_but_adamw_decay_is_not() -> None:
    """Coupled is not decoupled. Adam(weight_decay=0.02): g' = g + 0.02w = [-0.15, 0.084, -0.048],
    and step 1 still moves each weight by lr*g'/(|g'|+eps) ~ 0.1: the decay changed nothing
    but the tiny eps share. AdamW(0.02): w*(1 - 0.002) first, then the same 0.1 move:
    [2.495 + 0.1, -0.7984 - 0.1, 0.0998 + 0.1] up to eps."""
    report = optimizer_step(W, G, optimizers=["adam", "adamw"], lr=0.1, weight_decay=0.02)
    adam, adamw = report["adam"], report["adamw"]
    gp = np.array([-0.15, 0.084, -0.048])
    assert_allclose(adam.w_new, W - 0.1 * gp / (np.abs(gp) + 1e-8), **CLOSE)
    assert_allclose(adamw.decay_step, [-0.005, 0.0016, -0.0002], **CLOSE)
    assert_allclose(adamw.w_new, W * 0.998 - 0.1 * G / (np.abs(G) + 1e-8), **CLOSE)


def test_keras_adam_eps_is_epsilon_hat() -> None:
    """keras/src/optimizers/adam.py step 1: alpha = lr*sqrt(1-0.999)/(1-0.9) = sqrt(0.001);
    update m*alpha/(sqrt(v) + eps) = 0.1g*sqrt(0.001)/(sqrt(0.001)|g| + 1e-7)
    = 0.1g/(|g| + 1e-7/sqrt(0.001)): eps acts as 1e-7/sqrt(0.001) ~ 3.16e-6 in m_hat units."""
    r = optimize(W, [G], spec("adam", "keras")).steps[0]
    assert r.spec.eps == 1e-7  # keras default (adam.py: epsilon=1e-7)
    eps_hat = 1e-7 / math.sqrt(0.001)
    assert_allclose(r.w_new, W - 0.1 * G / (np.abs(G) + eps_hat), **CLOSE)
    assert_allclose(r.denom, np.abs(G) + eps_hat, **CLOSE)


def test_keras_adam_weight_decay_equals_adamw() -> None:
    """Keras applies weight_decay decoupled on every optimizer, so Adam(wd) is AdamW(wd)."""
    adam = optimize(W, [G, G], spec("adam", "keras", weight_decay=0.02)).w_final
    adamw = optimize(W, [G, G], spec("adamw", "keras", weight_decay=0.02)).w_final
    assert_allclose(adam, adamw, rtol=0, atol=0)


def test_optax_adamw_decay_is_scaled_by_lr() -> None:
    """optax/_src/alias.py adamw: u = m_hat/(sqrt(v_hat)+eps) + wd*w, w + (-lr)*u.
    Step 1 with wd 0.02: w - 0.1*g/(|g|+1e-8) - 0.1*0.02*w, the same as torch's AdamW."""
    r = optimize(W, [G], spec("adamw", "optax", weight_decay=0.02)).steps[0]
    assert_allclose(r.decay_step, [-0.005, 0.0016, -0.0002], **CLOSE)
    assert_allclose(r.w_new, W * 0.998 - 0.1 * G / (np.abs(G) + 1e-8), **CLOSE)


def test_optax_adam_coupled_decay_matches_torch_adam() -> None:
    """chain(add_decayed_weights(wd), adam) = torch Adam(weight_decay=wd), three steps."""
    torch_traj = run(spec("adam", weight_decay=0.02), 3)
    optax_traj = run(spec("adam", "optax", weight_decay=0.02), 3)
    assert_allclose(np.array(optax_traj), np.array(torch_traj), **CLOSE)


@pytest.mark.parametrize(
    ("convention", "default"), [("torch", 0.01), ("keras", 0.004), ("optax", 1e-4)]
)
def test_adamw_default_weight_decay(convention: str, default: float) -> None:
    """torch/optim/adamw.py 1e-2; keras/src/optimizers/adamw.py 0.004; optax alias.py 1e-4."""
    assert spec("adamw", convention).weight_decay == default
    assert spec("adam", convention).weight_decay == 0.0


def test_result_json_has_the_step_contract_keys_and_the_state() -> None:
    """Every docs/design.md step key, then the optimizer, its hyper-parameters and its state."""
    data = optimizer_step(W, G, optimizers=["adamw"]).to_dict()["results"][0]
    assert set(STEP_RESULT_KEYS) <= set(data)
    assert data["optimizer"] == "adamw"
    assert data["decay"] == "decoupled"
    assert data["state"]["t"] == 1
    assert data["m_hat"] is not None


def test_state_can_be_carried_in() -> None:
    """Resuming from a given state equals running through it (momentum, two steps)."""
    s = spec("momentum", momentum=0.9)
    first = optimize(W, [G], s)
    resumed = optimize(first.w_final, [G], s, state=first.steps[0].state)
    assert_allclose(resumed.w_final, run(s, 2)[2], **EXACT)


# -- bad input ------------------------------------------------------------------------------

ERRORS = [
    (
        lambda: spec("adam", momentum=0.9),
        "--momentum applies to --optimizer momentum, nesterov or rmsprop",
    ),
    (lambda: spec("sgd", beta1=0.5), "--beta1 applies to --optimizer adam or adamw, not sgd"),
    (lambda: spec("adam", beta1=1.0), "beta1 must be at least 0 and below 1, not 1"),
    (lambda: spec("adam", eps=0.0), "eps must be above 0, not 0"),
    (lambda: spec("momentum", momentum=0.0), "momentum must be above 0, not 0"),
    (lambda: spec("nesterov", dampening=0.1), "nesterov needs --dampening 0"),
    (
        lambda: spec("momentum", "keras", dampening=0.1),
        "--dampening is a PyTorch setting; Keras SGD has no dampening",
    ),
    (lambda: spec("adam", weight_decay=-1.0), "weight_decay must not be negative"),
    (lambda: spec("adam", weight_decay=[0.1, 0.2]), "weight_decay has 2 values but w has 3"),
    (lambda: spec("lion"), "--optimizer: unknown value 'lion'; choose from sgd, momentum"),
    (lambda: spec("adam", "jax"), "--convention: unknown value 'jax'; choose from torch"),
    (lambda: optimize(W, [G], spec("sgd"), steps=2), "2 steps need 2 gradients, not 1"),
    (lambda: optimize(W, [G[:2]], spec("sgd")), "w has 3 values but grad has 2"),
]


@pytest.mark.parametrize(("call", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_bad_input_is_a_clear_error(call: object, message: str) -> None:
    """Every bad setting raises RegtraceError with a message naming the fix."""
    assert callable(call)
    with pytest.raises(RegtraceError) as info:
        call()
    assert message in str(info.value)


def test_overflow_is_reported_not_returned() -> None:
    """A step beyond float64 is an error, not inf in the trace."""
    with pytest.raises(RegtraceError, match="overflows float64"):
        optimize([1e308], [[-1e308]], OptimizerSpec.build("sgd", lr=10.0))


# -- properties -------------------------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    w=st.lists(finite, min_size=1, max_size=5),
    lr=st.floats(0, 1),
    wd=st.floats(0, 0.5),
)
def test_torch_adamw_equals_optax_adamw(w: list[float], lr: float, wd: float) -> None:
    """w*(1 - lr*wd) - lr*u (torch) and w - lr*(u + wd*w) (optax) are the same number up to
    rounding, for any weights (gradient: the weights themselves, so steps vary)."""
    torch = optimize(w, lambda x: x, OptimizerSpec.build("adamw", lr=lr, weight_decay=wd), steps=3)
    optax = optimize(
        w, lambda x: x, OptimizerSpec.build("adamw", "optax", lr=lr, weight_decay=wd), steps=3
    )
    scale = max(1.0, max(abs(x) for x in w))
    assert_allclose(optax.w_final, torch.w_final, rtol=1e-9, atol=1e-9 * scale)


@settings(max_examples=60, deadline=None)
@given(w=st.lists(finite, min_size=1, max_size=5), lr=st.floats(0, 1))
def test_first_adam_step_is_at_most_lr(w: list[float], lr: float) -> None:
    """Step 1 of Adam moves each weight by lr*|g|/(|g|+eps) <= lr, whatever the gradient."""
    g = [x - 0.5 for x in w]
    r = optimize(w, [g], OptimizerSpec.build("adam", lr=lr)).steps[0]
    assert np.all(np.abs(r.step) <= lr * (1 + 1e-12) + 1e-12 * np.abs(r.w))


def test_update_rule_adapter_replays_optimize() -> None:
    """The in-place rule (the run's seam) gives the same trajectory as optimize()."""
    from regtrace.engine.optimizers import optimizer_rules

    s = spec("adamw", weight_decay=0.02)
    penalty = Penalty.build("l2", 3, 0.01)
    rule = optimizer_rules(s)(penalty, 0.1)
    w = W.copy()
    for _ in range(4):
        rule(w, G)
    assert_allclose(w, optimize(W, [G] * 4, s, penalty=penalty).w_final, rtol=0, atol=0)
    assert rule.state.t == 4


@settings(max_examples=60, deadline=None)
@given(
    w=st.lists(finite, min_size=1, max_size=4),
    lr=st.floats(0, 1),
    momentum=st.floats(0.01, 1),
    nesterov=st.booleans(),
)
def test_momentum_forms_agree_at_a_constant_lr(
    w: list[float], lr: float, momentum: float, nesterov: bool
) -> None:
    """Keras' velocity v = m*v - lr*g is -lr times torch's buffer and optax's trace (all from
    0, no dampening), so the three give the same weights up to rounding (gradient: w)."""
    kind = "nesterov" if nesterov else "momentum"
    finals = [
        optimize(
            w, lambda x: x, OptimizerSpec.build(kind, c, lr=lr, momentum=momentum), steps=3
        ).w_final
        for c in ("torch", "keras", "optax")
    ]
    scale = 1 + max(abs(x) for x in w)
    for other in finals[1:]:
        assert_allclose(other, finals[0], rtol=1e-9, atol=1e-9 * scale)
