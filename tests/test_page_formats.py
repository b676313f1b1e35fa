"""Every command's page in every format: Markdown renders as written (CommonMark, via
markdown-it-py), and terminal tables fit 80 and 60 columns without breaking a header word or
a number."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt

from tests.conftest import Invocation

Cli = Callable[..., Invocation]
COMMANDS = {
    "step": ["step"],
    "step_show_work": ["step", "--show-work"],
    "step_tall": ["step", "--w", "1,2,3,4,5", "--grad", "1,1,1,1,1"],
    "step_adam": ["step", "--optimizer", "adamw", "--weight-decay", "0.1", "-s"],
    "run": ["run", "--steps", "3"],
    "sweep": ["sweep", "--w", "1", "--grad", "0", "--steps", "20", "--lams", "0.1,0.5"],
    "check": ["check", "--answer", "2.5175,-0.8092,0.1049"],
    "check_data": ["check", "--x", "1;2;3", "--y", "2,3,5", "--w", "1", "--answer", "1.2"],
    "check_decay": ["check", "--quantity", "decay-factor", "--answer", "0.999,0.998,0.998"],
    "check_optimizer": ["check", "-o", "adamw", "--steps", "2", "--answer", "2.66,-0.6,0.3"],
    "conventions": ["conventions", "--lam", "0.0005"],
    "step_formula": ["step", "-s", "--loss-fn", "(w0 - 3)^2 + 2*w1^2", "--w", "1,1"],
    "run_formula": ["run", "--loss-fn", "(w0 - 3)^2 + 2*w1^2", "--steps", "3"],
    "sweep_formula": ["sweep", "--loss-fn", "(w0 - 3)^2", "--steps", "5", "--lams", "0,1"],
    "step_compare": ["step", "-o", "adam", "--compare", "adamw,rmsprop,adagrad", "--amsgrad"],
    "run_compare": ["run", "-o", "adam", "--compare", "adamw,sgd", "--steps", "4",
                    "--penalty", "l2"],
    "run_data_optimizer": ["run", "--x", "1;2;3", "--y", "2,3,5", "--w", "1,0", "--intercept",
                           "-o", "momentum", "--steps", "3"],
    "sweep_exact": ["sweep", "--exact", "--w", "1/3,2", "--grad", "0.1,0", "--steps", "4",
                    "--penalty", "l1", "--lams", "0.5,1/7"],
    "sweep_lam_pattern": ["sweep", "--target", "3.5,2.1", "--lam", "1,0", "--lams", "0.1,1"],
    "check_optimizer_one": ["check", "-o", "adam", "--answer", "2.6,-0.9,0.2"],
    "check_steps_data": ["check", "--x", "1;2;3", "--y", "2,3,5", "--intercept", "--steps",
                         "2", "--answer", "0.6,0.3", "--tol", "0.05"],
    "check_formula": ["check", "--loss-fn", "(w0 - 3)^2 + 2*w1^2", "--w", "1,1", "--lam",
                      "0.1", "--steps", "2", "--answer", "1.6764,0.3364"],
    "conventions_from_torch": ["conventions", "--weight-decay", "0.01", "--from", "torch"],
    "conventions_from_ridge": ["conventions", "--alpha", "0.1", "--from", "ridge",
                               "--n-samples", "50"],
    "conventions_from_elasticnet": ["conventions", "--alpha", "0.1", "--from", "elasticnet"],
}  # fmt: skip
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("fmt", ["markdown", "latex", "csv", "table"])
def test_every_command_writes_every_format(cli: Cli, name: str, fmt: str) -> None:
    """Each format is its own: no format falls back to another's output."""
    result = cli([*COMMANDS[name], "--format", fmt])
    if fmt == "csv" and {"-s", "--show-work"} & set(COMMANDS[name]):  # CSV has no arithmetic
        assert result.code == 2
        assert result.stderr.startswith("Error: --show-work writes the arithmetic into the")
        return
    assert result.code in (0, 1), result.stderr
    out = result.stdout
    assert out.startswith("% regtrace") == (fmt == "latex")
    assert ("━" in out) == (fmt == "table")
    assert out.startswith("**") == (fmt == "markdown")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_markdown_renders_the_literal_text(cli: Cli, name: str) -> None:
    """CommonMark renders every line and cell as written: no emphasis, no lost characters."""
    md = cli([*COMMANDS[name], "--format", "markdown"]).stdout
    table = cli([*COMMANDS[name]]).stdout
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert html.count("<em>") == html.count("<p><em>") <= 1  # only the italic caption
    text = re.sub(r"<[^>]+>", "", html).replace("&gt;", ">").replace("&lt;", "<")
    text = text.replace("&quot;", '"').replace("&amp;", "&")
    for line in table.splitlines():
        plain = line.strip()
        if plain and "━" not in plain and "│" not in plain and "  " not in plain:
            assert plain in text, plain


def test_formula_stays_literal() -> None:
    """The formula that used to render as emphasis."""
    from regtrace.render.markdown import escape

    html = MarkdownIt("commonmark").render(escape("lam*sum(w^2), gradient 2*lam*w"))
    assert "lam*sum(w^2), gradient 2*lam*w" in html


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stdout is a terminal (of COLUMNS columns)."""
    monkeypatch.setattr("regtrace.cli.output.is_terminal", lambda: True)


@pytest.mark.parametrize("width", [80, 60])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_tables_fit_the_terminal(cli: Cli, terminal: None, name: str, width: int) -> None:
    """At COLUMNS=80 and 60 no line is wider than the terminal, every header word and every
    number of the page appears whole (no column narrower than its header word)."""
    wide = cli([*COMMANDS[name], "--format", "csv"]).stdout
    out = cli([*COMMANDS[name]], env={"COLUMNS": str(width)}).stdout
    assert max(len(line) for line in out.splitlines()) <= width, out
    words = set(out.split())
    csv_numbers = {n for n in NUMBER.findall(wide)}
    shown = set(NUMBER.findall(out))
    for number in csv_numbers & shown:
        assert any(number in w for w in words)
    for header in re.findall(r"^ ?(\S.*?)\n ?━", out, re.MULTILINE):
        for word in header.split():
            assert word in words, (word, out)


def test_plot_refused_with_latex(cli: Cli) -> None:
    """A terminal picture would break a LaTeX file: one line, exit 2."""
    result = cli(["run", "--steps", "3", "--plot", "--format", "latex"])
    assert result.code == 2
    assert result.stderr.startswith("Error: --plot draws in the terminal and would break")


def test_conventions_csv_holds_the_json_values(cli: Cli) -> None:
    """conventions --format csv: one row per convention, the values of the JSON."""
    import csv
    import io
    import json

    args = ["conventions", "--lam", "0.0005", "--n-samples", "50", "--digits", "17"]
    rows = list(csv.DictReader(io.StringIO(cli([*args, "--format", "csv"]).stdout)))
    data = json.loads(cli([*args, "--format", "json"]).stdout)
    expected = [
        (table, e["parameter"], e["value"])
        for table in ("same_step", "same_minimizer")
        for e in data[table]
    ]
    assert [(r["table"], r["parameter"], float(r["value"])) for r in rows] == expected
    # Ridge's alpha is n*lam = 50 x 0.0005 = 0.025
    assert ("same_minimizer", "alpha", 0.025) in expected
