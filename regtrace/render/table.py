"""The trace as a Rich renderable: header lines, the trace table(s), then the notes.

Returned, never printed: the CLI decides where it goes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from regtrace.render.work import Grid, Layout, TraceText


def _cell(text: str) -> Text:
    """A cell as plain text (never markup); worked arithmetic puts its result on a second
    line, so a narrow terminal breaks ``2.5 - 0.1x(-0.15) = 2.515`` before the ``=``."""
    expr, sep, value = text.rpartition(" = ")
    return Text(f"{expr}\n= {value}" if sep else text)


def grid_table(grid: Grid) -> Table:
    """One :class:`Grid` as a Rich table; cells are plain text, never markup."""
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
            no_wrap=k == 0,
            overflow="fold",  # never hide digits behind an ellipsis
        )
    for row in grid.rows:
        table.add_row(*(_cell(cell) for cell in row))
    return table


def page_renderable(
    lines: list[str], grids: Sequence[Grid], notes: list[str], caption: str | None = None
) -> RenderableType:
    """A bold first line, the other lines, the tables, then the notes."""
    head, *rest = lines
    parts: list[RenderableType] = [Text(head, style="bold"), *(Text(line) for line in rest)]
    parts += [grid_table(grid) for grid in grids]
    parts += [Text(line) for line in notes]
    if caption:
        parts.append(Text(caption, style="italic"))
    return Group(*parts)


def natural_width(table: Table) -> int:
    """Columns ``table`` needs without wrapping any cell, as Rich measures it."""
    console = Console(width=100_000, file=io.StringIO())
    return Measurement.get(console, console.options, table).maximum


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


def trace_renderable(
    work: TraceText, layout: Layout, caption: str | None = None, width: int | None = None
) -> RenderableType:
    """The whole trace of one step: what is computed, the table, the losses and notes.

    ``width`` is the terminal's (``None`` when piped: tables keep their natural width).
    """
    grids = fitted_grids(work, layout, width)
    return page_renderable(work.header_lines(), grids, work.notes(), caption)
