"""Random bytes into every option of every command (read from the app) and every file option.

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

import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from regtrace.cli import run
from regtrace.cli.app import app
from tests.conftest import TEST_ENV, Invocation

HANG_GUARD_S = 30  # generous: every run here takes milliseconds; this only catches a hang
SHORT = 400  # an error line longer than this is not short

PIECES = [
    b"\x00", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xed\xa0\x80", "\uff11".encode(),
    "\u2212".encode(), "\u00b2".encode(), b"1e999999999", b"1e-99999999", b"1e308", b"1e-320",
    b"9" * 5000, b"0.1", b"-2.5", b"1/3", b"nan", b"inf", b",", b" ", b"\n", b"\r\n", b";",
    b"#", b"x,y\n", b"[", b"]", b"1", b"0", b"_", b".", b"e", b"-",
    # loss formulas: weights, powers, calls, deep nesting and huge indices
    b"w0", b"w[1]", b"w[99999999999]", b"^", b"**", b"*", b"/", b"(", b")", b"exp(", b"log(",
    b"sqrt(", b"max(w0,", b"(" * 200, b"w0^w0^w0^w0", b"__import__", b"lambda",
]  # fmt: skip
CONTENT = st.lists(st.sampled_from(PIECES) | st.binary(max_size=6), max_size=12).map(b"".join)

# What each command needs besides the option under test (the option replaces its own entry).
BASE = {
    "step": ["--w", "1", "--grad", "1"],
    "check": ["--w", "1", "--grad", "1", "--answer", "0.9"],
    "run": ["--w", "1", "--grad", "1", "--steps", "2"],
    "sweep": ["--w", "1", "--grad", "1", "--steps", "2"],
    "conventions": [],
    "explore": ["--w", "1", "--grad", "1"],  # answers "needs a terminal" once the input is good
}
ADAM = ["--optimizer", "adam"]
STATES = [*ADAM, "--t", "2"]  # state options exist in step and check only
# Options that are read only beside others: (options of BASE left out, options added).
NEEDS: dict[str, tuple[list[str], list[str]]] = {
    "--loss-fn": (["--grad"], []),
    "--target": (["--grad"], []),
    "--data": (["--grad", "--w"], []),
    "--x": (["--grad", "--w"], ["--y", "1"]),
    "--y": (["--grad", "--w"], ["--x", "1"]),
    "--lam1": ([], ["--penalty", "elastic"]),
    "--lam2": ([], ["--penalty", "elastic"]),
    "--momentum": ([], ["--optimizer", "momentum"]),
    "--dampening": ([], ["--optimizer", "momentum"]),
    "--buf": ([], ["--optimizer", "momentum", "--t", "2"]),
    "--beta1": ([], ADAM), "--beta2": ([], ADAM), "--eps": ([], ADAM), "--t": ([], ADAM),
    "--convention": ([], ADAM),
    "--m": ([], [*STATES, "--v", "1"]), "--v": ([], [*STATES, "--m", "1"]),
    "--v-max": ([], [*STATES, "--amsgrad", "--m", "1", "--v", "1"]),
    "--rho": ([], ["--optimizer", "rmsprop"]),
    "--g-avg": ([], ["--optimizer", "rmsprop", "--centered", "--t", "2", "--v", "1"]),
    "--lr-decay": ([], ["--optimizer", "adagrad"]),
    "--initial-accumulator-value": ([], ["--optimizer", "adagrad"]),
    "--acc": ([], ["--optimizer", "adagrad", "--t", "2"]),
    "--weight-decay": ([], ["--optimizer", "adamw"]),
}  # fmt: skip
CONVENTIONS_NEEDS: dict[str, tuple[list[str], list[str]]] = {
    "--weight-decay": ([], ["--from", "torch"]),
    "--alpha": ([], ["--from", "ridge"]),
    "--l1-ratio": ([], ["--from", "elasticnet", "--alpha", "0.1"]),
    "--from": ([], ["--alpha", "0.1"]),
}


def app_options() -> list[tuple[str, str]]:
    """``(command, option)`` for every option of every command that takes a value, read
    from the application itself, so an option added later is fuzzed too."""
    group = typer.main.get_command(app)
    return [
        (name, param.opts[0])
        for name, command in group.commands.items()  # type: ignore[attr-defined]
        for param in command.params
        if getattr(param, "param_type_name", "") == "option" and not getattr(param, "is_flag", 1)
    ]


OPTIONS = app_options()


def template(command: str, option: str, value: str) -> list[str]:
    """The command line that reads ``value`` as ``option``."""
    needs = CONVENTIONS_NEEDS if command == "conventions" else NEEDS
    drop, extra = needs.get(option, ([], []))
    base, args = BASE[command], []
    for k in range(0, len(base), 2):
        if base[k] not in drop and base[k] != option:
            args += base[k : k + 2]
    return [command, *args, *extra, option, value]


# Exact parsing has its own reader: these go through it.
EXACT = {
    ("step", "--w exact"): ["step", "--exact", "--grad", "1", "--w", "X"],
    ("run", "--target exact"): ["run", "--exact", "--w", "1", "--steps", "3", "--target", "X"],
    ("check", "--answer exact"): ["check", "--exact", "--w", "1", "--grad", "1", "--answer", "X"],
}


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


def test_every_option_of_the_app_is_reached() -> None:
    """Each template really reads its option: a value that is not valid is refused naming it
    (a template refused for another reason would fuzz nothing)."""
    assert len(OPTIONS) > 150  # six commands' options
    for command, option in OPTIONS:
        args = template(command, option, "@no-such-file.txt")
        done = _invoke(args, b"", Path.cwd())
        assert done.code == 2 and option in done.stderr, (args, done)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    option=st.sampled_from([*OPTIONS, *EXACT]),
    way=st.sampled_from(["file", "csv", "stdin", "inline"]),
    content=CONTENT,
)
def test_random_bytes_into_every_option(option: tuple[str, str], way: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        stdin = b""
        if way in ("file", "csv"):
            path = folder / ("in.csv" if way == "csv" else "in.txt")
            path.write_bytes(content)
            value = path.name if option[1] == "--data" else f"@{path.name}"
        elif way == "stdin":
            value, stdin = "-", content
        else:  # the command line carries no NUL; other bytes arrive as Python decodes argv
            value = content.replace(b"\x00", b"").decode("utf-8", "surrogateescape")
        if option in EXACT:
            args = [value if a == "X" else a for a in EXACT[option]]
        else:
            args = template(*option, value)
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
