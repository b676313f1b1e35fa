"""Hostile input: devices, FIFOs, folders, endless stdin, odd bytes, huge tokens, huge exact
numbers and outputs too big to build. Each is one ``Error:`` line and exit 2 (or works)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from regtrace.cli import run
from regtrace.errors import RegtraceError
from tests.conftest import TEST_ENV, Invocation, invoke


def _one_error(done: Invocation) -> str:
    assert done.code == 2, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


def invoke_bytes(args: list[str], data: bytes) -> Invocation:
    """Like ``invoke``, with raw bytes on stdin."""
    runner = CliRunner()
    with runner.isolation(input=data, env=TEST_ENV) as (out, err, _):
        code = run(args)
        return Invocation(int(code), out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- what the thing after @ is ------------------------------------------------------------

VECTOR_OPTIONS = [
    ["step", "--grad", "1", "--w"],
    ["step", "--w", "1", "--grad"],
    ["run", "--w", "1", "--target"],
    ["sweep", "--w", "1", "--grad", "1", "--steps", "2", "--lams"],
    ["check", "--w", "1", "--grad", "1", "--answer"],
    ["step", "--y", "1", "--w", "0", "--x"],
]


@pytest.mark.parametrize("args", VECTOR_OPTIONS, ids=lambda a: a[-1])
def test_a_device_is_named(args: list[str]) -> None:
    """``@/dev/zero`` used to read until memory ran out."""
    assert "'/dev/zero' is a device, not a file" in _one_error(invoke([*args, "@/dev/zero"]))


def test_data_from_a_device_is_named() -> None:
    done = invoke(["run", "--data", "/dev/zero", "--steps", "1"])
    assert "'/dev/zero' is a device, not a file" in _one_error(done)


@pytest.mark.parametrize("args", VECTOR_OPTIONS, ids=lambda a: a[-1])
def test_a_fifo_is_refused_without_waiting(here: Path, args: list[str]) -> None:
    """A FIFO with no writer is never opened (opening it would wait forever)."""
    os.mkfifo(here / "pipe")
    assert "'pipe' is a named pipe (FIFO)" in _one_error(invoke([*args, "@pipe"]))


@pytest.mark.parametrize("args", VECTOR_OPTIONS, ids=lambda a: a[-1])
def test_a_folder_is_named(here: Path, args: list[str]) -> None:
    (here / "d").mkdir()
    assert "'d' is a folder; give a file after @" in _one_error(invoke([*args, "@d"]))


def test_the_explorer_edit_dialog_refuses_devices_and_fifos(here: Path) -> None:
    from regtrace.cli.explore_inputs import explore_state
    from regtrace.explore.edit import edited_state

    os.mkfifo(here / "pipe")
    state = explore_state()
    for spec, what in (("@/dev/zero", "is a device"), ("@pipe", "is a named pipe")):
        with pytest.raises(RegtraceError, match=what):
            edited_state(state, spec, "1")


def test_endless_stdin_stops_at_the_first_nul() -> None:
    """``--w - < /dev/zero``: binary on stdin is refused at byte 1."""
    import io
    import sys

    runner = CliRunner()
    with (
        io.TextIOWrapper(Path("/dev/zero").open("rb")) as zero,
        runner.isolation(env=TEST_ENV) as (_, err, _),
    ):
        sys.stdin = zero
        code = run(["step", "--w", "-", "--grad", "1"])
        message = err.getvalue().decode()
    assert code == 2
    assert "is not a text file" in message and "(a NUL byte at byte 1)" in message


def test_reading_stops_at_the_cap(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap streams: a file over it is refused, naming the cap and how to raise it."""
    monkeypatch.setenv("REGTRACE_MAX_INPUT_MB", "1")
    (here / "w.txt").write_text("1,\n" * 400_000)  # 1.2 MB
    line = _one_error(invoke(["step", "--w", "@w.txt", "--grad", "1"]))
    assert "more than 1 MiB" in line and "REGTRACE_MAX_INPUT_MB" in line
    done = invoke_bytes(["step", "--w", "-", "--grad", "1"], b"1\n" * 600_000)
    assert "more than 1 MiB" in _one_error(done)


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (
            [
                "check",
                "--w",
                "1",
                "--grad",
                "1",
                "--penalty",
                "elastic",
                "--lam1",
                "-",
                "--answer",
                "-",
            ],
            "--lam1",
        ),
        (["step", "--data", "-", "--w", "-"], "--data"),
        (
            [
                "step",
                "--w",
                "1",
                "--grad",
                "1",
                "--optimizer",
                "adam",
                "--t",
                "2",
                "--m",
                "-",
                "--v",
                "-",
            ],
            "--m",
        ),
    ],
    ids=["lam1+answer", "data+w", "m+v"],
)
def test_only_one_option_reads_stdin(args: list[str], first: str) -> None:
    line = _one_error(invoke(args, input="1\n"))
    assert "only one option can read stdin" in line or "one option" in line
    assert "stdin is empty" not in line and "standard input is empty" not in line


