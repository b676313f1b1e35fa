"""How much does tracing an optimizer cost against the bare update? Prints ratios.

Usage: ``.venv/bin/python bench/optimizer_speed.py``. For each optimizer (PyTorch convention)
and vector size, regtrace's traced update (every intermediate kept, overflow checked) is
timed against a hand-written NumPy update of the same formula measured in the same run; each
time is the median of 5 runs. The trace keeps about ten vectors per step, so a ratio of a few
is the expected price of showing every number.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from regtrace.engine.optimizers import OptimizerSpec, OptimizerState, optimizer_update
from regtrace.engine.penalties import Penalty

RUNS = 5


def median_seconds(run: Callable[[], object]) -> float:
    """Median wall time of ``RUNS`` calls."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_adam(w: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The AdamW step 2 with no trace: what a training loop computes."""
    lr, b1, b2, eps, wd, t = 0.1, 0.9, 0.999, 1e-8, 0.01, 2
    p = w * (1 - lr * wd)
    m = m + (1 - b1) * (g - m)
    v = v * b2 + (1 - b2) * g * g
    denom = np.sqrt(v) / (1 - b2**t) ** 0.5 + eps
    return np.asarray(p - lr / (1 - b1**t) * (m / denom))


def bare_momentum(w: np.ndarray, g: np.ndarray, buf: np.ndarray) -> np.ndarray:
    """The Nesterov step 2 with no trace."""
    buf = buf * 0.9 + g
    return np.asarray(w - 0.1 * (g + 0.9 * buf))


def main() -> None:
    """One line per optimizer and size: bare time, traced time, ratio."""
    rng = np.random.default_rng(0)
    print(f"{'optimizer':>10} {'n':>9} {'bare ms':>9} {'traced ms':>10} {'ratio':>6}")
    for n in (1_000, 100_000, 1_000_000):
        w, g = rng.normal(size=n), rng.normal(size=n)
        m, v, buf = rng.normal(size=n), rng.random(n), rng.normal(size=n)
        none = Penalty.build("none", n)
        adamw = OptimizerSpec.build("adamw", lr=0.1, n=n)
        nesterov = OptimizerSpec.build("nesterov", lr=0.1, n=n, momentum=0.9)
        cases = [
            (
                "adamw",
                lambda w=w, g=g, m=m, v=v: bare_adam(w, g, m, v),
                lambda w=w, g=g, m=m, v=v, s=adamw, p=none: optimizer_update(
                    w, g, s, p, OptimizerState(1, m=m, v=v)
                ),
            ),
            (
                "nesterov",
                lambda w=w, g=g, buf=buf: bare_momentum(w, g, buf),
                lambda w=w, g=g, buf=buf, s=nesterov, p=none: optimizer_update(
                    w, g, s, p, OptimizerState(1, buf=buf)
                ),
            ),
        ]
        for name, bare, traced in cases:
            t_bare, t_traced = median_seconds(bare), median_seconds(traced)
            print(
                f"{name:>10} {n:>9} {t_bare * 1e3:>9.3f} {t_traced * 1e3:>10.3f} "
                f"{t_traced / t_bare:>6.1f}"
            )


if __name__ == "__main__":
    main()
