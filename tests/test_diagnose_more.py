"""The mistakes of the data loss, the other penalty, the decay factor, two at once, N steps.

Every wrong answer is worked out by hand from the mistaken formula (in the docstring) and fed
through the real ``regtrace check`` command; the test expects the mistake named in words.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from tests.conftest import Invocation

Cli = Callable[..., Invocation]
TWO = ["--w", "2.5,-0.8", "--grad", "-0.2,0.1", "--lam", "0.01", "--lr", "0.1"]
TABLE = ["--x", "1; 2; 3", "--y", "2,3,5", "--lam", "0.1", "--lr", "0.1"]


def diagnosis(cli: Cli, args: list[str]) -> str:
    result = cli(["check", *args])
    assert result.code == 1, result.stdout + result.stderr
    text = " ".join(result.stdout.split())  # the terminal wraps long lines
    assert text.count("Diagnosis:") == 1, result.stdout
    return "Diagnosis:" + text.split("Diagnosis:")[1]


def test_l1_where_l2_was_asked(cli: Cli) -> None:
    """L2 asked; lam*sign(w) used: full = [-0.2 + 0.01, 0.1 - 0.01] = [-0.19, 0.09],
    w_new = [2.5 + 0.019, -0.8 - 0.009] = [2.519, -0.809]."""
    said = diagnosis(cli, [*TWO, "--penalty", "l2", "--answer", "2.519,-0.809"])
    assert "the L1 penalty was used where L2 was asked" in said
    assert "in place of the L2 gradient 2*lam*w" in said


def test_l2_where_l1_was_asked(cli: Cli) -> None:
    """L1 asked (right: [2.519, -0.809]); 2*lam*w used: full = [-0.2 + 0.05, 0.1 - 0.016],
    w_new = [2.515, -0.8084]."""
    said = diagnosis(cli, [*TWO, "--penalty", "l1", "--answer", "2.515,-0.8084"])
    assert "the L2 penalty was used where L1 was asked" in said


def test_elastic_parts_swapped(cli: Cli) -> None:
    """lam1 = 0.1, lam2 = 0.01. Swapped: pen = 2*0.1*w + 0.01*sign(w) = [0.51, -0.17],
    full = [0.31, -0.07], w_new = [2.5 - 0.031, -0.8 + 0.007] = [2.469, -0.793]
    (right: pen = [0.05 + 0.1, -0.016 - 0.1], w_new = [2.505, -0.7984])."""
    args = ["--w", "2.5,-0.8", "--grad", "-0.2,0.1", "--lam1", "0.1", "--lam2", "0.01"]
    said = diagnosis(
        cli, [*args, "--lr", "0.1", "--penalty", "elastic", "--answer", "2.469,-0.793"]
    )
    assert "the elastic net with its two strengths swapped" in said


# x = [1, 2, 3], y = [2, 3, 5], w = 1: Xw = [1, 2, 3], r = Xw - y = [-1, -1, -2],
# X^T r = -1 - 2 - 6 = -9; penalty 2*0.1*1 = 0.2; w_new = 1 - 0.1*(dL/dw + 0.2).
@pytest.mark.parametrize(
    ("loss", "answer", "words"),
    [
        # mse: right dL/dw = 2*(-9)/3 = -6 -> 1.58. No 2: -9/3 = -3 -> 1 - 0.1*(-2.8) = 1.28.
        ("mse", "1.28", "without the 2 that the square brings down"),
        # mse asked, the sum used: 2*(-9) = -18 -> 1 - 0.1*(-17.8) = 2.78.
        ("mse", "2.78", "summed over the rows where the loss is a mean"),
        # half-mse: right -3 -> 1.28. MSE's gradient -6 -> 1.58.
        ("half-mse", "1.58", "of the MSE 1/n*||Xw - y||^2 where the loss is 1/(2n)"),
        # half-mse asked, X^T r = -9 used -> 1 - 0.1*(-8.8) = 1.88.
        ("half-mse", "1.88", "summed over the rows where the loss is a mean"),
        # sse: right -18 -> 2.78. The mean's -6 -> 1.58.
        ("sse", "1.58", "averaged over the rows (divided by n) where the loss is a sum"),
        # mse with y - Xw: dL/dw = +6 -> 1 - 0.1*6.2 = 0.38.
        ("mse", "0.38", "the residual's sign flipped, y - Xw instead of Xw - y"),
    ],
)
def test_data_loss_scaling(cli: Cli, loss: str, answer: str, words: str) -> None:
    said = diagnosis(cli, [*TABLE, "--w", "1", "--data-loss", loss, "--answer", answer])
    assert words in said


def test_intercept_penalized(cli: Cli) -> None:
    """With the bias: rows [1,1],[2,1],[3,1], w = [1, 1]: Xw = [2, 3, 4], r = [0, 0, -1],
    dL/dw = X^T r/3 = [-1, -1/3]; right w_new = [1 - 0.1*(-1 + 0.2), 1 + 1/30] =
    [1.08, 1.0333]. The bias penalized too: 1 - 0.1*(-1/3 + 0.2) = 1 + 1/75 = 1.0133."""
    said = diagnosis(cli, [*TABLE, "--w", "1,1", "--intercept", "--answer", "1.08,1.0133"])
    assert "your answer matches the update with the intercept w1 penalized too" in said


def test_intercept_left_out(cli: Cli) -> None:
    """Predictions without the bias: Xw = [1, 2, 3], r = [-1, -1, -2], dL/dw = [-9/3, -4/3]
    = [-3, -4/3]; w_new = [1 - 0.1*(-2.8), 1 + 0.4/3] = [1.28, 1.1333]."""
    said = diagnosis(cli, [*TABLE, "--w", "1,1", "--intercept", "--answer", "1.28,1.1333"])
    assert "the intercept w1 left out of the predictions" in said


def test_data_working_is_shown(cli: Cli) -> None:
    """The worked solution has the data part: Xw and Xw - y per row, and dL/dw row by row."""
    result = cli(["check", *TABLE, "--w", "1,1", "--intercept", "--answer", "1.28,1.1333"])
    assert "Worked solution, the data part" in result.stdout
    assert "dL/dw0 = (1x0 + 2x0 + 3x(-1))/3 = -1" in result.stdout


def test_logistic_gradient_sign(cli: Cli) -> None:
    """x = [1, 2], y = [1, 0], w = 1: p = sigmoid([1, 2]), dL/dw = (1*(p1 - 1) + 2*p2)/2;
    with lam = 0.1, lr = 0.1 the right w_new = 1 - 0.1*(g + 0.2); the sign flipped gives
    1 - 0.1*(-g + 0.2)."""
    p1, p2 = 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(-2))
    g = ((p1 - 1) + 2 * p2) / 2
    flipped = f"{1 - 0.1 * (-g + 0.2):.6f}"
    args = ["--x", "1; 2", "--y", "1,0", "--w", "1", "--model", "logistic", "--lam", "0.1"]
    said = diagnosis(cli, [*args, "--lr", "0.1", "--answer", flipped])
    assert "the log-loss gradient's sign flipped, X^T (y - p)/n" in said


@pytest.mark.parametrize(
    ("form", "answer", "words"),
    [
        # lam*||w||^2: factor 1 - 2*0.1*0.01 = 0.998; 1 - lr*lam = 0.999 is the half form's.
        ("lambda", "0.999", "the decay factor (1 - lr*lam), which belongs to lam/2*||w||^2"),
        # lam/2*||w||^2: factor 0.999; 0.998 is the lam*||w||^2 factor.
        ("half", "0.998", "the decay factor (1 - 2*lr*lam), which belongs to lam*||w||^2"),
    ],
)
def test_decay_factor_words(cli: Cli, form: str, answer: str, words: str) -> None:
    args = ["--w", "2.5", "--grad", "0", "--lam", "0.01", "--lr", "0.1", "--l2-form", form]
    said = diagnosis(cli, [*args, "--quantity", "decay-factor", "--answer", answer])
    assert said.startswith(f"Diagnosis: your decay factor matches {words}")


def test_two_mistakes_named_together(cli: Cli) -> None:
    """lam*w (the half convention) and no lr: full = [-0.2 + 0.025, 0.1 - 0.008] =
    [-0.175, 0.092], w - full = [2.675, -0.892]."""
    said = diagnosis(cli, [*TWO, "--answer", "2.675,-0.892"])
    assert "two mistakes made together: (1) the update with L2 gradient lam*w" in said
    assert "(2) the update without the learning rate" in said


def test_two_candidates_said_honestly(cli: Cli) -> None:
    """w = 1, g = 0, lam = 0.5, lr = 0.1: right 1 - 0.1*2*0.5*1 = 0.9. The answer 1.05 is
    the step added with lam*w (1 + 0.1*0.5*1) and also the step added with lam*lam
    (1 + 0.1*2*0.25*1): two pairs give the same number, so neither may be asserted."""
    args = ["--w", "1", "--grad", "0", "--lam", "0.5", "--lr", "0.1"]
    said = diagnosis(cli, [*args, "--answer", "1.05"])
    assert "more than one pair of mistakes made together, and the numbers cannot tell" in said
    assert "L2 gradient lam*w" in said and "lam applied twice" in said


def test_steps_where_it_departs(cli: Cli) -> None:
    """L1, w = 0.3, g = 0.1, lam = 0.5, lr = 0.1. Right: -0.06 a step while w > 0: 0.24,
    0.18, 0.12, 0.06, 0 (step 5), then sign(0) = 0: -0.01 (step 6), then +0.04: 0.03.
    With lam*sign(g) it is -0.06 every step: 0.3 - 0.42 = -0.12; the two first differ at
    step 6."""
    args = ["--w", "0.3", "--grad", "0.1", "--lam", "0.5", "--lr", "0.1", "--penalty", "l1"]
    said = diagnosis(cli, [*args, "--steps", "7", "--answer", "-0.12"])
    assert "lam*sign(dL/dw), the sign of the gradient" in said
    assert "it first changes the weights at step 6" in said


def test_steps_mistake_from_a_later_step(cli: Cli) -> None:
    """w = 1, g = 0, lam = 0.5, lr = 0.1: each right step multiplies by 1 - 2*0.1*0.5 = 0.9,
    the lam*w step by 0.95. Right first, then lam*w twice: 0.9*0.95*0.95 = 0.81225."""
    args = ["--w", "1", "--grad", "0", "--lam", "0.5", "--lr", "0.1"]
    said = diagnosis(cli, [*args, "--steps", "3", "--answer", "0.81225"])
    assert "Step 1 is right; your answer first departs at step 2" in said
    assert "L2 gradient lam*w" in said


def test_steps_one_too_few(cli: Cli) -> None:
    """Two right steps instead of three: 0.9^2 = 0.81 (three give 0.729)."""
    args = ["--w", "1", "--grad", "0", "--lam", "0.5", "--lr", "0.1"]
    said = diagnosis(cli, [*args, "--steps", "3", "--answer", "0.81"])
    assert "the weights after 2 steps, not 3" in said and "one step too few" in said
