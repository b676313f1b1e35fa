"""A :class:`~regtrace.render.page.Page` as a Rich renderable, fitted to the terminal.

Returned, never printed: the CLI decides where it goes. A table too wide for the terminal is
drawn narrower, in this order: its own narrower alternatives (the side-by-side trace cut per
penalty), the table turned (columns become rows), or one small table per row. A column is
never squeezed below its longest word, so no header word and no number is broken.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from regtrace.render.page import Grid, Heading, Layout, Line, Page, TraceText
from regtrace.render.plain import cell_text


def _cell(text: str) -> Text:
    """A cell as plain text (never markup), the result of worked arithmetic on a second line."""
    return Text(cell_text(text))


def _words(text: str) -> int:
    return max((len(word) for word in text.split()), default=1)


def _lines(text: str) -> int:
    return max(len(line) for line in _cell(text).plain.splitlines()) if text else 0


def grid_table(grid: Grid, widths: Sequence[int] | None = None) -> Table:
    """One :class:`Grid` as a Rich table; cells are plain text, never markup. ``widths``
    fixes each column's width (cells wrap at spaces inside it)."""
    table = Table(
        title=Text(grid.title, style="bold") if grid.title else None,
        title_justify="left",
        box=box.SIMPLE_HEAVY,
        header_style="bold",
        pad_edge=False,
    )
    for k, name in enumerate(grid.header):
        table.add_column(
            Text(name),
            justify="left" if k == 0 else "right",
            no_wrap=k == 0 and widths is None,
            overflow="fold",  # never hide digits behind an ellipsis
            width=None if widths is None else widths[k],
        )
    for row in grid.rows:
        table.add_row(*(_cell(cell) for cell in row))
    return table


def natural_width(table: Table) -> int:
    """Columns ``table`` needs without wrapping any cell, as Rich measures it."""
    console = Console(width=100_000, file=io.StringIO())
    return Measurement.get(console, console.options, table).maximum


def squeezed(grid: Grid, width: int) -> list[int] | None:
    """Column widths that fit ``grid`` in ``width`` columns, taking from the widest column
    first and never going below a column's longest word; ``None`` when that cannot fit."""
    columns = list(zip(grid.header, *grid.rows, strict=True))
    widest = [max(_lines(text) for text in column) for column in columns]
    least = [max(_words(text) for text in column) for column in columns]
    overhead = natural_width(grid_table(grid, widest)) - sum(widest)
    room = width - overhead
    if sum(least) > room:
        return None
    widths = list(widest)
    while sum(widths) > room:
        k = max(range(len(widths)), key=lambda j: widths[j] - least[j])
        widths[k] -= 1
    return widths


def turned(grid: Grid) -> Grid:
    """The table with rows and columns swapped: the header becomes the first column."""
    columns = tuple(zip(grid.header, *grid.rows, strict=True))
    return Grid(grid.title, columns[0], columns[1:], grid.math)


def records(grid: Grid) -> list[Grid]:
    """One two-column table per row, headed by the row's first cell, each other header
    beside its value; the first carries the table's title."""
    out = []
    for k, row in enumerate(grid.rows):
        pairs = tuple(zip(grid.header[1:], row[1:], strict=True))
        title = grid.title if k == 0 else None
        out.append(Grid(title, (grid.header[0], row[0]), pairs, grid.math))
    return out


def cards(grid: Grid) -> list[Grid]:
    """One small table per item: per row, or per column when that makes fewer tables."""
    per_row, per_column = records(grid), records(turned(grid))
    return per_row if len(per_row) <= len(per_column) else per_column


def fit(grid: Grid, width: int | None) -> list[Table]:
    """``grid`` drawn as one or more tables that fit ``width`` columns (``None``: as it is).

    Tried in order, first at natural size and then with cells wrapped at their spaces: the
    table, its narrower alternatives, the table turned; last, one small table per item (per
    row, or per column when that makes fewer tables).
    """
    if width is None:
        return [grid_table(grid)]
    options: list[tuple[Grid, ...]] = [(grid,)]
    if grid.alternatives:
        options.append(grid.alternatives)
    turn = turned(grid)
    if len(turn.header) < len(grid.header):
        options.append((turn,))
    for option in options:
        if all(natural_width(grid_table(g)) <= width for g in option):
            return [grid_table(g) for g in option]
    items = cards(grid)
    for option in (*options, tuple(items)):
        widths = [squeezed(g, width) for g in option]
        if all(w is not None for w in widths):
            return [grid_table(g, w) for g, w in zip(option, widths, strict=True)]
    return [grid_table(g) for g in items]  # a single word wider than the terminal


def page_renderable(page: Page, width: int | None = None) -> RenderableType:
    """The page for a terminal of ``width`` columns (``None`` when piped: natural width)."""
    parts: list[RenderableType] = [Text(page.title, style="bold")]
    for block in page.blocks:
        if isinstance(block, Line):
            parts.append(Text(block.text))
        elif isinstance(block, Heading):
            parts += [Text(""), Text(block.text, style="bold")]
        else:
            parts += fit(block, width)
    if page.caption:
        parts.append(Text(page.caption, style="italic"))
    return Group(*parts)


def fitted_grids(
    work: TraceText,
    layout: Layout,
    width: int | None,
    measure: Callable[[Grid], int] | None = None,
) -> list[Grid]:
    """The grids of ``layout``; a side-by-side table too wide for ``width`` columns is
    split into one side-by-side table per penalty (or optimizer). ``measure`` gives the
    columns a grid needs as drawn (default: as a Rich table; ``regtrace explore`` draws
    DataTables)."""
    grids = list(work.grids(layout))
    if layout is not Layout.WIDE or width is None:
        return grids
    needed = measure(grids[0]) if measure else natural_width(grid_table(grids[0]))
    if needed <= width:
        return grids
    split = work.split_wide()
    return split if len(split) > 1 else grids
