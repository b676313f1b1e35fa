"""A :class:`~regtrace.render.page.Page` as CSV: its machine-readable table, numbers rounded to
``--digits`` like the table (JSON keeps full float64 precision)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from regtrace.render.page import Grid, Page


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A header row and rows as CSV text (``csv`` loads here: a table needs only :func:`grid`)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def page_csv(page: Page) -> str:
    """The page's own CSV table; without one, every table of the page, one row per table
    row, with a ``table`` column naming the table when there are several."""
    if page.csv is not None:
        return rows_csv(page.csv.header, page.csv.rows)
    grids = page.grids()
    if len(grids) == 1:
        return rows_csv(grids[0].header, grids[0].rows)
    width = max(len(g.header) for g in grids)
    same = all(len(g.header) == width for g in grids)
    header = grids[0].header if same else tuple(f"column{k + 1}" for k in range(width))
    rows = [(g.title or "", *row, *[""] * (width - len(row))) for g in grids for row in g.rows]
    return rows_csv(("table", *header), rows)


def grid(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Grid:
    """A CSV table as a :class:`Grid`."""
    return Grid(None, tuple(header), tuple(tuple(r) for r in rows), math=False)
