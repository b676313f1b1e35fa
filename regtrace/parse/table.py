"""A table of data from ``--data FILE.csv`` or ``--x``/``--y`` text, as float arrays.

``--data``: a CSV file (or ``-``, standard input), one row per sample, the feature columns
then the target column, separated by commas (or spaces); a first row of names is a header
and labels the columns. ``--x``: rows separated by ``;`` or newlines (``"1,2; 3,4; 5,6"``),
``@file`` or ``-``; ``--y``: a vector, as ``--w`` takes one. Every failure raises
:class:`~regtrace.errors.RegtraceError` naming the row and column, as
:mod:`regtrace.parse.numbers` does for vectors.
"""

from __future__ import annotations

import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from regtrace.arrays import Matrix, Vector
from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_number, parse_vector
from regtrace.parse.source import (
    decode,
    max_input_bytes,
    read_bytes,
    read_stdin,
    regular_file,
    remember_file,
)

FAST_ROWS = 50  # from this many rows on, try NumPy's conversion before the cell-by-cell one


@dataclass(frozen=True, eq=False)
class Table:
    """Features ``X`` (rows x columns), target ``y`` and the column names."""

    X: Matrix
    y: Vector
    feature_names: tuple[str, ...]
    target_name: str


def _cells(line: str) -> list[str]:
    """Cells of one row: split on commas when there are any, else on whitespace."""
    return [c.strip() for c in line.split(",")] if "," in line else line.split()


def _is_header(cells: list[str]) -> bool:
    """A first row with no number in it names the columns (``hours,score``)."""
    for cell in cells:
        try:
            float(cell)
        except ValueError:
            continue
        return False
    return True


def _has_empty_cell(joined: str) -> bool:
    """``1,,3``, a leading or a trailing comma (string scans: a regex is slow on 10^5 rows)."""
    compact = joined.replace(" ", "").replace("\t", "")
    return (
        any(s in compact for s in (",,", "\n,", ",\n"))
        or compact[:1] == ","
        or (compact[-1:] == ",")
    )


def _fast_rows(rows: list[tuple[int, str]]) -> Matrix | None:
    """Convert a well-formed table in C; ``None`` sends it to the cell-by-cell path, which
    finds and names the bad cell (a table of 10^5 rows parses in a fraction of the time)."""
    lines = [line.replace(",", " ") for _, line in rows]
    widths = {len(line.split()) for line in lines}
    joined = "\n".join(line for _, line in rows)
    if len(widths) != 1 or "_" in joined or _has_empty_cell(joined):
        return None
    try:
        flat = np.array(" ".join(lines).split(), dtype=np.float64)
    except ValueError:
        return None
    if not np.all(np.isfinite(flat)):
        return None
    return flat.reshape(len(rows), widths.pop())


def parse_rows(rows: list[tuple[int, str]], where: str) -> Matrix:
    """Numbers in ``(row number, text)`` pairs, every row as long as the first."""
    fast = _fast_rows(rows) if len(rows) > FAST_ROWS else None
    if fast is not None:
        return fast
    width: int | None = None
    values: list[list[float]] = []
    for number, line in rows:
        cells = _cells(line)
        if width is None:
            width = len(cells)
        elif len(cells) != width:
            raise RegtraceError(
                f"{where}: row {number} has {len(cells)} values but row {rows[0][0]} has "
                f"{width}; every row needs the same number of columns"
            )
        row = []
        for col, cell in enumerate(cells, start=1):
            if not cell:
                raise RegtraceError(
                    f"{where}: row {number}, column {col} is empty; fill in the number"
                )
            row.append(parse_number(cell, f"{where}, row {number}, column {col}"))
        values.append(row)
    return np.array(values, dtype=np.float64)


def parse_matrix(spec: str, name: str = "--x") -> Matrix:
    """A feature matrix from ``"1,2; 3,4"`` (rows by ``;`` or newline) or ``@file``."""
    text, where = spec, name
    if spec.strip() == "-":
        text, where = read_stdin(name), f"{name} (stdin)"
    elif spec.strip().startswith("@"):
        path = regular_file(spec.strip()[1:], name)
        text, where = _read(path, name), f"{name} @{path}"
    rows = [
        (k, line.split("#", 1)[0].strip())
        for k, line in enumerate(text.replace(";", "\n").splitlines(), start=1)
    ]
    rows = [(k, line) for k, line in rows if line]
    if not rows:
        raise RegtraceError(f'{where} is empty; give rows such as {name} "1,2; 3,4; 5,6"')
    # Inline rows are numbered 1, 2, ... as written, so blank pieces do not shift numbers.
    return parse_rows(rows, where)


def _read(path: Path, name: str) -> str:
    """The text of a table file: UTF-8, a byte-order mark at the start skipped."""
    data = read_bytes(path, name)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise RegtraceError(f"{name}: '{path}' is not a text file; save the table as CSV") from None
    return decode(data, f"{name} {path}")


_UTF8_BOM = b"\xef\xbb\xbf"


