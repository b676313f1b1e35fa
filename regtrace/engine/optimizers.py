"""SGD, momentum, Nesterov, Adam, AdamW, RMSprop and Adagrad, in the update order of PyTorch,
Keras or optax.

The gradient an optimizer sees is ``full_grad = dL/dw + penalty_grad (+ wd*w when the weight
decay is coupled)``; a decoupled decay moves the weights by ``-lr*wd*w`` outside the
optimizer's moments. Which framework does what, with the file each rule comes from, is in
:mod:`regtrace.engine.frameworks`; each optimizer is a chain of small transforms
(:mod:`regtrace.engine.transforms`) that follow those files line by line, down to the order
of the floating-point operations where that is cheap, so a trace matches the framework to
about 1e-16 relative.
``tests/test_torch_reference.py`` checks the PyTorch convention against fixtures written by
real PyTorch (``scripts/make_reference.py``).

Every intermediate value is kept in the frozen :class:`OptimizerStep` (momentum buffer, Adam's
``m``, ``v``, ``m_hat``, ``v_hat``, the per-weight step size), so a student can follow every
number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from regtrace.engine.frameworks import Convention, DecayMode, OptimizerKind
from regtrace.engine.optimizer_params import PARAMS_OF
from regtrace.engine.optimizer_spec import (
    OPTIMIZER_WORDS,
    OptimizerSpec,
    OptimizerState,
    _enum,
)
from regtrace.engine.penalties import (
    L1Method,
    L2Form,
    Penalty,
    PenaltyKind,
    Vector,
)
from regtrace.engine.step import as_vector, check_lr, check_same_length, step_contract
from regtrace.engine.transforms import STATE_KEYS, run_chain
from regtrace.errors import RegtraceError


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
    """The denominator: Adam's in ``m_hat`` units, ``sqrt(v_hat) + eps`` (Keras: eps-hat
    form); RMSprop's ``sqrt(v) + eps`` or ``sqrt(v + eps)``; Adagrad's likewise of the sum."""
    lr_eff: Vector | None = None
    """The per-weight step size ``lr/denom`` (Adam: the update is ``-lr_eff*m_hat``)."""
    previous: OptimizerState = field(default_factory=OptimizerState)
    """The state this step started from (to show the arithmetic of the moments)."""

    @property
    def label(self) -> str:
        """``Adam (PyTorch)``."""
        return self.spec.label

    def to_dict(self) -> dict[str, Any]:
        """The step keys (docs/design.md), then the optimizer, its state and intermediate values."""
        out: dict[str, Any] = {
            **step_contract(self),
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


def _check_state(state: OptimizerState, spec: OptimizerSpec, n: int) -> None:
    if state.t < 0:
        raise RegtraceError(f"the step count t must not be negative, not {state.t}")
    for name in STATE_KEYS:
        value = getattr(state, name)
        if value is not None and value.shape != (n,):
            raise RegtraceError(
                f"the optimizer state {name} has {value.size} values but w has {n}; "
                "give one per weight"
            )
    for name, what in (
        ("v", "the second moment v must not be negative (it averages g^2)"),
        ("v_max", "the largest second moment v_max must not be negative (it is a max of v)"),
        ("acc", "Adagrad's sum acc must not be negative (it sums g^2)"),
    ):
        value = getattr(state, name)
        if value is not None and np.any(value < 0):
            raise RegtraceError(what)
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
    regularizer, e.g. Keras' ``L2`` or regtrace's ``lam*||w||^2``) before the optimizer.
    """
    state = OptimizerState() if state is None else state
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        penalty_grad = penalty.grad(w)
        moves = run_chain(spec.chain, w, grad + penalty_grad, spec.lr, state)
        value = penalty.value(w)
        full_grad = moves.full_grad
        step = moves.w_new - w
        optimizer_step = moves.w_new - (w + moves.decay_step)
    moments = [getattr(moves.state, key) for key in STATE_KEYS]
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
        m_hat=moves.shown.get("m_hat"),
        v_hat=moves.shown.get("v_hat"),
        denom=moves.shown.get("denom"),
        lr_eff=moves.shown.get("lr_eff"),
        previous=state,
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
        """The ``run`` keys (docs/design.md) plus every step's trace."""
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
    weight_decay: float | Vector | None = None,
    state: OptimizerState | None = None,
    **hyper: float | bool | None,
) -> OptimizerReport:
    """One step of each optimizer in ``optimizers`` on the same ``w`` and ``grad``.

    ``hyper`` holds the hyper-parameters by name (``momentum``, ``beta1``, ``centered``, ...).
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
            weight_decay=weight_decay,
            **_applicable(kinds, kind, hyper),
        )
        for kind in kinds
    ]
    start = OptimizerState() if state is None else state
    for spec in specs:
        _check_state(start, spec, n)
    results = tuple(optimizer_update(w_arr, g_arr, s, built_penalty, start, loss) for s in specs)
    return OptimizerReport(w=w_arr, grad=g_arr, lr=lr, loss=loss, results=results)


def _applicable(
    kinds: list[OptimizerKind], kind: OptimizerKind, options: dict[str, float | bool | None]
) -> dict[str, float | bool | None]:
    """In a comparison, pass each optimizer only the options it has.

    An option that no optimizer in the comparison has stays, so that building the first
    optimizer reports it as a usage error.
    """

    def has(k: OptimizerKind, name: str) -> bool:
        return any(name in {f.name for f in fields(c)} for c in PARAMS_OF[k])

    return {
        name: value
        for name, value in options.items()
        if value is None or has(kind, name) or not any(has(k, name) for k in kinds)
    }


class OptimizerRule:
    """One optimizer as an in-place update rule ``rule(w, g)``, keeping its state inside.

    This is the shape of ``regtrace.engine.trajectory``'s ``UpdateRule`` (its seam for
    optimizers), so ``run(..., rule=optimizer_rules(spec))`` traces an optimizer over many
    steps; ``g`` is the data gradient, the penalty enters as in :func:`optimizer_update`.
    """

    def __init__(self, spec: OptimizerSpec, penalty: Penalty) -> None:
        self.spec = spec
        self.penalty = penalty
        self.state = OptimizerState()
        self.last: OptimizerStep | None = None

    def __call__(self, w: Vector, g: Vector) -> None:
        """Move ``w`` in place by one step of the optimizer."""
        self.last = optimizer_update(w.copy(), g, self.spec, self.penalty, self.state)
        self.state = self.last.state
        w[...] = self.last.w_new


def optimizer_rules(spec: OptimizerSpec) -> Callable[[Penalty, float], OptimizerRule]:
    """A rule factory ``factory(penalty, lr)`` for ``spec``: one fresh state per penalty.

    The ``lr`` the run passes wins over ``spec.lr`` (the run owns the learning rate).
    """

    def factory(penalty: Penalty, lr: float) -> OptimizerRule:
        if penalty.proximal:
            raise RegtraceError(
                "--l1-method proximal works with plain sgd only; optimizers use the subgradient"
            )
        return OptimizerRule(replace(spec, lr=check_lr(lr)), penalty)

    return factory


__all__ = [
    "Convention",
    "DecayMode",
    "OptimizerKind",
    "OptimizerReport",
    "OptimizerRule",
    "OptimizerSpec",
    "OptimizerState",
    "OptimizerStep",
    "OptimizerTrace",
    "optimize",
    "optimizer_rules",
    "optimizer_step",
    "optimizer_update",
]
