"""Big runs: ``regtrace run`` on 10^7 weights against two hand-written NumPy loops.

    regtrace run --w @w.npy --grad @g.npy --lam 0.01 --lr 0.1 --steps 50 --penalty P --out w.npy

for each penalty P, against (same inputs from the same files, result saved the same way):

- the 2-op hand loop a NumPy user would write: ``w *= a; w -= lr*g`` with the decay factor
  ``a = 1 - 2*lr*lam`` and ``lr*g`` computed once (L1 adds ``lr*lam*sign(w)``; proximal L1
  soft-thresholds);
- the blocked hand loop: the same update, all steps on one 32K-weight chunk before the next,
  one pass over memory: the limit for a fixed gradient. Goals: <= 1.0x the 2-op loop,
  <= 1.2x the blocked loop.

Paired fresh processes taking turns, median of ``--repeats`` (see ``paired.py``); prints the
ratios and peak memory. A benchmark, not a test (``--check`` exits 1 when a goal is missed).

    .venv/bin/python bench/big_run.py [--weights 10000000] [--steps 50] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import MB, machine, make, paired, regtrace_command

GOAL_TWO_OP, GOAL_BLOCKED = 1.0, 1.2

INPUTS = """
import sys
import numpy as np
rng = np.random.default_rng(6)
n = int(sys.argv[1])
np.save("w.npy", rng.standard_normal(n))
np.save("g.npy", 0.1 * rng.standard_normal(n))
"""

HAND = """
import sys
import numpy as np
w_path, g_path, out, steps, lam, lr, kind, block = sys.argv[1:9]
steps, lam, lr, block = int(steps), float(lam), float(lr), int(block)
w = np.load(w_path)
g = np.load(g_path)
lrg = lr * g
a = 1 - 2 * lr * lam if kind in ("l2", "elastic") else None
s = lr * lam if kind in ("l1", "elastic") else None
step = block or w.size
for start in range(0, w.size, step):
    wc, bc = w[start:start + step], lrg[start:start + step]
    tmp = np.empty_like(wc)
    for _ in range(steps):
        if s is not None:
            np.sign(wc, out=tmp)
            tmp *= s
            tmp += bc
        if a is not None:
            wc *= a
        wc -= tmp if s is not None else bc
np.save(out, w)
"""


def main() -> int:
    """Make the inputs, time the three sides per penalty, print medians, ratios and peaks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=int, default=10_000_000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--penalties", default="l2,l1,elastic,l2,l1")
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    print(f"run, {args.weights} weights, {args.steps} steps, median of {args.repeats}")
    missed = False
    with tempfile.TemporaryDirectory(prefix="regtrace-bench-") as folder:
        where = Path(folder)
        make(INPUTS, where, str(args.weights))
        inputs = sum((where / n).stat().st_size for n in ("w.npy", "g.npy"))
        common = ["w.npy", "g.npy"]
        for penalty in dict.fromkeys(args.penalties.split(",")):
            ours = [*regtrace_command(), "run", "--w", "@w.npy", "--grad", "@g.npy"]
            ours += ["--lam", "0.01", "--lr", "0.1", "--steps", str(args.steps)]
            ours += ["--penalty", penalty, "--out", "ours.npy"]
            hand = [sys.executable, "-c", HAND, *common]
            tail = [str(args.steps), "0.01", "0.1", penalty]
            sides = {
                "regtrace": ours,
                "2-op": [*hand, "two.npy", *tail, "0"],
                "blocked": [*hand, "blocked.npy", *tail, str(1 << 15)],
            }
            got = paired(sides, args.repeats, where)
            import numpy as np  # only now: see paired.py

            ours_w, two_w = np.load(where / "ours.npy"), np.load(where / "two.npy")
            agree = np.allclose(ours_w, two_w, rtol=1e-12, atol=1e-12 * args.steps)
            r2 = got["regtrace"].seconds / got["2-op"].seconds
            rb = got["regtrace"].seconds / got["blocked"].seconds
            budget = 3 * inputs + 100 * MB
            ok = r2 <= GOAL_TWO_OP and rb <= GOAL_BLOCKED and got["regtrace"].peak <= budget
            missed |= not ok
            print(
                f"  {penalty:8} regtrace {got['regtrace'].seconds:6.2f} s  "
                f"/2-op {r2:.2f} (goal {GOAL_TWO_OP})  /blocked {rb:.2f} (goal {GOAL_BLOCKED})  "
                f"peak {got['regtrace'].peak / MB:.0f} MB (2-op {got['2-op'].peak / MB:.0f}, "
                f"budget {budget / MB:.0f})  agree {agree}  {'ok' if ok else 'MISSED'}"
            )
    print(f"  {machine()}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