# -- bytes a person cannot see ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"1,2\x00,3", "(a NUL byte at byte 4)"),
        (b"1,2,\xff3", "the byte 0xff at byte 5 is not UTF-8"),
        ("1,2,\ufeff3".encode(), "a byte-order mark (U+FEFF) inside the text, on line 1"),
        ("1,\uff12,3".encode(), "the full-width digit '\uff12' (U+FF12)"),
    ],
    ids=["nul", "latin1", "bom-inside", "full-width"],
)
def test_odd_bytes_are_named_with_their_position(here: Path, data: bytes, named: str) -> None:
    (here / "w.txt").write_bytes(data)
    file_line = _one_error(invoke(["step", "--w", "@w.txt", "--grad", "1,1,1"]))
    stdin_line = _one_error(invoke_bytes(["step", "--w", "-", "--grad", "1,1,1"], data))
    for line in (file_line, stdin_line):
        assert named in line
        assert "\\udc" not in line and "\\ufeff" not in line and "\\x00" not in line


def test_odd_characters_inline_are_named() -> None:
    """On the command line: a full-width digit, a stray byte-order mark."""
    line = _one_error(invoke(["step", "--w", "1,\uff12", "--grad", "1,1"]))
    named = "'\uff12' holds the full-width digit '\uff12' (U+FF12) at character 1"
    assert f"{named}; type ASCII digits" in line
    line = _one_error(invoke(["step", "--w", "\ufeff1", "--grad", "1"]))
    assert "a byte-order mark (U+FEFF) at character 1" in line


@pytest.mark.parametrize("name", ["w.txt", "w.csv"])
def test_a_bom_at_the_start_is_accepted(here: Path, name: str) -> None:
    """What Excel writes: a BOM, then numbers (a header-less CSV) or a header."""
    (here / name).write_bytes(b"\xef\xbb\xbf1.5\n-2\n")
    done = invoke(["step", "--w", f"@{name}", "--grad", "0,0", "--penalty", "l2", "--lam", "0.5",
                   "--lr", "1", "--format", "csv"])  # fmt: skip
    assert done.code == 0, done.stderr
    # w_new = w - lr*2*lam*w = w - w = 0 for both weights
    assert [row.split(",")[9] for row in done.stdout.splitlines()[1:]] == ["0", "0"]


def test_a_bom_before_a_csv_header_is_accepted(here: Path) -> None:
    (here / "t.csv").write_bytes(b"\xef\xbb\xbfx,y\n1,2\n2,4\n")
    (here / "plain.csv").write_bytes(b"x,y\n1,2\n2,4\n")
    done = invoke(["step", "--data", "t.csv", "--w", "0", "--format", "csv"])
    assert done.code == 0, done.stderr
    assert (
        done.stdout == invoke(["step", "--data", "plain.csv", "--w", "0", "--format", "csv"]).stdout
    )


