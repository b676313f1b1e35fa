"""``regtrace run --data`` against the NumPy script a user would write for the same run.

    regtrace run --data FILE.csv [--model logistic] --steps 100 --lam 0.01 --lr 0.1
                 --penalty l2,l1 --out w.npz

against a script that reads the table with ``np.loadtxt``, makes the same 100 steps per
penalty (``w -= lr*(s*X^T(Xw - y) + 2*lam*w)``, L1 ``lam*sign(w)``) and finds the same
``w*`` (the ridge closed form from ``X^T X``; otherwise proximal gradient steps of size
``1/L`` to the same tolerance, ``L = s*||X||_2^2``, /4 for the logistic), saving the final
weights. Goal: <= 1.3x. Paired fresh processes taking turns, median of ``--repeats``.

    .venv/bin/python bench/data_run_speed.py [--rows 100000] [--cols 20] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import MB, machine, make, paired, regtrace_command

GOAL = 1.3

INPUTS = """
import sys
import numpy as np
rows, cols = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(2)
X = rng.normal(size=(rows, cols))
w = rng.normal(size=cols)
names = ",".join([f"x{j}" for j in range(cols)] + ["y"])
y = X @ w + 0.1 * rng.normal(size=rows)
np.savetxt("linear.csv", np.column_stack([X, y]), delimiter=",", header=names, comments="")
y = (X @ w + rng.logistic(size=rows) > 0).astype(float)
np.savetxt("logistic.csv", np.column_stack([X, y]), delimiter=",", header=names, comments="")
"""

HAND = """
import sys
import numpy as np
path, model = sys.argv[1], sys.argv[2]
steps, lam, lr, tol = 100, 0.01, 0.1, 1e-12
table = np.loadtxt(path, delimiter=",", skiprows=1)
X, y = np.ascontiguousarray(table[:, :-1]), table[:, -1].copy()
del table
n, p = X.shape
s = 1.0 / n


def grad(w):
    z = X @ w
    r = (1.0 / (1.0 + np.exp(-z)) if model == "logistic" else z) - y
    return s * (X.T @ r)


def soft(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


finals, solutions = {}, {}
for kind in ("l2", "l1"):
    w = np.zeros(p)
    for _ in range(steps):
        pen = 2 * lam * w if kind == "l2" else lam * np.sign(w)
        w -= lr * (grad(w) + pen)
    finals[kind] = w
L = (0.25 if model == "logistic" else 1.0) * s * np.linalg.norm(X, 2) ** 2
gram = X.T @ X
for kind in ("l2", "l1"):
    if kind == "l2" and model == "linear":
        solutions[kind] = np.linalg.solve(s * gram + 2 * lam * np.eye(p), s * (X.T @ y))
        continue
    rate = 1.0 / (L + (2 * lam if kind == "l2" else 0.0))
    w = np.zeros(p)
    for _ in range(200_000):
        if kind == "l2":
            new = w - rate * (grad(w) + 2 * lam * w)
        else:
            new = soft(w - rate * grad(w), rate * lam)
        moved = np.max(np.abs(new - w))
        w = new
        if moved <= tol * max(1.0, np.max(np.abs(w))):
            break
    solutions[kind] = w
np.savez("hand.npz", **finals)
print({k: float(np.max(np.abs(finals[k] - solutions[k]))) for k in finals})
"""


def main() -> int:
    """Make the tables, time both sides per model, print ratios and peaks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    print(f"run --data, {args.rows} x {args.cols + 1} CSV, 100 steps, l2,l1, "
          f"median of {args.repeats}")  # fmt: skip
    missed = False
    with tempfile.TemporaryDirectory(prefix="regtrace-bench-") as folder:
        where = Path(folder)
        make(INPUTS, where, str(args.rows), str(args.cols))
        for model in ("linear", "logistic"):
            ours = [*regtrace_command(), "run", "--data", f"{model}.csv", "--model", model]
            ours += ["--steps", "100", "--lam", "0.01", "--lr", "0.1", "--penalty", "l2,l1"]
            ours += ["--out", "ours.npz", "--force"]
            hand = [sys.executable, "-c", HAND, f"{model}.csv", model]
            got = paired({"regtrace": ours, "hand": hand}, args.repeats, where)
            ratio = got["regtrace"].seconds / got["hand"].seconds
            missed |= ratio > GOAL
            print(
                f"  {model:9} regtrace {got['regtrace'].seconds:.2f} s, hand "
                f"{got['hand'].seconds:.2f} s: x{ratio:.2f} (goal <= {GOAL}); peak "
                f"{got['regtrace'].peak / MB:.0f} MB vs {got['hand'].peak / MB:.0f} MB"
            )
    print(f"  {machine()}")
    print("  goals met" if not missed else "  GOAL MISSED")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
