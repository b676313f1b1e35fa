"""The Typer application: the root options and the list of commands.

Each command lives in its own module, named in :data:`COMMANDS` with the function Typer wraps;
:func:`build` imports only the modules of the commands it is asked for, so ``regtrace step``
never loads ``run``, ``check`` or ``explore``. ``app`` (every command, built on first use) is
what ``regtrace --help`` and an unknown command see. Nothing here imports NumPy.
"""

from __future__ import annotations

from collections.abc import Collection
from importlib import import_module
from typing import Annotated

import typer

# The commands, in the order `regtrace --help` lists them: (name, module, function); each
# module holds its HELP and EPILOG (with examples) beside the function.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("step", "regtrace.cli.step", "step_command"),
    ("conventions", "regtrace.cli.conventions", "conventions_command"),
    ("check", "regtrace.cli.check", "check_command"),
    ("run", "regtrace.cli.run_cmd", "run_command"),
    ("sweep", "regtrace.cli.sweep", "sweep_command"),
    ("explore", "regtrace.cli.explore", "explore_command"),
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


def build(names: Collection[str] | None = None) -> typer.Typer:
    """The app holding the commands in ``names`` (every command when ``None``)."""
    built = typer.Typer(
        name="regtrace",
        help="Trace gradient-descent steps under L1, L2 and elastic-net regularization, "
        "with the arithmetic shown.",
        epilog="Start with: regtrace step (the blog's example), then regtrace step --help. "
        "Exit codes: 0 done, 1 check found a wrong answer, 2 bad input or usage.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(root)
    for name, module_name, function in COMMANDS:
        if names is None or name in names:
            module = import_module(module_name)
            built.command(name, help=module.HELP, epilog=module.EPILOG, no_args_is_help=False)(
                getattr(module, function)
            )
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