def test_a_huge_token_is_cut() -> None:
    """100,000 characters in, 40 of them and the length out."""
    line = _one_error(invoke(["step", "--w", "x" * 100_000, "--grad", "1"]))
    assert "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (100,000 characters)" in line
    assert len(line) < 300


def test_a_huge_token_in_a_file_is_cut(here: Path) -> None:
    (here / "w.txt").write_text("1," + "9" * 50_000 + "x")
    line = _one_error(invoke(["step", "--w", "@w.txt", "--grad", "1,1"]))
    assert "(50,001 characters)" in line and len(line) < 300


# -- numbers at the edges ---------------------------------------------------------------


def test_lams_count_in_superscript() -> None:
    line = _one_error(invoke(["sweep", "--w", "1", "--grad", "1", "--steps", "2",
                              "--lams", "0.1:1:²"]))  # fmt: skip
    assert "the count '²' must be a whole number from 1 to 10000" in line


def test_w_beyond_float64() -> None:
    line = _one_error(invoke(["step", "--w", "1e5000", "--grad", "1"]))
    assert "'1e5000' overflows float64" in line


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--exact", "--w", "1", "--grad", "1", "--lr", "1e-999999", "--steps", "3"],
        ["check", "--w", "1,1,1", "--grad", "1,1,1", "--answer", "1e9999999,1,1"],
        ["step", "--exact", "--w", "1e-99999999", "--grad", "1"],
    ],
    ids=["lr", "answer", "w"],
)
def test_huge_exponents_are_refused_before_building_a_fraction(args: list[str]) -> None:
    line = _one_error(invoke(args))
    assert "exact arithmetic takes numbers of up to 1,000 digits" in line


def test_exact_numbers_of_1000_digits_are_taken() -> None:
    """The limit is the limit: 1e-999 (1000 digits) works, and 1e-999 + 0 is 1e-999."""
    done = invoke(["step", "--exact", "--w", "1e-999", "--grad", "0", "--lam", "0",
                   "--penalty", "l2", "--format", "json"])  # fmt: skip
    assert done.code == 0, done.stderr


@pytest.mark.parametrize(
    ("args", "step"),
    [
        # w_k has about k*31 digits (lr has 31): past 2000 digits near step 65.
        (["run", "--exact", "--w", "1.123456789012345678901234567890,2", "--grad", "0.3,0.1",
          "--lr", "0.0123456789012345678901234567891", "--steps", "1000"], range(40, 70)),
        # 7-digit denominators: lr = 1/1234567 adds about 7 digits per step.
        (["run", "--exact", "--w", "1,2", "--target", "0.3,0.1", "--lr", "1/1234567",
          "--steps", "1000"], range(200, 300)),
        (["check", "--w", "1,2", "--grad", "0.3,0.1", "--lr", "0.1234567", "--lam", "0.0000007",
          "--steps", "1000", "--answer", "1,1"], range(100, 300)),
    ],
    ids=["run-30-digits", "run-7-digit-denominators", "check-1000-steps"],
)  # fmt: skip
def test_exact_growth_stops_naming_the_step(args: list[str], step: range) -> None:
    import re

    line = _one_error(invoke(args))
    found = re.search(r"at step (\d+) a weight needs more than 2000 digits", line)
    assert found is not None, line
    assert int(found[1]) in step


# -- outputs too big to build -----------------------------------------------------------


def test_a_json_step_of_ten_million_weights_is_refused(here: Path) -> None:
    np.save(here / "w.npy", np.zeros(10**7))
    line = _one_error(invoke(["step", "--w", "@w.npy", "--grad", "@w.npy", "--format", "json"]))
    # 10^7 weights x 2 penalties x 11 numbers = 2.2e8 numbers, 20 bytes each = 4.1 GiB
    assert "would hold 220,000,000 numbers, about 4.1 GiB of text" in line
    assert "--out FILE.npy" in line


