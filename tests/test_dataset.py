"""Tables from text and CSV files: the fast path for big tables agrees with the careful one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace.errors import RegtraceError
from regtrace.parse.table import FAST_ROWS, parse_matrix, read_table

BIG = FAST_ROWS + 10


def big_rows(bad_row: int | None = None, cell: str = "x") -> str:
    """BIG rows ``i, 2i, 3i``; row ``bad_row`` (1-based) gets ``cell`` in column 2."""
    rows = [f"{i},{2 * i},{3 * i}" for i in range(1, BIG + 1)]
    if bad_row is not None:
        rows[bad_row - 1] = f"{bad_row},{cell},{3 * bad_row}"
    return "\n".join(rows) + "\n"


def test_big_table_reads_in_one_go(tmp_path: Path) -> None:
    """A clean table of more than FAST_ROWS rows: column j of row i is (j + 1) i."""
    path = tmp_path / "big.csv"
    path.write_text("a,b,t\n" + big_rows(), encoding="utf-8")
    table = read_table(str(path))
    i = np.arange(1, BIG + 1, dtype=float)
    assert table.X.tolist() == np.column_stack([i, 2 * i]).tolist()
    assert table.y.tolist() == (3 * i).tolist()
    assert table.feature_names == ("a", "b") and table.target_name == "t"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("x", "--x, row 57, column 2: 'x' is not a number"),
        ("", "--x: row 57, column 2 is empty; fill in the number"),
        ("nan", "--x, row 57, column 2: 'nan' is not finite"),
        ("1_000", "--x, row 57, column 2: '1_000' is not a number"),
    ],
)
def test_big_table_errors_still_name_the_cell(cell: str, message: str) -> None:
    """A bad cell deep in a big table is found and named as in a small one."""
    with pytest.raises(RegtraceError) as info:
        parse_matrix(big_rows(57, cell))
    assert str(info.value).startswith(message)


def test_big_ragged_table() -> None:
    """A short row deep in a big table is named with its number."""
    text = big_rows().replace("\n57,114,171\n", "\n57,114\n")
    with pytest.raises(RegtraceError, match="--x: row 57 has 2 values but row 1 has 3"):
        parse_matrix(text)


def test_unicode_minus_in_a_big_table() -> None:
    """A web page's minus sign (U+2212) is read as '-' on either path."""
    text = big_rows(5, "\u22122")
    assert parse_matrix(text)[4].tolist() == [5.0, -2.0, 15.0]


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=2),
        min_size=1,
        max_size=2 * FAST_ROWS,
    ),
    sep=st.sampled_from([",", ", ", " "]),
)
def test_text_round_trip(rows: list[list[float]], sep: str) -> None:
    """Any table written with repr() and read back gives the same floats, on both paths."""
    text = "; ".join(sep.join(repr(v) for v in row) for row in rows)
    assert parse_matrix(text).tolist() == rows
