"""One gradient-descent step under each requested penalty (docs/design.md).

``full_grad = g + penalty_grad``, ``step = -lr * full_grad``, ``w_new = w + step`` and, with a
base loss ``L``, ``loss = L + penalty_value``. With ``l1_method="proximal"`` the L1 part is
applied by soft-thresholding instead: ``v = w - lr*(g + l2_grad)``,
``w_new = sign(v) * max(|v| - lr*lam1, 0)``; the penalty gradient reported is then the
effective one, ``(v - w_new)/lr + l2_grad = l2_grad + clip(v/lr, -lam1, lam1)``, so that
``w_new = w - lr*full_grad`` still holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np

from regtrace.engine.penalties import (
    L1Method,
    L2Form,
    Penalty,
    PenaltyKind,
    Vector,
    strength_to_json,
)
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen
from regtrace.regularizers import choose_from

DEFAULT_PENALTIES: tuple[PenaltyKind, ...] = (PenaltyKind.L2, PenaltyKind.L1)


def as_vector(values: Iterable[float] | Vector, name: str) -> Vector:
    """A 1-D float64 array of finite numbers, or a :class:`RegtraceError` naming ``name``."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise RegtraceError(f"{name} must be a list of numbers") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise RegtraceError(f"{name} must be one-dimensional, not of shape {arr.shape}")
    if arr.size == 0:
        raise RegtraceError(f"{name} is empty; give at least one number")
    if not np.all(np.isfinite(arr)):
        raise RegtraceError(f"{name} holds NaN or infinity; every value must be finite")
    return arr


def check_lr(lr: float) -> float:
    """A learning rate must be a finite, non-negative number."""
    lr = float(lr)
    if not np.isfinite(lr):
        raise RegtraceError("lr must be finite; NaN and infinity are not allowed")
    if lr < 0:
        raise RegtraceError("lr must not be negative; a step goes against the gradient")
    return lr


def check_same_length(w: Vector, grad: Vector) -> None:
    """``w`` and ``grad`` pair up element by element."""
    if w.shape != grad.shape:
        raise RegtraceError(
            f"w has {w.size} values but grad has {grad.size}; give one gradient per weight"
        )


@frozen
class StepResult:
    """One step under one penalty; every field a plain value or a float64 array."""

    penalty: Penalty
    penalty_value: float
    loss: float | None
    penalty_grad: Vector
    full_grad: Vector
    step: Vector
    w_new: Vector
    prox_input: Vector | None = None
    """``v = w - lr*(g + l2_grad)``, the point soft-thresholded (proximal L1 only)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of docs/design.md: exactly these keys, numbers as numbers."""
        return step_contract(self)


class StepFields(Protocol):
    """What the ``step`` JSON of docs/design.md needs of a result (plain or optimizer step)."""

    @property
    def penalty(self) -> Penalty: ...
    @property
    def penalty_value(self) -> float: ...
    @property
    def loss(self) -> float | None: ...
    @property
    def penalty_grad(self) -> Vector: ...
    @property
    def full_grad(self) -> Vector: ...
    @property
    def step(self) -> Vector: ...
    @property
    def w_new(self) -> Vector: ...


def step_contract(result: StepFields) -> dict[str, Any]:
    """The ``step`` result keys of docs/design.md, in order, numbers as JSON numbers."""
    return {
        "penalty": result.penalty.kind.value,
        "lam": result.penalty.lam_json(),
        "penalty_value": result.penalty_value,
        "loss": result.loss,
        "penalty_grad": result.penalty_grad.tolist(),
        "full_grad": result.full_grad.tolist(),
        "step": result.step.tolist(),
        "w_new": result.w_new.tolist(),
    }


@frozen
class StepReport:
    """The inputs of one step and its result under each penalty; what every format renders."""

    w: Vector
    grad: Vector
    lr: float
    loss: float | None
    results: tuple[StepResult, ...]

    def __getitem__(self, kind: PenaltyKind | str) -> StepResult:
        """The result for one penalty, e.g. ``report["l2"]``."""
        for result in self.results:
            if result.penalty.kind == kind:
                return result
        raise KeyError(kind)

    @property
    def l2_form(self) -> L2Form:
        """The L2 form every result shares."""
        return self.results[0].penalty.l2_form

    @property
    def l1_method(self) -> L1Method:
        """The L1 method every result shares."""
        return self.results[0].penalty.l1_method

    def to_dict(self) -> dict[str, Any]:
        """Inputs echoed, then ``results`` (docs/design.md, JSON)."""
        return {
            "command": "step",
            "w": self.w.tolist(),
            "grad": self.grad.tolist(),
            "lr": self.lr,
            "loss": self.loss,
            "l2_form": self.l2_form.value,
            "l1_method": self.l1_method.value,
            "results": [result.to_dict() for result in self.results],
        }


@frozen
class Arithmetic:
    """The quantities of one step, in whatever number type the inputs are."""

    penalty_value: Any
    penalty_grad: Any
    full_grad: Any
    step: Any
    w_new: Any
    prox_input: Any


