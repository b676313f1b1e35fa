"""A :class:`~regtrace.render.page.Page` as an HTML fragment, for notebooks and web pages.

Every piece of text is escaped (:func:`html.escape`), so a feature name such as
``<script>`` or ``a & b`` shows as written. The fragment carries no colours of its own: text
and rules inherit the colour of the page around it (``color: inherit``, borders in
``currentColor``), so the same table reads on a light and a dark notebook theme. Styles are
inline attributes rather than a ``<style>`` sheet, which notebook viewers that sanitise
HTML would drop. A table wider than the cell scrolls sideways instead of being cut.
"""

from __future__ import annotations

from html import escape

from regtrace.render.page import Grid, Heading, Line, Page

MONO = "font-family: var(--jp-code-font-family, monospace)"
# A rule in the text colour, faded where the browser can mix colours.
RULE = (
    "border-bottom: 1px solid currentColor; "
    "border-bottom-color: color-mix(in srgb, currentColor 35%, transparent)"
)
CELL = "padding: 0.15em 0.6em; color: inherit; background: transparent; vertical-align: top"


def _cell(text: str) -> str:
    """A cell's text; worked arithmetic puts its result on a second line (as the terminal
    table does), and neither part breaks inside a number."""
    expr, sep, value = text.rpartition(" = ")
    parts = [expr, f"= {value}"] if sep else [text]
    return "<br>".join(f'<span style="white-space: nowrap">{escape(p)}</span>' for p in parts)


def grid_html(grid: Grid) -> str:
    """One :class:`Grid` as a ``<table>``: first column left, the others right-aligned."""

    def align(k: int) -> str:
        return "left" if k == 0 else "right"

    head = "".join(
        f'<th style="{CELL}; text-align: {align(k)}; {RULE}; font-weight: bold">{escape(name)}</th>'
        for k, name in enumerate(grid.header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{CELL}; text-align: {align(k)}'
            f'{"; " + MONO if grid.math and k else ""}">{_cell(text)}</td>'
            for k, text in enumerate(row)
        )
        + "</tr>"
        for row in grid.rows
    )
    title = (
        f'<caption style="caption-side: top; text-align: left; font-weight: bold; '
        f'color: inherit">{escape(grid.title)}</caption>'
        if grid.title
        else ""
    )
    return (
        '<div style="overflow-x: auto; margin: 0.4em 0">'
        '<table style="border-collapse: collapse; table-layout: auto; color: inherit; '
        f'background: transparent; margin: 0">{title}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _line(line: Line) -> str:
    style = f"{MONO}; white-space: pre-wrap" if line.formula else "white-space: pre-wrap"
    return f'<div style="{style}">{escape(line.text)}</div>'


def page_html(page: Page) -> str:
    """The page as one ``<div>``: a bold title, its lines, tables and headings in order, then
    the caption in italics."""
    parts = [f'<div style="font-weight: bold">{escape(page.title)}</div>']
    for block in page.blocks:
        if isinstance(block, Line):
            parts.append(_line(block))
        elif isinstance(block, Heading):
            style = "font-weight: bold; margin-top: 0.8em"
            parts.append(f'<div style="{style}">{escape(block.text)}</div>')
        else:
            parts.append(grid_html(block))
    if page.caption:
        parts.append(f'<div style="font-style: italic">{escape(page.caption)}</div>')
    return '<div class="regtrace" style="color: inherit">' + "".join(parts) + "</div>\n"
