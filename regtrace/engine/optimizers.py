"""SGD, momentum, Nesterov, Adam and AdamW, in the exact update order of PyTorch, Keras or optax.

The gradient an optimizer sees is ``full_grad = dL/dw + penalty_grad (+ wd*w when the weight
decay is coupled)``; a decoupled decay moves the weights by ``-lr*wd*w`` outside the
optimizer's moments. Which framework does what, with the file each rule comes from, is in
:mod:`regtrace.engine.conventions`; the arithmetic below follows those files line by line
(down to the order of the floating-point operations where that is cheap), so that a trace
matches the framework to about 1e-15 relative. ``tests/test_torch_reference.py`` checks the
PyTorch convention against fixtures written by real PyTorch (``scripts/make_reference.py``).

Every intermediate value is kept in the frozen :class:`OptimizerStep` (momentum buffer, Adam's
``m``, ``v``, ``m_hat``, ``v_hat``, the per-weight step size), so a student can follow every
number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from regtrace.engine.conventions import (
    DEFAULT_ADAMW_DECAY,
    DEFAULT_BETA1,
    DEFAULT_BETA2,
    DEFAULT_EPS,
    DEFAULT_MOMENTUM,
    Convention,
    DecayMode,
    OptimizerKind,
    decay_mode,
)
from regtrace.engine.penalties import (
    L1Method,
    L2Form,
    Penalty,
    PenaltyKind,
    Strength,
    Vector,
    _as_strength,
    strength_to_json,
)
from regtrace.engine.step import as_vector, check_lr, check_same_length
from regtrace.errors import RegtraceError

OPTIMIZER_WORDS = ", ".join(k.value for k in OptimizerKind)
CONVENTION_WORDS = ", ".join(c.value for c in Convention)

# The name each framework gives its momentum state (shown in the trace and the JSON).
BUFFER_NAME: dict[Convention, str] = {
    Convention.TORCH: "momentum_buffer",  # torch/optim/sgd.py state["momentum_buffer"]
    Convention.KERAS: "velocity",  # keras/src/optimizers/sgd.py: v = momentum*v - lr*g
    Convention.OPTAX: "trace",  # optax/transforms/_accumulation.py TraceState.trace
}


def _finite(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise RegtraceError(f"{name} must be finite; NaN and infinity are not allowed")
    return value


_E = TypeVar("_E", OptimizerKind, Convention)


def _enum(cls: type[_E], value: _E | str, option: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        words = OPTIMIZER_WORDS if cls is OptimizerKind else CONVENTION_WORDS
        raise RegtraceError(f"{option}: unknown value {value!r}; choose from {words}") from None


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer with its hyper-parameters, following one framework's convention."""

    kind: OptimizerKind
    convention: Convention = Convention.TORCH
    lr: float = 0.1
    momentum: float = 0.0
    dampening: float = 0.0
    beta1: float = DEFAULT_BETA1
    beta2: float = DEFAULT_BETA2
    eps: float = DEFAULT_EPS[Convention.TORCH]
    weight_decay: Strength = 0.0

    @classmethod
    def build(
        cls,
        kind: OptimizerKind | str,
        convention: Convention | str = Convention.TORCH,
        *,
        lr: float,
        n: int = 1,
        momentum: float | None = None,
        dampening: float | None = None,
        beta1: float | None = None,
        beta2: float | None = None,
        eps: float | None = None,
        weight_decay: float | Vector | None = None,
    ) -> OptimizerSpec:
        """Check the options that apply to ``kind`` and fill in the framework's defaults.

        ``weight_decay`` is one number or one per weight (0 exempts a bias, as a PyTorch
        parameter group with ``weight_decay=0`` would).
        """
        kind = _enum(OptimizerKind, kind, "--optimizer")
        convention = _enum(Convention, convention, "--convention")
        lr = check_lr(lr)
        _check_applies(kind, convention, momentum, dampening, beta1, beta2, eps)
        spec = cls(kind=kind, convention=convention, lr=lr, eps=DEFAULT_EPS[convention])
        if kind.has_momentum:
            m = DEFAULT_MOMENTUM if momentum is None else _finite(momentum, "momentum")
            if not 0 < m <= 1:
                raise RegtraceError(
                    f"momentum must be above 0 and at most 1, not {m:g}; "
                    "0 would be plain sgd (use --optimizer sgd)"
                )
            d = 0.0 if dampening is None else _finite(dampening, "dampening")
            if not 0 <= d <= 1:
                raise RegtraceError(f"dampening must be between 0 and 1, not {d:g}")
            spec = replace(spec, momentum=m, dampening=d)
        if kind.adaptive:
            b1 = DEFAULT_BETA1 if beta1 is None else _finite(beta1, "beta1")
            b2 = DEFAULT_BETA2 if beta2 is None else _finite(beta2, "beta2")
            for name, b in (("beta1", b1), ("beta2", b2)):
                if not 0 <= b < 1:  # torch/optim/adam.py: "Invalid beta parameter"
                    raise RegtraceError(f"{name} must be at least 0 and below 1, not {b:g}")
            e = spec.eps if eps is None else _finite(eps, "eps")
            if e <= 0:
                raise RegtraceError(
                    f"eps must be above 0, not {e:g}; it keeps sqrt(v_hat) + eps away from 0"
                )
            spec = replace(spec, beta1=b1, beta2=b2, eps=e)
        if weight_decay is None:
            wd: Strength = DEFAULT_ADAMW_DECAY[convention] if kind is OptimizerKind.ADAMW else 0.0
        else:
            wd = _as_strength(weight_decay, n, "weight_decay")
        return replace(spec, weight_decay=wd)

    @property
    def decay(self) -> DecayMode:
        """How the weight decay is applied (none when it is 0 everywhere)."""
        if not np.any(np.asarray(self.weight_decay) != 0):
            return DecayMode.NONE
        return decay_mode(self.kind, self.convention)

    @property
    def label(self) -> str:
        """``Adam (PyTorch)``: the optimizer and whose convention it follows."""
        return f"{self.kind.label} ({self.convention.label})"

    @property
    def buffer_name(self) -> str:
        """What the framework calls its momentum state."""
        return BUFFER_NAME[self.convention]

    def to_dict(self) -> dict[str, Any]:
        """The hyper-parameters that apply to this optimizer, as JSON."""
        out: dict[str, Any] = {
            "optimizer": self.kind.value,
            "convention": self.convention.value,
            "lr": self.lr,
        }
        if self.kind.has_momentum:
            out.update(momentum=self.momentum, dampening=self.dampening)
        if self.kind.adaptive:
            out.update(beta1=self.beta1, beta2=self.beta2, eps=self.eps)
        out.update(weight_decay=strength_to_json(self.weight_decay), decay=self.decay.value)
        return out


