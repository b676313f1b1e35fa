"""The grid of command x mode x ``--format``, walked from the app's own lists: every command
that takes ``--format`` prints each of :class:`OutputFormat` for each way of giving its data
gradient and update rule, or refuses an impossible combination with one ``Error:`` line and
exit 2. A command or format added to the app joins the grid by itself (and fails here until
its modes are listed)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from regtrace.cli.app import app
from regtrace.render.formats import OutputFormat
from tests.conftest import invoke

TABLE = ["--x", "1,2; 2,1; 0,1", "--y", "3,4,1", "--w", "0,0"]
FORMULA = ["--loss-fn", "(w0 - 3)^2 + w1^2", "--w", "1,1"]
SWEEP = ["--lams", "0.1,0.5", "--steps", "3"]
MODES: dict[str, dict[str, list[str]]] = {
    "step": {
        "fixed grad": [],
        "table": TABLE,
        "formula": FORMULA,
        "exact": ["--exact"],
        "optimizer": ["-o", "adam"],
        "compare": ["--compare", "adamw"],
        "table optimizer": [*TABLE, "-o", "rmsprop"],
    },
    "run": {
        "fixed grad": ["--steps", "3"],
        "target": ["--steps", "3", "--target", "1,2,3"],
        "table": ["--steps", "3", *TABLE],
        "formula": ["--steps", "3", *FORMULA],
        "exact": ["--steps", "3", "--exact"],
        "optimizer": ["--steps", "3", "-o", "adagrad"],
        "compare": ["--steps", "3", "-o", "adam", "--compare", "sgd", "-p", "l2"],
        "table optimizer": ["--steps", "3", *TABLE, "-o", "adam"],
    },
    "sweep": {
        "fixed grad": ["--w", "1", "--grad", "0", *SWEEP],
        "target path": ["--target", "1,2", "--lams", "0.1,0.5"],
        "target run": ["--target", "1,2", "--w", "0,0", *SWEEP],
        "table": [*TABLE, *SWEEP],
        "formula": [*FORMULA, *SWEEP],
        "exact": ["--w", "1", "--grad", "0", *SWEEP, "--exact"],
        "per-weight lam": ["--w", "1,1", "--grad", "0,0", *SWEEP, "--lam", "1,0"],
    },
    "check": {
        "fixed grad": ["--answer", "2.5175,-0.8092,0.1049"],
        "steps": ["--answer", "2.53,-0.82,0.11", "--steps", "2"],
        "table": [*TABLE, "--answer", "0.1,0.1", "--steps", "2"],
        "formula": [*FORMULA, "--answer", "1.4,0.8"],
        "exact": ["--answer", "2.5175,-0.8092,0.1049", "--exact"],
        "optimizer": ["-o", "adamw", "--steps", "2", "--answer", "2.66,-0.6,0.3"],
        "quantity": ["--quantity", "decay-factor", "--answer", "0.998,0.998,0.998"],
    },
    "conventions": {
        "lam": ["--lam", "0.0005"],
        "from": ["--from", "elasticnet", "--alpha", "0.1", "--l1-ratio", "0.3"],
    },
}
IMPOSSIBLE: dict[str, list[str]] = {
    "step exact adam": ["step", "--exact", "-o", "adam"],
    "run exact adam": ["run", "--steps", "2", "--exact", "-o", "adam"],
    "check exact adam": ["check", "--exact", "-o", "adam", "--answer", "1,2,3"],
}
"""Combinations no format can print (an optimizer's sqrt is not rational)."""


def _options(name: str) -> set[str]:
    """The options of the command ``name``, as the app builds them."""
    import typer

    group = typer.main.get_command(app)
    return {o for p in group.commands[name].params for o in p.opts}  # type: ignore[attr-defined]


COMMANDS = [c.name for c in app.registered_commands if c.name]
FORMATTED = [name for name in COMMANDS if "--format" in _options(name)]
GRID = [
    (command, mode, fmt)
    for command in FORMATTED
    for mode in MODES.get(command, {"(no modes listed)": []})
    for fmt in OutputFormat
]


def format_of(out: str) -> str:
    """Which format ``out`` is written in, told from the text alone."""
    if out.startswith("% regtrace"):
        return "latex"
    if out.startswith("**"):
        return "markdown"
    try:
        json.loads(out)
        return "json"
    except ValueError:
        pass
    rows = list(csv.reader(io.StringIO(out)))
    if len(rows) > 1 and len(rows[0]) > 1 and all(len(r) == len(rows[0]) for r in rows):
        return "csv"
    return "table"


def test_every_command_with_format_has_its_modes_listed() -> None:
    assert set(FORMATTED) == set(MODES), "list the modes of each command taking --format"
    assert set(COMMANDS) - set(FORMATTED) == {"explore"}  # a terminal app, no --format


@pytest.mark.parametrize(("command", "mode", "fmt"), GRID, ids=lambda v: str(v))
def test_every_mode_prints_every_format(command: str, mode: str, fmt: OutputFormat) -> None:
    """Exit 0 (1 for a wrong checked answer) and the output is in the asked format."""
    result = invoke([command, *MODES[command][mode], "--format", fmt.value])
    assert result.code in (0, 1), result.stderr
    assert result.stderr == ""
    assert format_of(result.stdout) == fmt.value, result.stdout[:300]


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
@pytest.mark.parametrize("name", list(IMPOSSIBLE))
def test_impossible_combinations_refuse_in_every_format(name: str, fmt: OutputFormat) -> None:
    result = invoke([*IMPOSSIBLE[name], "--format", fmt.value])
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: --exact works with plain gradient descent")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["run", "--steps", "3", "--plot-scale", "own"], "--plot-scale sets the y axis of"),
        (["sweep", "--target", "1", "--plot-scale", "shared"], "--plot-scale sets the y axis"),
        (["step", "--force"], "--force replaces a read-only --out or --plot-file"),
        (["run", "--steps", "2", "--force"], "--force replaces a read-only --out"),
        (["sweep", "--target", "1", "--force"], "--force replaces a read-only --out"),
        (["step", "-s", "--format", "json"], "--show-work writes the arithmetic into"),
        (["step", "--show-work", "--format", "csv"], "--show-work writes the arithmetic"),
        (["step", "--layout", "tall", "--format", "json"], "--layout arranges the table;"),
        (["step", "--layout", "wide", "--format", "csv"], "--layout arranges the table;"),
        (["step", "--exact", "--digits", "3"], "--digits rounds floats; --exact prints"),
        (["run", "--steps", "2", "--exact", "--digits", "3"], "--digits rounds floats;"),
        (["sweep", "--target", "1", "--exact", "--digits", "3"], "--digits rounds floats;"),
        (["check", "--answer", "1,2,3", "--exact", "--digits", "3"], "--digits rounds floats"),
        (["conventions", "--lam", "0.1", "--l1-ratio", "0.5"], "--l1-ratio is ElasticNet's"),
        (
            ["conventions", "--from", "torch", "--weight-decay", "0.1", "--lam1", "0.2"],
            "give --lam1, or --weight-decay/--alpha with --from, not both",
        ),
    ],
)
def test_an_option_that_would_be_ignored_is_refused(args: list[str], start: str) -> None:
    """No option is accepted and then ignored: one line naming it, exit 2, nothing printed."""
    result = invoke(args)
    assert (result.code, result.stdout) == (2, ""), result.stderr
    assert result.stderr.startswith(f"Error: {start}")
    assert len(result.stderr.splitlines()) == 1


def test_the_options_refused_above_still_work_where_they_mean_something(tmp_path: Path) -> None:
    """Given with what they act on, the same options run (the refusals are not blanket)."""
    out = tmp_path / "w.npz"
    for args in (
        ["run", "--steps", "3", "--plot", "--plot-scale", "own"],
        ["step", "--force", "--out", str(out)],
        ["step", "-s", "--format", "markdown"],
        ["step", "--layout", "auto", "--format", "csv"],
        ["step", "--layout", "tall", "--format", "latex"],
        ["step", "--digits", "3", "--format", "json"],  # the help: JSON is full precision
        ["conventions", "--from", "elasticnet", "--alpha", "0.1", "--l1-ratio", "0.5"],
    ):
        result = invoke(args)
        assert result.code == 0, (args, result.stderr)
