"""What a user reads: help shown literally and in panels, no insider words anywhere, and
usage errors that name the fix for the mistakes people make by habit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke

COMMANDS = ["step", "check", "run", "sweep", "conventions", "explore"]

# Words that only make sense to the people who wrote regtrace: names of the source material
# and of the project's own notes. A random seed ("seed 0") is fine.
INSIDER = re.compile(
    r"\bthe seeds\b|\bseeds'|\bseed\s+`*0\d\d|\blesson\b|\blesson's|\bblog\b|\bblog's"
    r"|\bissues?\s+#?\d",
    re.IGNORECASE,
)
INSIDER_FILES = re.compile(r"\bDESIGN\.md\b|\bSTYLE\.md\b")

REPRESENTATIVE = [
    ["--help"],
    *[[name, "--help"] for name in COMMANDS],
    ["step"],
    ["step", "--show-work", "--format", "markdown"],
    ["step", "--show-work", "--format", "latex"],
    ["step", "--optimizer", "sgd", "--weight-decay", "0.01"],
    ["step", "--optimizer", "adam", "--compare", "adamw", "--format", "markdown"],
    ["conventions"],
    ["conventions", "--format", "markdown"],
    ["conventions", "--weight-decay", "0.01", "--from", "torch", "--format", "json"],
    ["check", "--answer", "2.515,-0.8084,0.1048"],
    ["check", "--answer", "2.5175,-0.8092,0.1046"],
    ["run"],
    ["run", "--target", "3.5,2.1", "--lam", "0.5", "--steps", "40", "--every", "10"],
    ["sweep"],
    ["sweep", "--target", "3.5,2.1,-0.4", "--format", "markdown"],
]


def insider_words(text: str) -> list[str]:
    """The insider words in ``text``."""
    return [m.group(0) for m in INSIDER.finditer(text)] + INSIDER_FILES.findall(text)


@pytest.mark.parametrize("args", REPRESENTATIVE, ids=" ".join)
def test_no_insider_words_in_output(args: list[str]) -> None:
    """Help and output say what a thing is, not where the authors found it."""
    result = invoke(args)
    assert insider_words(result.stdout + result.stderr) == []


def test_no_insider_words_in_docs_and_source() -> None:
    """The README, CONTRIBUTING, the docs pages, every file of the package and of the tests
    (comments included), and the golden files' names."""
    files = [
        ROOT / "README.md",
        ROOT / "CHANGELOG.md",
        ROOT / "CONTRIBUTING.md",
        ROOT / "pyproject.toml",
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "docs").glob("*.py")),
        *sorted(p for p in (ROOT / "regtrace").rglob("*") if p.suffix in {".py", ".toml"}),
        *sorted(p for p in (ROOT / "tests").glob("*.py") if p.name != Path(__file__).name),
    ]
    found = {
        str(p.relative_to(ROOT)): words
        for p in files
        if (words := insider_words(p.read_text(encoding="utf-8")))
    }
    assert found == {}
    golden = [p.name for p in (ROOT / "fixtures" / "golden").iterdir() if insider_words(
        p.stem.replace("_", " "))]  # fmt: skip
    assert golden == []


def test_scanner_finds_the_words() -> None:
    """The scan is not vacuous: each kind of insider word is caught, a random seed is not."""
    for text in ["the seeds' form", "Seed 001 says", "the blog's anchor", "the lesson", "issue 7"]:
        assert insider_words(text), text
    assert insider_words("see DESIGN.md") == ["DESIGN.md"]
    assert insider_words("noise (random seed 0); docs/design.md") == []


def _help_sources() -> list[tuple[str, str]]:
    """``(command, text)`` for every help string the source gives each command."""
    from regtrace.cli.app import app

    found: list[tuple[str, str]] = []
    for info in app.registered_commands:
        assert info.name is not None
        found += [(info.name, info.help or ""), (info.name, info.epilog or "")]
        import typer.main

        command = typer.main.get_command_from_info(
            info, pretty_exceptions_short=True, rich_markup_mode="rich"
        )
        found += [(info.name, str(getattr(p, "help", None) or "")) for p in command.params]
    return found


def test_help_keeps_every_bracketed_word() -> None:
    """Rich markup does not eat ``[plot]`` or ``[default: ...]``: each help screen contains
    every bracketed word of its source texts."""
    sources = _help_sources()
    bracketed = [(name, word) for name, text in sources for word in re.findall(r"\[[^]]+\]", text)]
    assert ("run", "[plot]") in bracketed
    assert ("explore", "[explore]") in bracketed
    shown = {
        name: " ".join(invoke([name, "--help"], env={"COLUMNS": "2000"}).stdout.split())
        for name in COMMANDS
    }
    missing = [(n, w) for n, w in bracketed if " ".join(w.split()) not in shown[n]]
    assert missing == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("conventions", ["Penalty", "From a framework's parameter to lam", "Output"]),
        ("explore", ["Inputs", "Penalty", "Output"]),
    ],
)
def test_short_commands_have_panels_too(name: str, expected: list[str]) -> None:
    """conventions and explore group their options as well, with short metavars (no
    ``<table|json|...>`` or ``<int range>`` taking the width), within 80 columns."""
    shown = invoke([name, "--help"], env={"COLUMNS": "80"}).stdout
    assert re.findall(r"╭─ (.+?) ─", shown) == expected
    assert all(len(line.rstrip()) <= 80 for line in shown.splitlines())
    assert not re.search(r"<[a-z -]+[|>]", shown)  # no <table|json|...> nor <int range>