def _clean_bytes(path: Path) -> bool:
    """Whether ``path`` is a regular file within the reading limit with no NUL byte and no
    byte-order mark past its start: what :func:`_read` would refuse and ``np.loadtxt`` might
    not (in a comment). One streaming pass of ``memchr`` speed; remembers the file as an
    input."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_input_bytes():
                return False
            remember_file(path)
            tail, start = b"", True
            while chunk := handle.read(1 << 20):
                if b"\0" in chunk:
                    return False
                joined = tail + chunk
                if joined.find(_UTF8_BOM, 1 if start else 0) >= 0:
                    return False
                tail, start = joined[-2:], False
    except OSError:
        return False
    return True


def _load_file(path: Path) -> tuple[Matrix, list[str] | None] | None:
    """A well-formed CSV file read by ``np.loadtxt`` (in C, chunk by chunk: about the time
    and memory of the float table itself), with its header; ``None`` for anything it does
    not read cleanly (ragged rows, empty cells, non-numbers, NaN or infinity, mixed
    separators, bytes that are not UTF-8, a NUL, the reading limit), which the careful
    parser then reads or names the problem of. A byte-order mark at the start is skipped."""
    if not _clean_bytes(path):
        return None
    skip, first = 0, ""
    try:
        with path.open(encoding="utf-8-sig") as f:
            for raw in f:
                skip += 1
                first = raw.split("#", 1)[0].strip()
                if first:
                    break
    except (OSError, UnicodeDecodeError):
        return None
    if not first:
        return None
    header = _cells(first) if _is_header(_cells(first)) else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "input contained no data": a header and no rows
            table = np.loadtxt(
                path,
                dtype=np.float64,
                delimiter="," if "," in first else None,  # as _cells splits the rows
                comments="#",
                skiprows=skip if header is not None else skip - 1,
                ndmin=2,
                encoding="utf-8-sig",
            )
    except (ValueError, UnicodeDecodeError, OSError, UserWarning):
        return None
    if table.shape[0] < FAST_ROWS or not np.isfinite(table).all():
        return None  # a few rows: the careful parser's result, cell by cell, is the rule
    return table, header


def _parse_text(text: str, where: str) -> tuple[Matrix, list[str] | None]:
    """The table in ``text`` and its header, cell by cell, naming any bad row and column."""
    rows = [(k, line.split("#", 1)[0].strip()) for k, line in enumerate(text.splitlines(), 1)]
    rows = [(k, line) for k, line in rows if line]
    if not rows:
        raise RegtraceError(f"{where} is empty; give one row per sample: features, then target")
    header: list[str] | None = None
    if _is_header(_cells(rows[0][1])):
        header = _cells(rows[0][1])
        rows = rows[1:]
        if not rows:
            raise RegtraceError(f"{where} has a header but no rows of numbers")
    return parse_rows(rows, where), header


def read_table(path_text: str, name: str = "--data") -> Table:
    """A CSV file (``-``: standard input): feature columns then the target column, with an
    optional header row. A well-formed file goes through ``np.loadtxt`` (:func:`_load_file`);
    anything else through the careful parser, which names the row and column at fault."""
    loaded = None
    if path_text.strip() == "-":
        text, where = read_stdin(name), f"{name} (stdin)"
    else:
        if not path_text.removeprefix("@"):
            raise RegtraceError(f"{name} needs a file name, e.g. {name} data.csv")
        path = regular_file(path_text.removeprefix("@"), name, after="")
        where = f"{name} {path}"
        loaded = _load_file(path)
        text = "" if loaded is not None else _read(path, name)
    table, header = loaded if loaded is not None else _parse_text(text, where)
    if header is not None and len(header) != table.shape[1]:
        raise RegtraceError(
            f"{where}: the header has {len(header)} names but the rows have "
            f"{table.shape[1]} columns; give one name per column"
        )
    if table.shape[1] < 2:
        raise RegtraceError(
            f"{where} has one column; give the feature columns, then the target column"
        )
    names = tuple(header) if header else tuple(f"x{j}" for j in range(table.shape[1] - 1))
    target = header[-1] if header else "y"
    feature_names = names[:-1] if header else names
    # X is a view of the table (no second copy of 10^5 x 50 floats); y, one column, a copy
    return Table(table[:, :-1], table[:, -1].copy(), feature_names, target)


def resolve_table(data: str | None, x: str | None, y: str | None) -> Table:
    """``--data FILE`` or ``--x`` with ``--y``, never both."""
    if data is not None and (x is not None or y is not None):
        raise RegtraceError("give the data once: --data FILE.csv, or --x with --y, not both")
    if data is not None:
        return read_table(data)
    if x is None or y is None:
        given, missing = ("--x", "--y") if y is None else ("--y", "--x")
        raise RegtraceError(
            f"{given} needs {missing} too: --x holds the feature rows, --y one target per row"
        )
    X = parse_matrix(x, "--x")
    y_vec = parse_vector(y, "--y")
    if y_vec.size != X.shape[0]:
        raise RegtraceError(
            f"--x has {X.shape[0]} rows but --y has {y_vec.size} values; give one target per row"
        )
    return Table(X, y_vec, tuple(f"x{j}" for j in range(X.shape[1])), "y")


__all__ = ["Table", "parse_matrix", "parse_rows", "read_table", "resolve_table"]
