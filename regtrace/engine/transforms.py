"""Optimizers as chains of small transforms, the way optax composes ``chain(...)``.

Each transform does one thing (add the coupled decay, keep a momentum trace, scale by Adam's
moments, apply the learning rate, ...), owns its hyper-parameters (one frozen dataclass of
:mod:`regtrace.engine.optimizer_params`) and the part of :class:`OptimizerState` it keeps.
:func:`chain` lists each framework's optimizer as a chain; :func:`run_chain` passes one
step through it. Every rule cites the framework file its lines follow (collected in
:mod:`regtrace.engine.frameworks`), in that file's order of floating-point operations where
that is cheap, so the PyTorch convention matches real PyTorch to about an ulp
(tests/test_torch_reference.py).

A step flows through a mutable :class:`Pass`: ``g`` (what the optimizer sees), ``u`` (the
update so far, in gradient units), ``move`` (set once the learning rate is applied) and
``param`` (the weights a framework decays before its update). The last entry applies
``w_new = param + move``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from regtrace.engine.frameworks import Convention, DecayMode, OptimizerKind
from regtrace.engine.optimizer_params import (
    AdagradParams,
    AdamParams,
    MomentumParams,
    RMSpropParams,
)
from regtrace.engine.penalties import Strength, Vector

STATE_KEYS = ("buf", "m", "v", "v_max", "g_avg", "acc")


@dataclass(frozen=True)
class OptimizerState:
    """What an optimizer carries from one step to the next (all ``None`` before step 1)."""

    t: int = 0
    """Steps taken so far."""
    buf: Vector | None = None
    """Momentum state: torch ``momentum_buffer``, Keras ``velocity``/``momentum``, optax
    ``trace``."""
    m: Vector | None = None
    """Adam's first moment (torch ``exp_avg``, optax ``mu``)."""
    v: Vector | None = None
    """Adam's second moment (torch ``exp_avg_sq``, optax ``nu``); RMSprop's average of g^2
    (torch ``square_avg``, Keras ``velocity``, optax ``nu``)."""
    v_max: Vector | None = None
    """AMSGrad's largest second moment (torch ``max_exp_avg_sq``, Keras ``velocity_hat``,
    optax ``nu_max``)."""
    g_avg: Vector | None = None
    """Centered RMSprop's average gradient (torch ``grad_avg``, Keras ``average_gradient``,
    optax ``mu``)."""
    acc: Vector | None = None
    """Adagrad's sum of squared gradients (torch ``sum``, Keras ``accumulator``, optax
    ``sum_of_squares``)."""

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON (missing parts as null; the newer parts only when kept)."""
        out: dict[str, Any] = {"t": self.t}
        for key in STATE_KEYS:
            value = getattr(self, key)
            if key in ("buf", "m", "v") or value is not None:
                out[key] = None if value is None else value.tolist()
        return out


@dataclass
class Pass:
    """One step on its way through a chain (mutable, internal to :func:`run_chain`)."""

    w: Vector
    g: Vector
    lr: float
    t: int
    """The number of this step (1 for the first)."""
    before: OptimizerState
    param: Vector
    u: Vector
    decay_grad: Vector
    decay_step: Vector
    move: Vector | None = None
    lr_divisor: float | None = None
    """A framework folding a scalar into the step size (torch Adam ``lr/(1 - b1^t)``)."""
    direction: Vector | None = None
    shown: dict[str, Vector] = field(default_factory=dict)
    """Intermediate values the trace shows (``m_hat``, ``denom``, ...)."""
    state: dict[str, Vector | None] = field(default_factory=dict)

    def prev(self, key: str, fill: float = 0.0) -> Vector:
        """The state ``key`` from the step before, or the framework's initial value."""
        value: Vector | None = getattr(self.before, key)
        return np.full_like(self.w, fill) if value is None else value


class Transform(Protocol):
    """One link of a chain."""

    @property
    def name(self) -> str:
        """The framework's name for it (``scale_by_adam``, ``add_decayed_weights``)."""
        ...

    def apply(self, p: Pass) -> None:
        """Move the step along: update ``p`` and write this transform's state."""
        ...


