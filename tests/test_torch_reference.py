"""The PyTorch convention against real PyTorch: fixtures written by scripts/make_reference.py.

The committed fixtures in ``fixtures/torch/`` hold trajectories and optimizer state produced
by torch 2.13.0 (CPU, float64). regtrace replays every case and must agree to 1e-12 relative
(with an absolute floor of 1e-15 for values that cancel to about zero). When torch is
importable, the cases are also recomputed live, so a new torch that changed its arithmetic
would show here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from regtrace.engine.optimizers import OptimizerSpec, OptimizerTrace, optimize
from regtrace.engine.penalties import Penalty
from tests.conftest import FIXTURES, ROOT

TORCH_DIR = FIXTURES / "torch"
FILES = sorted(TORCH_DIR.glob("*.json"))
RTOL, ATOL = 1e-12, 1e-15


def load(path: Path) -> dict[str, Any]:
    """One fixture."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def replay(case: dict[str, Any]) -> OptimizerTrace:
    """Run a fixture's case through regtrace's torch convention."""
    kwargs = dict(case["kwargs"])
    betas = kwargs.pop("betas", None)
    kwargs.pop("nesterov", None)  # regtrace's optimizer name says it
    if "alpha" in kwargs:  # torch RMSprop's alpha is regtrace's rho
        kwargs["rho"] = kwargs.pop("alpha")
    spec = OptimizerSpec.build(
        case["optimizer"],
        "torch",
        lr=case["lr"],
        n=len(case["w0"]),
        beta1=None if betas is None else betas[0],
        beta2=None if betas is None else betas[1],
        weight_decay=np.asarray(case["weight_decay"], dtype=np.float64),
        **kwargs,
    )
    a, c = np.asarray(case["a"]), np.asarray(case["c"])
    penalty = Penalty.build("l2", len(case["w0"]), case["lam"])  # lam*sum(w^2), as in torch
    return optimize(case["w0"], lambda w: a * (w - c), spec, steps=case["steps"], penalty=penalty)


def test_fixtures_cover_every_optimizer_and_decay_mode() -> None:
    """Every optimizer appears, with no decay, coupled decay and (AdamW) decoupled decay."""
    cases = [load(p) for p in FILES]
    assert {c["optimizer"] for c in cases} == {
        "sgd",
        "momentum",
        "nesterov",
        "adam",
        "adamw",
        "rmsprop",
        "adagrad",
    }
    kwargs = [c["kwargs"] for c in cases]
    for switch in ("amsgrad", "centered", "momentum", "lr_decay", "initial_accumulator_value"):
        assert any(switch in k for k in kwargs), switch
    modes = {replay(c).spec.decay.value for c in cases}
    assert modes == {"none", "coupled", "decoupled"}
    assert all(c["steps"] >= 5 for c in cases)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_matches_pytorch_fixture(path: Path) -> None:
    """regtrace's trajectory and optimizer state equal PyTorch's, step by step."""
    case = load(path)
    trace = replay(case)
    got = np.array([w.tolist() for w in trace.trajectory])
    np.testing.assert_allclose(got, np.array(case["trajectory"]), rtol=RTOL, atol=ATOL)
    for step, state in zip(trace.steps, case["states"], strict=True):
        for key in ("buf", "m", "v", "v_max", "g_avg", "acc"):
            ours = getattr(step.state, key)
            if state.get(key) is None:
                assert ours is None, key
            else:
                np.testing.assert_allclose(ours, state[key], rtol=RTOL, atol=ATOL)


def test_first_fixture_step_is_the_builtin_step() -> None:
    """Sanity of the fixture set-up: plain SGD with the loss-side L2 reproduces the built-in
    example.

    At w0 the data gradient is the example's [-0.2, 0.1, -0.05] by construction, and with
    lam = 0.01 in lam*||w||^2 the example's L2 step gives [2.515, -0.8084, 0.1048].
    """
    case = load(TORCH_DIR / "sgd_l2_loss.json")
    np.testing.assert_allclose(case["trajectory"][1], [2.515, -0.8084, 0.1048], rtol=1e-12)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_live_torch_matches_fixtures_and_regtrace() -> None:
    """Recompute every case with the installed torch: it matches the fixtures and regtrace."""
    import sys

    import torch

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_reference
    finally:
        sys.path.pop(0)
    for name, live in make_reference.cases(torch).items():
        stored = load(TORCH_DIR / f"{name}.json")
        np.testing.assert_allclose(live["trajectory"], stored["trajectory"], rtol=RTOL, atol=ATOL)
        got = np.array([w.tolist() for w in replay(live).trajectory])
        np.testing.assert_allclose(got, live["trajectory"], rtol=RTOL, atol=ATOL)
