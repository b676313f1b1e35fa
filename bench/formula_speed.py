"""``run --loss-fn``: 10^4 steps on a 3-weight formula, against a fixed --grad run.

Prints the time of each and their ratio; the formula is compiled to one NumPy call per step.
Run: .venv/bin/python bench/formula_speed.py
"""

from __future__ import annotations

import time

import numpy as np

from regtrace.engine.formula import formula_loss
from regtrace.engine.penalties import PenaltyKind
from regtrace.engine.problem import FormulaGradient, Problem, Regularization, run_problem
from regtrace.engine.trajectory import run

FORMULA = "(w0 - 3)^2 + 2*w1^2 + log(1 + exp(-w2)) + abs(w0 - w2)"
STEPS = 10_000


def main() -> None:
    w = np.array([1.0, 1.0, 0.5])
    start = time.perf_counter()
    loss = formula_loss(FORMULA, 3)
    build = time.perf_counter() - start
    start = time.perf_counter()
    problem = Problem(FormulaGradient(loss), Regularization((PenaltyKind.L2,), 0.1), w, 0.01)
    run_problem(problem, steps=STEPS, every=STEPS)
    formula_time = time.perf_counter() - start
    start = time.perf_counter()
    run(w, [0.1, 0.1, 0.1], steps=STEPS, every=STEPS, lam=0.1, lr=0.01, penalties=["l2"])
    fixed_time = time.perf_counter() - start
    print(f"parse + differentiate + compile: {build * 1000:.0f} ms")
    print(f"{STEPS} steps, formula gradient: {formula_time * 1000:.0f} ms")
    print(f"{STEPS} steps, fixed gradient:   {fixed_time * 1000:.0f} ms")
    print(f"ratio: {formula_time / fixed_time:.1f}x")


if __name__ == "__main__":
    main()
