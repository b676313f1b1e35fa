"""Big-vector benchmark: ``regtrace run`` on 10^7 weights against a hand-written NumPy loop.

The goal, measured here on this machine:

    regtrace run --w @w.npy --grad @g.npy --lam 0.01 --lr 0.1 --steps 100 --out result.npz

on 10^7 float64 weights takes at most 1.3x the time of a hand-written in-place NumPy loop of
the same update (L2 and L1, the default ``--penalty l2,l1``, each from the same start, inputs
loaded from the same files and the result saved the same way), and its peak memory (the
child's ``ru_maxrss``) stays under 3x the size of the inputs plus 100 MB.

Both run as fresh processes, taking turns, ``--repeats`` times; the medians are compared.
``--command step`` measures ``regtrace step ... --out result.npz`` against one hand-written
step instead (for a checkout without ``run``). A benchmark, not a test: it prints the numbers
(``--check`` exits 1 when a goal is missed).

    .venv/bin/python bench/big_run.py [--weights 10000000] [--steps 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TIME_GOAL = 1.3
MB = 1024 * 1024

# The same update, written as a NumPy user would: in place, one scratch buffer, per penalty
# (L2: w -= lr*(g + 2*lam*w); subgradient L1: w -= lr*(g + lam*sign(w))).
HAND_LOOP = """
import sys
import numpy as np
w_path, g_path, out, steps, lam, lr = sys.argv[1:7]
steps, lam, lr = int(steps), float(lam), float(lr)
w0 = np.load(w_path, mmap_mode="r")
g = np.load(g_path, mmap_mode="r")
results = {}
for kind in ("l2", "l1"):
    w = np.array(w0, dtype=np.float64)
    buf = np.empty_like(w)
    for _ in range(steps):
        if kind == "l2":
            np.multiply(w, 2 * lam, out=buf)
        else:
            np.sign(w, out=buf)
            buf *= lam
        buf += g
        buf *= lr
        w -= buf
    results[kind] = w
np.savez(out, **results)
"""


def measure(argv: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss * 1024  # Linux reports KiB


def regtrace_command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m regtrace``."""
    script = Path(sys.executable).with_name("regtrace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "regtrace"]


def main() -> int:
    """Make the inputs, time both sides, print medians, ratios and the memory budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=int, default=10_000_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--command", choices=["run", "step"], default="run")
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    steps = args.steps if args.command == "run" else 1

    with tempfile.TemporaryDirectory(prefix="regtrace-bench-") as folder:
        where = Path(folder)
        rng = np.random.default_rng(6)
        np.save(where / "w.npy", rng.standard_normal(args.weights))
        np.save(where / "g.npy", 0.1 * rng.standard_normal(args.weights))
        input_bytes = sum((where / name).stat().st_size for name in ("w.npy", "g.npy"))
        ours = [*regtrace_command(), args.command, "--w", "@w.npy", "--grad", "@g.npy"]
        ours += ["--lam", "0.01", "--lr", "0.1", "--out", "result.npz"]
        if args.command == "run":
            ours += ["--steps", str(steps)]
        hand = [sys.executable, "-c", HAND_LOOP, "w.npy", "g.npy", "hand.npz"]
        hand += [str(steps), "0.01", "0.1"]

        times: dict[str, list[float]] = {"regtrace": [], "hand": []}
        peaks: dict[str, list[int]] = {"regtrace": [], "hand": []}
        for _ in range(args.repeats):
            for name, argv in (("regtrace", ours), ("hand", hand)):
                elapsed, peak = measure(argv, where)
                times[name].append(elapsed)
                peaks[name].append(peak)
        with np.load(where / "result.npz") as got, np.load(where / "hand.npz") as want:
            agree = all(np.allclose(got[k], want[k], rtol=1e-12, atol=1e-12) for k in want.files)

    t_ours, t_hand = statistics.median(times["regtrace"]), statistics.median(times["hand"])
    peak, hand_peak = max(peaks["regtrace"]), max(peaks["hand"])
    budget = 3 * input_bytes + 100 * MB
    ratio = t_ours / t_hand
    print(f"{args.command} on {args.weights} weights, {steps} step(s), l2 and l1, --out .npz")
    print(f"  median of {args.repeats}: regtrace {t_ours:.2f} s, hand-written loop {t_hand:.2f} s")
    print(f"  time ratio regtrace / hand = {ratio:.2f} (goal <= {TIME_GOAL})")
    print(
        f"  peak memory: regtrace {peak / MB:.0f} MB, hand-written {hand_peak / MB:.0f} MB; "
        f"budget 3 x inputs ({input_bytes / MB:.0f} MB) + 100 MB = {budget / MB:.0f} MB "
        f"({peak / budget:.2f} of it)"
    )
    print(f"  results agree with the hand-written loop: {agree}")
    missed = ratio > TIME_GOAL or peak > budget or not agree
    print("  goals met" if not missed else "  GOAL MISSED")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
