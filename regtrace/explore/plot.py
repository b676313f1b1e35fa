"""A small line chart drawn with characters, as a Rich ``Text``: what the explorer plots.

One marker per point, points of a series joined column by column, an optional vertical
marker line; linear or log axes. With ``overlap`` a cell where two series meet gets its own
marker, so a line drawn under another is not silently hidden. A point outside the y range is
not drawn (a diverging weight leaves the chart, and the pane says so in words). Pure: size
in, text out, so the same inputs always draw the same chart (snapshot tests rely on it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from regtrace.render.numfmt import fmt

Y_MARGIN = 9  # room for a tick label such as "-1.25e-05" left of the axis


@dataclass(frozen=True)
class Series:
    """One line of the chart: points, the character that draws them, and a Rich style."""

    label: str
    xs: Sequence[float]
    ys: Sequence[float]
    marker: str
    style: str


@dataclass(frozen=True)
class Axis:
    """One axis: its range in data units and whether it is logarithmic."""

    lo: float
    hi: float
    log: bool = False

    def fraction(self, value: float) -> float | None:
        """Where ``value`` falls on the axis, 0 at ``lo`` and 1 at ``hi``; None if off a log
        axis (``value <= 0``)."""
        if self.log:
            if value <= 0:
                return None
            lo, hi, v = math.log10(self.lo), math.log10(self.hi), math.log10(value)
        else:
            lo, hi, v = self.lo, self.hi, value
        return 0.5 if hi == lo else (v - lo) / (hi - lo)


def _label(value: float) -> str:
    return fmt(value, 3)


def _decade(k: int) -> str:
    """``1e-6`` for small and large decades, ``0.01`` and ``100`` in between."""
    return fmt(10.0**k, 3) if -2 <= k <= 2 else f"1e{k}"


def chart(
    series: Sequence[Series],
    width: int,
    height: int,
    x: Axis,
    y: Axis,
    *,
    vline: float | None = None,
    vline_style: str = "bold yellow",
    overlap: tuple[str, str] | None = None,
) -> Text:
    """The chart in ``width`` x ``height`` cells (axis labels included).

    ``overlap`` (a marker and a style) marks the cells where two series meet; without it the
    later series covers the earlier one.
    """
    plot_w = max(width - Y_MARGIN - 1, 2)
    plot_h = max(height - 2, 2)
    cells: list[list[tuple[str, str]]] = [[(" ", "")] * plot_w for _ in range(plot_h)]
    owner: dict[tuple[int, int], int] = {}  # (row, column) -> the series drawn there

    def put(r: int, c: int, k: int, s: Series) -> None:
        if overlap is not None and owner.get((r, c), k) != k:
            cells[r][c] = overlap
        else:
            cells[r][c] = (s.marker, s.style)
            owner[r, c] = k

    def col(value: float) -> int | None:
        f = x.fraction(value)
        return None if f is None or not 0 <= f <= 1 else round(f * (plot_w - 1))

    def row(value: float) -> float | None:
        f = y.fraction(value)
        return None if f is None or not -1e-9 <= f <= 1 + 1e-9 else (1 - f) * (plot_h - 1)

    if vline is not None and (v_col := col(vline)) is not None:
        for line in cells:
            line[v_col] = ("│", vline_style)
    for k, s in enumerate(series):
        prev: tuple[int, float] | None = None
        for xv, yv in zip(s.xs, s.ys, strict=True):
            c, y_row = col(xv), row(yv)
            if c is None or y_row is None:
                prev = None
                continue
            if prev is not None and c - prev[0] > 1:  # join sparse points column by column
                c0, r0 = prev
                for cc in range(c0 + 1, c):
                    rr = r0 + (y_row - r0) * (cc - c0) / (c - c0)
                    put(round(rr), cc, k, s)
            put(round(y_row), c, k, s)
            prev = (c, y_row)

    text = Text(no_wrap=True, overflow="crop")
    labels = {0: _label(y.hi), plot_h - 1: _label(y.lo)}
    if not y.log and y.lo < 0 < y.hi:  # a linear axis across 0: mark the 0 row
        zero = y.fraction(0.0)
        assert zero is not None
        labels.setdefault(round((1 - zero) * (plot_h - 1)), "0")
    for r_index, line in enumerate(cells):
        label = labels.get(r_index, "")
        text.append(f"{label:>{Y_MARGIN}}┤" if label else " " * Y_MARGIN + "│", style="dim")
        for char, style in line:
            text.append(char, style=style or None)
        text.append("\n")
    text.append(" " * Y_MARGIN + "└" + "─" * plot_w + "\n", style="dim")
    text.append(_x_ticks(x, plot_w), style="dim")
    return text


def _x_ticks(x: Axis, plot_w: int) -> str:
    """Tick labels under the axis: each decade on a log axis, else both ends and the middle."""
    if x.log:
        first, last = math.ceil(math.log10(x.lo) - 1e-9), math.floor(math.log10(x.hi) + 1e-9)
        ticks = [(10.0**k, _decade(k)) for k in range(first, last + 1)]
    else:
        ticks = [(v, _label(v)) for v in (x.lo, (x.lo + x.hi) / 2, x.hi)]
    line = [" "] * (Y_MARGIN + 1 + plot_w)
    end = 0
    for value, label in ticks:
        f = x.fraction(value)
        if f is None:
            continue
        start = min(
            Y_MARGIN + 1 + round(f * (plot_w - 1)) - len(label) // 2, len(line) - len(label)
        )
        if start < end:  # too close to the previous label: leave this one out
            continue
        line[start : start + len(label)] = label
        end = start + len(label) + 1
    return "".join(line).rstrip()


def legend(series: Sequence[Series]) -> Text:
    """``• L2  x L1 subgradient ...`` in each series' style."""
    text = Text()
    for k, s in enumerate(series):
        if k:
            text.append("   ")
        text.append(s.marker, style=s.style)
        text.append(f" {s.label}")
    return text


__all__ = ["Axis", "Series", "chart", "legend"]
