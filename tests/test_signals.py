"""A closed pipe and Ctrl-C end regtrace quietly, with the shell's exit codes.

Real processes and real pipes: ``regtrace ... | head -1`` must exit 141 (128 + SIGPIPE)
without a BrokenPipeError traceback, also under ``PYTHONUNBUFFERED=1`` (where a pipe closed
mid-write shows up as a short write, not an error); Ctrl-C exits 130 (128 + SIGINT) with
nothing on stderr.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT

REGTRACE = [sys.executable, "-m", "regtrace"]


def _env(unbuffered: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", "REGTRACE_DEBUG")}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="module")
def big_vector(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 weights: over 140 KB of CSV, JSON or table, more than a pipe buffer (64 KiB)."""
    path = tmp_path_factory.mktemp("big") / "w.npy"
    np.save(path, np.linspace(-1.0, 1.0, 600))
    return path


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(
    "view", [["--format", "csv"], ["--format", "json"], ["--layout", "tall"]], ids=str
)
def test_reader_going_away_ends_quietly(
    big_vector: Path, view: list[str], unbuffered: bool
) -> None:
    """Read one line, close the pipe: exit 141 and an empty stderr."""
    args = [*REGTRACE, "step", "--w", f"@{big_vector}", "--grad", f"@{big_vector}", *view]
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env=_env(unbuffered),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert first
    assert err == b""


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("head") is None, reason="bash")
def test_pipe_into_head_in_a_shell(big_vector: Path) -> None:
    """The literal shell line: ``regtrace ... | head -1`` prints one line and no traceback."""
    command = (
        f"{sys.executable} -m regtrace step --w @{big_vector} --grad @{big_vector} "
        "--format csv | head -1; echo status ${PIPESTATUS[0]} >&2"
    )
    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=_env(False), capture_output=True, text=True
    )
    assert done.stdout.splitlines() == [
        "penalty,weight,w,grad,lam_l1,lam_l2,penalty_grad,full_grad,step,w_new,penalty_value,loss"
    ]
    assert done.stderr == "status 141\n"


def _wait_until_reading_stdin(pid: int, timeout: float = 30.0) -> None:
    """Wait until the process blocks in ``read(0, ...)`` (Linux ``/proc``), else sleep."""
    syscall = Path(f"/proc/{pid}/syscall")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fields = syscall.read_text().split()
        except OSError:
            time.sleep(3)  # no /proc: give start-up ample time instead
            return
        if fields[:2] == ["0", "0x0"]:  # syscall 0 is read on x86-64, fd 0 is stdin
            return
        time.sleep(0.05)
    time.sleep(1)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_waiting_for_stdin_exits_130_quietly() -> None:
    """``regtrace step --w -`` waits for numbers that never come; SIGINT ends it: 130."""
    proc = subprocess.Popen(
        [*REGTRACE, "step", "--w", "-", "--grad", "1,2"],
        cwd=ROOT,
        env=_env(False),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_reading_stdin(proc.pid)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert out == b""
    assert err == b""
