"""The optimizer options of ``step``, ``run`` and ``check``, from the transforms' dataclasses.

Every hyper-parameter field of :mod:`regtrace.engine.optimizer_params` is one option (its
flags and help are the field's metadata); :func:`with_optimizer_options` adds them to a
command, so a new hyper-parameter reaches the command line, the engine, the JSON and the
trace header without being written out in each, and sits in the Optimizer panel of ``--help``.

Those options are built only for a command line that can use them
(:meth:`OptimizerCommand.callback`): one that names an option the command does not otherwise
have, or asks for help. Plain ``regtrace step`` neither loads
:mod:`regtrace.engine.optimizer_params` nor has Typer convert twenty options it was not given.
Imports no NumPy.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Annotated, Any

import typer

from regtrace.cli.helptext import OPTIMIZER
from regtrace.frozen import frozen

HELP_FLAGS = frozenset({"--help", "-h"})


@frozen
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
    from regtrace.engine.optimizer_params import hyper_options

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
    from regtrace.engine.optimizer_params import STATE_OPTIONS

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


def _flags(parameters: Sequence[inspect.Parameter]) -> frozenset[str]:
    """The option names the parameters' Typer annotations declare."""
    out: set[str] = set()
    for p in parameters:
        for info in getattr(p.annotation, "__metadata__", ()):
            first = getattr(info, "default", None)  # in Annotated, the first flag is here
            decls = [first] if isinstance(first, str) else []
            decls += getattr(info, "param_decls", None) or ()
            out.update(name for d in decls for name in d.split("/") if name.startswith("-"))
    return frozenset(out)


class OptimizerCommand:
    """A command that takes the optimizer options: ``command(**options, hyper=..., states=...)``
    with the hyper-parameters (and, with ``states``, the starting state) by name, as typed."""

    def __init__(self, command: Callable[..., Any], *, states: bool) -> None:
        self.command = command
        self.states = states

    def callback(self, args: Sequence[str] | None = None) -> Callable[..., Any]:
        """What Typer registers for the command line ``args`` (``None``: any command line).

        Every option when ``args`` may need one (it names an option the command's own
        parameters do not declare, asks for help, or is shell completion asking); otherwise
        only the command's own options, which parse ``args`` exactly as the full set would.
        """
        command = self.command
        signature = inspect.signature(command, eval_str=True)
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in signature.parameters.values()
            if p.name not in ("hyper", "states")
        ]
        full = args is None or _may_need_more(args, _flags(own))
        hyper = _hyper_parameters() if full else []
        state = _state_parameters() if full and self.states else []
        names = [p.name for p in hyper]
        states = [p.name.removeprefix("state_") for p in state]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            given = {name: kwargs.pop(name) for name in names}
            if states:
                kwargs["states"] = {name: kwargs.pop(f"state_{name}") for name in states}
            return command(**kwargs, hyper=given)

        params = own + hyper + state
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        # Typer reads the options from the signature; empty annotations spare it resolving
        # each Annotated type again (typing.get_type_hints).
        wrapper.__annotations__ = {}
        return wrapper


def _may_need_more(args: Sequence[str], known: frozenset[str]) -> bool:
    """Whether ``args`` ask for help or name an option outside ``known`` (a token that
    starts with ``-`` and is not a number: ``-0.8,1`` is a value)."""
    if "_REGTRACE_COMPLETE" in os.environ:
        return True
    for arg in args:
        if arg in HELP_FLAGS:
            return True
        option = len(arg) > 1 and arg[0] == "-" and not (arg[1].isdigit() or arg[1] == ".")
        if option and arg.split("=", 1)[0] not in known:
            return True
    return False


def with_optimizer_options(*, states: bool) -> Callable[[Callable[..., Any]], OptimizerCommand]:
    """Give a command every hyper-parameter option (and, with ``states``, the starting-state
    options); it receives them as ``hyper`` (and ``states``): name -> value as typed."""

    def decorate(command: Callable[..., Any]) -> OptimizerCommand:
        return OptimizerCommand(command, states=states)

    return decorate
