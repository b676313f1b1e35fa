"""How ``--help`` shows the help texts: literally, grouped in panels, paragraphs unwrapped.

Typer reads help strings as Rich markup, so a help text that says ``pip install
'regtrace[plot]'`` would lose ``[plot]``. Every command is a :class:`HelpCommand`, which
escapes the markup of its help, epilog and option texts when help is shown, so help strings
are written as plain text everywhere. It also puts each option in a panel by what it is
about (:data:`PANELS`, unless the option names its own ``rich_help_panel``) and joins the
hard-wrapped lines of prose paragraphs, so the screen reflows to the terminal's width;
indented paragraphs (the examples) keep their lines.

Nothing here runs unless help is shown, and Rich is imported only then.
"""

from __future__ import annotations

import re
from typing import Any

from typer import _click as click  # Typer's own copy of Click (Typer >= 0.26)
from typer.core import TyperCommand, TyperGroup, TyperOption

INPUTS = "Inputs"
PENALTY = "Penalty"
OPTIMIZER = "Optimizer"
DATA = "Data table"
ANSWER = "Your answer"
TO_LAM = "From a framework's parameter to lam"
OUTPUT = "Output"

PANELS: dict[str, str] = {
    **dict.fromkeys(
        (
            "--w",
            "--grad",
            "--loss-fn",
            "--lr",
            "--loss",
            "--target",
            "--steps",
            "--every",
            "--exact",
        ),
        INPUTS,
    ),
    **dict.fromkeys(
        ("--penalty", "--lam", "--lam1", "--lam2", "--lams", "--l2-form", "--l1-method"),
        PENALTY,
    ),
    **dict.fromkeys(
        ("--optimizer", "--compare", "--convention", "--weight-decay", "--t"), OPTIMIZER
    ),
    **dict.fromkeys(("--data", "--x", "--y", "--model", "--data-loss", "--intercept"), DATA),
    **dict.fromkeys(("--answer", "--quantity", "--tol"), ANSWER),
    **dict.fromkeys(("--alpha", "--from", "--l1-ratio"), TO_LAM),
    "--n-samples": PENALTY,
    **dict.fromkeys(
        (
            "--format",
            "--digits",
            "--show-work",
            "--layout",
            "--out",
            "--force",
            "--plot",
            "--plot-file",
            "--plot-scale",
            "--help",
        ),
        OUTPUT,
    ),
}
"""The panel of each option, by its long name (a command may put one of its options in
another panel: ``conventions`` puts ``--weight-decay`` beside ``--from``). The
optimizers' hyper-parameters and states name their panel themselves (cli/optimizer_options.py),
so a new one needs no line here."""

PANEL_ORDER = (INPUTS, PENALTY, OPTIMIZER, DATA, ANSWER, TO_LAM, OUTPUT)
PANEL_MIN_OPTIONS = 8


def unwrap(text: str) -> str:
    """Join the lines of each prose paragraph; an indented paragraph keeps its lines."""
    paragraphs = text.strip("\n").split("\n\n")
    return "\n\n".join(p if p.startswith(" ") else " ".join(p.split("\n")) for p in paragraphs)


def plain(text: str | None) -> str | None:
    """Help text as Rich shows it literally: markup such as ``[plot]`` escaped."""
    if not text:
        return text
    from rich.markup import escape

    return escape(text)


def prepare(command: click.Command) -> None:
    """Escape, unwrap and group a command's help, once, just before it is shown."""
    if getattr(command, "_help_prepared", False):
        return
    command.help = plain(unwrap(command.help)) if command.help else command.help
    command.epilog = plain(command.epilog)
    grouped = sum(isinstance(p, TyperOption) for p in command.params) >= PANEL_MIN_OPTIONS
    for param in command.params:
        if isinstance(param, TyperOption):
            param.help = plain(param.help)
            long_name = max(param.opts, key=len)
            if grouped and not getattr(param, "rich_help_panel", None):
                param.rich_help_panel = PANELS.get(long_name)
            _name_choices(param, long_name)
    if grouped:  # panels appear in the order of their first option
        order = {panel: i for i, panel in enumerate(PANEL_ORDER)}
        command.params.sort(key=lambda p: order.get(getattr(p, "rich_help_panel", None) or "", -1))
    command._help_prepared = True  # type: ignore[attr-defined]


def _name_choices(param: TyperOption, long_name: str) -> None:
    """Short metavars leave the width to the help: a choice option whose help names every
    choice shows ``FORMAT`` rather than ``<table|json|csv|markdown|latex>``, and an int range
    ``N`` rather than ``<int range>``."""
    if param.metavar or not param.help:
        return
    if getattr(param.type, "min", None) is not None or getattr(param.type, "max", None):
        param.metavar = "N"  # Typer shows the range beside it: N [1<=x<=17]
        return
    choices = getattr(param.type, "choices", None)
    if not choices:
        return
    said = set(re.findall(r"[a-z0-9-]+", param.help))
    if all(str(c) in said for c in choices):
        param.metavar = long_name.rsplit("-", 1)[-1].upper()


class HelpCommand(TyperCommand):
    """A command whose help is shown literally and in panels (see the module docstring)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Prepare the texts, then let Typer draw them."""
        prepare(self)
        super().format_help(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> TyperOption | None:
        """The ``--help`` option, in the Output panel with the others."""
        option = super().get_help_option(ctx)
        if option is not None and len(self.params) >= PANEL_MIN_OPTIONS:
            option.rich_help_panel = OUTPUT
        return option


class HelpGroup(TyperGroup):
    """The root command: its help shown literally too."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Prepare the texts, then let Typer draw them."""
        prepare(self)
        super().format_help(ctx, formatter)


__all__: list[Any] = ["PANELS", "HelpCommand", "HelpGroup", "plain", "prepare", "unwrap"]
