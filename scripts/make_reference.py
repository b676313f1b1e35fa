"""Write fixtures/torch/*.json: real PyTorch optimizer traces that the tests compare against.

Usage (torch is NOT a regtrace dependency; install the CPU build into your own venv only):

    .venv/bin/pip install torch==2.13.0
    .venv/bin/python scripts/make_reference.py

Each case starts from the built-in example's weights ``w0 = [2.5, -0.8, 0.1]`` on the quadratic loss
``L(w) = 0.5*sum(a*(w - c)**2) + lam*sum(w**2)`` whose data gradient at ``w0`` is the example's
``[-0.2, 0.1, -0.05]`` (``a = [1, 2, 0.5]``, ``c = w0 - g0/a = [2.7, -0.85, 0.2]``), so the
loss-side L2 term (regtrace's ``lam*||w||^2``) goes through autograd, exactly as a model's would.
Every weight is its own parameter so that a per-weight ``weight_decay`` (0 for a "bias") is a
PyTorch parameter group. Everything runs on the CPU in float64 with ``foreach=False`` (the
single-tensor code path that regtrace's comments cite). tests/test_torch_reference.py replays
each case through regtrace and compares, and recomputes them live when torch is importable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "torch"

W0 = [2.5, -0.8, 0.1]
A = [1.0, 2.0, 0.5]
C = [2.7, -0.85, 0.2]
STEPS = 5
LR = 0.1

# name -> (torch optimizer class, regtrace optimizer, kwargs, lam of the loss-side L2, wd)
# ``wd`` is one number or one per weight; kwargs never hold weight_decay (it goes per group).
CASES: dict[str, tuple[str, str, dict[str, Any], float, float | list[float]]] = {
    "sgd": ("SGD", "sgd", {}, 0.0, 0.0),
    "sgd_l2_loss": ("SGD", "sgd", {}, 0.01, 0.0),
    "sgd_wd": ("SGD", "sgd", {}, 0.0, 0.02),
    "momentum": ("SGD", "momentum", {"momentum": 0.9}, 0.0, 0.0),
    "momentum_dampening_wd": ("SGD", "momentum", {"momentum": 0.9, "dampening": 0.5}, 0.0, 0.01),
    "nesterov_wd": ("SGD", "nesterov", {"momentum": 0.9, "nesterov": True}, 0.0, 0.01),
    "nesterov_bias_exempt": (
        "SGD",
        "nesterov",
        {"momentum": 0.8, "nesterov": True},
        0.0,
        [0.05, 0.0, 0.05],
    ),
    "adam": ("Adam", "adam", {}, 0.0, 0.0),
    "adam_l2_loss": ("Adam", "adam", {}, 0.01, 0.0),
    "adam_wd": ("Adam", "adam", {}, 0.0, 0.02),
    "adam_betas_eps": ("Adam", "adam", {"betas": (0.3, 0.99), "eps": 1e-3}, 0.0, 0.02),
    "adamw_default": ("AdamW", "adamw", {}, 0.0, 0.01),
    "adamw_wd": ("AdamW", "adamw", {}, 0.0, 0.02),
    "adamw_l2_loss_bias_exempt": ("AdamW", "adamw", {}, 0.01, [0.1, 0.0, 0.1]),
    "adam_amsgrad_wd": ("Adam", "adam", {"amsgrad": True}, 0.0, 0.02),
    "adamw_amsgrad": ("AdamW", "adamw", {"amsgrad": True, "betas": (0.5, 0.9)}, 0.01, 0.01),
    "rmsprop": ("RMSprop", "rmsprop", {}, 0.0, 0.0),
    "rmsprop_centered": ("RMSprop", "rmsprop", {"centered": True, "alpha": 0.9}, 0.0, 0.0),
    "rmsprop_momentum": ("RMSprop", "rmsprop", {"momentum": 0.9}, 0.01, 0.0),
    "rmsprop_centered_momentum_wd": (
        "RMSprop",
        "rmsprop",
        {"centered": True, "momentum": 0.5, "eps": 1e-3},
        0.0,
        [0.05, 0.0, 0.05],
    ),
    "adagrad": ("Adagrad", "adagrad", {}, 0.0, 0.0),
    "adagrad_lr_decay": ("Adagrad", "adagrad", {"lr_decay": 0.1}, 0.0, 0.0),
    "adagrad_initial_accumulator_wd": (
        "Adagrad",
        "adagrad",
        {"initial_accumulator_value": 0.1, "lr_decay": 0.05},
        0.0,
        0.02,
    ),
}


def run_case(
    torch: Any, cls_name: str, kwargs: dict[str, Any], lam: float, wd: float | list[float]
) -> dict[str, Any]:
    """Run one case for STEPS steps; return the trajectory and the state after each step."""
    params = [torch.tensor([x], dtype=torch.float64, requires_grad=True) for x in W0]
    decays = wd if isinstance(wd, list) else [wd] * len(W0)
    groups = [{"params": [p], "weight_decay": d} for p, d in zip(params, decays, strict=True)]
    optimizer = getattr(torch.optim, cls_name)(groups, lr=LR, foreach=False, **kwargs)
    a = torch.tensor(A, dtype=torch.float64)
    c = torch.tensor(C, dtype=torch.float64)
    trajectory = [W0]
    states: list[dict[str, list[float] | None]] = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        w = torch.cat(params)
        loss = 0.5 * torch.sum(a * (w - c) ** 2) + lam * torch.sum(w**2)
        loss.backward()
        optimizer.step()
        trajectory.append([float(p.item()) for p in params])
        state = [optimizer.state[p] for p in params]

        def grab(key: str, state: list[Any] = state) -> list[float] | None:
            if key not in state[0] or state[0][key] is None:
                return None
            return [float(s[key].item()) for s in state]

        states.append(
            {
                "buf": grab("momentum_buffer"),
                "m": grab("exp_avg"),
                "v": grab("exp_avg_sq") or grab("square_avg"),
                "v_max": grab("max_exp_avg_sq"),
                "g_avg": grab("grad_avg"),
                "acc": grab("sum"),
            }
        )
    return {"trajectory": trajectory, "states": states}


def cases(torch: Any) -> dict[str, dict[str, Any]]:
    """Every case, computed now by the installed torch."""
    out: dict[str, dict[str, Any]] = {}
    for name, (cls_name, optimizer, kwargs, lam, wd) in CASES.items():
        result = run_case(torch, cls_name, kwargs, lam, wd)
        out[name] = {
            "case": name,
            "torch_version": torch.__version__,
            "torch_class": cls_name,
            "optimizer": optimizer,
            "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
            "lr": LR,
            "lam": lam,
            "weight_decay": wd,
            "w0": W0,
            "a": A,
            "c": C,
            "steps": STEPS,
            **result,
        }
    return out


def main() -> None:
    """Regenerate the fixtures (atomically, one file per case)."""
    import torch

    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in cases(torch).items():
        target = OUT / f"{name}.json"
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        tmp.replace(target)
    sys.stdout.write(f"wrote {len(CASES)} cases to {OUT.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
