"""A Textual widget that draws a :func:`regtrace.explore.plot.chart` at its current size."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

Drawing = Callable[[int, int], Text]
"""``(width, height) -> Text``: a chart that fits the cells it is given."""


class Chart(Widget):
    """Redraws its drawing whenever it is set or the widget is resized."""

    DEFAULT_CSS = """
    Chart { height: 1fr; min-height: 6; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawing: Drawing | None = None

    def draw(self, drawing: Drawing) -> None:
        """Show a new drawing."""
        self._drawing = drawing
        self.refresh()

    def render(self) -> Text:
        """The drawing at the widget's size (Textual calls this on every refresh)."""
        if self._drawing is None:
            return Text("")
        return self._drawing(self.size.width, self.size.height)