def _check_applies(
    kind: OptimizerKind,
    convention: Convention,
    momentum: float | None,
    dampening: float | None,
    beta1: float | None,
    beta2: float | None,
    eps: float | None,
) -> None:
    """An option given for an optimizer that has no such setting is a usage error."""
    if not kind.has_momentum:
        for name, value in (("momentum", momentum), ("dampening", dampening)):
            if value is not None:
                raise RegtraceError(
                    f"--{name} applies to --optimizer momentum or nesterov, not {kind.value}"
                )
    if not kind.adaptive:
        for name, value in (("beta1", beta1), ("beta2", beta2), ("eps", eps)):
            if value is not None:
                raise RegtraceError(
                    f"--{name} applies to --optimizer adam or adamw, not {kind.value}"
                )
    if dampening is not None and dampening != 0:
        if convention is not Convention.TORCH:
            # keras/src/optimizers/sgd.py and optax/_src/alias.py sgd take no dampening.
            raise RegtraceError(
                f"--dampening is a PyTorch setting; {convention.label} SGD has no dampening "
                "(use --convention torch)"
            )
        if kind is OptimizerKind.NESTEROV:
            # torch/optim/sgd.py: "Nesterov momentum requires a momentum and zero dampening"
            raise RegtraceError("nesterov needs --dampening 0 (PyTorch refuses anything else)")


