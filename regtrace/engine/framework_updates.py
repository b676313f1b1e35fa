"""One update in each framework's own order of operations (PyTorch, Keras, optax).

Each function cites the source file its lines follow (the rules are collected in
:mod:`regtrace.engine.frameworks`); floating-point operations are done in the framework's
order where that is cheap, so the PyTorch convention matches real PyTorch bit for bit or to
an ulp (tests/test_torch_reference.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from regtrace.engine.frameworks import Convention, DecayMode, OptimizerKind
from regtrace.engine.optimizer_spec import OptimizerSpec, OptimizerState
from regtrace.engine.penalties import Vector


def _lerp(start: Vector, end: Vector, weight: float) -> Vector:
    """``torch.lerp`` exactly: ATen's formula switches form at ``weight = 0.5``."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def _bias_corrections(spec: OptimizerSpec, t: int) -> tuple[float, float]:
    return 1 - spec.beta1**t, 1 - spec.beta2**t


@dataclass(frozen=True)
class _Moves:
    """What one convention's update produced (internal)."""

    decay_grad: Vector
    full_grad: Vector
    decay_step: Vector
    direction: Vector
    w_new: Vector
    state: OptimizerState
    m_hat: Vector | None = None
    v_hat: Vector | None = None
    denom: Vector | None = None
    lr_eff: Vector | None = None


def _adam_moves(
    spec: OptimizerSpec,
    moves: tuple[Vector, Vector, Vector, Vector],
    t: int,
    m: Vector,
    v: Vector,
    denom: Vector,
) -> _Moves:
    """Adam's result: ``moves = (decay_grad, full_grad, decay_step, w_new)``, the moments, and
    the denominator in ``m_hat`` units; ``m_hat``, ``v_hat`` and the step size follow."""
    bc1, bc2 = _bias_corrections(spec, t)
    decay_grad, full_grad, decay_step, w_new = moves
    return _Moves(
        decay_grad,
        full_grad,
        decay_step,
        m / bc1 / denom,
        w_new,
        OptimizerState(t, m=m, v=v),
        m_hat=m / bc1,
        v_hat=v / bc2,
        denom=denom,
        lr_eff=spec.lr / denom,
    )


def _torch(spec: OptimizerSpec, w: Vector, g: Vector, state: OptimizerState) -> _Moves:
    """torch/optim/sgd.py ``_single_tensor_sgd`` and torch/optim/adam.py ``_single_tensor_adam``."""
    lr, wd, zeros = spec.lr, spec.weight_decay, np.zeros_like(w)
    decay_grad, param = zeros, w
    if spec.decay is DecayMode.COUPLED:
        decay_grad = wd * w  # grad = grad.add(param, alpha=weight_decay)
    elif spec.decay is DecayMode.DECOUPLED:
        param = w * (1 - lr * wd)  # param.mul_(1 - lr * weight_decay)  (adam.py, AdamW)
    d = g + decay_grad
    t = state.t + 1
    if not spec.kind.adaptive:
        buf = state.buf
        direction = d
        if spec.kind.has_momentum:
            # buf = grad.detach().clone() on step 1 (no dampening), then
            # buf.mul_(momentum).add_(grad, alpha=1 - dampening)
            buf = d.copy() if buf is None else buf * spec.momentum + (1 - spec.dampening) * d
            direction = d + spec.momentum * buf if spec.kind is OptimizerKind.NESTEROV else buf
        w_new = param + (-lr) * direction  # param.add_(grad, alpha=-lr)
        return _Moves(decay_grad, d, param - w, direction, w_new, OptimizerState(t, buf=buf))
    m0 = zeros if state.m is None else state.m
    v0 = zeros if state.v is None else state.v
    m = _lerp(m0, d, 1 - spec.beta1)  # exp_avg.lerp_(grad, 1 - beta1)
    v = v0 * spec.beta2 + (1 - spec.beta2) * d * d  # mul_(beta2).addcmul_(grad, grad, 1-b2)
    bc1, bc2 = _bias_corrections(spec, t)
    step_size = lr / bc1
    denom = np.sqrt(v) / bc2**0.5 + spec.eps  # (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
    w_new = param + (-step_size) * (m / denom)  # param.addcdiv_(exp_avg, denom, -step_size)
    return _adam_moves(spec, (decay_grad, d, param - w, w_new), t, m, v, denom)


