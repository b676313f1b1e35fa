"""The parser: inline text, @file and stdin to float arrays, and its one-line errors."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_scalar, parse_vector, parse_vector_or_scalar


@pytest.mark.parametrize(
    "text",
    [
        "2.5,-0.8,0.1",
        "2.5 -0.8 0.1",
        "2.5, -0.8,  0.1",
        "[2.5, -0.8, 0.1]",
        "[ 2.5 -0.8  0.1]",  # as NumPy prints an array
        "2.5,\u22120.8,0.1",  # the Unicode minus a web page uses
        "25e-1,-8E-1,+.1",
    ],
)
def test_inline_forms(text: str) -> None:
    """Commas and/or spaces, brackets, Unicode minus, scientific notation."""
    assert parse_vector(text, "--w").tolist() == [2.5, -0.8, 0.1]


def test_scalar_or_vector_strength() -> None:
    """One number is a scalar strength; several are per weight."""
    assert parse_vector_or_scalar("0.01", "--lam") == 0.01
    assert parse_vector_or_scalar("-1", "--lam") == -1.0  # a negative number, not stdin
    vec = parse_vector_or_scalar("0.01,0,0.01", "--lam")
    assert isinstance(vec, np.ndarray)
    assert vec.tolist() == [0.01, 0.0, 0.01]


def test_underflow_is_zero_not_an_error() -> None:
    """1e-400 is below the smallest subnormal: it is a number, and rounds to 0."""
    assert parse_vector("1e-400,5e-324", "--w").tolist() == [0.0, 5e-324]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2.5,,0.1", "--w: empty element at position 2 in '2.5,,0.1'; remove the extra comma"),
        ("2.5,0.1,", "--w: empty element at position 3 in '2.5,0.1,'"),
        ("2.5,abc", "--w, element 2: 'abc' is not a number; write numbers such as 2.5"),
        ("1_000", "--w, element 1: '1_000' is not a number"),
        ("0x10", "--w, element 1: '0x10' is not a number"),
        ("1,nan", "--w, element 2: 'nan' is not finite; NaN and infinity are not allowed"),
        ("-inf", "--w, element 1: '-inf' is not finite"),
        ("Infinity", "--w, element 1: 'Infinity' is not finite"),
        ("1e400", "--w, element 1: '1e400' overflows float64 (the largest is about 1.8e308)"),
        ("", "--w is empty; give numbers such as --w 2.5,-0.8,0.1"),
        ("  ", "--w is empty"),
        ("@", "--w: '@' needs a file name"),
    ],
)
def test_inline_errors(text: str, message: str) -> None:
    """Each error names the option, the token and its position, and how to fix it."""
    with pytest.raises(RegtraceError) as info:
        parse_vector(text, "--w")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "--lr: 'abc' is not a number"),
        ("nan", "--lr: 'nan' is not finite"),
        ("", "--lr is empty; give a number, e.g. --lr 0.1"),
    ],
)
def test_scalar_errors(text: str, message: str) -> None:
    """Scalars get the same kind of message."""
    with pytest.raises(RegtraceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_scalar(text, "--lr")


def test_text_and_csv_files(tmp_path: Path) -> None:
    """.txt: numbers on lines with # comments; .csv: a header row is allowed."""
    txt = tmp_path / "w.txt"
    txt.write_text("# weights\n2.5\n-0.8  # the second\n\n0.1\n")
    assert parse_vector(f"@{txt}", "--w").tolist() == [2.5, -0.8, 0.1]
    csv = tmp_path / "g.csv"
    csv.write_text("grad\n-0.2\n0.1\n-0.05\n")
    assert parse_vector(f"@{csv}", "--grad").tolist() == [-0.2, 0.1, -0.05]
    row = tmp_path / "row.csv"
    row.write_text("2.5,-0.8,0.1\n")
    assert parse_vector(f"@{row}", "--w").tolist() == [2.5, -0.8, 0.1]


def test_file_errors_name_the_line(tmp_path: Path) -> None:
    """A bad token in a file is reported with its line."""
    bad = tmp_path / "bad.txt"
    bad.write_text("1\n2\nthree\n")
    with pytest.raises(RegtraceError) as info:
        parse_vector(f"@{bad}", "--w")
    assert str(info.value) == (
        f"--w @{bad}, line 3, element 3: 'three' is not a number; "
        "write numbers such as 2.5, -0.8 or 1e-3"
    )