@dataclass(frozen=True)
class OptimizerState:
    """What an optimizer carries from one step to the next (all ``None`` before step 1)."""

    t: int = 0
    """Steps taken so far."""
    buf: Vector | None = None
    """Momentum state: torch ``momentum_buffer``, Keras ``velocity``, optax ``trace``."""
    m: Vector | None = None
    """Adam's first moment (torch ``exp_avg``, optax ``mu``)."""
    v: Vector | None = None
    """Adam's second moment (torch ``exp_avg_sq``, optax ``nu``)."""

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON (missing parts as null)."""
        return {
            "t": self.t,
            "buf": None if self.buf is None else self.buf.tolist(),
            "m": None if self.m is None else self.m.tolist(),
            "v": None if self.v is None else self.v.tolist(),
        }


@dataclass(frozen=True)
class OptimizerStep:
    """One update of one optimizer: the inputs, every intermediate value, the new weights."""

    spec: OptimizerSpec
    penalty: Penalty
    t: int
    """The number of this step (1 for the first)."""
    w: Vector
    grad: Vector
    """The data-loss gradient dL/dw."""
    penalty_grad: Vector
    """Gradient of the loss-side penalty (``--penalty``), e.g. ``2*lam*w``."""
    decay_grad: Vector
    """Coupled weight decay ``wd*w`` added to the gradient (zeros when not coupled)."""
    full_grad: Vector
    """What the optimizer's update sees: ``grad + penalty_grad + decay_grad``."""
    decay_step: Vector
    """Decoupled decay's move ``-lr*wd*w`` (zeros when not decoupled)."""
    direction: Vector
    """The vector the optimizer multiplies by ``-lr`` (for Adam: ``m_hat/(sqrt(v_hat)+eps)``)."""
    optimizer_step: Vector
    """The optimizer's own move, without the decoupled decay."""
    step: Vector
    """``w_new - w``: everything together."""
    w_new: Vector
    state: OptimizerState
    """The state after this step."""
    penalty_value: float
    loss: float | None
    m_hat: Vector | None = None
    v_hat: Vector | None = None
    denom: Vector | None = None
    """Adam's denominator in ``m_hat`` units: ``sqrt(v_hat) + eps`` (Keras: eps-hat form)."""
    lr_eff: Vector | None = None
    """Adam's per-weight step size ``lr/denom``: the update is ``-lr_eff*m_hat``."""

    @property
    def label(self) -> str:
        """``Adam (PyTorch)``."""
        return self.spec.label

    def to_dict(self) -> dict[str, Any]:
        """DESIGN.md's step keys, then the optimizer, its state and intermediate values."""
        out: dict[str, Any] = {
            "penalty": self.penalty.kind.value,
            "lam": self.penalty.lam_json(),
            "penalty_value": self.penalty_value,
            "loss": self.loss,
            "penalty_grad": self.penalty_grad.tolist(),
            "full_grad": self.full_grad.tolist(),
            "step": self.step.tolist(),
            "w_new": self.w_new.tolist(),
            **self.spec.to_dict(),
            "t": self.t,
            "decay_grad": self.decay_grad.tolist(),
            "decay_step": self.decay_step.tolist(),
            "direction": self.direction.tolist(),
            "optimizer_step": self.optimizer_step.tolist(),
            "state": self.state.to_dict(),
        }
        for name in ("m_hat", "v_hat", "denom", "lr_eff"):
            value = getattr(self, name)
            out[name] = None if value is None else value.tolist()
        return out


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
    direction = m / denom / bc1
    w_new = param + (-step_size) * (m / denom)  # param.addcdiv_(exp_avg, denom, -step_size)
    return _Moves(
        decay_grad,
        d,
        param - w,
        direction,
        w_new,
        OptimizerState(t, m=m, v=v),
        m_hat=m / bc1,
        v_hat=v / bc2,
        denom=denom,
        lr_eff=lr / denom,
    )


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
    bc1, bc2 = 1 - b1_power, 1 - b2_power
    # eps is "epsilon hat": added to sqrt(v) before bias correction, so in m_hat units the
    # denominator is (sqrt(v) + eps)/sqrt(1 - b2^t) = sqrt(v_hat) + eps/sqrt(1 - b2^t).
    denom = (np.sqrt(v) + spec.eps) / math.sqrt(bc2)
    return _Moves(
        zeros,
        g,
        param - w,
        m / bc1 / denom,
        w_new,
        OptimizerState(t, m=m, v=v),
        m_hat=m / bc1,
        v_hat=v / bc2,
        denom=denom,
        lr_eff=lr / denom,
    )


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
    return _Moves(
        decay_grad,
        d,
        decay_step,
        mu_hat / denom,
        w_new,
        OptimizerState(t, m=mu, v=nu),
        m_hat=mu_hat,
        v_hat=nu_hat,
        denom=denom,
        lr_eff=lr / denom,
    )


