"""How much slower is ``--exact`` (fractions) than the float path? Prints ratios.

Usage: ``.venv/bin/python bench/exact_vs_float.py``. Both paths run in this process on the
same 4-decimal random inputs; each time is the median of 5 runs. The exact path is
element-wise Python arithmetic, so it is meant for homework-sized vectors: the ratio grows
with the vector to a few hundred, and ``check --steps N`` grows further as fractions do.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from regtrace.engine.check import check
from regtrace.engine.exact import exact_step
from regtrace.engine.step import step

RUNS = 5


def median_seconds(run: Callable[[], object]) -> float:
    """Median wall time of ``RUNS`` calls."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """One line per vector size: float time, exact time, and their ratio."""
    rng = np.random.default_rng(0)
    lam, lr = Fraction("0.01"), Fraction("0.1")
    # each lambda binds its loop values as defaults (ruff B023)
    for n in (3, 1_000, 100_000):
        w, g = np.round(rng.normal(size=n), 4), np.round(rng.normal(size=n), 4)
        wf = [Fraction(repr(float(x))) for x in w]
        gf = [Fraction(repr(float(x))) for x in g]
        t_float = median_seconds(lambda w=w, g=g: step(w, g, lam=0.01, lr=0.1))
        t_exact = median_seconds(lambda wf=wf, gf=gf: exact_step(wf, gf, lam=lam, lr=lr))
        print(
            f"n={n:>7}: float {t_float * 1e3:8.2f} ms  exact {t_exact * 1e3:9.1f} ms  "
            f"ratio {t_exact / t_float:6.0f}"
        )
    three = [Fraction("2.5"), Fraction("-0.8"), Fraction("0.1")]
    grad = [Fraction("-0.2"), Fraction("0.1"), Fraction("-0.05")]
    for steps in (10, 100, 1000):
        t = median_seconds(
            lambda s=steps: check(three, grad, lam=lam, lr=lr, answer=["0", "0", "0"], steps=s)
        )
        print(f"check --steps {steps:>4} (3 weights, wrong answer, 8 variants): {t:6.3f} s")


if __name__ == "__main__":
    main()