def _keras(spec: OptimizerSpec, w: Vector, g: Vector, state: OptimizerState) -> _Moves:
    """keras/src/optimizers/base_optimizer.py (decay first), then sgd.py or adam.py."""
    lr, zeros = spec.lr, np.zeros_like(w)
    param = w
    if spec.decay is DecayMode.DECOUPLED:
        param = w - w * spec.weight_decay * lr  # variable - variable * wd * lr
    t = state.t + 1
    if not spec.kind.adaptive:
        if not spec.kind.has_momentum:
            w_new = param - g * lr  # assign_sub(variable, gradient * learning_rate)
            return _Moves(zeros, g, param - w, g, w_new, OptimizerState(t))
        vel = zeros if state.buf is None else state.buf
        vel = vel * spec.momentum - g * lr  # m = m*momentum - gradient*lr
        # Nesterov: assign_add(variable, m*momentum - g*lr); else assign_add(variable, m)
        nesterov = spec.kind is OptimizerKind.NESTEROV
        move = vel * spec.momentum - g * lr if nesterov else vel
        w_new = param + move
        return _Moves(zeros, g, param - w, move / -lr if lr else g, w_new, OptimizerState(t, vel))
    m0 = zeros if state.m is None else state.m
    v0 = zeros if state.v is None else state.v
    b1_power, b2_power = spec.beta1**t, spec.beta2**t
    alpha = lr * math.sqrt(1 - b2_power) / (1 - b1_power)
    m = m0 + (g - m0) * (1 - spec.beta1)  # assign_add(m, (gradient - m) * (1 - beta_1))
    v = v0 + (g * g - v0) * (1 - spec.beta2)  # assign_add(v, (square(g) - v) * (1 - beta_2))
    w_new = param - (m * alpha) / (np.sqrt(v) + spec.eps)
    # eps is "epsilon hat": added to sqrt(v) before bias correction, so in m_hat units the
    # denominator is (sqrt(v) + eps)/sqrt(1 - b2^t) = sqrt(v_hat) + eps/sqrt(1 - b2^t).
    denom = (np.sqrt(v) + spec.eps) / math.sqrt(1 - b2_power)
    return _adam_moves(spec, (zeros, g, param - w, w_new), t, m, v, denom)


def _optax(spec: OptimizerSpec, w: Vector, g: Vector, state: OptimizerState) -> _Moves:
    """optax/_src/alias.py: chain(..., scale_by_learning_rate(lr)), then apply_updates."""
    lr, wd, zeros = spec.lr, spec.weight_decay, np.zeros_like(w)
    decay_grad = wd * w if spec.decay is DecayMode.COUPLED else zeros
    d = g + decay_grad  # chain(add_decayed_weights(wd), ...): g + weight_decay * p
    t = state.t + 1
    if not spec.kind.adaptive:
        tr = state.buf
        u = d
        if spec.kind.has_momentum:
            tr = d + spec.momentum * (zeros if tr is None else tr)  # trace: g + decay * t
            u = d + spec.momentum * tr if spec.kind is OptimizerKind.NESTEROV else tr
        w_new = w + (-lr * u)  # scale_by_learning_rate, then apply_updates: p + u
        return _Moves(decay_grad, d, zeros, u, w_new, OptimizerState(t, buf=tr))
    m0 = zeros if state.m is None else state.m
    v0 = zeros if state.v is None else state.v
    mu = (1 - spec.beta1) * d + spec.beta1 * m0  # update_moment(g, mu, b1, 1)
    nu = (1 - spec.beta2) * (d * d) + spec.beta2 * v0  # update_moment_per_elem_norm(.., 2)
    bc1, bc2 = _bias_corrections(spec, t)
    mu_hat, nu_hat = mu / bc1, nu / bc2  # bias_correction(mu, b1, count)
    denom = np.sqrt(nu_hat + 0.0) + spec.eps  # sqrt(v + eps_root) + eps, eps_root = 0
    u = mu_hat / denom
    decay_step = zeros
    if spec.decay is DecayMode.DECOUPLED:
        decay_term = wd * w  # adamw: add_decayed_weights AFTER scale_by_adam ...
        u = u + decay_term
        decay_step = -lr * decay_term  # ... and before scale_by_learning_rate: x lr
    w_new = w + (-lr * u)
    return _adam_moves(spec, (decay_grad, d, decay_step, w_new), t, mu, nu, denom)


UPDATES: dict[Convention, Callable[[OptimizerSpec, Vector, Vector, OptimizerState], _Moves]] = {
    Convention.TORCH: _torch,
    Convention.KERAS: _keras,
    Convention.OPTAX: _optax,
}
