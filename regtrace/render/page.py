"""The page model: what every command shows, as plain data, before any format is chosen.

A :class:`Page` is a title, then blocks: :class:`Line` (a sentence, or a formula line),
:class:`Grid` (a table of strings) and :class:`Heading` (a bold line). The Rich table
(:mod:`regtrace.render.table`) and the Markdown, LaTeX and CSV writers
(:mod:`regtrace.render.formats`) draw any page, so every command has every format by
construction, and a number cannot differ between formats. JSON is not drawn from the page:
it comes from the engine result's ``to_dict()`` (the key contract in docs/design.md).

The model holds only strings, tuples and booleans, so another view (HTML, say) can draw it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from regtrace.frozen import frozen
from regtrace.render.layout import Layout as Layout


@frozen
class Grid:
    """A table as strings: a title, a header row and body rows.

    ``math``: the cells after the first column are numbers or worked arithmetic (LaTeX sets
    them in math mode); ``alternatives``: the same content as narrower tables (the
    side-by-side trace cut per penalty), tried first when the table is too wide.
    """

    title: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    math: bool = True
    alternatives: tuple[Grid, ...] = ()


@frozen
class Line:
    """One line of text; ``formula``: it states formulas or arithmetic (``label: formula``)."""

    text: str
    formula: bool = False


@frozen
class Heading:
    """A bold line that starts a new part of the page (the step after its data table)."""

    text: str


Block = Grid | Line | Heading


@frozen
class Page:
    """A titled page of blocks; ``csv`` is the page's machine-readable table (one row per
    record, every value), written by ``--format csv`` and ``--out x.csv``."""

    title: str
    blocks: tuple[Block, ...]
    csv: Grid | None = None
    caption: str | None = None

    def grids(self) -> tuple[Grid, ...]:
        """The tables, in order."""
        return tuple(b for b in self.blocks if isinstance(b, Grid))

    def then(self, other: Page) -> Page:
        """This page followed by ``other`` (its title as a bold line); ``other``'s CSV wins."""
        return Page(
            self.title,
            (*self.blocks, Heading(other.title), *other.blocks),
            other.csv if other.csv is not None else self.csv,
            other.caption or self.caption,
        )


def lines(texts: Sequence[str], *, formula: bool = False) -> tuple[Line, ...]:
    """Lines of one kind."""
    return tuple(Line(t, formula) for t in texts)


WIDE_MAX_WEIGHTS = 4  # three weights side by side read well; more turn the table
WIDE_MAX_COLUMNS = 8  # weights x penalties beyond this do not fit side by side
SUMMARY_MIN_WEIGHTS = 51  # from here on a terminal gets a summary, not one row per weight


def choose_layout(requested: Layout, n_weights: int, n_penalties: int, *, full: bool) -> Layout:
    """``auto`` picks wide for a few weights, tall for more, summary for thousands.

    ``full`` (the file formats) never summarises: those outputs always hold every weight.
    """
    if requested is Layout.SUMMARY and full:
        return Layout.TALL
    if requested is not Layout.AUTO:
        return requested
    if n_weights <= WIDE_MAX_WEIGHTS and n_weights * n_penalties <= WIDE_MAX_COLUMNS:
        return Layout.WIDE
    if n_weights >= SUMMARY_MIN_WEIGHTS and not full:
        return Layout.SUMMARY
    return Layout.TALL


class TraceText(Protocol):
    """A one-step trace's text (plain or optimizer step): header lines, grids, notes."""

    def header_lines(self) -> list[str]:
        """Lines above the table; the first is the title."""
        ...

    def grids(self, layout: Layout) -> Sequence[Grid]:
        """The tables of a resolved layout."""
        ...

    def notes(self) -> list[str]:
        """Lines under the table."""
        ...

    def split_wide(self) -> list[Grid]:
        """The wide table cut into one side-by-side table per column group."""
        ...


def trace_page(
    text: TraceText,
    layout: Layout,
    *,
    csv: Grid | None = None,
    caption: str | None = None,
) -> Page:
    """A trace as a page: formula lines, the grids (a wide one carries its per-penalty
    cut as the narrow alternative), then the notes."""
    title, *head = text.header_lines()
    grids = list(text.grids(layout))
    if layout is Layout.WIDE and len(grids) == 1:
        split = tuple(text.split_wide())
        if len(split) > 1:
            g = grids[0]
            grids = [Grid(g.title, g.header, g.rows, g.math, split)]
    notes = lines(text.notes(), formula=True)
    return Page(title, (*lines(head, formula=True), *grids, *notes), csv, caption)


def text_page(
    head: Sequence[str],
    grids: Sequence[Grid],
    notes: Sequence[str],
    *,
    csv: Grid | None = None,
    caption: str | None = None,
) -> Page:
    """A page from lines above (the first is the title), tables, and lines below."""
    title, *rest = head
    blocks: tuple[Block, ...] = (*lines(rest, formula=True), *grids, *lines(notes, formula=True))
    return Page(title, blocks, csv, caption)
