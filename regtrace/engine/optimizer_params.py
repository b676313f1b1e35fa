"""Each optimizer transform's hyper-parameters: one frozen dataclass per transform.

Imports no NumPy, so the command line builds its options from these dataclasses (their field
metadata holds the option's flags and help) without loading the engine. The transforms that
use them are in :mod:`regtrace.engine.transforms`; the defaults cite the frameworks' source
(collected in :mod:`regtrace.engine.frameworks`). A new hyper-parameter is one field here:
its option, its check, its JSON key and its place in the trace header follow from the field.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from regtrace.engine.frameworks import (
    DEFAULT_ACCUMULATOR,
    DEFAULT_ADAGRAD_EPS,
    DEFAULT_BETA1,
    DEFAULT_BETA2,
    DEFAULT_EPS,
    DEFAULT_MOMENTUM,
    DEFAULT_RHO,
    DEFAULT_RMSPROP_EPS,
    Convention,
    OptimizerKind,
)
from regtrace.errors import RegtraceError

Check = Callable[[float], str | None]
"""A value's check: ``None`` when fine, else what is wrong (``"must be above 0"``)."""


def _between(low: float, high: float, *, low_open: bool, high_open: bool) -> Check:
    def check(value: float) -> str | None:
        below = value <= low if low_open else value < low
        above = value >= high if high_open else value > high
        if (below or above) and not (low_open or high_open):
            return f"must be between {low:g} and {high:g}"
        if below or above:
            left = "above" if low_open else "at least"
            right = "below" if high_open else "at most"
            return f"must be {left} {low:g} and {right} {high:g}"
        return None

    return check


