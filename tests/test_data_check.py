"""``check`` on a table: the data gradient in exact fractions, and grading from data."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction as F

import pytest

from regtrace.engine.data import DataProblem
from regtrace.engine.exactdata import as_written, exact_gradient, exempt_bias_exact
from regtrace.errors import RegtraceError
from tests.conftest import INPUTS, Invocation

Cli = Callable[..., Invocation]
STUDY = str(INPUTS / "study.csv")  # hours,score: (1, 2), (2, 3), (3, 5)


@pytest.mark.parametrize(
    ("loss", "grad", "value"),
    [
        # r = [-1, -1, -2] at w = 1, b = 0 (tests/test_data_engine.py): half-mse gradient
        # [-9/3, -4/3], loss 6/6; mse twice the gradient, loss 6/3; sse 2 X^T r, loss 6.
        ("half-mse", [F(-3), F(-4, 3)], F(1)),
        ("mse", [F(-6), F(-8, 3)], F(2)),
        ("sse", [F(-18), F(-8)], F(6)),
    ],
)
def test_exact_linear_gradient(loss: str, grad: list[F], value: F) -> None:
    """Exact fractions for every loss scaling, not floats close to them."""
    problem = DataProblem.build([[1.0], [2.0], [3.0]], [2.0, 3.0, 5.0], loss=loss, intercept=True)
    assert exact_gradient(problem, [F(1), F(0)]) == (grad, value)


def test_decimals_are_read_as_written() -> None:
    """x = 0.1, y = 0.3, w = 3: the residual is exactly 0 (floats would leave 5.6e-17)."""
    assert as_written(0.1) == F(1, 10)
    problem = DataProblem.build([[0.1]], [0.3])
    assert exact_gradient(problem, [F(3)]) == ([F(0)], F(0))


def test_exempt_bias_exact() -> None:
    """One strength, or one per feature, gets a 0 for the bias; a wrong count is an error."""
    problem = DataProblem.build([[1.0, 2.0]], [1.0], intercept=True)
    assert exempt_bias_exact([F(1, 10)], problem, "--lam") == [F(1, 10), F(1, 10), F(0)]
    assert exempt_bias_exact([F(1), F(2)], problem, "--lam") == [F(1), F(2), F(0)]
    assert exempt_bias_exact([F(1), F(2), F(3)], problem, "--lam") == [F(1), F(2), F(3)]
    with pytest.raises(RegtraceError, match="--lam has 4 values but the data has 2 features"):
        exempt_bias_exact([F(1)] * 4, problem, "--lam")


BASE = ["check", "--data", STUDY, "--w", "1,0", "--intercept", "--lam", "0.1", "--lr", "0.1"]


def test_check_right_answer_from_data(cli: Cli) -> None:
    """The README's homework: w = 1.28, b = 2/15 = 0.1333... (to the decimals written).

    One step: w = 1 - 0.1 x (-3 + 2 x 0.1 x 1) = 1.28, b = 0 - 0.1 x (-4/3) = 2/15.
    """
    result = cli([*BASE, "--answer", "1.28,0.1333", "--format", "json"])
    assert result.code == 0, result.stderr
    graded = json.loads(result.stdout)["results"][0]
    assert graded["correct"] is True
    assert graded["expected"] == pytest.approx([1.28, 2 / 15], abs=1e-15)


def test_check_wrong_answer_from_data(cli: Cli) -> None:
    """b = 0.1433 is not 2/15 to four decimals: exit 1."""
    result = cli([*BASE, "--answer", "1.28,0.1433", "--format", "json"])
    assert result.code == 1
    assert json.loads(result.stdout)["results"][0]["correct"] is False


def test_check_the_data_loss(cli: Cli) -> None:
    """--quantity loss grades data loss + penalty: 1 + 0.1 x 1^2 = 1.1 (the bias is free)."""
    result = cli([*BASE, "--quantity", "loss", "--answer", "1.1"])
    assert result.code == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--grad", "1,1", "--answer", "1,1"],
            "--grad is computed from the data; leave it out, or leave out --data/--x/--y",
        ),
    ],
)
def test_check_data_errors(cli: Cli, extra: list[str], message: str) -> None:
    """What check cannot do with a table is one line and exit 2."""
    assert cli([*BASE, *extra]) == Invocation(2, "", f"Error: {message}\n")


def test_check_logistic(cli: Cli) -> None:
    """Logistic, w = 0, lam 0.1, lr 0.1: the gradient is [-1/3, 0] (tests/test_data_engine.py),
    so L2's step gives w = (1/30, 0) = (0.0333, 0)."""
    result = cli(
        ["check", "--x", "1,0; 0,1; 1,1", "--y", "1,0,1", "--model", "logistic", "--lam", "0.1",
         "--answer", "0.0333,0"]
    )  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr


RIDGE_4 = ["--x", "1,0; 0,1; 1,1; 2,1", "--y", "1,2,2,3", "--w", "1,0.5", "--lam", "0.1",
           "--lr", "0.1", "--data-loss", "mse"]  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        # Xw = (1, 0.5, 1.5, 2.5), r = (0, -1.5, -0.5, -0.5), X^T r = (-1.5, -2.5); the mse
        # gradient 2 X^T r / 4 = (-0.75, -1.25), + 2 x 0.1 x w = (0.2, 0.1): full (-0.55, -1.15),
        # w_new = (1.055, 0.615). Without the 2: (-0.375, -0.625) -> (1.0175, 0.5525).
        ("1.0175,0.5525", "without the 2 that the square brings down"),
        # The sum, 2 X^T r = (-3, -5): full (-2.8, -4.9) -> (1.28, 0.99).
        ("1.28,0.99", "summed over the rows where the loss is a mean"),
        # y - Xw: data gradient (0.75, 1.25), full (0.95, 1.35) -> (0.905, 0.365).
        ("0.905,0.365", "the residual's sign flipped"),
    ],
)
def test_textbook_ridge_step_on_four_rows(cli: Cli, answer: str, words: str) -> None:
    """The data part is worked in order: the table, then L and dL/dw, then each weight."""
    out = cli(["check", *RIDGE_4, "--answer", answer])
    assert out.code == 1
    assert words in out.stdout.rsplit("Diagnosis: ", 1)[1]
    text = out.stdout
    table = text.index("Worked solution, the data part")
    grad = text.index("dL/dw0 = 2x(1x0 + 0x(-1.5) + 1x(-0.5) + 2x(-0.5))/4 = -0.75")
    assert table < text.index("L = 1/4 x (0^2 + (-1.5)^2 + (-0.5)^2 + (-0.5)^2) = 0.6875") < grad
    assert grad < text.index("Worked solution for w0")
    assert cli(["check", *RIDGE_4, "--answer", "1.055,0.615"]).code == 0
