"""``sweep`` over many strengths on a big vector against a hand-written 2-D sweep.

    sweep(w, g, lams=<100 from 1e-4 to 1>, steps=100, penalties=["l2", "l1"])

on 10^5 weights, against the NumPy loop a user would write: every lam at once as the rows
of a ``(lams, n)`` array, 100 steps of ``W *= a[:, None]; W -= lr*g`` (L1 subtracts
``lr*lam*sign(W)``). Both keep every final weight (that is the result: 2 x 100 x 10^5
float64, 160 MB) and both are fresh processes taking turns, median of ``--repeats``.
Goals: time <= 1.2x the hand sweep; peak <= 3x the inputs + 100 MB beyond the result itself.

    .venv/bin/python bench/sweep_speed.py [--weights 100000] [--lams 100] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import MB, machine, make, paired

GOAL = 1.2

INPUTS = """
import sys
import numpy as np
rng = np.random.default_rng(8)
n = int(sys.argv[1])
np.save("w.npy", rng.standard_normal(n))
np.save("g.npy", 0.1 * rng.standard_normal(n))
"""

OURS = """
import sys
import numpy as np
from regtrace.engine.sweep import sweep
from regtrace.parse.lams import parse_lams
w, g = np.load("w.npy"), np.load("g.npy")
report = sweep(w, g, lams=parse_lams(sys.argv[1]), steps=int(sys.argv[2]), lr=0.1,
               penalties=["l2", "l1"])
np.save("ours.npy", np.array([p.w_final[:10] for p in report.results]))
"""

HAND = """
import sys
import numpy as np
lo, hi, count = sys.argv[1].split(":")
lams = np.geomspace(float(lo), float(hi), int(count))
steps, lr = int(sys.argv[2]), 0.1
w, g = np.load("w.npy"), np.load("g.npy")
lrg = lr * g
finals = []
for kind in ("l2", "l1"):
    W = np.tile(w, (lams.size, 1))
    tmp = np.empty_like(W)
    for _ in range(steps):
        if kind == "l2":
            W *= (1 - 2 * lr * lams)[:, None]
            W -= lrg
        else:
            np.sign(W, out=tmp)
            tmp *= (lr * lams)[:, None]
            tmp += lrg
            W -= tmp
    del tmp
    finals.append(W)
np.save("hand.npy", np.concatenate([F[:, :10] for F in finals]))
"""


def main() -> int:
    """Make the inputs, time both sides, print the ratio and the peaks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=int, default=100_000)
    parser.add_argument("--lams", type=int, default=100)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    spec = f"1e-4:1:{args.lams}"
    with tempfile.TemporaryDirectory(prefix="regtrace-bench-") as folder:
        where = Path(folder)
        make(INPUTS, where, str(args.weights))
        inputs = sum((where / n).stat().st_size for n in ("w.npy", "g.npy"))
        sides = {
            "regtrace": [sys.executable, "-c", OURS, spec, str(args.steps)],
            "hand": [sys.executable, "-c", HAND, spec, str(args.steps)],
        }
        got = paired(sides, args.repeats, where)
        import numpy as np  # only now: see paired.py

        agree = np.allclose(np.load(where / "ours.npy"), np.load(where / "hand.npy"), atol=1e-9)
    result = 2 * args.lams * args.weights * 8
    budget = 3 * inputs + 100 * MB + result
    ratio = got["regtrace"].seconds / got["hand"].seconds
    ok = ratio <= GOAL and got["regtrace"].peak <= budget and agree
    print(f"sweep --lams {spec} --steps {args.steps}, l2,l1, {args.weights} weights, "
          f"median of {args.repeats}")  # fmt: skip
    print(f"  {machine()}")
    print(
        f"  regtrace {got['regtrace'].seconds:.2f} s, hand 2-D sweep {got['hand'].seconds:.2f} s:"
        f" ratio {ratio:.2f} (goal {GOAL})"
    )
    print(
        f"  peak regtrace {got['regtrace'].peak / MB:.0f} MB, hand {got['hand'].peak / MB:.0f} MB;"
        f" budget 3 x inputs + 100 MB + the result ({result / MB:.0f} MB) = {budget / MB:.0f} MB"
    )
    print(f"  agree {agree}  {'ok' if ok else 'MISSED'}")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
