"""A :class:`~regtrace.render.page.Page` as CommonMark with GitHub pipe tables.

Every piece of text is escaped (:func:`escape`), so ``lam*sum(w^2), gradient 2*lam*w``,
``w_new`` or a ``|`` in a feature name render as written, never as emphasis or a new cell.
"""

from __future__ import annotations

import re

from regtrace.render.page import Grid, Heading, Line, Page

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$#])")
_LINE_START = re.compile(r"^(\d{0,9})([.)]|(?<![0-9])[-+>])(?=\s|$)")


def escape(text: str) -> str:
    """``text`` that CommonMark renders literally: characters that can start emphasis,
    code, links, HTML, entities or a table cell are backslash-escaped, and so is a first
    character that would open a list, quote or heading."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text)


def grid_markdown(grid: Grid) -> str:
    """One :class:`Grid` as a pipe table (first column left, numbers right-aligned)."""
    lines = []
    if grid.title:
        lines += [f"**{escape(grid.title)}**", ""]
    lines.append("| " + " | ".join(escape(h) for h in grid.header) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(grid.header) - 1)) + "|")
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in grid.rows]
    return "\n".join(lines)


def page_markdown(page: Page) -> str:
    """A bold title, runs of lines as lists, the tables, then the caption in italics."""
    parts = [f"**{escape(page.title)}**"]
    run: list[str] = []
    for block in (*page.blocks, None):
        if isinstance(block, Line):
            if block.text:
                run.append(f"- {escape(block.text)}")
            continue
        if run:
            parts.append("\n".join(run))
            run = []
        if isinstance(block, Grid):
            parts.append(grid_markdown(block))
        elif isinstance(block, Heading):
            parts.append(f"**{escape(block.text)}**")
    if page.caption:
        parts.append(f"_{escape(page.caption)}_")
    return "\n\n".join(parts) + "\n"
