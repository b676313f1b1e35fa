"""Shared machinery of the benchmarks: fresh child processes taking turns, medians, peaks.

Each side runs as its own fresh process, the sides alternate (so a burst of load from other
processes hits every side alike), and each side's time is the median of ``repeats`` runs;
peak memory is the child's ``ru_maxrss``. Linux counts in it what the child shared with this
process when it was forked, so the benchmarks keep this process small: inputs are made by
a child (:func:`make`) and NumPy is imported here only after the timing.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Timing:
    """The median wall time (s) and largest peak resident memory (bytes) of one side."""

    seconds: float
    peak: int


def measure(
    argv: list[str], cwd: Path | None = None, codes: tuple[int, ...] = (0,)
) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (bytes) of one child process, which must exit
    with one of ``codes``."""
    # Without PYTHONDONTWRITEBYTECODE, so that regtrace, like an installed package, loads
    # compiled bytecode instead of compiling its source on every run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if code not in codes:
        raise SystemExit(f"{' '.join(argv)} failed ({code}): {err}")
    return elapsed, usage.ru_maxrss * 1024  # Linux reports KiB


def paired(
    sides: dict[str, list[str]],
    repeats: int,
    cwd: Path | None = None,
    codes: tuple[int, ...] = (0,),
) -> dict[str, Timing]:
    """Run every side ``repeats`` times, taking turns; the median time and peak of each."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    peaks: dict[str, list[int]] = {name: [] for name in sides}
    for _ in range(repeats):
        for name, argv in sides.items():
            elapsed, peak = measure(argv, cwd, codes)
            times[name].append(elapsed)
            peaks[name].append(peak)
    return {n: Timing(statistics.median(times[n]), max(peaks[n])) for n in sides}


def make(script: str, cwd: Path, *args: str) -> None:
    """Run ``script`` (Python) in a child in ``cwd``: it writes the inputs of a benchmark."""
    subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, check=True)


def regtrace_command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m regtrace``."""
    script = Path(sys.executable).with_name("regtrace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "regtrace"]


def machine() -> str:
    """One line naming the machine: CPU model, cores, Python and NumPy."""
    import numpy as np

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}"
    )
