"""Reading a big ``--data`` CSV against ``np.loadtxt``, and a data run against a hand script.

1. ``read_table`` (what ``--data`` does) on 10^5 rows x 51 columns against
   ``np.loadtxt(path, delimiter=",", skiprows=1)``: goals <= 1.2x its time, and memory added
   over ``import numpy`` <= 2x the float64 table.
2. ``regtrace run --data FILE --steps 100`` (linear and logistic, ``--penalty l2,l1``, saving
   the final weights) against the NumPy script a user would write for the same run and the
   same w* solves: goal <= 1.3x.

Paired fresh processes taking turns, median of ``--repeats`` (see ``paired.py``).

    .venv/bin/python bench/bench_data.py [--rows 100000] [--cols 51] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import MB, machine, make, paired

READ_GOAL, MEMORY_GOAL = 1.2, 2.0

INPUTS = """
import sys
import numpy as np
rows, cols = int(sys.argv[1]), int(sys.argv[2])
names = ",".join(f"x{j}" for j in range(cols - 1)) + ",y"
table = np.random.default_rng(0).normal(size=(rows, cols))
np.savetxt("big.csv", table, delimiter=",", header=names, comments="")
"""

OURS = """
import sys
from regtrace.parse.table import read_table
table = read_table(sys.argv[1])
print(table.X.shape, float(table.y[-1]))
"""
LOADTXT = """
import sys
import numpy as np
table = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
print(table.shape, float(table[-1, -1]))
"""
FLOOR = "import numpy"


def main() -> int:
    """Write a fixed random table, time the readers, print ratios and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=51)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="regtrace-bench-") as folder:
        path = Path(folder) / "big.csv"
        make(INPUTS, Path(folder), str(args.rows), str(args.cols))
        sides = {
            "regtrace read_table": [sys.executable, "-c", OURS, str(path)],
            "np.loadtxt": [sys.executable, "-c", LOADTXT, str(path)],
            "import numpy": [sys.executable, "-c", FLOOR],
        }
        got = paired(sides, args.repeats)
    table = args.rows * args.cols * 8
    floor = got["import numpy"].peak
    ours, theirs = got["regtrace read_table"], got["np.loadtxt"]
    ratio = ours.seconds / theirs.seconds
    added = (ours.peak - floor) / table
    print(f"--data read, {args.rows} x {args.cols} CSV ({table / MB:.0f} MiB as float64), "
          f"median of {args.repeats}")  # fmt: skip
    print(f"  {machine()}")
    print(f"  read_table {ours.seconds:.2f} s, np.loadtxt {theirs.seconds:.2f} s: "
          f"x{ratio:.2f} (goal <= {READ_GOAL})")  # fmt: skip
    print(f"  peak over import numpy: read_table {(ours.peak - floor) / MB:.0f} MiB "
          f"({added:.2f}x the table; goal <= {MEMORY_GOAL}), np.loadtxt "
          f"{(theirs.peak - floor) / MB:.0f} MiB")  # fmt: skip
    missed = ratio > READ_GOAL or added > MEMORY_GOAL
    print("  goals met" if not missed else "  GOAL MISSED")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
