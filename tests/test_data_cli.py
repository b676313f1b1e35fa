"""``regtrace step`` on data: golden traces, and every bad table as one error line, exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import INPUTS, Invocation

Cli = Callable[..., Invocation]
Golden = Callable[[str, str], None]

STUDY = str(INPUTS / "study.csv")  # hours,score: (1, 2), (2, 3), (3, 5)
PASSED = str(INPUTS / "passed.csv")  # x1,x2,passed: (1, 0, 1), (0, 1, 0), (1, 1, 1)

GOLDEN_CASES = {
    "data_step_linear_show_work.txt": [
        "step", "--data", STUDY, "--w", "1,0", "--intercept", "--penalty", "l2",
        "--lam", "0.1", "--lr", "0.1", "--show-work",
    ],
    "data_step_inline_sse.txt": [
        "step", "--x", "1; 2; 3", "--y", "2,3,5", "--w", "1", "--data-loss", "sse",
    ],
    "data_step_logistic.md": [
        "step", "--data", PASSED, "--model", "logistic", "--lam", "0.1", "--show-work",
        "--format", "markdown",
    ],
    "data_step_logistic.json": [
        "step", "--data", PASSED, "--model", "logistic", "--w", "1.0986122886681098,0",
        "--penalty", "l1", "--lam", "0.1", "--format", "json",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden(cli: Cli, golden: Golden, name: str) -> None:
    """The data traces match their reviewed golden files."""
    result = cli(GOLDEN_CASES[name])
    assert result.code == 0, result.stderr
    golden(name, result.stdout)


def test_json_data_numbers_by_hand(cli: Cli) -> None:
    """The JSON "data" object carries the hand-derived numbers of the 3-row table.

    At w = 1, b = 0: predictions [1, 2, 3], residuals [-1, -1, -2], half-mse 6/6 = 1,
    gradient [(-1 - 2 - 6)/3, (-1 - 1 - 2)/3] = [-3, -4/3]. L2 with lam = 0.1 on w only:
    w_new = [1 - 0.1 x (-3 + 0.2), 0 - 0.1 x (-4/3)] = [1.28, 2/15].
    """
    result = cli(
        ["step", "--data", STUDY, "--w", "1,0", "--intercept", "--penalty", "l2",
         "--lam", "0.1", "--format", "json"]
    )  # fmt: skip
    assert result.code == 0, result.stderr
    out = json.loads(result.stdout)
    data = out["data"]
    assert data["model"] == "linear" and data["data_loss"] == "half-mse" and data["n"] == 3
    assert data["predictions"] == [1.0, 2.0, 3.0]
    assert data["residuals"] == [-1.0, -1.0, -2.0]
    assert data["loss"] == pytest.approx(1.0, abs=1e-15)
    assert data["grad"] == pytest.approx([-3.0, -4 / 3], abs=1e-15)
    l2 = out["results"][0]
    assert l2["lam"] == [0.1, 0.0]  # the bias is not penalized
    assert l2["w_new"] == pytest.approx([1.28, 2 / 15], abs=1e-15)
    assert out["loss"] == pytest.approx(1.0, abs=1e-15)


def bad_file(tmp_path: Path, text: str, name: str = "bad.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--x", "1,2; 3", "--y", "1,2"],
            "--x: row 2 has 1 values but row 1 has 2; every row needs the same number of columns",
        ),
        (
            ["--x", "1,2; 3,abc", "--y", "1,2"],
            "--x, row 2, column 2: 'abc' is not a number; write numbers such as 2.5, -0.8 or 1e-3",
        ),
        (
            ["--x", "1; 2; 3", "--y", "1,2,0", "--model", "logistic"],
            "logistic labels must be 0 or 1, but row 2 has 2; recode the target column as 0/1",
        ),
        (
            ["--x", "1,2; 3,4", "--y", "1,2", "--w", "1,2,3"],
            "--w has 3 values but the data needs 2 (2 features); give one weight per feature",
        ),
        (
            ["--x", "1; 2", "--y", "1,2,3"],
            "--x has 2 rows but --y has 3 values; give one target per row",
        ),
        (
            ["--x", "1; 2"],
            "--x needs --y too: --x holds the feature rows, --y one target per row",
        ),
        (
            ["--x", " ; ", "--y", "1"],
            '--x is empty; give rows such as --x "1,2; 3,4; 5,6"',
        ),
        (
            ["--x", "1; 2", "--y", "1,2", "--grad", "0.1"],
            "--grad is computed from the data; leave it out, or leave out --data/--x/--y",
        ),
        (
            ["--x", "1; 2", "--y", "1,2", "--loss", "0.1"],
            "--loss is computed from the data; leave it out, or leave out --data/--x/--y",
        ),
        (
            ["--data", STUDY, "--x", "1"],
            "give the data once: --data FILE.csv, or --x with --y, not both",
        ),
        (
            ["--x", "1; 2", "--y", "1,2", "--model", "logistic", "--data-loss", "sse"],
            "--data-loss sse is for the linear model; the logistic model uses log-loss",
        ),
        (
            ["--x", "1; 2", "--y", "1,2", "--intercept", "--lam", "0.1,0.2,0.3"],
            "--lam has 3 values but the data has 1 features; give one --lam, one per feature, "
            "or one per weight with the bias last",
        ),
        (
            ["--data", "nowhere.csv"],
            "--data: file 'nowhere.csv' does not exist; check the path",
        ),
    ],
)
def test_bad_inline_data(cli: Cli, args: list[str], message: str) -> None:
    """Each bad table or option clash is one stderr line and exit 2."""
    result = cli(["step", *args])
    assert result == Invocation(2, "", f"Error: {message}\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "{path} is empty; give one row per sample: features, then target"),
        ("# only a comment\n\n", "{path} is empty; give one row per sample: features, then target"),
        ("a,b,y\n", "{path} has a header but no rows of numbers"),
        (
            "a,b,y\n1,2,3\n4,5\n",
            "{path}: row 3 has 2 values but row 2 has 3; every row needs the same number of "
            "columns",
        ),
        (
            "a,b,y\n1,2,3\n4,five,6\n",
            "{path}, row 3, column 2: 'five' is not a number; write numbers such as 2.5, -0.8 "
            "or 1e-3",
        ),
        ("1,,3\n", "{path}: row 1, column 2 is empty; fill in the number"),
        (
            "a,b\n1,2,3\n",
            "{path}: the header has 2 names but the rows have 3 columns; give one name per column",
        ),
        ("1\n2\n", "{path} has one column; give the feature columns, then the target column"),
    ],
)
def test_bad_csv(cli: Cli, tmp_path: Path, text: str, message: str) -> None:
    """A bad CSV names the file, the row (its line in the file) and the column."""
    path = bad_file(tmp_path, text)
    result = cli(["step", "--data", path])
    assert result == Invocation(2, "", f"Error: {message.format(path='--data ' + path)}\n")


def test_csv_labels_name_the_columns(cli: Cli) -> None:
    """A header row names the feature and target columns in the data table."""
    result = cli(["step", "--data", STUDY, "--w", "1", "--penalty", "l2"])
    assert result.code == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if line.split()[:1] == ["row"])
    assert header.split() == ["row", "hours", "score", "Xw", "Xw", "-", "y"]


def test_data_from_stdin(cli: Cli) -> None:
    """``--data -`` reads the CSV from standard input: the same numbers as the file.

    half-mse at w = 0 (default), b = 0: residuals -y = [-2, -3, -5], L = (4 + 9 + 25)/6 = 19/3,
    gradient [(-2 - 6 - 15)/3, (-2 - 3 - 5)/3] = [-23/3, -10/3].
    """
    result = cli(
        ["step", "--data", "-", "--intercept", "--penalty", "none", "--format", "json"],
        input="hours,score\n1,2\n2,3\n3,5\n",
    )
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)["data"]
    assert data["loss"] == pytest.approx(19 / 3, abs=1e-14)
    assert data["grad"] == pytest.approx([-23 / 3, -10 / 3], abs=1e-14)


def test_x_from_stdin(cli: Cli) -> None:
    """``--x -`` reads the feature rows from standard input (newlines or ``;``)."""
    result = cli(["step", "--x", "-", "--y", "2,3,5", "--format", "json"], input="1\n2; 3\n")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["data"]["n"] == 3


def test_only_one_option_reads_stdin(cli: Cli) -> None:
    """Two options cannot both read standard input."""
    result = cli(["step", "--x", "-", "--y", "-"], input="1;2\n")
    assert result == Invocation(
        2,
        "",
        "Error: --x and --y both read standard input; only one option can be '-', give the "
        "others inline or as @file\n",
    )


def test_elastic_strengths_exempt_the_bias(cli: Cli) -> None:
    """With --intercept, --lam1 and --lam2 get a 0 for the bias weight too.

    At w = 1, b = 0 the data gradient is [-3, -4/3] (above). Elastic penalty term for w:
    lam1 sign(1) + 2 lam2 x 1 = 0.1 + 0.4 = 0.5, for b: 0. w_new = 1 - 0.1 x (-3 + 0.5)
    = 1.25, b_new = 0 - 0.1 x (-4/3) = 2/15.
    """
    result = cli(
        ["step", "--data", STUDY, "--w", "1,0", "--intercept", "--penalty", "elastic",
         "--lam1", "0.1", "--lam2", "0.2", "--format", "json"]
    )  # fmt: skip
    assert result.code == 0, result.stderr
    elastic = json.loads(result.stdout)["results"][0]
    assert elastic["lam"] == {"l1": [0.1, 0.0], "l2": [0.2, 0.0]}
    assert elastic["w_new"] == pytest.approx([1.25, 2 / 15], abs=1e-15)


def test_optimizer_step_on_data(cli: Cli) -> None:
    """``step --optimizer adam`` on the table: the data part is shown and in the JSON.

    Full gradient at (1, 0): [-3 + 2 x 0.1 x 1, -4/3 + 0] = [-2.8, -4/3]. Adam's first step
    has m_hat = g and v_hat = g^2, so w_new = w - lr x g/(|g| + eps):
    w0 = 1 + 0.1 x 2.8/(2.8 + 1e-8), b = 0 + 0.1 x (4/3)/(4/3 + 1e-8).
    """
    args = ["step", "--data", STUDY, "--intercept", "--w", "1,0", "--optimizer", "adam",
            "--penalty", "l2", "--lam", "0.1"]  # fmt: skip
    out = json.loads(cli([*args, "--format", "json"]).stdout)
    assert out["data"]["grad"] == pytest.approx([-3.0, -4 / 3], abs=1e-15)
    want = [1 + 0.1 * 2.8 / (2.8 + 1e-8), 0.1 * (4 / 3) / (4 / 3 + 1e-8)]
    assert out["results"][0]["w_new"] == pytest.approx(want, abs=1e-15)
    table = cli(args)
    assert table.code == 0, table.stderr
    assert table.stdout.startswith("Data: linear model on 3 rows, bias w1 not penalized\n")
