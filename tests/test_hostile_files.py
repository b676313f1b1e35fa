"""Files regtrace writes: one atomic writer for ``--out``, ``--plot-file`` and the explorer's
export, which never replaces an input (also one behind stdin), replaces a read-only file only
with ``--force``, follows the umask, and leaves no temporary behind on SIGTERM or SIGHUP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from regtrace.cli import _guard_signals
from regtrace.cli.output import write_file
from regtrace.errors import RegtraceError, Terminated
from tests.conftest import ROOT, invoke

REGTRACE = [sys.executable, "-m", "regtrace"]


def _one_error(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_out_onto_the_file_behind_stdin_is_refused(here: Path) -> None:
    """``--w - --out in.csv < in.csv``: stdin is a file, and that file is an input."""
    source = here / "in.csv"
    source.write_text("1,2,3\n")
    with source.open() as stdin:
        done = subprocess.run(
            [*REGTRACE, "step", "--w", "-", "--grad", "1,1,1", "--penalty", "l2", "--out",
             "in.csv"],
            stdin=stdin, cwd=here, capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    assert done.returncode == 2
    assert "is a file this run reads" in _one_error(done.stderr)
    assert source.read_text() == "1,2,3\n"


def test_plot_file_onto_an_input_is_refused(here: Path) -> None:
    """``--w @w.svg ... --plot-file w.svg`` would replace the weights with a picture."""
    (here / "w.svg").write_text("1,2\n")
    done = invoke(["run", "--w", "@w.svg", "--grad", "1,2", "--steps", "2", "--plot-file",
                   "w.svg"])  # fmt: skip
    assert done.code == 2
    assert "is a file this run reads" in _one_error(done.stderr)
    assert (here / "w.svg").read_text() == "1,2\n"


def test_read_only_out_needs_force(here: Path) -> None:
    """Like ``cp`` and editors: a 0444 file stays unless ``--force``; an input never goes."""
    target = here / "w.npy"
    target.write_bytes(b"keep")
    target.chmod(0o444)
    args = ["step", "--w", "1,2", "--grad", "1,1", "--penalty", "l2", "--out", "w.npy"]
    done = invoke(args)
    assert done.code == 2
    assert "is read-only" in _one_error(done.stderr) and "--force" in done.stderr
    assert target.read_bytes() == b"keep"
    assert invoke([*args, "--force"]).code == 0
    # w = [1, 2], grad = [1, 1], lam = 0.01, lr = 0.1: w - 0.1*(1 + 0.02*w)
    np.testing.assert_allclose(np.load(target), [0.898, 1.896])
    forced = invoke(["step", "--w", "@w.npy", "--grad", "1,1", "--penalty", "l2", "--out",
                     "w.npy", "--force"])  # fmt: skip
    assert forced.code == 2 and "never overwrites its input" in forced.stderr


def test_read_only_plot_file_needs_force(here: Path) -> None:
    (here / "p.svg").write_text("old")
    (here / "p.svg").chmod(0o444)
    args = ["run", "--w", "1", "--grad", "1", "--steps", "2", "--plot-file", "p.svg"]
    assert "is read-only" in _one_error(invoke(args).stderr)
    assert (here / "p.svg").read_text() == "old"
    assert invoke([*args, "--force"]).code == 0
    assert (here / "p.svg").read_text().lstrip().startswith("<?xml")


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_027")
def test_every_written_file_follows_the_umask(here: Path) -> None:
    """``--out``, ``--plot-file`` and the explorer's export: 0666 less the umask (0640)."""
    from regtrace.cli.explore_inputs import explore_state
    from regtrace.explore.export import export_trace

    assert (
        invoke(["step", "--w", "1", "--grad", "1", "--penalty", "l2", "--out", "o.npy"]).code == 0
    )
    assert (
        invoke(["run", "--w", "1", "--grad", "1", "--steps", "2", "--plot-file", "p.svg"]).code == 0
    )
    exported = export_trace(explore_state(), 6, here)
    for path in (here / "o.npy", here / "p.svg", exported):
        assert path.stat().st_mode & 0o777 == 0o640, path


def test_long_names(here: Path) -> None:
    """254 characters is a valid name (its temporary must fit too); 5000 is one error line."""
    name = "a" * 250 + ".npy"
    assert invoke(["step", "--w", "1", "--grad", "1", "--penalty", "l2", "--out", name]).code == 0
    assert np.load(here / name).tolist() == [pytest.approx(0.898)]
    assert [p.name for p in here.iterdir()] == [name]  # no temporary left
    done = invoke(["step", "--w", "1", "--grad", "1", "--out", "b" * 5000 + ".npz"])
    line = _one_error(done.stderr)
    assert "5,004 bytes long" in line and len(line) < 300


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signal_during_a_write_removes_the_temporary(here: Path, signum: int) -> None:
    """A real SIGTERM/SIGHUP arriving mid-write unwinds through the writer's cleanup."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    target = here / "w.npy"
    target.write_bytes(b"old")

    def half_then_signal(handle: object) -> None:
        handle.write(b"partial")  # type: ignore[attr-defined]
        os.kill(os.getpid(), signum)

    try:
        _guard_signals()
        with pytest.raises(Terminated) as caught:
            write_file(target, half_then_signal)
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)
    assert caught.value.signum == signum
    assert [p.name for p in here.iterdir()] == ["w.npy"]
    assert target.read_bytes() == b"old"


def test_sigterm_ends_a_process_quietly(tmp_path: Path) -> None:
    """A run waiting on stdin, sent SIGTERM: status 143, nothing on stderr."""
    proc = subprocess.Popen(
        [*REGTRACE, "step", "--w", "-", "--grad", "1"], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    _wait_for_read(proc.pid)  # its imports are done and it waits for stdin
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert err == b""


def _wait_for_read(pid: int) -> None:
    """Until the process sleeps reading a pipe (Linux ``/proc/PID/wchan``), at most 60 s."""
    import time

    wchan = Path(f"/proc/{pid}/wchan")
    if not wchan.exists():
        pytest.skip("needs /proc")
    for _ in range(6000):
        if "pipe" in wchan.read_text():
            return
        time.sleep(0.01)


def test_write_error_names_the_file(here: Path) -> None:
    """A writer that fails with an OSError leaves nothing and says which file."""

    def failing(handle: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(RegtraceError, match=r"--out: cannot write '.*x\.npy' \(No space left"):
        write_file(here / "x.npy", failing)
    assert list(here.iterdir()) == []
