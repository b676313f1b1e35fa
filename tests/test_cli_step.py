"""``regtrace step`` end to end: golden outputs, JSON contract, errors, stdin and files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import INPUTS, ROOT, STEP_RESULT_KEYS, Invocation, invoke

BUILTIN = ["--w", "2.5,-0.8,0.1", "--grad", "-0.2,0.1,-0.05", "--lam", "0.01", "--lr", "0.1"]

GOLDEN_CASES = {
    "step_builtin.txt": [],
    "step_show_work.txt": ["--show-work"],
    "step_markdown.md": ["--format", "markdown"],
    "step_markdown_show_work.md": ["--format", "markdown", "--show-work", "--penalty", "l2"],
    "step_csv.csv": ["--format", "csv"],
    "step_json.json": ["--format", "json", "--penalty", "l2,l1,elastic,none"],
    "step_half_per_weight.txt": [*BUILTIN[:4], "--lam", "0.01,0,0.01", "--l2-form", "half"],
    "step_elastic_proximal.txt": [
        *["--w", "0.004,-0.8", "--grad", "0.05,0.1", "--penalty", "elastic,l1"],
        *["--lam1", "0.01", "--lam2", "0.05", "--l1-method", "proximal", "--show-work"],
    ],
    "step_tall.txt": ["--w", f"@{INPUTS / 'w6.txt'}", "--grad", f"@{INPUTS / 'g6.txt'}"],
    "step_summary.txt": ["--w", f"@{INPUTS / 'w100.txt'}", "--grad", f"@{INPUTS / 'g100.txt'}"],
    "step_digits.txt": [*BUILTIN[:4], "--lam", "0.013", "--lr", "0.3", "--digits", "3"],
}


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden(name: str, golden: Callable[[str, str], None]) -> None:
    """Each output format and layout matches its reviewed golden file exactly."""
    args = [str(a).replace(str(ROOT) + "/", "") for a in GOLDEN_CASES[name]]
    result = invoke(["step", *args])
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


def test_builtin_example_trace() -> None:
    """With no --w/--grad: the example's numbers, its losses, the decay factor and a caption."""
    out = invoke(["step"]).stdout
    for number in ("2.515", "-0.8084", "0.1048", "2.519", "-0.809", "0.104"):
        assert f" {number} " in out or out.count(number) > 0
    assert "L2: 1.2 + 0.01 x 6.9 = 1.269" in out
    assert "L1: 1.2 + 0.01 x 3.4 = 1.234" in out
    assert "(1 - 2*lr*lam) = 1 - 2x0.1x0.01 = 0.998" in out
    assert "built-in example" in out
    assert "--w and --grad" in out
    assert "0.10400000000000001" not in out


def test_own_values_have_no_builtin_caption() -> None:
    """The caption appears only for the built-in example."""
    out = invoke(["step", *BUILTIN, "--loss", "1.2"]).stdout
    assert "built-in example" not in out
    assert "L2: 1.2 + 0.01 x 6.9 = 1.269" in out


def test_show_work_cells_follow_the_builtin() -> None:
    """--show-work writes the substituted arithmetic, as the built-in example's trace table does
    (one line per cell in Markdown; the terminal table puts '= result' on a second line)."""
    out = invoke(["step", "--show-work", "--format", "markdown"]).stdout
    for cell in (
        "2x0.01x2.5 = 0.05",
        "-0.2 + 0.05 = -0.15",
        "2.5 - 0.1x(-0.15) = 2.515",
        "2x0.01x(-0.8) = -0.016",
        "0.1 - 0.016 = 0.084",
        "0.01x(-1) = -0.01",
        "-0.8 - 0.1x0.09 = -0.809",
    ):
        assert f"| {cell} |" in out
    table = invoke(["step", "--show-work"]).stdout.splitlines()
    row = next(i for i, line in enumerate(table) if line.startswith(" New weight"))
    assert "2.5 - 0.1x(-0.15)" in table[row]
    assert "= 2.515" in table[row + 1]


