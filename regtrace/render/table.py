"""The trace as a Rich renderable: header lines, the trace table(s), then the notes.

Returned, never printed (STYLE.md habit 1): the CLI decides where it goes.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from regtrace.render.datawork import DataWork
from regtrace.render.work import Grid, Layout, Work


def grid_table(grid: Grid) -> Table:
    """One :class:`Grid` as a Rich table; cells are plain text, never markup."""
    table = Table(
        title=Text(grid.title, style="bold") if grid.title else None,
        title_justify="left",
        box=box.SIMPLE_HEAVY,
        header_style="bold",
    )
    for k, name in enumerate(grid.header):
        table.add_column(Text(name), justify="left" if k == 0 else "right", no_wrap=k == 0)
    for row in grid.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def trace_renderable(work: Work, layout: Layout, caption: str | None = None) -> RenderableType:
    """The whole trace of one step: what is computed, the table, the losses and notes."""
    head, *rest = work.header_lines()
    parts: list[RenderableType] = [Text(head, style="bold"), *(Text(line) for line in rest)]
    parts += [grid_table(grid) for grid in work.grids(layout)]
    parts += [Text(line) for line in work.notes()]
    if caption:
        parts.append(Text(caption, style="italic"))
    return Group(*parts)


def data_renderable(work: DataWork) -> RenderableType:
    """The data part of a step: model and loss, one row per sample, loss and gradient."""
    head, *rest = work.header_lines()
    parts: list[RenderableType] = [Text(head, style="bold"), *(Text(line) for line in rest)]
    parts.append(grid_table(work.grid()))
    parts += [Text(line) for line in work.notes()]
    return Group(*parts, Text(""))
