"""A titled document of tables: header lines, :class:`Grid` tables, then notes.

``run`` and ``sweep`` describe their output as a :class:`Document`; the Rich table, Markdown and
CSV are views of it (one page model, many formats), drawn with :func:`grid_table` and
:func:`grid_markdown` like the ``step`` trace.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text

from regtrace.render.markdown import grid_markdown
from regtrace.render.table import grid_table
from regtrace.render.work import Grid


@dataclass(frozen=True)
class Document:
    """What a command shows: a bold first line, more header lines, tables and notes."""

    header: tuple[str, ...]
    grids: tuple[Grid, ...]
    notes: tuple[str, ...]


def document_renderable(doc: Document) -> RenderableType:
    """The document for a terminal."""
    head, *rest = doc.header
    parts: list[RenderableType] = [Text(head, style="bold"), *(Text(line) for line in rest)]
    parts += [grid_table(grid) for grid in doc.grids]
    parts += [Text(line) for line in doc.notes]
    return Group(*parts)


def document_markdown(doc: Document) -> str:
    """The document as Markdown: header as a bold line and a list, pipe tables, notes."""
    head, *rest = doc.header
    parts = [f"**{head}**", "\n".join(f"- {line}" for line in rest)]
    parts += [grid_markdown(grid) for grid in doc.grids]
    if doc.notes:
        parts.append("\n".join(f"- {line}" for line in doc.notes))
    return "\n\n".join(parts) + "\n"


def rows_csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A header row and data rows as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
