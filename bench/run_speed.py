"""``run`` on 10^6 weights for 100 steps against hand-written in-place NumPy loops.

Usage: ``.venv/bin/python bench/run_speed.py [--weights N] [--steps K] [--repeats R]``.
For L2 (``w <- w - lr*(g + 2*lam*w)``) and subgradient L1
(``w <- w - lr*(g + lam*sign(w))``) with a fixed gradient, ``regtrace.run`` and the same update
written by hand run in the same process, alternating, ``R`` times each; the script prints the
medians and their ratios (the goal: ``run`` at most 1.5x the hand-written loop).
``run`` also records where L1 weights reach 0 or change sign, which the hand loop does not.
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from regtrace import run

LAM, LR = 0.01, 0.1
Vector = NDArray[np.float64]


def hand_l2(w0: Vector, g: Vector, steps: int) -> Vector:
    """The L2 update as a NumPy user writes it, in place with one scratch buffer."""
    w = w0.copy()
    buf = np.empty_like(w)
    for _ in range(steps):
        np.multiply(w, 2 * LAM, out=buf)  # 2*lam*w
        buf += g  # g + 2*lam*w
        buf *= LR
        w -= buf
    return w


def hand_l1(w0: Vector, g: Vector, steps: int) -> Vector:
    """The subgradient L1 update, in place with one scratch buffer."""
    w = w0.copy()
    buf = np.empty_like(w)
    for _ in range(steps):
        np.sign(w, out=buf)
        buf *= LAM  # lam*sign(w)
        buf += g
        buf *= LR
        w -= buf
    return w


def via_run(kind: str) -> Callable[[Vector, Vector, int], Vector]:
    """``regtrace.run`` with one penalty (default thinning for big vectors: w_0 and w_N)."""

    def go(w0: Vector, g: Vector, steps: int) -> Vector:
        return run(w0, g, lam=LAM, lr=LR, steps=steps, penalties=[kind]).results[0].w_final

    return go


def median_ms(fn: Callable[[Vector, Vector, int], Vector], args: tuple[Vector, Vector, int],
              into: list[float]) -> None:  # fmt: skip
    """Time one call and append it (ms)."""
    start = time.perf_counter()
    fn(*args)
    into.append((time.perf_counter() - start) * 1000)


def main() -> None:
    """Time each pair, alternating, and print the medians and the ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--weights", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(args.weights)
    g = rng.standard_normal(args.weights)
    call = (w0, g, args.steps)
    print(f"{args.weights:,} weights x {args.steps} steps, median of {args.repeats}:")
    for kind, hand in (("l2", hand_l2), ("l1", hand_l1)):
        ours = via_run(kind)
        assert np.array_equal(hand(*call), ours(*call)), f"{kind}: the two loops disagree"
        base: list[float] = []
        mine: list[float] = []
        for _ in range(args.repeats):
            median_ms(hand, call, base)
            median_ms(ours, call, mine)
        b, m = statistics.median(base), statistics.median(mine)
        print(f"  {kind}: hand-written {b:7.1f} ms, regtrace.run {m:7.1f} ms, "
              f"ratio {m / b:.2f} (goal <= 1.5)")  # fmt: skip


if __name__ == "__main__":
    main()
