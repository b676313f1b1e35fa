"""Reading a big CSV table and one data step, against NumPy's own CSV reader.

Prints ratios (ours / baseline, median of several runs in this same process), never
absolute times: ``python bench/bench_data.py``. Goal: reading a 100,000 x 6 table costs at
most a few times ``numpy.loadtxt`` (which does no error reporting), and evaluating the loss
and gradient is a small fraction of reading.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from regtrace.engine.data import DataProblem
from regtrace.parse.table import read_table

ROWS, COLS, RUNS = 100_000, 6, 5


def median_seconds(fn: Callable[[], object]) -> float:
    """Median wall time of ``RUNS`` calls."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Write a seeded table, then time our reader, NumPy's, and one evaluation."""
    rng = np.random.default_rng(0)
    table = rng.normal(size=(ROWS, COLS))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        np.savetxt(path, table, delimiter=",", header="a,b,c,d,e,t", comments="")
        baseline = median_seconds(lambda: np.loadtxt(path, delimiter=",", skiprows=1))
        ours = median_seconds(lambda: read_table(str(path)))
        data = read_table(str(path))
    problem = DataProblem.build(data.X, data.y, intercept=True)
    w = np.zeros(problem.n_weights)
    evaluate = median_seconds(lambda: problem.evaluate(w))
    print(f"read {ROWS} x {COLS} CSV: {ours / baseline:.2f} x numpy.loadtxt")
    print(f"loss + gradient at w: {evaluate / ours:.4f} x reading the table")


if __name__ == "__main__":
    main()
