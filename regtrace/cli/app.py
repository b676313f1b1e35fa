"""The Typer application: the root options and the list of commands.

Each command lives in its own module and is registered here with its help and examples.
Nothing here imports NumPy: ``regtrace --help`` and ``--version`` stay fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from regtrace.cli import check as check_cmd
from regtrace.cli import conventions as conventions_cmd
from regtrace.cli import explore as explore_cmd
from regtrace.cli import run_cmd
from regtrace.cli import step as step_cmd
from regtrace.cli import sweep as sweep_cmd
from regtrace.cli.helptext import HelpCommand, HelpGroup

app = typer.Typer(
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


def _print_version(value: bool) -> None:
    if value:
        from regtrace import __version__

        typer.echo(f"regtrace {__version__}")
        raise typer.Exit()


@app.callback()
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


# The commands, in the order `regtrace --help` lists them; each module holds its HELP and
# EPILOG (with examples) beside the function.
for name, module, command in (
    ("step", step_cmd, step_cmd.step_command),
    ("conventions", conventions_cmd, conventions_cmd.conventions_command),
    ("check", check_cmd, check_cmd.check_command),
    ("run", run_cmd, run_cmd.run_command),
    ("sweep", sweep_cmd, sweep_cmd.sweep_command),
    ("explore", explore_cmd, explore_cmd.explore_command),
):
    app.command(
        name, cls=HelpCommand, help=module.HELP, epilog=module.EPILOG, no_args_is_help=False
    )(command)
