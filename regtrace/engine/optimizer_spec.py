"""An optimizer's settings and state: which framework, which hyper-parameters, checked.

Defaults and the options each optimizer accepts follow the frameworks' source, collected with
file names in :mod:`regtrace.engine.frameworks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from regtrace.engine.frameworks import (
    DEFAULT_ADAMW_DECAY,
    Convention,
    DecayMode,
    OptimizerKind,
    decay_mode,
)
from regtrace.engine.optimizer_params import (
    AdamParams,
    MomentumParams,
    Params,
    build_params,
    params_to_dict,
)
from regtrace.engine.penalties import Strength, Vector, _as_strength, strength_to_json
from regtrace.engine.step import check_lr
from regtrace.engine.transforms import OptimizerState, Transform, chain
from regtrace.errors import RegtraceError

OPTIMIZER_WORDS = ", ".join(k.value for k in OptimizerKind)
CONVENTION_WORDS = ", ".join(c.value for c in Convention)

# The name each framework gives its momentum state (shown in the trace and the JSON).
BUFFER_NAME: dict[Convention, str] = {
    Convention.TORCH: "momentum_buffer",  # torch/optim/sgd.py state["momentum_buffer"]
    Convention.KERAS: "velocity",  # keras/src/optimizers/sgd.py: v = momentum*v - lr*g
    # (keras/src/optimizers/rmsprop.py calls its buffer "momentum")
    Convention.OPTAX: "trace",  # optax/transforms/_accumulation.py TraceState.trace
}


_E = TypeVar("_E", OptimizerKind, Convention)


def _enum(cls: type[_E], value: _E | str, option: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        words = OPTIMIZER_WORDS if cls is OptimizerKind else CONVENTION_WORDS
        raise RegtraceError(f"{option}: unknown value {value!r}; choose from {words}") from None


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer: its kind, framework, learning rate, weight decay and the
    hyper-parameters of its transforms (one dataclass per transform, ``params``)."""

    kind: OptimizerKind
    convention: Convention = Convention.TORCH
    lr: float = 0.1
    weight_decay: Strength = 0.0
    params: tuple[Params, ...] = field(default=())

    @classmethod
    def build(
        cls,
        kind: OptimizerKind | str,
        convention: Convention | str = Convention.TORCH,
        *,
        lr: float,
        n: int = 1,
        weight_decay: float | Vector | None = None,
        **hyper: float | bool | None,
    ) -> OptimizerSpec:
        """Check the options that apply to ``kind`` and fill in the framework's defaults.

        ``hyper`` holds the transforms' hyper-parameters by field name (``momentum=0.9``,
        ``beta1=...``, ``centered=True``); ``None`` takes the default. ``weight_decay`` is one
        number or one per weight (0 exempts a bias, as a PyTorch parameter group with
        ``weight_decay=0`` would).
        """
        kind = _enum(OptimizerKind, kind, "--optimizer")
        convention = _enum(Convention, convention, "--convention")
        lr = check_lr(lr)
        params = build_params(kind, convention, hyper)
        if weight_decay is None:
            wd: Strength = DEFAULT_ADAMW_DECAY[convention] if kind is OptimizerKind.ADAMW else 0.0
        else:
            wd = _as_strength(weight_decay, n, "weight_decay")
        return cls(kind=kind, convention=convention, lr=lr, weight_decay=wd, params=params)

    def value(self, name: str) -> Any:
        """A hyper-parameter by field name (``spec.value("beta1")``)."""
        for p in self.params:
            if hasattr(p, name):
                return getattr(p, name)
        raise AttributeError(name)

    @property
    def momentum(self) -> float:
        """The momentum factor (momentum, nesterov, rmsprop)."""
        return float(self.value("momentum"))

    @property
    def dampening(self) -> float:
        """PyTorch SGD's dampening."""
        return float(self.value("dampening"))

    @property
    def beta1(self) -> float:
        """Adam's b1."""
        return float(self.value("beta1"))

    @property
    def beta2(self) -> float:
        """Adam's b2."""
        return float(self.value("beta2"))

    @property
    def eps(self) -> float:
        """Adam's, RMSprop's or Adagrad's eps."""
        return float(self.value("eps"))

    @property
    def amsgrad(self) -> bool:
        """Whether Adam keeps the largest second moment."""
        return any(isinstance(p, AdamParams) and p.amsgrad for p in self.params)

    @property
    def has_momentum(self) -> bool:
        """Whether a momentum state is kept (SGD momentum, or RMSprop with momentum > 0)."""
        return any(
            isinstance(p, MomentumParams) or getattr(p, "momentum", 0) > 0 for p in self.params
        )

    @property
    def decay(self) -> DecayMode:
        """How the weight decay is applied (none when it is 0 everywhere)."""
        if not np.any(np.asarray(self.weight_decay) != 0):
            return DecayMode.NONE
        return decay_mode(self.kind, self.convention)

    @property
    def momentum_note(self) -> str | None:
        """What a momentum of 1 or above, or a dampening outside [0, 1], does to the run
        (the frameworks take them; see :meth:`MomentumParams.note`), or ``None``."""
        return "; ".join(n for p in self.params if (n := p.note()) is not None) or None

    @property
    def chain(self) -> tuple[Transform, ...]:
        """The transforms one step goes through, in order."""
        return chain(self.kind, self.convention, self.params, self.weight_decay, self.decay)

    @property
    def label(self) -> str:
        """``Adam (PyTorch)``: the optimizer and whose convention it follows."""
        return f"{self.kind.label} ({self.convention.label})"

    @property
    def buffer_name(self) -> str:
        """What the framework calls its momentum state."""
        if self.kind is OptimizerKind.RMSPROP and self.convention is Convention.KERAS:
            return "momentum"
        return BUFFER_NAME[self.convention]

    def to_dict(self) -> dict[str, Any]:
        """The hyper-parameters that apply to this optimizer, as JSON."""
        out: dict[str, Any] = {
            "optimizer": self.kind.value,
            "convention": self.convention.value,
            "lr": self.lr,
            **params_to_dict(self.params),
        }
        out.update(weight_decay=strength_to_json(self.weight_decay), decay=self.decay.value)
        out["chain"] = [t.name for t in self.chain]
        return out


__all__ = ["OptimizerSpec", "OptimizerState"]