def test_json_contract_and_values() -> None:
    """JSON: inputs echoed, one result per penalty with design.md's keys, numbers as numbers."""
    data = json.loads(invoke(["step", *BUILTIN, "--loss", "1.2", "--format", "json"]).stdout)
    assert data["w"] == [2.5, -0.8, 0.1]
    assert data["lr"] == 0.1
    assert data["l2_form"] == "lambda"
    assert [r["penalty"] for r in data["results"]] == ["l2", "l1"]
    l2, l1 = data["results"]
    assert tuple(l2) == STEP_RESULT_KEYS
    # hand-derived in tests/test_engine_step.py: L2 -> [2.515, -0.8084, 0.1048], loss 1.269
    assert np.allclose(l2["w_new"], [2.515, -0.8084, 0.1048], rtol=0, atol=1e-15)
    assert np.allclose(l1["w_new"], [2.519, -0.809, 0.104], rtol=0, atol=1e-15)
    assert l2["loss"] == pytest.approx(1.269, abs=1e-15)
    assert l1["lam"] == 0.01


def test_json_elastic_lam_and_null_loss() -> None:
    """Elastic reports lam as {l1, l2}; without --loss, loss is null."""
    args = ["step", *BUILTIN, "--penalty", "elastic", "--lam2", "0.05", "--format", "json"]
    data = json.loads(invoke(args).stdout)
    assert data["results"][0]["lam"] == {"l1": 0.01, "l2": 0.05}
    assert data["loss"] is None and data["results"][0]["loss"] is None


def test_formats_agree() -> None:
    """The CSV's numbers are the JSON's, rounded to --digits: one data source."""
    js = json.loads(invoke(["step", "--format", "json"]).stdout)
    rows = list(csv.DictReader(io.StringIO(invoke(["step", "--format", "csv"]).stdout)))
    by_penalty = {r["penalty"]: r for r in js["results"]}
    for row in rows:
        expected = by_penalty[row["penalty"]]["w_new"][int(row["weight"])]
        assert float(row["w_new"]) == pytest.approx(expected, rel=1e-12)


def test_stdin_and_files(tmp_path: Path) -> None:
    """Vectors from stdin (-), .txt, .csv and .npy give the same trace as inline numbers."""
    inline = invoke(["step", *BUILTIN, "--format", "json"]).stdout
    np.save(tmp_path / "w.npy", np.array([2.5, -0.8, 0.1]))
    (tmp_path / "g.csv").write_text("grad\n-0.2\n0.1\n-0.05\n")
    from_files = invoke(
        [
            *["step", "--w", f"@{tmp_path / 'w.npy'}", "--grad", f"@{tmp_path / 'g.csv'}"],
            *BUILTIN[4:],
            *["--format", "json"],
        ]
    ).stdout
    from_stdin = invoke(
        ["step", "--w", "-", *BUILTIN[2:], "--format", "json"], input="2.5 -0.8 0.1\n"
    ).stdout
    assert inline == from_files == from_stdin


def test_layouts_can_be_forced() -> None:
    """--layout tall turns even three weights into rows; summary gives norms."""
    tall = invoke(["step", "--layout", "tall"]).stdout
    assert "New weight" in tall and "w0 (L2)" not in tall
    summary = invoke(["step", "--layout", "summary"]).stdout
    assert "||w||2 -> ||w_new||2" in summary


def test_markdown_never_summarises() -> None:
    """--format markdown keeps every weight even when a terminal would get a summary."""
    args = ["step", "--w", "@fixtures/inputs/w100.txt", "--grad", "@fixtures/inputs/g100.txt"]
    out = invoke([*args, "--format", "markdown"]).stdout
    # 2 penalties x 100 weights, one row each
    assert sum(1 for line in out.splitlines() if line.startswith("| 99 |")) == 2


