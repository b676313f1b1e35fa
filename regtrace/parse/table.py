"""A table of data from ``--data FILE.csv`` or ``--x``/``--y`` text, as float arrays.

``--data``: a CSV file (or ``-``, standard input), one row per sample, the feature columns
then the target column, separated by commas (or spaces); a first row of names is a header
and labels the columns. ``--x``: rows separated by ``;`` or newlines (``"1,2; 3,4; 5,6"``),
``@file`` or ``-``; ``--y``: a vector, as ``--w`` takes one. Every failure raises
:class:`~regtrace.errors.RegtraceError` naming the row and column, as
:mod:`regtrace.parse.numbers` does for vectors.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from regtrace.arrays import Matrix, Vector
from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_number, parse_vector

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
        text, where = sys.stdin.read(), f"{name} (stdin)"
    elif spec.strip().startswith("@"):
        path = _existing(spec.strip()[1:], name)
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


def _existing(path_text: str, name: str) -> Path:
    if not path_text:
        raise RegtraceError(f"{name} needs a file name, e.g. {name} data.csv")
    path = Path(path_text)
    if not path.exists():
        raise RegtraceError(f"{name}: file '{path}' does not exist; check the path")
    if path.is_dir():
        raise RegtraceError(f"{name}: '{path}' is a folder; give a CSV file")
    return path


def _read(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RegtraceError(f"{name}: '{path}' is not a text file; save the table as CSV") from None
    except OSError as exc:
        raise RegtraceError(f"{name}: cannot read '{path}' ({exc.strerror})") from None


def _load_file(path: Path) -> tuple[Matrix, list[str] | None] | None:
    """A well-formed CSV file read by ``np.loadtxt`` (in C, chunk by chunk: about the time
    and memory of the float table itself), with its header; ``None`` for anything it does
    not read cleanly (ragged rows, empty cells, non-numbers, NaN or infinity, mixed
    separators, undecodable text), which the careful parser then reads or names the problem.
    """
    skip, first = 0, ""
    try:
        with path.open(encoding="utf-8") as f:
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
                encoding="utf-8",
            )
    except (ValueError, UnicodeDecodeError, OSError, UserWarning):
        return None
    if table.shape[0] < FAST_ROWS or not np.isfinite(table).all():
        return None  # a few rows: the careful parser's result, cell by cell, is the rule
    return table, header


def read_table(path_text: str, name: str = "--data") -> Table:
    """A CSV file (``-``: standard input): feature columns then the target column, with an
    optional header row."""
    loaded = None
    if path_text.strip() == "-":
        text, where = sys.stdin.read(), f"{name} (stdin)"
    else:
        path = _existing(path_text.removeprefix("@"), name)
        where = f"{name} {path}"
        loaded = _load_file(path)
        text = "" if loaded is not None else _read(path, name)
    if loaded is not None:
        table, header = loaded
    else:
        table, header = _parse_text(text, where)
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