def test_a_table_run_names_the_memory_its_kept_rows_would_take(here: Path) -> None:
    """A table shows a big run's rows as norms, so the limit it meets is the rows kept in
    memory, not text: 6 rows x 10^7 weights x 8 bytes = 457 MiB."""
    np.save(here / "w.npy", np.zeros(10**7))
    line = _one_error(invoke(["run", "--w", "@w.npy", "--grad", "@w.npy", "--steps", "50",
                              "--every", "10", "--penalty", "l2"]))  # fmt: skip
    assert "would keep 60,000,000 numbers, 457 MiB in memory" in line
    assert "of text" not in line and "--every" in line


def test_a_run_keeping_every_step_of_a_million_is_refused() -> None:
    w = ",".join(["1"] * 1000)
    line = _one_error(invoke(["run", "--w", w, "--grad", w, "--steps", "1000000", "--every",
                              "1", "--format", "json"]))  # fmt: skip
    # (10^6 + 1) kept rows x 1000 weights x 2 penalties
    assert "would hold 2,000,002,000 numbers" in line and "--every" in line


# -- overflow and extremes in the arithmetic -------------------------------------------


def test_data_with_1e300_and_1e_minus_300_in_one_column(here: Path) -> None:
    (here / "t.csv").write_text("1e300,1\n1e-300,2\n3,4\n")
    done = invoke(["run", "--data", "t.csv", "--steps", "2", "--lr", "0.1"])
    assert done.code in (0, 2)
    if done.code == 2:
        assert "overflows float64 at step" in _one_error(done)


@pytest.mark.parametrize(
    "args",
    [
        ["step", "--w", "1", "--grad", "1", "--optimizer", "adam", "--eps", "1e-320",
         "--format", "json"],
        ["step", "--w", "1", "--grad", "1", "--lam", "1e308", "--format", "json"],
        ["step", "--w", "1", "--grad", "1", "--lam", "1e308"],
    ],
    ids=["eps-1e-320-json", "lam-1e308-json", "lam-1e308-table"],
)  # fmt: skip
def test_extremes_work_or_are_one_line(args: list[str]) -> None:
    done = invoke(args)
    if done.code == 0:
        assert "inf" not in done.stdout.lower() and "nan" not in done.stdout.lower()
    else:
        assert "overflows float64" in _one_error(done)


# -- found again after later merges: exact printing, exact work, sizes, stdin formula -----


def test_a_terminating_decimal_of_thousands_of_places_prints_as_a_fraction() -> None:
    """(63/64)**1000 ends after 6000 decimals (its denominator is 2**6000): printed as a
    decimal it passed Python's 4300-digit limit and ended in a traceback."""
    done = invoke(["run", "--exact", "--w", "1", "--grad", "0", "--lr", "1/2", "--lam", "1/64",
                   "--steps", "1000", "--penalty", "l2", "--format", "csv"])  # fmt: skip
    assert done.code == 0, done.stderr
    # each step multiplies w by 1 - 2*(1/2)*(1/64) = 63/64
    assert f"{63**1000}/{2**6000}" in done.stdout


W100 = ",".join(str(k) for k in range(1, 101))


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["run", "--exact", "--w", W100, "--grad", W100, "--steps", "1000", "--penalty", "l2"],
         "1,000 steps x 100 weights is 100,000 weight updates"),
        (["sweep", "--exact", "--w", "1,1", "--grad", "1,1", "--steps", "1000", "--penalty",
          "l2", "--lams", ",".join(f"{k}/64" for k in range(1, 128))],
         "127 runs x 1,000 steps x 2 weights is 254,000 weight updates"),
        (["check", "--w", W100, "--grad", W100, "--steps", "1000", "--answer", W100],
         "1,000 steps x 100 weights is 100,000 weight updates"),
    ],
    ids=["run", "sweep", "check"],
)  # fmt: skip
def test_exact_work_is_bounded_before_any_step(args: list[str], said: str) -> None:
    """Each of these took a minute or more (the sweep's fractions stay under the digit limit)."""
    line = _one_error(invoke(args))
    assert said in line and "at most 30,000" in line