def _at_least_zero(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _above_zero(value: float) -> str | None:
    return None if value > 0 else "must be above 0"


def option(
    flags: tuple[str, ...],
    help_text: str,
    check: Check | None = None,
    *,
    flag: bool = False,
    torch_only: str | None = None,
) -> dict[str, Any]:
    """A field's metadata: its command-line flags, help text, check; ``flag`` for a switch;
    ``torch_only`` names the PyTorch class of a setting Keras and optax do not have."""
    return {
        "flags": flags,
        "help": help_text,
        "check": check,
        "flag": flag,
        "torch_only": torch_only,
    }


def applies(params: Params, name: str, convention: Convention) -> bool:
    """Whether ``convention`` has the setting ``name`` (a PyTorch-only one shows only there)."""
    meta = next(f.metadata for f in fields(params) if f.name == name)
    return meta["torch_only"] is None or convention is Convention.TORCH


@dataclass(frozen=True)
class MomentumParams:
    """SGD momentum and Nesterov: the trace of past gradients."""

    momentum: float = field(
        default=DEFAULT_MOMENTUM,
        metadata=option(
            ("--momentum",),
            "RMSprop's momentum, 0 (none) unless given. Momentum factor (momentum, "
            "nesterov). Default: 0.9. 1 and above is traced with a note (PyTorch and optax "
            "take it; Keras refuses above 1).",
            # torch/optim/sgd.py checks only momentum >= 0 and optax takes any: 1 and above
            # is traced with a note (it does not converge); Keras' range is refused in
            # _check_convention.
            _above_zero,
        ),
    )
    dampening: float = field(
        default=0.0,
        metadata=option(
            ("--dampening",),
            "PyTorch SGD dampening; not applied on step 1. Default: 0.",
            # torch/optim/sgd.py checks no range for dampening: outside [0, 1] is unusual
            # (see note), not undefined.
            None,
            # keras/src/optimizers/sgd.py and optax/_src/alias.py sgd take no dampening.
            torch_only="SGD",
        ),
    )

    @classmethod
    def defaults(cls, convention: Convention) -> MomentumParams:
        """regtrace's momentum 0.9 (the frameworks default to 0, i.e. plain SGD)."""
        return cls()

    def note(self) -> str | None:
        """What momentum 1 or above, or dampening outside [0, 1], does, or ``None``."""
        notes = [_momentum_note(self.momentum)]
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
        return "; ".join(n for n in notes if n is not None) or None


def _momentum_note(momentum: float) -> str | None:
    """What a momentum buffer does when its factor is 1 or above, or ``None``."""
    if momentum == 1:
        return (
            "momentum 1: the buffer never forgets a gradient (it is their running sum), "
            "so the steps do not shrink and the run does not converge"
        )
    if momentum > 1:
        return (
            f"momentum {momentum:g} is above 1: the buffer grows by that factor "
            "every step, so the run diverges"
        )
    return None


@dataclass(frozen=True)
class AdamParams:
    """Adam's moments (``scale_by_adam``; AMSGrad keeps the largest second moment)."""

    beta1: float = field(
        default=DEFAULT_BETA1,
        metadata=option(
            ("--beta1",),
            "Adam's first-moment decay b1. Default: 0.9.",
            # torch/optim/adam.py: "Invalid beta parameter"
            _between(0, 1, low_open=False, high_open=True),
        ),
    )
    beta2: float = field(
        default=DEFAULT_BETA2,
        metadata=option(
            ("--beta2",),
            "Adam's second-moment decay b2. Default: 0.999.",
            _between(0, 1, low_open=False, high_open=True),
        ),
    )
    eps: float = field(
        default=DEFAULT_EPS[Convention.TORCH],
        metadata=option(
            ("--eps",),
            "Adam's eps. Default: 1e-8 torch and optax, 1e-7 keras (epsilon hat). RMSprop: "
            "1e-8, keras 1e-7; Adagrad: 1e-10 torch, 1e-7 keras and optax.",
            _above_zero,
        ),
    )
    amsgrad: bool = field(
        default=False,
        metadata=option(
            ("--amsgrad",),
            "Adam/AdamW: divide by the largest second moment so far (torch and Keras: of v; "
            "optax amsgrad: of v_hat).",
            flag=True,
        ),
    )

    @classmethod
    def defaults(cls, convention: Convention) -> AdamParams:
        """torch/optim/adam.py, keras/src/optimizers/adam.py, optax/_src/alias.py adam."""
        return cls(eps=DEFAULT_EPS[convention])

    def note(self) -> str | None:
        """Adam's settings need no note."""
        return None


@dataclass(frozen=True)
class RMSpropParams:
    """RMSprop's average of squared gradients (centered: minus the squared mean gradient)."""

    rho: float = field(
        default=DEFAULT_RHO[Convention.TORCH],
        metadata=option(
            ("--rho", "--alpha"),
            "RMSprop's decay of the squared-gradient average (torch alpha, Keras rho, optax "
            "decay). Default: 0.99 torch, 0.9 keras and optax.",
            _between(0, 1, low_open=False, high_open=True),
        ),
    )
    eps: float = field(
        default=DEFAULT_RMSPROP_EPS[Convention.TORCH], metadata=option((), "", _above_zero)
    )
    centered: bool = field(
        default=False,
        metadata=option(
            ("--centered",),
            "RMSprop: divide by the root of the gradient's variance (mean square minus squared "
            "mean) instead of its mean square.",
            flag=True,
        ),
    )
    momentum: float = field(default=0.0, metadata=option((), "", _at_least_zero))

    @classmethod
    def defaults(cls, convention: Convention) -> RMSpropParams:
        """torch/optim/rmsprop.py, keras/src/optimizers/rmsprop.py, optax alias.py rmsprop."""
        return cls(rho=DEFAULT_RHO[convention], eps=DEFAULT_RMSPROP_EPS[convention])

    def note(self) -> str | None:
        """What a momentum of 1 or above does (torch/optim/rmsprop.py checks only >= 0)."""
        return _momentum_note(self.momentum)


@dataclass(frozen=True)
class AdagradParams:
    """Adagrad's running sum of squared gradients."""

    lr_decay: float = field(
        default=0.0,
        metadata=option(
            ("--lr-decay",),
            "PyTorch Adagrad: step t uses lr/(1 + (t-1)*lr_decay). Default: 0.",
            _at_least_zero,
            # keras/src/optimizers/adagrad.py and optax/_src/alias.py adagrad take no lr_decay.
            torch_only="Adagrad",
        ),
    )
    initial_accumulator_value: float = field(
        default=DEFAULT_ACCUMULATOR[Convention.TORCH],
        metadata=option(
            ("--initial-accumulator-value",),
            "Adagrad's starting sum of squares. Default: 0 torch, 0.1 keras and optax.",
            _at_least_zero,
        ),
    )
    eps: float = field(
        default=DEFAULT_ADAGRAD_EPS[Convention.TORCH], metadata=option((), "", _above_zero)
    )

    @classmethod
    def defaults(cls, convention: Convention) -> AdagradParams:
        """torch/optim/adagrad.py, keras/src/optimizers/adagrad.py, optax alias.py adagrad."""
        return cls(
            initial_accumulator_value=DEFAULT_ACCUMULATOR[convention],
            eps=DEFAULT_ADAGRAD_EPS[convention],
        )

    def note(self) -> str | None:
        """Adagrad's settings need no note."""
        return None


Params = MomentumParams | AdamParams | RMSpropParams | AdagradParams
ParamsClass = type[MomentumParams] | type[AdamParams] | type[RMSpropParams] | type[AdagradParams]

PARAMS_OF: dict[OptimizerKind, tuple[ParamsClass, ...]] = {
    OptimizerKind.SGD: (),
    OptimizerKind.MOMENTUM: (MomentumParams,),
    OptimizerKind.NESTEROV: (MomentumParams,),
    OptimizerKind.ADAM: (AdamParams,),
    OptimizerKind.ADAMW: (AdamParams,),
    OptimizerKind.RMSPROP: (RMSpropParams,),
    OptimizerKind.ADAGRAD: (AdagradParams,),
}
"""The hyper-parameter dataclasses of each optimizer's transforms."""

ALL_PARAMS: tuple[ParamsClass, ...] = (MomentumParams, AdamParams, RMSpropParams, AdagradParams)


@dataclass(frozen=True)
class HyperOption:
    """One command-line option made from a hyper-parameter field (shared fields merge)."""

    name: str
    flags: tuple[str, ...]
    help: str
    flag: bool

    @property
    def cli(self) -> str:
        """The first flag, as error messages name it."""
        return self.flags[0]


def hyper_options() -> tuple[HyperOption, ...]:
    """Every hyper-parameter option, in the order the dataclasses declare them.

    A field declared again by a later dataclass (``eps``, ``momentum``) is one option; the
    first declaration carries the flags and help.
    """
    seen: dict[str, HyperOption] = {}
    for cls in ALL_PARAMS:
        for f in fields(cls):
            if f.name not in seen:
                meta = f.metadata
                seen[f.name] = HyperOption(f.name, meta["flags"], meta["help"], meta["flag"])
    return tuple(seen.values())


def kinds_with(name: str) -> tuple[OptimizerKind, ...]:
    """The optimizers that have a hyper-parameter called ``name``."""
    return tuple(
        kind
        for kind, classes in PARAMS_OF.items()
        if any(name in {f.name for f in fields(c)} for c in classes)
    )


def or_list(words: list[str]) -> str:
    """``a, b or c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def build_params(
    kind: OptimizerKind, convention: Convention, given: dict[str, float | bool | None]
) -> tuple[Params, ...]:
    """The hyper-parameters of ``kind`` in ``convention``: defaults, then ``given``, checked.

    ``given`` maps a field name to its value (``None``: not given). A value for a field that
    none of ``kind``'s transforms has is a usage error naming the optimizers that have it.
    """
    classes = PARAMS_OF[kind]
    names = {f.name for c in classes for f in fields(c)}
    for name, value in given.items():
        if value is not None and value is not False and name not in names:
            owners = or_list([k.value for k in kinds_with(name)])
            raise RegtraceError(f"{_flag(name)} applies to --optimizer {owners}, not {kind.value}")
    out: list[Params] = []
    for cls in classes:
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = given.get(f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                values[f.name] = value
                continue
            value = float(value)
            if not math.isfinite(value):
                raise RegtraceError(f"{f.name} must be finite; NaN and infinity are not allowed")
            check: Check | None = f.metadata["check"]
            problem = None if check is None else check(value)
            if problem is not None:
                raise RegtraceError(f"{f.name} {problem}, not {value:g}{_why(cls, f.name)}")
            values[f.name] = value
        out.append(replace(cls.defaults(convention), **values))
    _check_convention(kind, convention, out)
    return tuple(out)


def _check_convention(kind: OptimizerKind, convention: Convention, params: list[Params]) -> None:
    """Settings one framework has and the others do not."""
    for p in params:
        for f in fields(p):
            owner = f.metadata["torch_only"]
            if owner and getattr(p, f.name) != f.default and convention is not Convention.TORCH:
                raise RegtraceError(
                    f"{_flag(f.name)} is a PyTorch setting; {convention.label} {owner} has no "
                    f"{f.name} (use --convention torch)"
                )
        if isinstance(p, MomentumParams) and p.momentum > 1 and convention is Convention.KERAS:
            # keras/src/optimizers/sgd.py: "`momentum` must be a float between [0, 1]."
            raise RegtraceError(
                f"momentum {p.momentum:g}: Keras' SGD refuses momentum above 1; PyTorch and "
                "optax take it (--convention torch or optax)"
            )
        if isinstance(p, MomentumParams) and p.dampening != 0 and kind is OptimizerKind.NESTEROV:
            # torch/optim/sgd.py: "Nesterov momentum requires a momentum and zero dampening"
            raise RegtraceError("nesterov needs --dampening 0 (PyTorch refuses anything else)")


def _why(cls: ParamsClass, name: str) -> str:
    """A reason after a range error, where one helps."""
    if cls is MomentumParams and name == "momentum":
        return "; 0 would be plain sgd (use --optimizer sgd)"
    if name == "eps":
        return "; it keeps the denominator away from 0"
    return ""


def params_to_dict(params: tuple[Params, ...]) -> dict[str, Any]:
    """The hyper-parameters as JSON keys, in field order."""
    out: dict[str, Any] = {}
    for p in params:
        for f in fields(p):
            out[f.name] = getattr(p, f.name)
    return out


@dataclass(frozen=True)
class StateOption:
    """One starting-state option of ``step``: the state the previous step left."""

    name: str
    flag: str
    help: str
    owners: tuple[ParamsClass, ...]
    """The transforms that keep this state."""
    what: str
    """What it is, for an error message (``a momentum buffer``)."""

    @property
    def kinds(self) -> tuple[OptimizerKind, ...]:
        """The optimizers that keep it."""
        return tuple(k for k, cs in PARAMS_OF.items() if any(c in self.owners for c in cs))


STATE_OPTIONS: tuple[StateOption, ...] = (
    StateOption(
        "buf",
        "--buf",
        "Momentum state from the previous step (torch momentum_buffer, Keras velocity, "
        "optax trace; rmsprop's momentum buffer).",
        (MomentumParams, RMSpropParams),
        "a momentum buffer",
    ),
    StateOption("m", "--m", "Adam's m from the previous step.", (AdamParams,), "Adam's m"),
    StateOption(
        "v",
        "--v",
        "Adam's v (or RMSprop's average of g^2) from the previous step.",
        (AdamParams, RMSpropParams),
        "a second moment",
    ),
    StateOption(
        "v_max",
        "--v-max",
        "AMSGrad's largest second moment so far (torch max_exp_avg_sq, Keras velocity_hat, "
        "optax nu_max).",
        (AdamParams,),
        "AMSGrad's largest second moment",
    ),
    StateOption(
        "g_avg",
        "--g-avg",
        "Centered RMSprop's average gradient (torch grad_avg, Keras average_gradient, optax mu).",
        (RMSpropParams,),
        "centered RMSprop's average gradient",
    ),
    StateOption(
        "acc",
        "--acc",
        "Adagrad's sum of squared gradients (torch sum, Keras accumulator, optax sum_of_squares).",
        (AdagradParams,),
        "Adagrad's sum of squared gradients",
    ),
)
"""The starting-state options of ``step``, so that any step of a run can be traced alone."""
