"""Pane 1, Trace: the ``regtrace step`` table for the current inputs (L2 and L1 side by side).

The cells are the strings of :class:`regtrace.render.step_text.Work`, the same as the CLI's
``--digits`` output, so a number on screen is the number ``regtrace step`` prints; a
side-by-side table too wide for the pane splits into one per penalty, as the CLI's does.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from regtrace.render.step_text import Grid, Layout, Work
from regtrace.render.table import fitted_grids


class TraceTable(DataTable[Text]):
    """A read-only grid: it never takes focus, so the arrow keys stay with the app."""

    can_focus = False


class TracePane(VerticalScroll):
    """The update rule and inputs, the trace grid(s), then the losses and decay factor."""

    DEFAULT_CSS = """
    TracePane TraceTable { height: auto; margin: 1 0 1 0; }
    TracePane TraceTable.titled { margin-top: 0; }
    TracePane .grid-title { height: auto; margin: 1 0 0 0; text-style: bold; }
    TracePane #trace-head { text-style: none; }
    TracePane #trace-notes { margin-top: 1; }
    """

    def __init__(self, n_grids: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.n_grids = n_grids  # the most grids a layout can need; unused ones are hidden
        self._shown: tuple[Work, Layout] | None = None

    def compose(self) -> ComposeResult:
        """Header lines, the tables (each under its title, e.g. "L2, one row per weight"), notes."""
        yield Static(id="trace-head")
        for k in range(self.n_grids):
            yield Static(id=f"trace-title-{k}", classes="grid-title")
            yield TraceTable(id=f"trace-grid-{k}", show_cursor=False, fixed_columns=1)
        yield Static(id="trace-notes")

    def show(self, work: Work, layout: Layout) -> None:
        """Fill the pane from one step's text, fitted to the pane's width."""
        self._shown = (work, layout)
        self._draw()

    def on_resize(self) -> None:
        """A wider or narrower pane may fit the trace side by side, or not."""
        if self._shown is not None:
            self._draw()

    def _draw(self) -> None:
        assert self._shown is not None
        work, layout = self._shown
        # Before the first layout the pane has no size yet: the screen's, less the padding.
        width = (self.size.width or self.app.size.width - 2) - 1  # less the scrollbar
        grids = fitted_grids(work, layout, width, table_width)
        head, *rest = work.header_lines()
        text = Text(head, style="bold")
        text.append("\n" + "\n".join(rest), style="")
        self.query_one("#trace-head", Static).update(text)
        for k in range(self.n_grids):
            table = self.query_one(f"#trace-grid-{k}", TraceTable)
            title = self.query_one(f"#trace-title-{k}", Static)
            table.display = k < len(grids)
            heading = grids[k].title if k < len(grids) else None
            title.display = table.display and bool(heading)
            table.set_class(bool(heading), "titled")
            title.update(heading or "")
            if k < len(grids):
                _fill(table, grids[k])
        self.query_one("#trace-notes", Static).update(Text("\n".join(work.notes())))

    def show_error(self, message: str) -> None:
        """The engine refused these inputs (e.g. a step that overflows): say why, in place."""
        self._shown = None
        self.query_one("#trace-head", Static).update(Text(f"Error: {message}", style="bold red"))
        for k in range(self.n_grids):
            self.query_one(f"#trace-grid-{k}", TraceTable).clear()
            self.query_one(f"#trace-title-{k}", Static).display = False
        self.query_one("#trace-notes", Static).update("")


def table_width(grid: Grid) -> int:
    """Columns a :class:`TraceTable` needs for ``grid``: each column's widest cell plus the
    DataTable's one-cell padding on each side."""
    return sum(
        max(len(cell) for cell in column) + 2
        for column in zip(grid.header, *grid.rows, strict=True)
    )


def _fill(table: TraceTable, grid: Grid) -> None:
    """Replace a table's rows (and, the first time, its columns) with a grid's cells."""
    if len(table.columns) != len(grid.header):
        table.clear(columns=True)
        for k, name in enumerate(grid.header):
            table.add_column(Text(name, style="bold", justify="left" if k == 0 else "right"))
    else:
        table.clear()
    for row in grid.rows:
        table.add_row(
            *(Text(cell, justify="left" if k == 0 else "right") for k, cell in enumerate(row))
        )