@pytest.mark.parametrize("name", ["step", "run", "sweep", "check"])
def test_help_groups_options_in_panels(name: str) -> None:
    """Options come in panels by what they are about, every one of them named in a panel
    (regtrace/cli/helptext.py, or the optimizer options themselves), and the screen fits 80
    columns."""
    from regtrace.cli.helptext import PANELS
    from regtrace.engine.optimizer_params import STATE_OPTIONS, hyper_options

    generated = {f for o in hyper_options() for f in o.flags} | {o.flag for o in STATE_OPTIONS}

    shown = invoke([name, "--help"], env={"COLUMNS": "80"}).stdout
    panels = re.findall(r"╭─ (.+?) ─", shown)
    assert panels[:2] == ["Inputs", "Penalty"]
    assert panels[-1] == "Output"
    assert "Options" not in panels
    assert all(len(line.rstrip()) <= 80 for line in shown.splitlines())
    assert not re.search(r"<[a-z -]+[|>]", shown)  # choices named in the help: short metavars
    assert "FORMAT" in shown
    options = set(re.findall(r"│ (--[a-z0-9-]+)", shown))
    assert options
    assert options <= set(PANELS) | generated
    if name in ("step", "run"):  # the generated optimizer options are in the Optimizer panel
        optimizer = shown.split("╭─ Optimizer")[1].split("╰")[0]
        assert {"--amsgrad", "--centered", "--lr-decay", "--rho"} <= set(
            re.findall(r"--[a-z0-9-]+", optimizer)
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["step", "--w", "2.5", "-0.8", "--grad", "1,2"], "--w takes one comma-separated "
         "vector: write --w 2.5,-0.8 (no spaces)"),
        (["step", "--w", "2.5", "0.8", "--grad", "1,2"], "--w takes one comma-separated "
         "vector: write --w 2.5,0.8 (no spaces)"),
        (["step", "--w", "1,2", "--grad", "-1", "-2"], "--grad takes one comma-separated "
         "vector: write --grad -1,-2 (no spaces)"),
        (["step", "--w", "1,2,3", "--grad", "-0.2", "0.1", "-0.05"], "--grad takes one "
         "comma-separated vector: write --grad -0.2,0.1,-0.05 (no spaces)"),
        (["sweep", "--lams", "0.1", "1", "10"], "--lams takes one comma-separated vector: "
         "write --lams 0.1,1,10 (no spaces)"),
        (["step", "--learning-rate", "0.1"], "No such option: --learning-rate; did you mean "
         "--lr?"),
        (["step", "--lambda", "0.1"], "No such option: --lambda; did you mean --lam?"),
        (["run", "--step", "3"], "No such option: --step; did you mean --steps?"),
        (["step", "--weight-dcay", "0.1"], "No such option: --weight-dcay; did you mean "
         "--weight-decay?"),
    ],
)  # fmt: skip
def test_habits_get_the_fix(args: list[str], message: str) -> None:
    """A vector typed with spaces, or an option named as another tool names it: one line
    with the fix, exit 2."""
    result = invoke(args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {message} (see 'regtrace {args[0]} --help')\n"


def test_an_unknown_option_with_no_likely_match_stays_plain() -> None:
    """No guess is better than a wrong one."""
    result = invoke(["step", "--verbose"])
    assert result.stderr == "Error: No such option: --verbose (see 'regtrace step --help')\n"


def test_bare_sweep_runs_the_builtin_loop() -> None:
    """``regtrace sweep`` alone is the built-in example's 10 steps at lam 0, 0.01, 0.1, 1:
    at lam = 0 ten steps of w - 0.1*g from w_0 = [2.5, -0.8, 0.1] with g = [-0.2, 0.1, -0.05]
    end at [2.7, -0.9, 0.15]; under L2 at lam = 1 each step multiplies by a = 1 - 2*0.1*1 =
    0.8, so w_10 = a^10 w_0 - (1 - a^10)/(1 - a) * lr * g."""
    import json

    result = invoke(["sweep", "--format", "json"])
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    finals = {(r["penalty"], r["lam"]): r["w_final"] for r in report["results"]}
    assert finals[("l2", 0.0)] == pytest.approx([2.7, -0.9, 0.15], abs=1e-12)
    a = 0.8
    expected = [a**10 * w - (1 - a**10) / (1 - a) * 0.1 * g for w, g in
                [(2.5, -0.2), (-0.8, 0.1), (0.1, -0.05)]]  # fmt: skip
    assert finals[("l2", 1.0)] == pytest.approx(expected, abs=1e-12)
    assert len(finals) == 8


def test_builtin_caption_is_one_short_line() -> None:
    """Under a built-in trace: one line, within 80 columns, saying what the example is."""
    from regtrace.examples import BUILTIN_CAPTION

    shown = invoke(["step"]).stdout.splitlines()
    assert shown[-1] == BUILTIN_CAPTION
    assert len(BUILTIN_CAPTION) <= 80
    assert "built-in example" in BUILTIN_CAPTION
    assert "w = [2.5, -0.8, 0.1], dL/dw = [-0.2, 0.1, -0.05]" in shown[3]  # the header says it


def test_words_scan_covers_the_package() -> None:
    """The source scan reads the package itself (a sanity check on the file list)."""
    assert (ROOT / "regtrace" / "cli" / "helptext.py") in set(Path(ROOT / "regtrace").rglob("*"))


def test_weight_decay_help_says_it_decays_the_bias() -> None:
    """A single weight decay also decays a bias, unlike a per-weight --lam."""
    shown = " ".join(invoke(["step", "--help"], env={"COLUMNS": "2000"}).stdout.split())
    assert "One number decays every weight, a bias too (as PyTorch and Keras do)" in shown
