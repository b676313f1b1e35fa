"""The optimizer options of ``step`` and ``run``, made from the transforms' dataclasses.

Every hyper-parameter field of :mod:`regtrace.engine.optimizer_params` is one option (its
flags and help are the field's metadata); :func:`with_optimizer_options` adds them to a
command, so a new hyper-parameter reaches the command line, the engine, the JSON and the
trace header without being written out in each, and sits in the Optimizer panel of ``--help``.
Imports no NumPy: plain ``regtrace step`` asks "was any optimizer option given?" without
loading the optimizer engine.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import typer

from regtrace.cli.helptext import OPTIMIZER
from regtrace.engine.optimizer_params import STATE_OPTIONS, hyper_options

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class OptimizerOptions:
    """The optimizer options as typed on the command line (text, or None when not given)."""

    optimizer: str | None = None
    compare: str | None = None
    convention: str | None = None
    weight_decay: str | None = None
    hyper: Mapping[str, str | bool | None] = field(default_factory=dict)
    """Hyper-parameters by field name: text for a number, ``True`` for a given switch."""
    t: int | None = None
    states: Mapping[str, str | None] = field(default_factory=dict)
    """The starting state by name (``buf``, ``m``, ``v``, ...), as text."""

    @property
    def given(self) -> bool:
        """Whether any optimizer option was given (otherwise ``step`` is plain SGD)."""
        scalars = (self.optimizer, self.compare, self.convention, self.weight_decay, self.t)
        return (
            any(value is not None for value in scalars)
            or any(value not in (None, False) for value in self.hyper.values())
            or any(value is not None for value in self.states.values())
        )


def _hyper_parameters() -> list[inspect.Parameter]:
    out = []
    for opt in hyper_options():
        if opt.flag:
            annotation: Any = Annotated[
                bool, typer.Option(*opt.flags, help=opt.help, rich_help_panel=OPTIMIZER)
            ]
            default: Any = False
        else:
            annotation = Annotated[
                str | None,
                typer.Option(
                    *opt.flags,
                    metavar="FLOAT",
                    help=opt.help,
                    show_default=False,
                    rich_help_panel=OPTIMIZER,
                ),
            ]
            default = None
        out.append(inspect.Parameter(opt.name, inspect.Parameter.KEYWORD_ONLY,
                                     default=default, annotation=annotation))  # fmt: skip
    return out


def _state_parameters() -> list[inspect.Parameter]:
    return [
        inspect.Parameter(
            f"state_{opt.name}",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None,
                typer.Option(
                    opt.flag,
                    metavar="VECTOR",
                    help=opt.help,
                    show_default=False,
                    rich_help_panel=OPTIMIZER,
                ),
            ],
        )
        for opt in STATE_OPTIONS
    ]


def with_optimizer_options(*, states: bool) -> Callable[[F], F]:
    """Give a command every hyper-parameter option (and, with ``states``, the starting-state
    options); it receives them as ``hyper`` (and ``states``): name -> value as typed."""

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        hidden = {"hyper", "states"}
        kept = [p for p in signature.parameters.values() if p.name not in hidden]
        added = _hyper_parameters() + (_state_parameters() if states else [])
        names = [p.name for p in _hyper_parameters()]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            hyper = {name: kwargs.pop(name) for name in names}
            if states:
                kwargs["states"] = {o.name: kwargs.pop(f"state_{o.name}") for o in STATE_OPTIONS}
            return command(**kwargs, hyper=hyper)

        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in kept] + added
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        wrapper.__annotations__["return"] = signature.return_annotation
        return wrapper  # type: ignore[return-value]

    return decorate
