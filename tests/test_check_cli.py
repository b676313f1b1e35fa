"""``regtrace check`` end to end: verdicts, exit codes, formats and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Invocation

Cli = Callable[..., Invocation]
Golden = Callable[[str, str], None]
EXAMPLE = ["--w", "2.5,-0.8,0.1", "--grad", "-0.2,0.1,-0.05", "--lam", "0.01", "--lr", "0.1"]
RIGHT = "2.515,-0.8084,0.1048"  # the built-in example's L2 update
LAM_W = "2.5175,-0.8092,0.1049"  # with gradient lam*w: see tests/test_diagnose.py


def test_right_answer_exits_0(cli: Cli, golden: Golden) -> None:
    """Every element right: a table of marks, no working, exit 0."""
    result = cli(["check", *EXAMPLE, "--answer", RIGHT])
    assert (result.code, result.stderr) == (0, "")
    golden("check_right.txt", result.stdout)


def test_wrong_answer_exits_1_with_working_and_diagnosis(cli: Cli, golden: Golden) -> None:
    """A wrong answer: marks, the worked solution of each wrong element, the diagnosis."""
    result = cli(["check", *EXAMPLE, "--answer", LAM_W])
    assert result.code == 1
    assert "Worked solution for w1" in result.stdout
    assert "Diagnosis: your answer matches the update with L2 gradient lam*w" in result.stdout
    golden("check_wrong.txt", result.stdout)


def test_rounded_and_coarse(cli: Cli, golden: Golden) -> None:
    """2.52 (a tie's neighbour) is right, 2.5 too coarse; coarse fails the check (exit 1)
    and no working is shown for it: it was not wrong."""
    result = cli(["check", *EXAMPLE, "--answer", "2.5,-0.808,0.1048"])
    assert result.code == 1
    assert "Worked solution" not in result.stdout
    assert "w0: 2.5 keeps 2 significant digits of 2.515; write at least 3" in result.stdout
    golden("check_coarse.txt", result.stdout)


def test_json_contract(cli: Cli) -> None:
    """results hold exactly docs/design.md's four keys; the inputs are echoed at the top."""
    data = json.loads(cli(["check", *EXAMPLE, "--answer", LAM_W, "-f", "json"]).stdout)
    assert data["command"] == "check"
    assert data["marks"] == ["wrong", "wrong", "wrong"]
    assert (
        data["w"] == [2.5, -0.8, 0.1] and data["lam"] == 0.01 and data["quantity"] == "new-weight"
    )
    (entry,) = data["results"]
    assert sorted(entry) == ["answer", "correct", "diagnosis", "expected"]
    assert entry["correct"] is False
    assert entry["expected"] == [2.515, -0.8084, 0.1048]
    assert entry["answer"] == [2.5175, -0.8092, 0.1049]
    assert entry["diagnosis"].startswith("your answer matches the update with L2 gradient lam*w")


def test_json_scalar_quantity(cli: Cli) -> None:
    """--quantity loss: 1.2 + 0.01*6.9 = 1.269, one number (not a list)."""
    data = json.loads(cli(["check", "-q", "loss", "--answer", "1.269", "-f", "json"]).stdout)
    assert data["results"][0] == {
        "correct": True,
        "expected": 1.269,
        "answer": 1.269,
        "diagnosis": None,
    }


def test_steps(cli: Cli, golden: Golden) -> None:
    """Ten steps with a fixed gradient, L2 (a = 1 - 2*0.1*0.01 = 0.998):
    w_10 = a^10*w + (-lr*g)*(1 - a^10)/(1 - a); a^10 = 0.98017904...
    w0 = 2.5*0.980179 + 0.02*0.019821/0.002 = 2.450448 + 0.198210 = 2.648658
    w1 = -0.8*0.980179 - 0.01*9.910480 = -0.784143 - 0.099105 = -0.883248
    w2 = 0.1*0.980179 + 0.005*9.910480 = 0.098018 + 0.049552 = 0.147570.
    A published "lambda sensitivity" table of this loop prints [2.5615, -0.7015, 0.1588]: a
    slip (its lambda = 0 row, -0.7 for w1 = -0.8 - 10*0.1*0.1 = -0.9, is off too); the math
    wins."""
    result = cli(["check", "--steps", "10", "--answer", "2.6487,-0.8832,0.1476"])
    assert result.code == 0, result.stdout
    slip = cli(["check", "--steps", "10", "--answer", "2.5615,-0.7015,0.1588"])
    assert slip.code == 1
    golden("check_steps_common_slip.txt", slip.stdout)


def test_tol(cli: Cli) -> None:
    """--tol 0.01 accepts 2.52 (off by 0.005) and rejects 2.53 (0.015)."""
    assert cli(["check", "--tol", "0.01", "--answer", "2.52,-0.81,0.1"]).code == 0
    assert cli(["check", "--tol", "0.01", "--answer", "2.53,-0.81,0.1"]).code == 1


def test_exact_display(cli: Cli) -> None:
    """w = 1/3, g = 0, lam = 0.5, lr = 0.1: 1/3 - 0.1*(2*0.5/3) = 1/3 - 1/30 = 0.3 exactly,
    so the answer 0.3 is right (nothing rounded away) and --exact shows 1/3 as a fraction."""
    args = ["check", "--exact", "--w", "1/3", "--grad", "0", "--lam", "0.5", "--lr", "0.1"]
    result = cli([*args, "--answer", "0.3"])
    assert result.code == 0
    assert "w = [1/3]" in result.stdout
    wrong = cli([*args, "--answer", "0.31"])
    # the working keeps the thirds: 2*0.5*(1/3) = 1/3, -0.1*(1/3) = -1/30
    assert "1/3 - 0.1x(1/3)" in wrong.stdout
    assert "= -1/30" in wrong.stdout


@pytest.mark.parametrize("fmt", ["markdown", "csv", "latex"])
def test_formats(cli: Cli, golden: Golden, fmt: str) -> None:
    """The same verdicts as Markdown, CSV and LaTeX."""
    result = cli(["check", *EXAMPLE, "--answer", "2.52,-0.8092,0.1048", "-f", fmt])
    assert result.code == 1
    golden(f"check_wrong.{ {'markdown': 'md', 'csv': 'csv', 'latex': 'tex'}[fmt] }", result.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--answer", "1,2"], "--answer has 2 values but the new weights need one per weight (3)"),
        (
            ["--answer", "1", "-q", "full-grad"],
            "--answer has 1 value but the full gradients need one per weight (3)",
        ),
        (
            ["--answer", "1,2", "-q", "loss"],
            "--answer has 2 values but the loss is a single number",
        ),
        (["--answer", "1", "-q", "loss", "--w", "1", "--grad", "1"], "--quantity loss needs"),
        (["--answer", "1,2,3", "-p", "l2,l1"], "--penalty: check grades one penalty at a time"),
        (["--answer", "1,2,3", "--steps", "2", "-q", "step"], "--steps grades the weights"),
        (["--answer", "1,x,3"], "--answer, element 2: 'x' is not a number"),
        (["--answer", "1,2,3", "--tol", "-1"], "--tol must not be negative"),
        (["--answer", "1,2,3", "--lam", "1/0"], "--lam, element 1: '1/0' divides by zero"),
        (["--answer", "1,2,3", "--lam", "-1"], "lam must not be negative"),
        (["--answer", ""], "--answer is empty"),
    ],
)
def test_bad_input(cli: Cli, args: list[str], message: str) -> None:
    """Bad input: one line on stderr naming the problem, exit 2."""
    result = cli(["check", *args])
    assert result.code == 2, result.stdout
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1


def test_missing_answer(cli: Cli) -> None:
    """--answer is required: Typer's one-line usage error, exit 2."""
    result = cli(["check"])
    assert result.code == 2
    assert result.stderr.startswith("Error: Missing option '--answer'")


def test_answer_from_stdin(cli: Cli) -> None:
    """--answer - reads stdin; two options cannot both read it."""
    assert cli(["check", "--answer", "-", "-f", "csv"], input="2.515 -0.8084 0.1048\n").code == 0
    both = cli(["check", "--answer", "-", "--w", "-", "--grad", "1"], input="1\n")
    assert both.code == 2
    assert both.stderr == (
        "Error: --answer and another option both read standard input; use @file\n"
    )
