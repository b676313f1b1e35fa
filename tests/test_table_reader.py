"""``--data`` files read by ``np.loadtxt`` equal the careful cell-by-cell parser, and a bad
cell in a big file still gets the careful parser's message naming its row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regtrace.errors import RegtraceError
from regtrace.parse.table import FAST_ROWS, _load_file, _parse_text, read_table

finite = st.floats(-1e300, 1e300)  # .3g of 1.7e308 would round past the largest float


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.integers(FAST_ROWS, FAST_ROWS + 30),
    cols=st.integers(2, 5),
    data=st.data(),
    header=st.booleans(),
    sep=st.sampled_from([",", ", ", " ", "\t"]),
)
def test_loadtxt_reads_the_same_numbers_as_the_careful_parser(
    tmp_path: Path, rows: int, cols: int, data: st.DataObject, header: bool, sep: str
) -> None:
    """Any finite floats, written as repr or with few digits, with or without a header, with
    comments and blank lines: the fast reader's table is the careful parser's, bit for bit."""
    values = data.draw(st.lists(finite, min_size=rows * cols, max_size=rows * cols))
    fmt = data.draw(st.sampled_from([repr, lambda x: f"{x:.3g}", lambda x: f"{x:.6e}"]))
    lines = ["# made by the test", ""]
    if header:
        lines.append(sep.join(f"c{j}" for j in range(cols)))
    for r in range(rows):
        lines.append(sep.join(fmt(v) for v in values[r * cols : (r + 1) * cols]) + "  # row")
    text = "\n".join(lines) + "\n"
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    loaded = _load_file(path)
    assert loaded is not None  # the fast reader took it
    careful, careful_header = _parse_text(text, "t")
    assert np.array_equal(loaded[0], careful)
    assert loaded[1] == careful_header
    table = read_table(str(path))
    assert np.array_equal(table.X, careful[:, :-1])
    assert np.array_equal(table.y, careful[:, -1])


def _big(tmp_path: Path, bad_line: str | None = None, at: int = 57) -> str:
    """A 60-row file (a header and rows ``r, 2r, 3r``); row ``at`` of the file replaced."""
    lines = ["a,b,y"] + [f"{r},{2 * r},{3 * r}" for r in range(1, 61)]
    if bad_line is not None:
        lines[at - 1] = bad_line
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("4,5", "row 57 has 2 values but row 2 has 3; every row needs the same number of columns"),
        ("4,five,6", ", row 57, column 2: 'five' is not a number"),
        ("1,,3", ": row 57, column 2 is empty; fill in the number"),
        ("1,nan,3", ", row 57, column 2: 'nan' is not finite"),
        ("1,2,1e999", ", row 57, column 3: '1e999' overflows float64"),
    ],
)
def test_a_bad_cell_in_a_big_file_is_named_by_row_and_column(
    tmp_path: Path, bad: str, message: str
) -> None:
    path = _big(tmp_path, bad)
    with pytest.raises(RegtraceError) as err:
        read_table(path)
    assert message in str(err.value)
    assert str(err.value).startswith(f"--data {path}")


def test_a_big_file_the_fast_reader_declines_is_still_read(tmp_path: Path) -> None:
    """Rows separated differently (commas, then spaces) or with a Unicode minus are not for
    ``np.loadtxt``; the careful parser reads them as before."""
    path = _big(tmp_path, "56 112 168", at=57)
    table = read_table(path)
    assert table.y.tolist() == [3.0 * r for r in range(1, 61)]
    path = _big(tmp_path, "\u22121,2,3", at=2)
    assert read_table(path).X[0].tolist() == [-1.0, 2.0]