def _lerp(start: Vector, end: Vector, weight: float) -> Vector:
    """``torch.lerp`` exactly: ATen's formula switches form at ``weight = 0.5``."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


# -- weight decay ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoupledDecay:
    """``g + wd*w`` before the optimizer: torch ``grad.add(param, alpha=weight_decay)``
    (sgd.py, adam.py, rmsprop.py, adagrad.py); optax ``add_decayed_weights`` chained first."""

    weight_decay: Strength
    name: str = "add_decayed_weights"

    def apply(self, p: Pass) -> None:
        """``decay_grad = wd*w`` joins the gradient."""
        p.decay_grad = self.weight_decay * p.w
        p.g = p.g + p.decay_grad
        p.u = p.g


@dataclass(frozen=True)
class DecoupledDecay:
    """Decoupled decay, where each framework puts it.

    torch/optim/adam.py (AdamW): ``param.mul_(1 - lr*weight_decay)`` before the moments.
    keras/src/optimizers/base_optimizer.py ``_apply_weight_decay``: ``variable -
    variable*wd*lr`` before ``update_step``, for every optimizer. optax/_src/alias.py adamw:
    ``add_decayed_weights`` AFTER ``scale_by_adam`` (``update += wd*w``), before the
    learning rate, so the decay moves by ``-lr*wd*w``.
    """

    weight_decay: Strength
    convention: Convention

    @property
    def name(self) -> str:
        """torch ``decoupled_weight_decay``, Keras ``_apply_weight_decay``, optax
        ``add_decayed_weights``."""
        return {
            Convention.TORCH: "decoupled_weight_decay",
            Convention.KERAS: "apply_weight_decay",
            Convention.OPTAX: "add_decayed_weights",
        }[self.convention]

    def apply(self, p: Pass) -> None:
        """Shrink the weights (torch, Keras) or add ``wd*w`` to the update (optax)."""
        wd, w = self.weight_decay, p.w
        if self.convention is Convention.TORCH:
            p.param = w * (1 - p.lr * wd)
            p.decay_step = p.param - w
        elif self.convention is Convention.KERAS:
            p.param = w - w * wd * p.lr
            p.decay_step = p.param - w
        else:
            decay_term = wd * w
            p.u = p.u + decay_term
            p.decay_step = -p.lr * decay_term


# -- momentum ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TorchMomentum:
    """torch/optim/sgd.py: ``buf = grad.clone()`` on step 1 (no dampening), then
    ``buf.mul_(momentum).add_(grad, alpha=1 - dampening)``; Nesterov ``grad + momentum*buf``."""

    params: MomentumParams
    nesterov: bool
    name: str = "momentum_buffer"

    def apply(self, p: Pass) -> None:
        """Update the buffer; the update becomes the buffer (or the Nesterov vector)."""
        d, mom = p.u, self.params.momentum
        buf = p.before.buf
        buf = d.copy() if buf is None else buf * mom + (1 - self.params.dampening) * d
        p.state["buf"] = buf
        p.u = d + mom * buf if self.nesterov else buf


@dataclass(frozen=True)
class KerasMomentum:
    """keras/src/optimizers/sgd.py: ``m = m*momentum - g*lr``; ``w += m`` (Nesterov:
    ``w += m*momentum - g*lr``). The velocity holds the learning rate."""

    params: MomentumParams
    nesterov: bool
    name: str = "velocity"

    def apply(self, p: Pass) -> None:
        """Update the velocity; it (or the Nesterov move) is the move."""
        g, lr, mom = p.u, p.lr, self.params.momentum
        vel = p.prev("buf") * mom - g * lr
        p.state["buf"] = vel
        p.move = vel * mom - g * lr if self.nesterov else vel
        p.direction = p.move / -lr if lr else g


@dataclass(frozen=True)
class OptaxTrace:
    """optax/transforms/_accumulation.py ``trace``: ``t = g + decay*t`` from 0; Nesterov
    returns ``g + decay*t``. In ``sgd`` it runs before the learning rate; in ``rmsprop``
    (optax/_src/alias.py) after it, so the trace holds ``-lr`` times the update."""

    momentum: float
    nesterov: bool
    after_lr: bool = False
    name: str = "trace"

    def apply(self, p: Pass) -> None:
        """Update the trace of ``u`` (or of the move, after the learning rate)."""
        mom = self.momentum
        x = p.move if self.after_lr and p.move is not None else p.u
        tr = x + mom * p.prev("buf")
        p.state["buf"] = tr
        out = x + mom * tr if self.nesterov else tr
        if self.after_lr:
            p.move = out
        else:
            p.u = out


# -- Adam --------------------------------------------------------------------------------------


def _bias_corrections(a: AdamParams, t: int) -> tuple[float, float]:
    return 1 - a.beta1**t, 1 - a.beta2**t


@dataclass(frozen=True)
class TorchAdam:
    """torch/optim/adam.py ``_single_tensor_adam``: ``exp_avg.lerp_(grad, 1 - beta1)``,
    ``exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)``; amsgrad:
    ``max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq)`` (of the raw ``v``);
    ``denom = (sqrt(v)/sqrt(1 - b2^t)).add_(eps)``; ``param.addcdiv_(exp_avg, denom,
    value=-lr/(1 - b1^t))``."""

    params: AdamParams
    name: str = "adam"

    def apply(self, p: Pass) -> None:
        """Update m, v (and v_max); the update is ``m/denom``, the step size ``lr/bc1``."""
        a, d = self.params, p.u
        m = _lerp(p.prev("m"), d, 1 - a.beta1)
        v = p.prev("v") * a.beta2 + (1 - a.beta2) * d * d
        bc1, bc2 = _bias_corrections(a, p.t)
        source = v
        if a.amsgrad:
            source = np.maximum(p.prev("v_max"), v)
            p.state["v_max"] = source
        denom = np.sqrt(source) / bc2**0.5 + a.eps
        p.state.update(m=m, v=v)
        p.u = m / denom
        p.lr_divisor = bc1
        p.direction = m / bc1 / denom
        p.shown.update(m_hat=m / bc1, v_hat=source / bc2, denom=denom, lr_eff=p.lr / denom)


@dataclass(frozen=True)
class KerasAdam:
    """keras/src/optimizers/adam.py: ``alpha = lr*sqrt(1 - b2^t)/(1 - b1^t)``, ``m += (g -
    m)*(1 - beta_1)``, ``v += (g^2 - v)*(1 - beta_2)``; amsgrad: ``v_hat = maximum(v_hat,
    v)`` used for ``v``; ``w -= m*alpha/(sqrt(v) + epsilon)``: eps is "epsilon hat", added
    to sqrt(v) before bias correction."""

    params: AdamParams
    name: str = "adam"

    def apply(self, p: Pass) -> None:
        """Update m, v (and v_max); the move holds the learning rate."""
        a, g, lr = self.params, p.u, p.lr
        m0, v0 = p.prev("m"), p.prev("v")
        b1_power, b2_power = a.beta1**p.t, a.beta2**p.t
        alpha = lr * math.sqrt(1 - b2_power) / (1 - b1_power)
        m = m0 + (g - m0) * (1 - a.beta1)
        v = v0 + (g * g - v0) * (1 - a.beta2)
        source = v
        if a.amsgrad:
            source = np.maximum(p.prev("v_max"), v)
            p.state["v_max"] = source
        p.state.update(m=m, v=v)
        p.move = -((m * alpha) / (np.sqrt(source) + a.eps))
        # In m_hat units the denominator is (sqrt(v) + eps)/sqrt(1 - b2^t).
        denom = (np.sqrt(source) + a.eps) / math.sqrt(1 - b2_power)
        bc1, bc2 = _bias_corrections(a, p.t)
        p.direction = m / bc1 / denom
        p.shown.update(m_hat=m / bc1, v_hat=source / bc2, denom=denom, lr_eff=lr / denom)


@dataclass(frozen=True)
class OptaxAdam:
    """optax/_src/transform.py ``scale_by_adam``: ``mu = (1-b1)*g + b1*mu``, ``nu = (1-b2)*g^2
    + b2*nu``, ``mu_hat/(sqrt(nu_hat + eps_root) + eps)`` with ``eps_root = 0``;
    ``scale_by_amsgrad`` (alias ``amsgrad``): ``nu_max = maximum(nu_max, nu_hat)``, the max
    of the bias-corrected ``nu_hat``."""

    params: AdamParams
    name: str = "scale_by_adam"

    def apply(self, p: Pass) -> None:
        """Update mu, nu (and nu_max); the update is ``mu_hat/denom``."""
        a, d = self.params, p.u
        mu = (1 - a.beta1) * d + a.beta1 * p.prev("m")
        nu = (1 - a.beta2) * (d * d) + a.beta2 * p.prev("v")
        bc1, bc2 = _bias_corrections(a, p.t)
        mu_hat, nu_hat = mu / bc1, nu / bc2
        if a.amsgrad:
            nu_hat = np.maximum(p.prev("v_max"), nu_hat)
            p.state["v_max"] = nu_hat
        denom = np.sqrt(nu_hat + 0.0) + a.eps
        p.state.update(m=mu, v=nu)
        p.u = mu_hat / denom
        p.direction = mu / bc1 / denom
        p.shown.update(m_hat=mu / bc1, v_hat=nu_hat, denom=denom, lr_eff=p.lr / denom)


# -- RMSprop -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TorchRMSprop:
    """torch/optim/rmsprop.py ``_single_tensor_rmsprop``: ``square_avg.mul_(alpha).addcmul_(
    grad, grad, value=1 - alpha)``; centered: ``grad_avg.lerp_(grad, 1 - alpha)``, ``avg =
    square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()``, else ``square_avg.sqrt()``;
    then ``avg.add_(eps)``: eps OUTSIDE the root. Momentum: ``buf.mul_(momentum).addcdiv_(
    grad, avg)`` from zeros, ``param.add_(buf, alpha=-lr)``."""

    params: RMSpropParams
    name: str = "square_avg"

    def apply(self, p: Pass) -> None:
        """Update square_avg (and grad_avg, buf); the update is ``g/avg`` (or the buffer)."""
        r, d = self.params, p.u
        v = p.prev("v") * r.rho + (1 - r.rho) * d * d
        p.state["v"] = v
        if r.centered:
            g_avg = _lerp(p.prev("g_avg"), d, 1 - r.rho)
            p.state["g_avg"] = g_avg
            avg = np.sqrt(v + (-1.0) * g_avg * g_avg) + r.eps
        else:
            avg = np.sqrt(v) + r.eps
        p.u = d / avg
        if r.momentum > 0:
            buf = p.prev("buf") * r.momentum + d / avg
            p.state["buf"] = buf
            p.u = buf
        p.shown.update(denom=avg, lr_eff=p.lr / avg)


@dataclass(frozen=True)
class KerasRMSprop:
    """keras/src/optimizers/rmsprop.py: ``velocity = rho*velocity + (1-rho)*g^2``; centered:
    ``average_gradient = rho*average_gradient + (1-rho)*g``, ``denominator = velocity -
    average_gradient^2 + epsilon``, else ``velocity + epsilon``: eps INSIDE the root;
    ``increment = lr*g/sqrt(denominator)``; momentum: ``momentum = momentum*momentum +
    increment`` (from 0), ``w -= momentum``; else ``w -= increment``."""

    params: RMSpropParams
    name: str = "velocity"

    def apply(self, p: Pass) -> None:
        """Update velocity (and average_gradient, momentum); the move holds lr."""
        r, g, lr = self.params, p.u, p.lr
        v = r.rho * p.prev("v") + (1 - r.rho) * (g * g)
        p.state["v"] = v
        if r.centered:
            g_avg = r.rho * p.prev("g_avg") + (1 - r.rho) * g
            p.state["g_avg"] = g_avg
            denominator = v - g_avg * g_avg + r.eps
        else:
            denominator = v + r.eps
        root = np.sqrt(denominator)
        increment = (lr * g) / root
        if r.momentum > 0:
            mom = r.momentum * p.prev("buf") + increment
            p.state["buf"] = mom
            increment = mom
        p.move = -increment
        p.direction = increment / lr if lr else g / root
        p.shown.update(denom=root, lr_eff=lr / root)


@dataclass(frozen=True)
class OptaxRMSprop:
    """optax/_src/transform.py ``scale_by_rms``: ``nu = (1-decay)*g^2 + decay*nu``, ``g*rsqrt(
    nu + eps)`` (eps INSIDE the root); ``scale_by_stddev`` (centered) also keeps ``mu =
    (1-decay)*g + decay*mu`` and uses ``g*rsqrt(nu - mu^2 + eps)``. alias.py ``rmsprop``
    chains the momentum ``trace`` after the learning rate."""

    params: RMSpropParams
    name: str = "scale_by_rms"

    def apply(self, p: Pass) -> None:
        """Update nu (and mu); the update is ``g/sqrt(nu + eps)``."""
        r, g = self.params, p.u
        nu = (1 - r.rho) * (g * g) + r.rho * p.prev("v")
        p.state["v"] = nu
        if r.centered:
            mu = (1 - r.rho) * g + r.rho * p.prev("g_avg")
            p.state["g_avg"] = mu
            root = np.sqrt(nu - mu * mu + r.eps)
        else:
            root = np.sqrt(nu + r.eps)
        p.u = g * (1 / root)
        p.direction = p.u
        p.shown.update(denom=root, lr_eff=p.lr / root)


# -- Adagrad -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TorchAdagrad:
    """torch/optim/adagrad.py ``_single_tensor_adagrad``: ``clr = lr/(1 + (step - 1)*lr_decay)``,
    ``state_sum.addcmul_(grad, grad, value=1)`` from ``initial_accumulator_value``, ``std =
    state_sum.sqrt().add_(eps)`` (eps OUTSIDE the root), ``param.addcdiv_(grad, std,
    value=-clr)``."""

    params: AdagradParams
    name: str = "sum"

    def apply(self, p: Pass) -> None:
        """Update the sum; the update is ``g/std``, the step size ``clr``."""
        a, d = self.params, p.u
        acc = p.prev("acc", a.initial_accumulator_value) + d * d
        p.state["acc"] = acc
        std = np.sqrt(acc) + a.eps
        p.u = d / std
        p.lr_divisor = 1 + (p.t - 1) * a.lr_decay
        clr = p.lr / p.lr_divisor
        p.shown.update(denom=std, lr_eff=clr / std)


@dataclass(frozen=True)
class KerasAdagrad:
    """keras/src/optimizers/adagrad.py: ``accumulator += g^2`` (from
    ``initial_accumulator_value``, 0.1), ``w -= lr*g/sqrt(accumulator + epsilon)``: eps
    INSIDE the root."""

    params: AdagradParams
    name: str = "accumulator"

    def apply(self, p: Pass) -> None:
        """Update the accumulator; the move holds lr."""
        a, g, lr = self.params, p.u, p.lr
        acc = p.prev("acc", a.initial_accumulator_value) + g * g
        p.state["acc"] = acc
        root = np.sqrt(acc + a.eps)
        p.move = -((lr * g) / root)
        p.direction = g / root
        p.shown.update(denom=root, lr_eff=lr / root)


@dataclass(frozen=True)
class OptaxAdagrad:
    """optax/_src/transform.py ``scale_by_rss``: ``sum_of_squares = g^2 + sum_of_squares``
    (from ``initial_accumulator_value``, 0.1), then ``g*rsqrt(sum + eps)`` where the sum is
    above 0, else 0."""

    params: AdagradParams
    name: str = "scale_by_rss"

    def apply(self, p: Pass) -> None:
        """Update sum_of_squares; the update is ``g/sqrt(sum + eps)``."""
        a, g = self.params, p.u
        acc = g * g + p.prev("acc", a.initial_accumulator_value)
        p.state["acc"] = acc
        root = np.sqrt(acc + a.eps)
        p.u = np.where(acc > 0, 1 / root, 0.0) * g
        p.direction = p.u
        p.shown.update(denom=root, lr_eff=p.lr / root)


# -- learning rate -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleByLearningRate:
    """The move ``-lr*u``: torch ``param.add_(update, alpha=-lr)`` (Adam: ``-lr/(1 - b1^t)``,
    Adagrad: ``-clr``); optax ``scale_by_learning_rate`` (alias.py), ``scale(-lr)``."""

    name: str = "scale_by_learning_rate"

    def apply(self, p: Pass) -> None:
        """``move = (-step_size)*u``."""
        step_size = p.lr if p.lr_divisor is None else p.lr / p.lr_divisor
        if p.direction is None:
            p.direction = p.u
        p.move = (-step_size) * p.u


# -- chains ------------------------------------------------------------------------------------


def chain(
    kind: OptimizerKind,
    convention: Convention,
    params: tuple[Any, ...],
    weight_decay: Strength,
    decay: DecayMode,
) -> tuple[Transform, ...]:
    """Each framework's optimizer as a chain of transforms (see the module docstring)."""
    first: list[Transform] = []
    if decay is DecayMode.COUPLED:
        first.append(CoupledDecay(weight_decay))
    elif decay is DecayMode.DECOUPLED and convention is not Convention.OPTAX:
        first.append(DecoupledDecay(weight_decay, convention))
    core = _core(kind, convention, params)
    if decay is DecayMode.DECOUPLED and convention is Convention.OPTAX:
        core.append(DecoupledDecay(weight_decay, convention))
    if convention is not Convention.KERAS:  # Keras multiplies by lr inside update_step
        core.append(ScaleByLearningRate())
    rms = next((x for x in params if isinstance(x, RMSpropParams)), None)
    if convention is Convention.OPTAX and rms is not None and rms.momentum > 0:
        core.append(OptaxTrace(rms.momentum, nesterov=False, after_lr=True))
    return (*first, *core)