_UPDATES: dict[Convention, Callable[[OptimizerSpec, Vector, Vector, OptimizerState], _Moves]] = {
    Convention.TORCH: _torch,
    Convention.KERAS: _keras,
    Convention.OPTAX: _optax,
}


def _check_state(state: OptimizerState, spec: OptimizerSpec, n: int) -> None:
    if state.t < 0:
        raise RegtraceError(f"the step count t must not be negative, not {state.t}")
    for name in ("buf", "m", "v"):
        value = getattr(state, name)
        if value is not None and value.shape != (n,):
            raise RegtraceError(
                f"the optimizer state {name} has {value.size} values but w has {n}; "
                "give one per weight"
            )
    if state.v is not None and np.any(state.v < 0):
        raise RegtraceError("the second moment v must not be negative (it averages g^2)")
    if spec.kind.adaptive and state.t == 0 and (state.m is not None or state.v is not None):
        raise RegtraceError("Adam's m and v need the step count t they belong to (t >= 1)")


def optimizer_update(
    w: Vector,
    grad: Vector,
    spec: OptimizerSpec,
    penalty: Penalty,
    state: OptimizerState | None = None,
    loss: float | None = None,
) -> OptimizerStep:
    """One update of ``w`` by ``spec`` from ``state`` (fresh when ``None``); inputs trusted.

    ``grad`` is the data-loss gradient; ``penalty`` adds its gradient (a loss-side
    regularizer, e.g. Keras' ``L2`` or the seeds' ``lam*||w||^2``) before the optimizer.
    """
    state = OptimizerState() if state is None else state
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        penalty_grad = penalty.grad(w)
        moves = _UPDATES[spec.convention](spec, w, grad + penalty_grad, state)
        value = penalty.value(w)
        full_grad = moves.full_grad
        step = moves.w_new - w
        optimizer_step = moves.w_new - (w + moves.decay_step)
    moments = (moves.state.m, moves.state.v, moves.state.buf)
    checked = [moves.w_new, full_grad, *(x for x in moments if x is not None)]
    if not all(np.all(np.isfinite(x)) for x in checked) or not math.isfinite(value):
        raise RegtraceError(
            f"the {spec.label} step overflows float64 (a weight, gradient or moment beyond "
            "1.8e308); use smaller lr, lam or weights"
        )
    return OptimizerStep(
        spec=spec,
        penalty=penalty,
        t=moves.state.t,
        w=w,
        grad=grad,
        penalty_grad=penalty_grad,
        decay_grad=moves.decay_grad,
        full_grad=full_grad,
        decay_step=moves.decay_step,
        direction=moves.direction,
        optimizer_step=optimizer_step,
        step=step,
        w_new=moves.w_new,
        state=moves.state,
        penalty_value=value,
        loss=None if loss is None else loss + value,
        m_hat=moves.m_hat,
        v_hat=moves.v_hat,
        denom=moves.denom,
        lr_eff=moves.lr_eff,
    )