def step_arithmetic(w: Any, grad: Any, penalty: Penalty, lr: Any) -> Arithmetic:
    """One step's arithmetic, written once for float64 and for exact fractions.

    ``w_new = w - lr*(g + penalty_grad)``; a proximal penalty takes its smooth part by
    gradient, ``v = w - lr*(g + smooth_grad)``, and the rest by its proximal map, reporting
    the effective gradient so that ``w_new = w - lr*full_grad`` still holds.
    """
    rule, ops = penalty.rule, penalty.ops
    v: Any = None
    if penalty.proximal:
        smooth = rule.smooth_grad(penalty, w, ops)
        v = w - lr * (grad + smooth)
        w_new, prox_grad = rule.prox(penalty, v, lr, ops)
        penalty_grad = smooth + prox_grad
        full_grad = grad + penalty_grad
        step = w_new - w
    else:
        penalty_grad = rule.grad(penalty, w, ops)
        full_grad = grad + penalty_grad
        step = -lr * full_grad
        w_new = w + step
    value = rule.value(penalty, w, ops)
    return Arithmetic(value, penalty_grad, full_grad, step, w_new, v)


def apply_penalty(
    w: Vector, grad: Vector, penalty: Penalty, lr: float, loss: float | None = None
) -> StepResult:
    """One step of ``w`` with data gradient ``grad`` under ``penalty``; inputs are trusted."""
    with np.errstate(over="ignore", invalid="ignore"):
        a = step_arithmetic(w, grad, penalty, lr)
    w_new, full_grad, value = a.w_new, a.full_grad, a.penalty_value
    if not (np.all(np.isfinite(w_new)) and np.all(np.isfinite(full_grad))):
        raise RegtraceError(
            f"the {penalty.kind.label} step overflows float64 (a weight or gradient beyond "
            "1.8e308); use smaller lr, lam or weights"
        )
    if not np.isfinite(value):
        raise RegtraceError(
            f"the {penalty.kind.label} penalty value overflows float64; use smaller lam or weights"
        )
    if penalty.has_l2 and not np.all(np.isfinite(penalty.decay_factor(lr))):
        raise RegtraceError(
            f"the {penalty.kind.label} step overflows float64: lr x lam is beyond 1.8e308 "
            "(weight-decay factor 1 - 2*lr*lam); use smaller lr or lam"
        )
    if penalty.proximal:
        with np.errstate(over="ignore"):
            threshold = lr * np.asarray(penalty.lam1, dtype=np.float64)
        if not np.all(np.isfinite(threshold)):
            raise RegtraceError(
                f"the {penalty.kind.label} step overflows float64: lr x lam is beyond 1.8e308 "
                "(soft-threshold lr*lam); use smaller lr or lam"
            )
    if loss is not None and not np.isfinite(loss + value):
        raise RegtraceError(
            f"the {penalty.kind.label} loss L + penalty overflows float64; use a smaller loss, "
            "lam or weights"
        )
    return step_result(penalty, a, loss)


def step_result(penalty: Penalty, a: Arithmetic, loss: Any) -> StepResult:
    """A :class:`StepResult` from the arithmetic (float or exact)."""
    return StepResult(
        penalty=penalty,
        penalty_value=a.penalty_value,
        loss=None if loss is None else loss + a.penalty_value,
        penalty_grad=a.penalty_grad,
        full_grad=a.full_grad,
        step=a.step,
        w_new=a.w_new,
        prox_input=a.prox_input,
    )


def step(
    w: Iterable[float] | Vector,
    grad: Iterable[float] | Vector,
    *,
    lam: float | Iterable[float] | Vector = 0.01,
    lr: float = 0.1,
    loss: float | None = None,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: float | Iterable[float] | Vector | None = None,
    lam2: float | Iterable[float] | Vector | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
) -> StepReport:
    """One gradient-descent step of ``w`` under each penalty, side by side.

    ``grad`` is the data-loss gradient ``dL/dw``; ``lam`` is one strength or one per weight
    (``lam1``/``lam2`` override it for the elastic net's L1 and L2 parts). L2 is
    ``lam*sum(w**2)`` (gradient ``2*lam*w``) unless ``l2_form="half"`` (``lam/2*sum(w**2)``,
    gradient ``lam*w``, PyTorch's ``weight_decay``). L1 is ``lam*sum(|w|)`` with subgradient
    ``lam*sign(w)``, ``sign(0) = 0``, or soft-thresholding with ``l1_method="proximal"``.

    >>> report = step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1, loss=1.2)
    >>> report["l2"].w_new.round(12).tolist()
    [2.515, -0.8084, 0.1048]
    """
    w_arr = as_vector(w, "w")
    g_arr = as_vector(grad, "grad")
    check_same_length(w_arr, g_arr)
    lr = check_lr(lr)
    if loss is not None and not np.isfinite(loss):
        raise RegtraceError("loss must be finite; NaN and infinity are not allowed")
    if not penalties:
        raise RegtraceError(f"no penalty given; {choose_from()}")
    n = w_arr.size
    lam_arr = _strength_input(lam)
    built = [
        Penalty.build(
            kind,
            n,
            lam_arr,
            lam1=None if lam1 is None else _strength_input(lam1),
            lam2=None if lam2 is None else _strength_input(lam2),
            l2_form=l2_form,
            l1_method=l1_method,
        )
        for kind in dict.fromkeys(penalties)
    ]
    results = tuple(apply_penalty(w_arr, g_arr, p, lr, loss) for p in built)
    return StepReport(w=w_arr, grad=g_arr, lr=lr, loss=loss, results=results)


def _strength_input(value: float | Iterable[float] | Vector) -> float | Vector:
    """A strength as given by a caller: a number or a sequence, made an array if a sequence."""
    if isinstance(value, int | float):
        return float(value)
    return np.asarray(list(value) if not isinstance(value, np.ndarray) else value, np.float64)


__all__ = [
    "DEFAULT_PENALTIES",
    "StepReport",
    "StepResult",
    "apply_penalty",
    "as_vector",
    "check_lr",
    "check_same_length",
    "step",
    "strength_to_json",
]