_SCALES: dict[type[Any], dict[Convention, Callable[[Any], Transform]]] = {
    AdamParams: {
        Convention.TORCH: TorchAdam,
        Convention.KERAS: KerasAdam,
        Convention.OPTAX: OptaxAdam,
    },
    RMSpropParams: {
        Convention.TORCH: TorchRMSprop,
        Convention.KERAS: KerasRMSprop,
        Convention.OPTAX: OptaxRMSprop,
    },
    AdagradParams: {
        Convention.TORCH: TorchAdagrad,
        Convention.KERAS: KerasAdagrad,
        Convention.OPTAX: OptaxAdagrad,
    },
}
"""The scaling transform of each adaptive optimizer, per framework."""


def _core(kind: OptimizerKind, convention: Convention, params: tuple[Any, ...]) -> list[Transform]:
    """The optimizer's own transforms, before the learning rate."""
    nesterov = kind is OptimizerKind.NESTEROV
    for x in params:
        if isinstance(x, MomentumParams):
            if convention is Convention.TORCH:
                return [TorchMomentum(x, nesterov)]
            if convention is Convention.KERAS:
                return [KerasMomentum(x, nesterov)]
            return [OptaxTrace(x.momentum, nesterov)]
        if type(x) in _SCALES:
            return [_SCALES[type(x)][convention](x)]
    if convention is Convention.KERAS:
        return [KerasSGD()]
    return []


