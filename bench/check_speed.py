"""``regtrace check`` on a big answer against an exact ``fractions`` grader.

    regtrace check --w @w.txt --grad @g.txt --lam 0.01 --lr 0.1 --answer @answer.txt

on 10^5 weights (decimals as a student writes them, one element in 997 wrong), table output
(a summary) and ``--format json``, against a hand-written grader: every number read as a
``Fraction``, the exact L2 step, and each element right when within half a unit of its last
written decimal. Goal: check <= 2x the grader. Paired fresh processes taking turns, median
of ``--repeats`` (see ``paired.py``).

    .venv/bin/python bench/check_speed.py [--weights 100000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import MB, machine, make, paired, regtrace_command

GOAL = 2.0

INPUTS = """
import sys
import numpy as np
rng = np.random.default_rng(1)
n = int(sys.argv[1])
w = np.round(rng.standard_normal(n), 3)
g = np.round(0.1 * rng.standard_normal(n), 3)
new = w - 0.1 * (g + 2 * 0.01 * w)
new[::997] += 0.01
open("w.txt", "w").write(",".join(f"{x:.3f}" for x in w))
open("g.txt", "w").write(",".join(f"{x:.3f}" for x in g))
open("answer.txt", "w").write(",".join(f"{x:.6f}" for x in new))
"""

GRADER = """
from fractions import Fraction
w = [Fraction(t) for t in open("w.txt").read().split(",")]
g = [Fraction(t) for t in open("g.txt").read().split(",")]
answer = open("answer.txt").read().split(",")
lam, lr = Fraction("0.01"), Fraction("0.1")
right = 0
for x, gi, text in zip(w, g, answer):
    expected = x - lr * (gi + 2 * lam * x)
    decimals = len(text.split(".")[1]) if "." in text else 0
    right += abs(Fraction(text) - expected) <= Fraction(1, 2 * 10**decimals)
print(right, "of", len(w), "right")
"""


def main() -> int:
    """Make the inputs, time the three sides, print the ratios and peaks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if the goal is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="regtrace-bench-") as folder:
        where = Path(folder)
        make(INPUTS, where, str(args.weights))
        ours = [*regtrace_command(), "check", "--w", "@w.txt", "--grad", "@g.txt"]
        ours += ["--lam", "0.01", "--lr", "0.1", "--answer", "@answer.txt"]
        sides = {
            "regtrace check": ours,
            "regtrace check --format json": [*ours, "--format", "json"],
            "fractions grader": [sys.executable, "-c", GRADER],
        }
        got = paired(sides, args.repeats, where, codes=(0, 1))  # 1: a wrong answer
    base = got["fractions grader"].seconds
    print(f"check, {args.weights} weights, median of {args.repeats}")
    print(f"  {machine()}")
    missed = False
    for name, t in got.items():
        ratio = t.seconds / base
        goal = "" if name == "fractions grader" else f" (goal <= {GOAL})"
        missed |= bool(goal) and ratio > GOAL
        print(f"  {name:30} {t.seconds:6.2f} s  x{ratio:.2f}{goal}  peak {t.peak / MB:.0f} MB")
    print("  goals met" if not missed else "  GOAL MISSED")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
