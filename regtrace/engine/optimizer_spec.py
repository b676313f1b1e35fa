"""An optimizer's settings and state: which framework, which hyper-parameters, checked.

Defaults and the options each optimizer accepts follow the frameworks' source, collected with
file names in :mod:`regtrace.engine.frameworks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from regtrace.engine.frameworks import (
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
from regtrace.engine.penalties import Strength, Vector, _as_strength, strength_to_json
from regtrace.engine.step import check_lr
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
            if m <= 0:
                raise RegtraceError(
                    f"momentum must be above 0, not {m:g}; 0 would be plain sgd "
                    "(use --optimizer sgd)"
                )
            if m > 1 and convention is Convention.KERAS:
                # keras/src/optimizers/sgd.py: "`momentum` must be a float between [0, 1]."
                raise RegtraceError(
                    f"momentum {m:g}: Keras' SGD refuses momentum above 1; PyTorch and optax "
                    "take it (--convention torch or optax)"
                )
            # torch/optim/sgd.py checks no range for dampening: outside [0, 1] is unusual
            # (see momentum_note), not undefined.
            d = 0.0 if dampening is None else _finite(dampening, "dampening")
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
    def momentum_note(self) -> str | None:
        """What momentum 1 or above, or dampening outside [0, 1], does (torch/optim/sgd.py
        takes them; a run with them does not converge), or ``None``."""
        if not self.kind.has_momentum:
            return None
        notes = []
        if self.momentum == 1:
            notes.append(
                "momentum 1: the buffer never forgets a gradient (it is their running sum), "
                "so the steps do not shrink and the run does not converge"
            )
        elif self.momentum > 1:
            notes.append(
                f"momentum {self.momentum:g} is above 1: the buffer grows by that factor "
                "every step, so the run diverges"
            )
        if self.dampening > 1:
            notes.append(
                f"dampening {self.dampening:g} is above 1: 1 - dampening is negative, so the "
                "gradient enters the buffer with its sign flipped and the steps climb the loss"
            )
        elif self.dampening < 0:
            notes.append(
                f"dampening {self.dampening:g} is below 0: 1 - dampening is above 1, so each "
                "gradient enters the buffer enlarged"
            )
        return "; ".join(notes) or None

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
