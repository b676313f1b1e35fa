"""Start-up benchmark: is ``regtrace step`` close to the imports it cannot avoid?

Goals: ``regtrace step`` (the built-in example, piped) takes at most 1.15x the time of
``python -c "import numpy, typer, rich.table"``, measured in the same run, and
``regtrace --version`` at most 2x a bare interpreter (``python -c pass``). Also reported:
``check``, ``run`` and ``--help``.

Every command runs as a fresh process, the commands take turns (so a burst of load from other
processes hits all of them alike), and each time is the median of ``--runs`` runs after
warm-up runs. ``PYTHONDONTWRITEBYTECODE`` is dropped from the children's environment so that
they, like an installed package, load compiled bytecode rather than re-compiling the source.

This is a benchmark, not a test: it prints the numbers and never fails on them
(``--check`` makes it exit 1 when the step ratio is over the goal).

    .venv/bin/python bench/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 1.15
VERSION_GOAL = 2.0


def regtrace_command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m regtrace``."""
    script = Path(sys.executable).with_name("regtrace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "regtrace"]


def commands() -> dict[str, list[str]]:
    """What is timed, by name (the baseline first)."""
    regtrace = regtrace_command()
    return {
        "baseline: import numpy, typer, rich.table": [
            sys.executable,
            "-c",
            "import numpy, typer, rich.table",
        ],
        "regtrace step": [*regtrace, "step"],
        "regtrace check": [*regtrace, "check", "--answer", "2.515,-0.8084,0.1048"],
        "regtrace run": [*regtrace, "run"],
        "regtrace --help": [*regtrace, "--help"],
        "regtrace --version": [*regtrace, "--version"],
        "floor: python -c pass": [sys.executable, "-c", "pass"],
    }


def time_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run in seconds; the output goes to a pipe, as in a shell loop."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    return elapsed


def main() -> int:
    """Time every command and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs per command")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per command first")
    parser.add_argument("--check", action="store_true", help="exit 1 if over the goal")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmds = commands()
    for _ in range(args.warmup):
        for argv in cmds.values():
            time_once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, argv in cmds.items():
            times[name].append(time_once(argv, env))

    medians = {name: statistics.median(ts) for name, ts in times.items()}
    baseline = medians["baseline: import numpy, typer, rich.table"]
    print(f"median of {args.runs} runs each ({sys.executable}, {os.cpu_count()} CPUs)")
    for name, med in medians.items():
        spread = f"{min(times[name]) * 1000:.0f}-{max(times[name]) * 1000:.0f}"
        print(f"  {name:<44} {med * 1000:7.1f} ms  (range {spread} ms)  x{med / baseline:.2f}")
    ratio = medians["regtrace step"] / baseline
    verdict = "meets" if ratio <= GOAL else "MISSES"
    print(f"regtrace step / baseline = {ratio:.2f} ({verdict} the goal of <= {GOAL})")
    version = medians["regtrace --version"] / medians["floor: python -c pass"]
    verdict = "meets" if version <= VERSION_GOAL else "MISSES"
    print(f"regtrace --version / python -c pass = {version:.2f} ({verdict} <= {VERSION_GOAL})")
    return 1 if args.check and (ratio > GOAL or version > VERSION_GOAL) else 0


if __name__ == "__main__":
    sys.exit(main())
