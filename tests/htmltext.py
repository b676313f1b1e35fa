"""HTML read back as a browser's parser reads it (:mod:`html.parser`): tags, styles, text and
table cells, for the tests of the HTML writer and of what a notebook displays."""

from __future__ import annotations

from html.parser import HTMLParser


class Reader(HTMLParser):
    """Tags, text and styles of a fragment, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.cells: list[str] = []
        self.rows: list[list[str]] = []
        self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.styles += [v or "" for k, v in attrs if k == "style"]
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = True
            self.cells.append("")
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell:
            self.cells[-1] += data
            self.rows[-1][-1] += data


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    reader.close()
    return reader


def cells(html: str) -> list[str]:
    """The text of every ``<th>`` and ``<td>``, in order."""
    return read(html).cells
