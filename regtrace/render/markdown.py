"""The trace as GitHub-flavoured Markdown, for teachers' notes."""

from __future__ import annotations

from collections.abc import Sequence

from regtrace.render.work import Grid, Layout, TraceText


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def grid_markdown(grid: Grid) -> str:
    """One :class:`Grid` as a pipe table (first column left, numbers right-aligned)."""
    lines = []
    if grid.title:
        lines += [f"**{_escape(grid.title)}**", ""]
    lines.append("| " + " | ".join(_escape(h) for h in grid.header) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(grid.header) - 1)) + "|")
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in grid.rows]
    return "\n".join(lines)


def page_markdown(
    lines: list[str], grids: Sequence[Grid], notes: list[str], caption: str | None = None
) -> str:
    """A bold first line, the other lines as a list, the tables, then the notes as a list."""
    head, *rest = lines
    parts = [f"**{head}**", "\n".join(f"- {line}" for line in rest)]
    parts += [grid_markdown(grid) for grid in grids]
    parts.append("\n".join(f"- {line}" for line in notes))
    if caption:
        parts.append(f"_{caption}_")
    return "\n\n".join(parts) + "\n"


def trace_markdown(work: TraceText, layout: Layout, caption: str | None = None) -> str:
    """The whole trace: formulas and inputs as a list, the table(s), then the notes."""
    return page_markdown(work.header_lines(), work.grids(layout), work.notes(), caption)
