"""The Typer application: the root options and the list of commands.

Each command lives in its own module, named in :data:`COMMANDS` with the function Typer wraps;
:func:`build` imports only the modules of the commands it is asked for, so ``regtrace step``
never loads ``run``, ``check`` or ``explore``. ``app`` (every command, built on first use) is
what ``regtrace --help`` and an unknown command see. Nothing here imports NumPy.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from importlib import import_module
from typing import Annotated

import typer

from regtrace.cli.helptext import HelpCommand, HelpGroup
from regtrace.cli.optimizer_options import OptimizerCommand

# The commands, in the order `regtrace --help` lists them: (name, module, function); each
# module holds its HELP and EPILOG (with examples) beside the function.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("step", "regtrace.cli.step", "step_command"),
    ("check", "regtrace.cli.check", "check_command"),
    ("run", "regtrace.cli.run_cmd", "run_command"),
    ("sweep", "regtrace.cli.sweep", "sweep_command"),
    ("conventions", "regtrace.cli.conventions", "conventions_command"),
    ("explore", "regtrace.cli.explore_cmd", "explore_command"),
)
NAMES = frozenset(name for name, _, _ in COMMANDS)


def _print_version(value: bool) -> None:
    if value:
        from regtrace import __version__

        typer.echo(f"regtrace {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the full traceback of an error (for bug reports)."),
    ] = False,
) -> None:
    """Trace gradient-descent steps under L1, L2 and elastic-net regularization."""


def build(names: Collection[str] | None = None, args: Sequence[str] | None = None) -> typer.Typer:
    """The app holding the commands in ``names`` (every command when ``None``), each with
    the options the command line ``args`` can use (every option when ``None``; see
    :meth:`~regtrace.cli.optimizer_options.OptimizerCommand.callback`)."""
    built = typer.Typer(
        name="regtrace",
        help="Trace gradient-descent steps under L1, L2 and elastic-net regularization, "
        "with the arithmetic shown.",
        epilog="Start with: regtrace step (the built-in example), then regtrace step --help. "
        "Check a homework answer: regtrace check --answer 2.515,-0.808,0.1048. "
        "Exit codes: 0 done, 1 check found a wrong answer, 2 bad input or usage.",
        cls=HelpGroup,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(root)
    for name, module_name, function in COMMANDS:
        if names is None or name in names:
            module = import_module(module_name)
            command = getattr(module, function)
            if isinstance(command, OptimizerCommand):
                command = command.callback(args)
            built.command(
                name, cls=HelpCommand, help=module.HELP, epilog=module.EPILOG,
                no_args_is_help=False,
            )(command)  # fmt: skip
    return built


_full: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    """``app``: every command, built once on first use."""
    global _full
    if name == "app":
        if _full is None:
            _full = build()
        return _full
    raise AttributeError(name)


SYNONYMS = {
    "--learning-rate": "--lr",
    "--lambda": "--lam",
    "--weights": "--w",
    "--weight": "--w",
    "--gradient": "--grad",
    "--gradients": "--grad",
    "--iterations": "--steps",
    "--epochs": "--steps",
    "--output": "--out",
    "--decay": "--weight-decay",
    "--wd": "--weight-decay",
}
"""Words people reach for, and the option that means it."""

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?,?$")


def closest_option(name: str, known: Sequence[str]) -> str | None:
    """The known option a mistyped ``name`` most likely means: a synonym, the initials of
    its words (``--learning-rate`` -> ``--lr``), or the closest spelling."""
    if SYNONYMS.get(name) in known:
        return SYNONYMS[name]
    words = name.lstrip("-").split("-")
    initials = "--" + "".join(word[:1] for word in words)
    if len(words) > 1 and initials in known:
        return initials
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


VECTOR_METAVARS = frozenset({"VECTOR", "LAM", "LAMS", "WD"})


def _vector_options(exc: Exception) -> set[str]:
    command = getattr(getattr(exc, "ctx", None), "command", None)
    return {
        o
        for p in getattr(command, "params", [])
        if getattr(p, "metavar", None) in VECTOR_METAVARS
        for o in p.opts
    }


def _split_vector(args: Sequence[str], index: int, vectors: set[str]) -> str | None:
    """When ``args[index]`` is a number that belongs to the vector option before it (typed
    with spaces), the advice to write it comma-separated."""
    start = index
    while start > 0 and _NUMBER.match(args[start - 1]):
        start -= 1
    if start == 0 or args[start - 1] not in vectors or start == index:
        return None
    end = index
    while end + 1 < len(args) and _NUMBER.match(args[end + 1]):
        end += 1
    values = ",".join(a.rstrip(",") for a in args[start : end + 1])
    option = args[start - 1]
    return f"{option} takes one comma-separated vector: write {option} {values} (no spaces)"


def explain_usage(exc: Exception, args: Sequence[str]) -> str | None:
    """A better line for the usage errors people make by habit, or ``None`` for Click's own.

    - a vector typed with spaces (``--w 2.5 -0.8`` or ``--w 2.5 0.8``): write it with commas;
    - an unknown option: the closest known one (``--learning-rate`` -> ``--lr``).
    """
    name = getattr(exc, "option_name", None)
    if type(exc).__name__ == "NoSuchOption" and isinstance(name, str):
        if _NUMBER.match(name):  # "-0.8" split by Click into the short option "-0"
            vectors = _vector_options(exc)
            for index, arg in enumerate(args):
                advice = _split_vector(args, index, vectors) if arg.startswith(name) else None
                if advice:
                    return advice
        ctx = getattr(exc, "ctx", None)
        command = getattr(ctx, "command", None)
        known = [o for p in getattr(command, "params", []) for o in p.opts if o.startswith("--")]
        match = closest_option(name, known)
        if match:
            return f"No such option: {name}; did you mean {match}?"
        return None
    message = exc.format_message() if hasattr(exc, "format_message") else ""
    if "unexpected extra argument" in message:
        vectors = _vector_options(exc)
        for i, arg in enumerate(args):
            if i > 1 and _NUMBER.match(arg) and _NUMBER.match(args[i - 1]):
                return _split_vector(args, i, vectors)
    return None
