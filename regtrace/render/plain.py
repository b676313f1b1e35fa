"""A page as the terminal table prints it to a pipe, without loading Rich's console.

Piped, the table (:func:`regtrace.render.table.page_renderable`) is drawn at its natural width
with no colour and its lines right-stripped: then Rich's layout reduces to a few rules, which
:func:`plain_page` follows, for about 10 ms less start-up (``rich.console`` and its themes are
the largest import a piped command would otherwise add). Where the text could need more of
Rich's layout (a line or table wider than the console, a table title wider than its table,
text other than printable ASCII, whose cell widths Rich measures by its own tables) it returns
``None`` and Rich draws the page. tests/test_plain_table.py checks the two agree, on random
pages and on every page a command prints.

The rules, for Rich's SIMPLE_HEAVY box without edge padding: every column is as wide as its
widest line; a row is `` `` + the cells joined by three spaces (the divider between one space
of padding each side) + `` ``; the first column is left-justified, the others right-justified
(a cell right-stripped first); the header is followed by a rule of ``━`` under the whole
table; the table's top and bottom edges are blank lines; a title sits on the line above.
"""

from __future__ import annotations

from regtrace.render.page import Grid, Line, Page

RULE = "━"  # BOX DRAWINGS HEAVY HORIZONTAL, written out: compiling \N{...} loads unicodedata


def cell_text(text: str) -> str:
    """A cell as the table shows it: worked arithmetic puts its result on a second line, so a
    narrow terminal breaks ``2.5 - 0.1x(-0.15) = 2.515`` before the ``=``."""
    expr, sep, value = text.rpartition(" = ")
    return f"{expr}\n= {value}" if sep else text


def _plain(text: str) -> bool:
    """Printable ASCII on one line: one column per character, as Rich measures it too."""
    return text.isascii() and text.isprintable()


def _table(grid: Grid, width: int) -> list[str] | None:
    """The lines of ``grid`` as a table (its title first), or ``None`` (see the module)."""
    texts = [grid.header, *grid.rows]
    if not grid.header or not all(_plain(text) for row in texts for text in row):
        return None
    if grid.title is not None and not _plain(grid.title):
        return None
    rows = [[[text] for text in grid.header]]
    rows += [[cell_text(text).split("\n") for text in row] for row in grid.rows]
    n = len(grid.header)
    content = [max(len(line) for row in rows for line in row[k]) for k in range(n)]
    left = [0] + [1] * (n - 1)
    right = [1] * (n - 1) + [0]
    if not all(content[k] + left[k] + right[k] for k in range(n)):
        return None  # an empty one-column table: Rich gives it a width of its own
    table_width = sum(content) + sum(left) + sum(right) + (n - 1) + 2
    if table_width > width or (grid.title and len(grid.title) > table_width):
        return None

    def cell(k: int, line: str) -> str:
        body = line.ljust(content[k]) if k == 0 else line.rstrip().rjust(content[k])
        return " " * left[k] + body + " " * right[k]

    out = [grid.title] if grid.title else []
    out.append("")  # the top edge
    for number, row in enumerate(rows):
        height = max(len(lines) for lines in row)
        for i in range(height):
            cells = [cell(k, lines[i] if i < len(lines) else "") for k, lines in enumerate(row)]
            out.append(" " + " ".join(cells) + " ")
        if number == 0:
            out.append(" " + RULE * (table_width - 2) + " ")
    out.append("")  # the bottom edge
    return out


def plain_page(page: Page, width: int) -> str | None:
    """``page`` as the table prints it to a console ``width`` columns wide with no colour,
    every line right-stripped; ``None`` when Rich must draw it (see the module)."""
    texts = [page.title]  # the lines Rich would wrap were they wider than the console
    lines: list[str] = [page.title]
    for block in page.blocks:
        if isinstance(block, Grid):
            table = _table(block, width)
            if table is None:
                return None
            lines += table
        else:
            texts.append(block.text)
            lines += [block.text] if isinstance(block, Line) else ["", block.text]
    if page.caption:
        texts.append(page.caption)
        lines.append(page.caption)
    if not all(_plain(text) and len(text) <= width for text in texts):
        return None
    return "\n".join(line.rstrip() for line in lines) + "\n"