@dataclass(frozen=True)
class OptimizerTrace:
    """Several steps of one optimizer; ``steps[k]`` goes from ``trajectory[k]`` to ``[k+1]``."""

    spec: OptimizerSpec
    penalty: Penalty
    steps: tuple[OptimizerStep, ...]

    @property
    def trajectory(self) -> list[Vector]:
        """The weights before the first step, then after each step."""
        return [self.steps[0].w, *(s.w_new for s in self.steps)]

    @property
    def w_final(self) -> Vector:
        """The weights after the last step."""
        return self.steps[-1].w_new

    def to_dict(self) -> dict[str, Any]:
        """DESIGN.md's ``run`` keys (``trajectory``, ``w_final``) plus every step's trace."""
        return {
            "penalty": self.penalty.kind.value,
            "lam": self.penalty.lam_json(),
            **self.spec.to_dict(),
            "trajectory": [w.tolist() for w in self.trajectory],
            "w_final": self.w_final.tolist(),
            "steps": [s.to_dict() for s in self.steps],
        }


GradientSource = Callable[[Vector], Iterable[float] | Vector] | Sequence[Iterable[float] | Vector]
"""A function ``w -> dL/dw``, or one gradient per step."""


def optimize(
    w: Iterable[float] | Vector,
    grads: GradientSource,
    spec: OptimizerSpec,
    *,
    steps: int | None = None,
    penalty: Penalty | None = None,
    state: OptimizerState | None = None,
) -> OptimizerTrace:
    """Run ``spec`` for several steps; ``grads`` is ``w -> dL/dw`` or a list, one per step.

    >>> spec = OptimizerSpec.build("momentum", lr=0.1, momentum=0.9)
    >>> trace = optimize([1.0], lambda w: w, spec, steps=2)
    >>> [round(float(x[0]), 12) for x in trace.trajectory]
    [1.0, 0.9, 0.72]
    """
    w_arr = as_vector(w, "w")
    n = w_arr.size
    penalty = Penalty.build(PenaltyKind.NONE, n) if penalty is None else penalty
    if penalty.proximal:
        raise RegtraceError(
            "--l1-method proximal works with plain sgd only; optimizers use the subgradient"
        )
    if callable(grads):
        count = 1 if steps is None else steps
    else:
        count = len(grads) if steps is None else steps
        if count > len(grads):
            raise RegtraceError(f"{count} steps need {count} gradients, not {len(grads)}")
    if count < 1:
        raise RegtraceError(f"steps must be at least 1, not {count}")
    state = OptimizerState() if state is None else state
    _check_state(state, spec, n)
    done: list[OptimizerStep] = []
    for k in range(count):
        raw = grads(w_arr) if callable(grads) else grads[k]
        g = as_vector(raw, "grad")
        check_same_length(w_arr, g)
        result = optimizer_update(w_arr, g, spec, penalty, state)
        done.append(result)
        w_arr, state = result.w_new, result.state
    return OptimizerTrace(spec, penalty, tuple(done))


@dataclass(frozen=True)
class OptimizerReport:
    """One step of one or more optimizers on the same input, side by side (``--compare``)."""

    w: Vector
    grad: Vector
    lr: float
    loss: float | None
    results: tuple[OptimizerStep, ...]

    def __getitem__(self, key: int | str) -> OptimizerStep:
        """A result by position or optimizer name (``report["adamw"]``)."""
        if isinstance(key, int):
            return self.results[key]
        for result in self.results:
            if result.spec.kind == key:
                return result
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """Inputs echoed, then one result per optimizer."""
        first = self.results[0].penalty
        return {
            "command": "step",
            "w": self.w.tolist(),
            "grad": self.grad.tolist(),
            "lr": self.lr,
            "loss": self.loss,
            "l2_form": first.l2_form.value,
            "results": [r.to_dict() for r in self.results],
        }


