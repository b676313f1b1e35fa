"""``check --optimizer``: the optimizer mistakes, each fed an answer worked out by hand.

Common inputs: w = [2.5, -0.8], dL/dw = [-0.2, 0.1], lr = 0.1. On Adam's first step
m_hat = g and v_hat = g^2, so the right move is lr*g/(|g| + eps): about 0.1 per weight.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from tests.conftest import Invocation

Cli = Callable[..., Invocation]
B = ["--w", "2.5,-0.8", "--grad", "-0.2,0.1", "--lr", "0.1"]


def said(cli: Cli, args: list[str], code: int = 1) -> str:
    result = cli(["check", *args])
    assert result.code == code, result.stdout + result.stderr
    return " ".join(result.stdout.split())


def test_right_adam_answer_exits_0(cli: Cli) -> None:
    """2.5 + 0.1*0.2/(0.2 + 1e-8) = 2.599999995; -0.8 - 0.1*0.1/(0.1 + 1e-8) = -0.89999999."""
    assert "All right." in said(cli, ["--optimizer", "adam", *B, "--answer", "2.6000,-0.9000"], 0)


@pytest.mark.parametrize(
    ("args", "answer", "words"),
    [
        # No bias correction: m = 0.1g, v = 0.001g^2, m/sqrt(v) = sqrt(10)*sign(g):
        # 2.5 + 0.1*sqrt(10) = 2.8162, -0.8 - 0.1*sqrt(10) = -1.1162.
        (
            ["--optimizer", "adam"],
            f"{2.5 + 0.1 * math.sqrt(10):.4f},{-0.8 - 0.1 * math.sqrt(10):.4f}",
            "without Adam's bias correction",
        ),
        # eps = 0.01 inside: 0.2/sqrt(0.05) and 0.1/sqrt(0.02) (right: 0.2/0.21, 0.1/0.11).
        (
            ["--optimizer", "adam", "--eps", "0.01"],
            f"{2.5 + 0.1 * 0.2 / math.sqrt(0.05):.6f},{-0.8 - 0.1 * 0.1 / math.sqrt(0.02):.6f}",
            "eps inside the square root",
        ),
        # Adam with wd 0.1 (coupled): g + 0.1w = [0.05, 0.02], both move -0.1: [2.4, -0.9].
        # Done as AdamW: w*(1 - 0.01) = [2.475, -0.792], then +0.1, -0.1: [2.575, -0.892].
        (["--optimizer", "adam", "--weight-decay", "0.1"], "2.575,-0.892", "decoupled (AdamW"),
        (["--optimizer", "adamw", "--weight-decay", "0.1"], "2.400,-0.900", "coupled (Adam's"),
        # AdamW with w*(1 - wd) = [2.25, -0.72], then +0.1, -0.1: [2.35, -0.82].
        (["--optimizer", "adamw", "--weight-decay", "0.1"], "2.35,-0.82", "w -= wd*w, without lr"),
        # Nesterov step 1 moves by lr*(g + 0.9g) = [-0.038, 0.019]; plain momentum by lr*g.
        (["--optimizer", "nesterov"], "2.52,-0.81", "the Nesterov look-ahead was left out"),
        # From buf = [0.5, -0.3]: v = 0.9*buf + lr*g = [0.43, -0.26], w - v = [2.07, -0.54]
        # (PyTorch: buf = [0.25, -0.17], w = [2.475, -0.783]).
        (
            ["--optimizer", "momentum", "--t", "2", "--buf", "0.5,-0.3"],
            "2.07,-0.54",
            "momentum written as v = momentum*v + lr*g",
        ),
        # SGD weight_decay 0.01 adds 0.01w: [2.5175, -0.8092]; 2*0.01*w gives [2.515, -0.8084].
        (["--optimizer", "sgd", "--weight-decay", "0.01"], "2.515,-0.8084", "2*wd*w added"),
    ],
)
def test_optimizer_mistakes(cli: Cli, args: list[str], answer: str, words: str) -> None:
    assert words in said(cli, [*args, *B, "--answer", answer])


def test_steps_name_the_step(cli: Cli) -> None:
    """w = 1, g = 0, wd = 0.5, lr = 0.1: right 0.95^3 = 0.857375, doubled 0.9^3 = 0.729."""
    args = ["--optimizer", "sgd", "--w", "1", "--grad", "0", "--lr", "0.1", "--weight-decay"]
    out = said(cli, [*args, "0.5", "--steps", "3", "--answer", "0.729"])
    assert "at each of the 3 steps; it first changes the weights at step 1" in out
    assert "Right." in said(cli, [*args, "0.5", "--steps", "3", "--answer", "0.857375"], 0)


def test_json(cli: Cli) -> None:
    import json

    result = cli(["check", "--optimizer", "nesterov", *B, "--answer", "2.52,-0.81", "--format",
                  "json"])  # fmt: skip
    data = json.loads(result.stdout)
    assert data["optimizer"] == "nesterov" and data["marks"] == ["wrong", "wrong"]
    assert data["results"][0]["expected"] == [2.538, -0.819]
    assert "Nesterov look-ahead" in data["results"][0]["diagnosis"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--optimizer", "adam", "--exact"], "Error: --exact works with plain gradient descent"),
        (["--optimizer", "adam", "--answer", "1"], "Error: --answer has 1 value but"),
    ],
)
def test_bad_input(cli: Cli, args: list[str], message: str) -> None:
    extra = [] if "--answer" in args else ["--answer", "1,2"]
    result = cli(["check", *B, *args, *extra])
    assert result.code == 2 and result.stderr.startswith(message)


def test_table_over_steps_recomputes_the_gradient(cli: Cli) -> None:
    """x = (1, 2), y = (1, 2), w = 0, lr = 0.5, L = 1/(2n)*||Xw - y||^2: dL/dw = -2.5 at 0,
    w1 = 1.25; there r = (0.25, 0.5), dL/dw = 0.625, w2 = 0.9375 (a fixed -2.5: 2.5).
    The step added: w1 = -1.25, r = (-2.25, -4.5), dL/dw = -5.625, w2 = -4.0625."""
    args = ["--optimizer", "sgd", "--x", "1; 2", "--y", "1,2", "--w", "0", "--lr", "0.5",
            "--penalty", "none", "--steps", "2", "--answer"]  # fmt: skip
    out = said(cli, [*args, "0.9375"], 0)
    assert "Right." in out and "gradient at each step's w" in out
    assert "WRONG" in said(cli, [*args, "2.5"])
    out = said(cli, [*args, "-4.0625"])
    assert "the step added instead of subtracted" in out
    assert "it first changes the weights at step 1" in out


def test_quantity_is_the_new_weights(cli: Cli) -> None:
    result = cli(["check", "--optimizer", "adam", *B, "--quantity", "step", "--answer", "1,2"])
    assert result.code == 2
    assert result.stderr.startswith("Error: --quantity step: with --optimizer")


def test_a_weight_landing_on_zero_is_graded_as_zero(cli: Cli) -> None:
    """SGD: 0.3 - 0.1 x 3 = 0 and 0.7 - 0.1 x 7 = 0 exactly (float64: -5.6e-17, -1.1e-16),
    so 0 is right, not "too coarse"; momentum 0.5 then steps on from 0: buf = 0.5 x 3 + 3 =
    4.5, w0 = 0 - 0.1 x 4.5 = -0.45 (w1: 0.5 x 7 + 7 = 10.5, -1.05)."""
    base = ["check", "--w", "0.3,0.7", "--grad", "3,7"]
    right = cli([*base, "--optimizer", "sgd", "--answer", "0,0"])
    assert right.code == 0 and "e-1" not in right.stdout
    args = [*base, "--optimizer", "momentum", "--momentum", "0.5", "--steps", "2"]
    wrong = cli([*args, "--answer", "0.1,0"])
    assert wrong.code == 1 and "e-1" not in wrong.stdout
    assert "w0 after each step (step 0 first): 0.3 -> 0 -> -0.45" in wrong.stdout
    assert cli([*args, "--answer", "-0.45,-1.05"]).code == 0
