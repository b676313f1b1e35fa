"""Momentum of 1 and above: taken as PyTorch takes it, with a note that it does not converge.

PyTorch's SGD checks only ``momentum >= 0`` (torch/optim/sgd.py, "Invalid momentum value");
Keras' SGD accepts ``[0, 1]`` (keras/src/optimizers/sgd.py), so above 1 it is refused there.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Invocation

Cli = Callable[..., Invocation]


def test_momentum_above_one_is_traced_with_a_note(cli: Cli) -> None:
    """Step 1 of PyTorch momentum: buf = g = 0.5 + 2*0.01*1 = 0.52, w = 1 - 0.1*0.52 = 0.948
    (the momentum only shows from step 2)."""
    result = cli(["step", "--optimizer", "momentum", "--momentum", "1.5", "--w", "1", "--grad",
                  "0.5", "--penalty", "l2"])  # fmt: skip
    assert result.code == 0, result.stderr
    assert "0.948" in result.stdout
    assert "momentum 1.5 is above 1: the buffer grows by that factor every step" in result.stdout


def test_momentum_one_runs_and_says_it_does_not_converge(cli: Cli) -> None:
    """buf_k = k*g with g = 0.5 (no penalty): w = 1 - 0.1*(0.5 + 1 + 1.5) = 0.7 after 3."""
    result = cli(["run", "--optimizer", "momentum", "--momentum", "1", "--w", "1", "--grad",
                  "0.5", "--penalty", "none", "--steps", "3"])  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-2].split() == ["3", "0.7"]
    assert "the buffer never forgets a gradient" in result.stdout


def test_keras_refuses_above_one(cli: Cli) -> None:
    result = cli(["step", "--optimizer", "momentum", "--momentum", "1.5", "--convention",
                  "keras", "--w", "1", "--grad", "0.5"])  # fmt: skip
    assert result.code == 2
    assert result.stderr.startswith("Error: momentum 1.5: Keras' SGD refuses momentum above 1")


def test_dampening_above_one_is_traced_with_a_note(cli: Cli) -> None:
    """Step 2 from buf = 1: buf = 0.9*1 + (1 - 2)*0.5 = 0.4, w = 1 - 0.1*0.4 = 0.96."""
    result = cli(["step", "--optimizer", "momentum", "--dampening", "2", "--t", "2", "--buf",
                  "1", "--w", "1", "--grad", "0.5", "--penalty", "none"])  # fmt: skip
    assert result.code == 0, result.stderr
    assert [line.split()[-1] for line in result.stdout.splitlines() if "momentum_buffer" in line
            or "New weight" in line] == ["0.4", "0.96"]  # fmt: skip
    assert "dampening 2 is above 1: 1 - dampening is negative" in result.stdout


def test_rmsprop_momentum_one_has_the_same_note(cli: Cli) -> None:
    """torch/optim/rmsprop.py checks only momentum >= 0; its buffer is the same running sum."""
    result = cli(["step", "--optimizer", "rmsprop", "--momentum", "1", "--w", "1", "--grad",
                  "0.5"])  # fmt: skip
    assert result.code == 0, result.stderr
    assert "momentum 1: the buffer never forgets a gradient" in result.stdout
