"""``.npy`` inputs: memory-mapped when that saves memory, and a clear error for every file
that is not a 1-D array of real numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from regtrace.engine.step import step
from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_vector
from tests.conftest import invoke

SAVE_FLOATS = "save a float array, e.g. numpy.save(path, w.astype(float))"


def test_float64_file_stays_memory_mapped_through_the_engine(tmp_path: Path) -> None:
    """A float64 ``.npy`` is mapped, not read into memory, and the engine uses it in place:
    the report's ``w`` shares memory with the mapped file (no copy of the input)."""
    path = tmp_path / "w.npy"
    np.save(path, np.linspace(-1.0, 1.0, 1000))
    w = parse_vector(f"@{path}", "--w")
    assert isinstance(w, np.memmap)
    report = step(w, np.zeros(1000), lam=0.01, lr=0.1, penalties=["l2"])
    assert np.shares_memory(report.w, w)
    assert not w.flags.writeable  # mapped read-only: the input file cannot be changed


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (np.array([1, -2, 3], dtype=np.int32), [1.0, -2.0, 3.0]),
        (np.array([True, False]), [1.0, 0.0]),
        (np.array([0.5, -0.25], dtype=np.float32), [0.5, -0.25]),  # exact in binary
        (np.array([0.5, 2.0], dtype=">f8"), [0.5, 2.0]),  # big-endian: converted, same values
        (np.array([2**53], dtype=np.uint64), [9007199254740992.0]),
    ],
    ids=["int32", "bool", "float32", "big-endian", "uint64"],
)
def test_real_dtypes_are_converted(
    tmp_path: Path, values: np.ndarray, expected: list[float]
) -> None:
    """Integers, booleans and other float widths become float64 with the same values."""
    path = tmp_path / "v.npy"
    np.save(path, values)
    got = parse_vector(f"@{path}", "--w")
    assert got.dtype == np.float64
    assert got.tolist() == expected


def _error(tmp_path: Path, make: object) -> str:
    """The CLI's one error line for ``--w @bad.npy``."""
    path = tmp_path / "bad.npy"
    if callable(make):
        make(path)
    result = invoke(["step", "--w", f"@{path}", "--grad", "1"])
    assert result.code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    return line.replace(str(path), "PATH")


def _save(values: np.ndarray, *, pickle: bool = False) -> object:
    return lambda path: np.save(path, values, allow_pickle=pickle)


def _write(data: bytes) -> object:
    return lambda path: path.write_bytes(data)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            _save(np.array([1.0, None], dtype=object), pickle=True),
            f"the file holds Python objects (dtype object); {SAVE_FLOATS}",
        ),
        (
            _save(np.array([1 + 2j])),
            f"the file holds complex numbers (dtype complex128), not real numbers; {SAVE_FLOATS}",
        ),
        (
            _save(np.array(["1.5", "2"])),
            f"the file holds text (dtype <U3), not real numbers; {SAVE_FLOATS}",
        ),
        (
            _save(np.array([b"1"])),
            f"the file holds bytes (dtype |S1), not real numbers; {SAVE_FLOATS}",
        ),
        (
            _save(np.array(["2026-01-01"], dtype="datetime64[D]")),
            f"the file holds dates (dtype datetime64[D]), not real numbers; {SAVE_FLOATS}",
        ),
        (
            _save(np.array([5], dtype="timedelta64[s]")),
            f"the file holds time spans (dtype timedelta64[s]), not real numbers; {SAVE_FLOATS}",
        ),
        (
            _save(np.zeros(2, dtype=[("a", "f8"), ("b", "i4")])),
            "the file holds records with fields (dtype [('a', '<f8'), ('b', '<i4')]), "
            f"not real numbers; {SAVE_FLOATS}",
        ),
        (
            _save(np.zeros((2, 3))),
            "the array has shape (2, 3); a vector must be one-dimensional "
            "(save it with numpy.ravel or numpy.atleast_1d)",
        ),
        (
            _save(np.float64(3.0)),
            "the array has a single number without a shape; a vector must be one-dimensional "
            "(save it with numpy.ravel or numpy.atleast_1d)",
        ),
        (_save(np.zeros(0)), "is empty; give at least one number"),
        (_save(np.array([1.0, np.nan])), "element 2 is nan; every value must be finite"),
        (_save(np.array([-np.inf])), "element 1 is -inf; every value must be finite"),
        (
            _write(b""),
            "not a .npy file (it does not start with NumPy's header); write it with "
            "numpy.save, or use .txt/.csv for numbers as text",
        ),
        (
            _write(b"1.5, 2.5\n"),
            "not a .npy file (it does not start with NumPy's header); write it with "
            "numpy.save, or use .txt/.csv for numbers as text",
        ),
        (
            _write(b"\x93NUMPY\x01\x00\x10\x00{garbage}      \n"),
            "the .npy header is damaged; save the file again",
        ),
    ],
    ids=[
        "objects",
        "complex",
        "text",
        "bytes",
        "dates",
        "timedelta",
        "records",
        "2-D",
        "0-D",
        "empty",
        "nan",
        "inf",
        "zero bytes",
        "text file named .npy",
        "damaged header",
    ],
)
def test_bad_npy_files(tmp_path: Path, make: object, message: str) -> None:
    """Each unusable ``.npy`` gets one line naming the option, the file and the fix."""
    sep = " " if message.startswith("is empty") else ": "
    assert _error(tmp_path, make) == f"Error: --w @PATH{sep}{message}"


def test_truncated_npy(tmp_path: Path) -> None:
    """A file cut off after its header (an interrupted copy) says so."""
    path = tmp_path / "bad.npy"
    np.save(path, np.arange(100.0))
    path.write_bytes(path.read_bytes()[:-8])
    assert _error(tmp_path, None) == (
        "Error: --w @PATH: the file is shorter than its header says (cut off while being "
        "written or copied?); save it again"
    )


def test_longdouble_beyond_float64(tmp_path: Path) -> None:
    """A finite extended-precision value too big for float64 is an overflow, not "inf"."""
    big = np.array([np.longdouble("1e400"), 1.0])
    if not np.isfinite(big[0]):  # platforms where longdouble is float64
        pytest.skip("longdouble has no range beyond float64 here")
    assert _error(tmp_path, _save(big)) == (
        "Error: --w @PATH: element 1 overflows float64 (the largest is about 1.8e308); "
        "rescale your numbers"
    )


def test_npz_archive_is_not_an_input(tmp_path: Path) -> None:
    """``--w @x.npz`` is not read as text: it names the formats that are accepted."""
    path = tmp_path / "x.npz"
    np.savez(path, w=np.zeros(2))
    with pytest.raises(RegtraceError, match=r"is not a text file; use \.txt, \.csv"):
        parse_vector(f"@{path}", "--w")