def test_one_exact_step_of_many_weights_is_not_refused() -> None:
    """One step does not grow the fractions: a 60,000-weight answer is graded (a bound of
    30,000 updates whatever the steps refused it), while 1000 steps of 31 weights are not."""
    n = 60_000
    w = ",".join(["2.5", "-0.8", "0.1"] * (n // 3))
    g = ",".join(["-0.2", "0.1", "-0.05"] * (n // 3))
    # the built-in example's L2 step: 2.5 - 0.1 x (-0.2 + 2 x 0.01 x 2.5) = 2.515, ...
    answer = ",".join(["2.515", "-0.8084", "0.1048"] * (n // 3))
    done = invoke(["check", "--w", w, "--grad", g, "--answer", answer, "--format", "json"])
    assert done.code == 0, done.stderr
    line = _one_error(invoke(["check", "--w", ",".join(["1"] * 31), "--grad",
                              ",".join(["1"] * 31), "--steps", "1000", "--answer",
                              ",".join(["1"] * 31)]))  # fmt: skip
    assert "1,000 steps x 31 weights is 31,000 weight updates" in line
    assert "do at most 30,000" in line


def test_a_long_check_says_its_search_for_the_mistake_was_cut() -> None:
    """Replaying every mistake from every starting step on 1000 steps took two minutes."""
    done = invoke(["check", "--w", "1,1,1", "--grad", "1,1,1", "--lr", "1/2", "--lam", "1/64",
                   "--penalty", "l2", "--steps", "1000", "--answer", "0.5,0.7,0.9"])  # fmt: skip
    assert done.code == 1
    assert done.stdout.rstrip().endswith(
        "Diagnosis: not every common mistake was tried: replaying them on 1,000 steps of 3 "
        "weights passes the search limit; check fewer steps to find the mistake"
    )


def test_a_sweep_too_big_to_build_is_refused(here: Path) -> None:
    np.save(here / "w.npy", np.ones(10**6))
    line = _one_error(invoke(["sweep", "--w", "@w.npy", "--grad", "@w.npy", "--steps", "1",
                              "--lams", "0.001:1:100", "--format", "json"]))  # fmt: skip
    # 100 lams x 2 penalties x 10^6 weights, 20 bytes each
    assert "the sweep (100 lams x 1,000,000 weights) would hold 200,000,000 numbers" in line


def test_an_optimizer_step_too_big_to_build_is_refused(here: Path) -> None:
    np.save(here / "w.npy", np.ones(10**6))
    seven = "sgd,adam,momentum,rmsprop,adagrad,nesterov,adamw"
    line = _one_error(invoke(["step", "--w", "@w.npy", "--grad", "@w.npy", "--format", "json",
                              "--compare", seven]))  # fmt: skip
    # 10^6 weights x 7 optimizers x 2 x 11 numbers (it wrote 1.5 GB and took 11 GB before)
    assert "would hold 154,000,000 numbers" in line


def test_the_loss_formula_reads_stdin_and_shares_it_with_no_other_option() -> None:
    done = invoke(["step", "--loss-fn", "-", "--w", "1", "--format", "json"], input="w0^2\n")
    assert done.code == 0, done.stderr
    assert '"w_new"' in done.stdout and "0.798" in done.stdout  # 1 - 0.1*(2 + 0.02)
    line = _one_error(invoke(["step", "--loss-fn", "-", "--w", "-"], input="w0^2\n"))
    assert "--loss-fn and --w both read standard input" in line


@pytest.mark.parametrize(
    "args",
    [["step", "--l2-form", "\udc80"], ["run", "--w", "1", "--grad", "1", "--compare", "\udc80"]],
)
def test_a_quoted_bad_value_names_its_byte(args: list[str]) -> None:
    """Click and --compare quote a bad value with repr: the byte is named, not escaped."""
    line = _one_error(invoke(args))
    assert "the byte 0x80, not UTF-8" in line and "\\udc" not in line
