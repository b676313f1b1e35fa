"""Random bytes into every vector-reading option and every file option.

Hypothesis builds the bytes from what hurts: NUL, a byte-order mark, bytes that are not
UTF-8, full-width digits, huge and tiny exponents, thousands of digits, separators and
comments, mixed with arbitrary bytes. Each goes in through a file after ``@``, through stdin
(``-``) and, where the command line can carry it, inline. Whatever comes in, regtrace answers
0 (or 1 for a wrong ``check`` answer) or one short ``Error:`` line with exit 2, naming bytes
instead of echoing escapes, and within a hang guard (an alarm, not a speed assertion).
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from regtrace.cli import run
from tests.conftest import TEST_ENV, Invocation

HANG_GUARD_S = 30  # generous: every run here takes milliseconds; this only catches a hang
SHORT = 400  # an error line longer than this is not short

PIECES = [
    b"\x00", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xed\xa0\x80", "\uff11".encode(),
    "\u2212".encode(), "\u00b2".encode(), b"1e999999999", b"1e-99999999", b"1e308", b"1e-320",
    b"9" * 5000, b"0.1", b"-2.5", b"1/3", b"nan", b"inf", b",", b" ", b"\n", b"\r\n", b";",
    b"#", b"x,y\n", b"[", b"]", b"1", b"0", b"_", b".", b"e", b"-",
]  # fmt: skip
CONTENT = st.lists(st.sampled_from(PIECES) | st.binary(max_size=6), max_size=12).map(b"".join)

# Each option with the other options it needs: X is replaced by the input under test.
TEMPLATES = {
    "--w": ["step", "--grad", "1,1", "--w", "X"],
    "--grad": ["step", "--w", "1,1", "--grad", "X"],
    "--lam": ["step", "--w", "1", "--grad", "1", "--lam", "X"],
    "--lam1": ["step", "--w", "1", "--grad", "1", "--penalty", "elastic", "--lam1", "X"],
    "--target": ["run", "--w", "1", "--steps", "2", "--target", "X"],
    "--lams": ["sweep", "--w", "1", "--grad", "1", "--steps", "2", "--lams", "X"],
    "--answer": ["check", "--w", "1", "--grad", "1", "--answer", "X"],
    "--x": ["step", "--w", "0", "--y", "1", "--x", "X"],
    "--y": ["step", "--w", "0", "--x", "1", "--y", "X"],
    "--data": ["run", "--steps", "1", "--data", "X"],
    "--w exact": ["step", "--exact", "--grad", "1", "--w", "X"],
    "--target exact": ["run", "--exact", "--w", "1", "--steps", "3", "--target", "X"],
    "--m": ["step", "--w", "1", "--grad", "1", "--optimizer", "adam", "--t", "2", "--v", "1",
            "--m", "X"],
}  # fmt: skip


class Hang(Exception):
    """The run outlived the hang guard."""


@contextlib.contextmanager
def hang_guard() -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {HANG_GUARD_S} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_GUARD_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _invoke(args: list[str], stdin: bytes, folder: Path) -> Invocation:
    runner = CliRunner()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        with hang_guard(), runner.isolation(input=stdin, env=TEST_ENV) as (out, err, _):
            code = run(args)
            return Invocation(int(code), out.getvalue().decode(), err.getvalue().decode())
    finally:
        os.chdir(cwd)


def _assert_promise(done: Invocation, args: list[str]) -> None:
    assert done.code in (0, 1, 2), (args, done)
    if done.code == 2:
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, done.stderr)
        assert len(lines[0]) <= SHORT, (args, lines[0][:500])
        for escape in ("\\udc", "\\x00", "\\ufeff", "Traceback"):
            assert escape not in lines[0], (args, lines[0])
    else:
        assert "Traceback" not in done.stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    option=st.sampled_from(sorted(TEMPLATES)),
    way=st.sampled_from(["file", "csv", "stdin", "inline"]),
    content=CONTENT,
)
def test_random_bytes_into_every_vector_option(option: str, way: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        stdin = b""
        if way in ("file", "csv"):
            path = folder / ("in.csv" if way == "csv" else "in.txt")
            path.write_bytes(content)
            value = path.name if option == "--data" else f"@{path.name}"
        elif way == "stdin":
            value, stdin = "-", content
        else:  # the command line carries no NUL; other bytes arrive as Python decodes argv
            value = content.replace(b"\x00", b"").decode("utf-8", "surrogateescape")
        args = [value if a == "X" else a for a in TEMPLATES[option]]
        _assert_promise(_invoke(args, stdin, folder), args)


NAMES = st.text(
    st.characters(exclude_characters="\x00/", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(["", ".", "..", "a" * 255 + ".npy", "x.NPY", "w.npz", "p.svg", "d/x.npy"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(option=st.sampled_from(["--out", "--plot-file"]), name=NAMES, suffix=st.sampled_from(
    ["", ".npy", ".npz", ".csv", ".json", ".svg", ".png", ".txt"]))  # fmt: skip
def test_random_names_for_every_file_option(option: str, name: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "w.txt").write_text("1\n")
        args = ["run", "--w", "@w.txt", "--grad", "1", "--steps", "2", option, name + suffix]
        _assert_promise(_invoke(args, b"", Path(folder)), args)
        assert (Path(folder) / "w.txt").read_text() == "1\n"  # the input is never replaced