ERRORS = [
    (["--w", "2.5,-0.8"], "--w needs --grad too: give both (one value per weight), or neither"),
    (["--grad", "1"], "--grad needs --w too"),
    (["--w", "2.5,-0.8", "--grad", "1,2,3"], "w has 2 values but grad has 3; give one gradient"),
    (["--w", "2.5,abc", "--grad", "1,2"], "--w, element 2: 'abc' is not a number; write numbers"),
    (["--w", "2.5,,0.1", "--grad", "1,2,3"], "--w: empty element at position 2 in '2.5,,0.1'"),
    (["--w", "1,nan", "--grad", "1,2"], "--w, element 2: 'nan' is not finite; NaN and infin"),
    (["--grad", "inf", "--w", "1"], "--grad, element 1: 'inf' is not finite"),
    (["--lam", "nan"], "--lam, element 1: 'nan' is not finite"),
    (["--loss", "-inf"], "--loss: '-inf' is not finite"),
    (["--w", "1e400", "--grad", "1"], "--w, element 1: '1e400' overflows float64"),
    (["--lam", "-0.1"], "lam must not be negative; use 0 for no penalty"),
    (["--lam", "0.01,0.02"], "lam has 2 values but w has 3; give one lam for all weights or one"),
    (["--lr", "-0.1"], "lr must not be negative"),
    (["--lr", "inf"], "--lr: 'inf' is not finite"),
    (["--lr", "abc"], "--lr: 'abc' is not a number"),
    (["--penalty", "l3"], "--penalty: unknown penalty 'l3'; choose from l2, l1, elastic, none"),
    (["--format", "xml"], "Invalid value for '--format' / '-f': 'xml' is not one of 'table',"),
    (["--l2-form", "third"], "Invalid value for '--l2-form': 'third' is not one of 'lambda', "),
    (["--w", "@nope.txt", "--grad", "1"], "--w: file 'nope.txt' does not exist; check the path"),
    (["--w", "@fixtures/inputs/bad.txt", "--grad", "1"], "--w @fixtures/inputs/bad.txt, line 2,"),
    (
        ["--w", "@fixtures/inputs/objects.npy", "--grad", "1"],
        "--w @fixtures/inputs/objects.npy: the file holds Python objects (dtype object); save",
    ),
    (
        ["--w", "@fixtures/inputs/matrix.npy", "--grad", "1"],
        "--w @fixtures/inputs/matrix.npy: the array has shape (2, 2); a vector must be one-dim",
    ),
    (["--w", "-", "--grad", "-"], "--w and --grad both read standard input; only one option"),
    (["--digits", "0"], "Invalid value for '--digits': 0 is not in the range 1<=x<=17."),
    (["--bogus"], "No such option: --bogus"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    """Bad input: exit 2, nothing on stdout, one line on stderr naming problem and fix."""
    result = invoke(["step", *args], input="")
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback() -> None:
    """--debug re-raises the domain error instead of the one-line message."""
    from regtrace.errors import RegtraceError

    with pytest.raises(RegtraceError, match="lam must not be negative"):
        invoke(["step", "--lam", "-1", "--debug"])


def test_help_shows_examples_and_completion() -> None:
    """Help has examples; Typer's shell completion is installed."""
    top = invoke(["--help"])
    assert top.code == 0
    assert "--install-completion" in top.stdout
    assert "step" in top.stdout
    sub = invoke(["step", "--help"])
    assert "regtrace step --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05" in sub.stdout


def test_python_dash_m_and_console_script() -> None:
    """``python -m regtrace`` runs the same program."""
    done = subprocess.run(
        [sys.executable, "-m", "regtrace", "step", "--format", "json", "--penalty", "l1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(done.stdout)["results"][0]["penalty"] == "l1"


def test_invocation_type() -> None:
    """The in-process runner returns code, stdout and stderr."""
    assert isinstance(invoke(["--version"]), Invocation)
