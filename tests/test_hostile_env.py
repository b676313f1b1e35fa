"""A hostile environment, in real processes: stdout closed, full or cut off; an early Ctrl-C;
an ASCII locale; a dumb or narrow terminal. One ``Error:`` line or a quiet exit, never a
traceback or a Python warning."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

REGTRACE = [sys.executable, "-m", "regtrace"]
ANSI = re.compile(r"\x1b\[")
STEP = ["step", "--w", "1.23456789,2", "--grad", "1,1"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REGTRACE_DEBUG", "PYTHONWARNINGS")}
    return {**env, **extra}


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    options: dict[str, object] = {"cwd": ROOT, "capture_output": True, "timeout": 60}
    options.update(kwargs)
    return subprocess.run([*REGTRACE, *args], check=False, **options)  # type: ignore[call-overload, no-any-return]


def _one_error(stderr: bytes) -> str:
    lines = stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


def test_closed_stdout() -> None:
    """``regtrace step ... >&-``: one line, exit 2 (and no file can take fd 1)."""
    done = _run(STEP, stdout=None, capture_output=False, stderr=subprocess.PIPE,
                pass_fds=(), close_fds=True, preexec_fn=lambda: os.close(1))  # fmt: skip
    assert done.returncode == 2
    assert "standard output is closed" in _one_error(done.stderr)


@pytest.mark.parametrize(
    "args", [STEP, [*STEP, "--format", "json"], ["--help"]], ids=["table", "json", "help"]
)
def test_stdout_onto_dev_full(args: list[str]) -> None:
    """``> /dev/full`` (ENOSPC on every write): one line, exit 2, not 120 and a traceback."""
    with Path("/dev/full").open("wb") as full:
        done = _run(args, stdout=full, capture_output=False, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert "cannot write to standard output (No space left on device)" in _one_error(done.stderr)


def test_help_into_head() -> None:
    """``regtrace --help | head -c 10``: 10 bytes, then a quiet 141."""
    proc = subprocess.Popen([*REGTRACE, "--help"], cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) in (0, 141)
    assert len(first) == 10 and err == b""


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1])
def test_ctrl_c_in_the_first_100_ms(delay: float) -> None:
    """An early SIGINT exits 130 (or kills the process before Python starts), and regtrace's
    own code never shows a traceback for it: its first statement installs the handler.

    The interpreter's start-up (``site``, and the ``import re`` of pip's console-script
    wrapper) runs before any regtrace code and may still print Python's own traceback, as
    may the package's first statement, the one that installs the handler.
    """
    proc = subprocess.Popen([*REGTRACE, *STEP], cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    frames = re.findall(r'File "[^"]*[/\\]regtrace[/\\]([^"]+)"', err.decode())
    # Only the package's first statement (importing the handler) can be interrupted.
    assert set(frames) <= {"__init__.py"}, err.decode()
    if not err:  # regtrace's handler (or the signal's default action) ended it
        assert proc.returncode in (0, 130, -signal.SIGINT)


def test_the_command_installs_the_ctrl_c_handler_before_anything_else() -> None:
    """``python -m regtrace``: ``regtrace._early`` is the first module regtrace imports."""
    log = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "regtrace", "--version"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
    ).stderr  # fmt: skip
    ours = [line.rsplit("|", 1)[1].strip() for line in log.splitlines()
            if "| " in line and line.rsplit("|", 1)[1].strip().startswith("regtrace")]  # fmt: skip
    assert ours[:2] == ["regtrace._early", "regtrace"], ours


def test_no_python_warning_leaks() -> None:
    """``w - target`` overflows in NumPy: the error line only, no RuntimeWarning."""
    done = _run(["run", "--target", "1e308", "--w", "-1e308", "--lr", "1", "--steps", "3"],
                env=_env())  # fmt: skip
    line = _one_error(done.stderr)
    assert done.returncode == 2
    assert "overflows float64 at step 1" in line


@pytest.mark.parametrize(
    "args",
    [["run", "--w", "1", "--grad", "1", "--steps", "3", "--plot"], STEP],
    ids=["plot", "table"],
)
def test_ascii_locale(args: list[str]) -> None:
    """``LANG=C`` with UTF-8 coercion off: stdout is ASCII; box lines become - | +."""
    done = _run(args, env=_env(LC_ALL="C", LANG="C", PYTHONCOERCECLOCALE="0",
                               PYTHONIOENCODING="ascii", PYTHONUTF8="0"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    done.stdout.decode("ascii")  # every byte is ASCII
    assert b"1.13209875422" in done.stdout or b"step" in done.stdout


def test_ascii_locale_with_a_bom_csv_header(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_bytes(b"\xef\xbb\xbfhours,score\n1,2\n2,4\n3,7\n")
    ascii_env = _env(LC_ALL="C", LANG="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0")
    done = _run(["run", "--data", str(tmp_path / "t.csv"), "--steps", "2", "--lr", "0.1"],
                env=ascii_env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"hours" in done.stdout


def _on_terminal(args: list[str], columns: int, **env: str) -> str:
    """What ``regtrace ARGS`` shows on a pseudo-terminal ``columns`` wide."""
    import fcntl
    import struct
    import termios

    main_fd, child_fd = os.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen([*REGTRACE, *args], cwd=ROOT, stdout=child_fd,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=_env(COLUMNS=str(columns), **env))  # fmt: skip
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and err == b"", err
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_term_dumb_gets_no_escapes_from_plot() -> None:
    shown = _on_terminal(["run", "--w", "1", "--grad", "1", "--steps", "3", "--plot"], 100,
                         TERM="dumb")  # fmt: skip
    assert "step" in shown
    assert not ANSI.search(shown)


@pytest.mark.parametrize("columns", [20, 40])
def test_a_narrow_terminal_never_splits_a_number(columns: int) -> None:
    """w - 0.1*(1 + 0.02*w) for w = 1.23456789 and 2, and the terms on the way."""
    shown = _on_terminal([*STEP, "--penalty", "l2"], columns, NO_COLOR="1")
    numbers = set(re.findall(r"-?\d+\.\d+", shown))
    for value in ("0.0246913578", "1.0246913578", "-0.10246913578", "1.13209875422", "1.896"):
        assert value in numbers, shown
    assert all(len(line) <= columns for line in shown.splitlines())


def _peak_rss_mib(args: list[str], stdin: int | None, **env: str) -> tuple[int, float]:
    """Exit status and peak resident memory (MiB, Linux ``ru_maxrss``) of one run."""
    proc = subprocess.Popen([*REGTRACE, *args], cwd=ROOT, env=_env(**env), stdin=stdin,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024


@pytest.mark.skipif(shutil.which("yes") is None, reason="needs yes")
def test_memory_of_refused_endless_input_is_bounded() -> None:
    """Endless text on stdin (``yes 1,``) stops at the cap (32 MiB here): the run costs at
    most the cap and a little beyond an ordinary run; endless NULs stop at byte 1."""
    base_code, base = _peak_rss_mib(STEP, subprocess.DEVNULL)
    assert base_code == 0
    endless = subprocess.Popen(["yes", "1,"], stdout=subprocess.PIPE)
    try:
        code, peak = _peak_rss_mib(["step", "--w", "-", "--grad", "1"], endless.stdout.fileno(),  # type: ignore[union-attr]
                                   REGTRACE_MAX_INPUT_MB="32")  # fmt: skip
    finally:
        endless.kill()
        endless.communicate()
    assert code == 2
    assert peak < base + 32 + 16, (base, peak)
    with Path("/dev/zero").open("rb") as zero:
        code, peak = _peak_rss_mib(["step", "--w", "-", "--grad", "1"], zero.fileno())
    assert code == 2
    assert peak < base + 8, (base, peak)