@dataclass(frozen=True)
class KerasSGD:
    """keras/src/optimizers/sgd.py without momentum: ``assign_sub(variable, gradient*lr)``."""

    name: str = "sgd"

    def apply(self, p: Pass) -> None:
        """``move = -(g*lr)``."""
        p.move = -(p.u * p.lr)
        p.direction = p.u


@dataclass(frozen=True)
class Moves:
    """What a chain produced for one step."""

    decay_grad: Vector
    full_grad: Vector
    decay_step: Vector
    direction: Vector
    w_new: Vector
    state: OptimizerState
    shown: dict[str, Vector]


def run_chain(
    transforms: tuple[Transform, ...], w: Vector, g: Vector, lr: float, state: OptimizerState
) -> Moves:
    """One step of ``w`` through ``transforms`` from ``state``; ``g`` includes the penalty."""
    zeros = np.zeros_like(w)
    p = Pass(w=w, g=g, lr=lr, t=state.t + 1, before=state, param=w, u=g, decay_grad=zeros,
             decay_step=zeros)  # fmt: skip
    for transform in transforms:
        transform.apply(p)
    assert p.move is not None and p.direction is not None
    kept = {key: p.state.get(key, getattr(state, key)) for key in STATE_KEYS}
    new_state = replace(state, t=p.t, **kept)
    return Moves(p.decay_grad, p.g, p.decay_step, p.direction, p.param + p.move, new_state,
                 p.shown)  # fmt: skip