def test_table_file_is_not_a_vector(tmp_path: Path) -> None:
    """Several rows of several columns are a table, not a vector."""
    table = tmp_path / "t.csv"
    table.write_text("1,2\n3,4\n5,6\n")
    with pytest.raises(RegtraceError, match="holds a table of 3 rows and 2 columns"):
        parse_vector(f"@{table}", "--w")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    """A path that does not exist, or is a folder, says so."""
    with pytest.raises(RegtraceError, match=r"file '.*nope\.txt' does not exist; check the path"):
        parse_vector(f"@{tmp_path / 'nope.txt'}", "--w")
    with pytest.raises(RegtraceError, match="is a folder; give a file after @"):
        parse_vector(f"@{tmp_path}", "--w")


def test_binary_text_file(tmp_path: Path) -> None:
    """A file that is not text (and not .npy) gets a clear message."""
    blob = tmp_path / "w.txt"
    blob.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(RegtraceError, match=r"is not a text file; use \.txt, \.csv"):
        parse_vector(f"@{blob}", "--w")


def test_npy_files(tmp_path: Path) -> None:
    """.npy: 1-D numeric arrays load (ints converted); objects, 2-D and complex do not."""
    good = tmp_path / "w.npy"
    np.save(good, np.array([2.5, -0.8, 0.1]))
    assert parse_vector(f"@{good}", "--w").tolist() == [2.5, -0.8, 0.1]
    ints = tmp_path / "i.npy"
    np.save(ints, np.array([1, 2, 3], dtype=np.int32))
    assert parse_vector(f"@{ints}", "--w").tolist() == [1.0, 2.0, 3.0]

    objects = tmp_path / "o.npy"
    np.save(objects, np.array([1.0, "a"], dtype=object), allow_pickle=True)
    with pytest.raises(RegtraceError, match="holds Python objects \\(dtype object\\)"):
        parse_vector(f"@{objects}", "--w")
    matrix = tmp_path / "m.npy"
    np.save(matrix, np.ones((2, 3)))
    with pytest.raises(RegtraceError, match="has shape \\(2, 3\\); a vector must be one-dim"):
        parse_vector(f"@{matrix}", "--w")
    complex_ = tmp_path / "c.npy"
    np.save(complex_, np.array([1 + 2j]))
    with pytest.raises(
        RegtraceError, match=r"holds complex numbers \(dtype complex128\), not real"
    ):
        parse_vector(f"@{complex_}", "--w")
    nans = tmp_path / "n.npy"
    np.save(nans, np.array([1.0, np.nan]))
    with pytest.raises(RegtraceError, match="element 2 is nan; every value must be finite"):
        parse_vector(f"@{nans}", "--w")
    broken = tmp_path / "b.npy"
    broken.write_bytes(b"not numpy")
    with pytest.raises(
        RegtraceError, match=r"not a \.npy file \(it does not start with NumPy's header\); write"
    ):
        parse_vector(f"@{broken}", "--w")


def test_stdin() -> None:
    """``-`` reads standard input; empty input is an error."""
    assert parse_vector("-", "--w", stdin=io.StringIO("2.5\n-0.8\n0.1\n")).tolist() == [
        2.5,
        -0.8,
        0.1,
    ]
    with pytest.raises(RegtraceError, match="--w -: standard input is empty; pipe numbers in"):
        parse_vector("-", "--w", stdin=io.StringIO("  \n"))


def test_large_text_takes_the_fast_path_and_keeps_errors(tmp_path: Path) -> None:
    """Above 20,000 characters NumPy converts; a bad token still gets its exact message."""
    values = np.linspace(-1, 1, 5001)
    text = ",".join(repr(float(v)) for v in values)
    assert parse_vector(text, "--w").tolist() == values.tolist()
    bad = text + ",oops"
    with pytest.raises(RegtraceError, match="--w, element 5002: 'oops' is not a number"):
        parse_vector(bad, "--w")
    nan = text + ",nan"
    with pytest.raises(RegtraceError, match="element 5002: 'nan' is not finite"):
        parse_vector(nan, "--w")