def optimizer_step(
    w: Iterable[float] | Vector,
    grad: Iterable[float] | Vector,
    *,
    optimizers: Sequence[OptimizerKind | str] = (OptimizerKind.ADAM,),
    convention: Convention | str = Convention.TORCH,
    lr: float = 0.1,
    loss: float | None = None,
    penalty: PenaltyKind | str = PenaltyKind.NONE,
    lam: float | Vector = 0.0,
    lam1: float | Vector | None = None,
    lam2: float | Vector | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    momentum: float | None = None,
    dampening: float | None = None,
    beta1: float | None = None,
    beta2: float | None = None,
    eps: float | None = None,
    weight_decay: float | Vector | None = None,
    state: OptimizerState | None = None,
) -> OptimizerReport:
    """One step of each optimizer in ``optimizers`` on the same ``w`` and ``grad``.

    Options that do not apply to one of the optimizers (``momentum`` for Adam) are an error,
    unless another optimizer in the comparison uses them.

    >>> report = optimizer_step([2.5], [-0.2], optimizers=["adam"], lr=0.1)
    >>> round(float(report["adam"].w_new[0]), 6)  # step 1 moves by lr*g/(|g| + eps)
    2.6
    """
    w_arr = as_vector(w, "w")
    g_arr = as_vector(grad, "grad")
    check_same_length(w_arr, g_arr)
    lr = check_lr(lr)
    if loss is not None and not math.isfinite(loss):
        raise RegtraceError("loss must be finite; NaN and infinity are not allowed")
    n = w_arr.size
    built_penalty = Penalty.build(
        penalty, n, lam, lam1=lam1, lam2=lam2, l2_form=l2_form, l1_method=L1Method.SUBGRADIENT
    )
    kinds = [_enum(OptimizerKind, k, "--optimizer") for k in dict.fromkeys(optimizers)]
    if not kinds:
        raise RegtraceError(f"no optimizer given; choose from {OPTIMIZER_WORDS}")
    specs = [
        OptimizerSpec.build(
            kind,
            convention,
            lr=lr,
            n=n,
            **_applicable(
                kinds,
                kind,
                momentum=momentum,
                dampening=dampening,
                beta1=beta1,
                beta2=beta2,
                eps=eps,
            ),
            weight_decay=weight_decay,
        )
        for kind in kinds
    ]
    start = OptimizerState() if state is None else state
    for spec in specs:
        _check_state(start, spec, n)
    results = tuple(optimizer_update(w_arr, g_arr, s, built_penalty, start, loss) for s in specs)
    return OptimizerReport(w=w_arr, grad=g_arr, lr=lr, loss=loss, results=results)


def _applicable(
    kinds: list[OptimizerKind], kind: OptimizerKind, **options: float | None
) -> dict[str, float | None]:
    """In a comparison, pass each optimizer only the options it has.

    An option that no optimizer in the comparison has stays, so that building the first
    optimizer reports it as a usage error.
    """
    has: dict[str, Callable[[OptimizerKind], bool]] = {
        "momentum": lambda k: k.has_momentum,
        "dampening": lambda k: k.has_momentum,
        "beta1": lambda k: k.adaptive,
        "beta2": lambda k: k.adaptive,
        "eps": lambda k: k.adaptive,
    }
    out: dict[str, float | None] = {}
    for name, value in options.items():
        test = has[name]
        if value is None or test(kind) or not any(test(k) for k in kinds):
            out[name] = value
    return out


__all__ = [
    "Convention",
    "DecayMode",
    "OptimizerKind",
    "OptimizerReport",
    "OptimizerSpec",
    "OptimizerState",
    "OptimizerStep",
    "OptimizerTrace",
    "optimize",
    "optimizer_step",
    "optimizer_update",
]
