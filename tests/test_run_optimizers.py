"""``regtrace run --optimizer ...``: the run loop driving the optimizers."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest
from numpy.testing import assert_allclose

from regtrace.engine.optimizers import OptimizerSpec, optimize, optimizer_rules
from regtrace.engine.penalties import Penalty
from regtrace.engine.trajectory import run
from tests.conftest import invoke

W = [2.5, -0.8, 0.1]
G = [-0.2, 0.1, -0.05]


def test_run_with_an_optimizer_rule_equals_optimize() -> None:
    """The run loop with the optimizer's rule gives optimize()'s trajectory, bit for bit
    (quadratic loss: dL/dw = w - target, recomputed at every step by both)."""
    spec = OptimizerSpec.build("adamw", lr=0.1, n=2, weight_decay=0.1)
    target = np.array([3.5, 2.1])
    report = run([0.0, 0.0], target=target, steps=7, penalties=["l2"], rule=optimizer_rules(spec))
    ours = optimize(
        [0.0, 0.0], lambda w: w - target, spec, steps=7, penalty=Penalty.build("l2", 2, 0.01)
    )
    assert_allclose(report["l2"].weights, np.array(ours.trajectory), rtol=0, atol=0)


def test_run_momentum_two_steps_by_hand() -> None:
    """torch momentum 0.9 with the built-in example's fixed gradient and no penalty: w1 = w - 0.1g =
    [2.52, -0.81, 0.105]; buf2 = 1.9g, w2 = w1 - 0.19g = [2.558, -0.829, 0.1145]."""
    result = invoke(
        [
            *["run", "--optimizer", "momentum", "--momentum", "0.9", "--steps", "2"],
            *["--penalty", "none", "--format", "json"],
        ]
    )
    data = json.loads(result.stdout)
    assert data["optimizer"]["optimizer"] == "momentum"
    traj = data["results"][0]["trajectory"]
    assert traj[1] == pytest.approx([2.52, -0.81, 0.105], abs=1e-15)
    assert traj[2] == pytest.approx([2.558, -0.829, 0.1145], abs=1e-15)


def test_run_drops_gradient_descents_decay_factor() -> None:
    """The note 'each step multiplies w by the decay factor 1 - 2*lr*lam' is plain gradient
    descent's; an optimizer's run does not print it, and says which optimizer ran."""
    plain = invoke(["run", "--steps", "3"]).stdout
    adam = invoke(["run", "--steps", "3", "--optimizer", "adam"]).stdout
    assert "decay factor" in plain
    assert "decay factor" not in adam
    assert adam.startswith("3 steps of Adam (PyTorch convention)")


def test_fixed_point_kept_only_without_weight_decay() -> None:
    """Without weight decay a converging optimizer stops at GD's w* (gradient 0); a weight
    decay moves that point, so the run does not show GD's."""
    base = ["run", "--target", "3.5,2.1", "--steps", "3", "--penalty", "l2"]
    assert "fixed point" in invoke([*base, "--optimizer", "adam"]).stdout
    assert "fixed point" not in invoke([*base, "--optimizer", "adamw"]).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--optimizer", "adam", "--momentum", "0.9"], "--momentum applies to --optimizer"),
        (["--optimizer", "adam", "--l1-method", "proximal"], "works with plain sgd only"),
        (
            ["--compare", "adamw"],
            "with --compare give one penalty, the same for every "
            "optimizer: add --penalty l2 (or l1, elastic, none)",
        ),
    ],
)
def test_run_optimizer_errors(args: list[str], message: str) -> None:
    """Bad optimizer options on run: one line, exit 2."""
    result = invoke(["run", *args])
    assert result.code == 2
    assert message in result.stderr


def test_golden_adamw_run(golden: Callable[[str, str], None]) -> None:
    """AdamW toward a target, every 5th step: reviewed output."""
    args = ["run", "--target", "3.5,2.1", "--optimizer", "adamw", "--weight-decay", "0.1"]
    result = invoke([*args, "--steps", "20", "--every", "5", "--penalty", "none,l2"])
    assert result.code == 0, result.stderr
    golden("run_adamw_target.txt", result.stdout)
