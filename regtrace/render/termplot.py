"""A :class:`PlotSpec` drawn in the terminal with plotext (imported only for ``--plot``).

plotext keeps one global figure; :func:`terminal_plot` resets it first and returns the text
of the drawing (``plotext.build()``), without colour codes unless ``color`` is set. The
spec's title is the first line; each series' level (``w*``) is a horizontal line.
"""

from __future__ import annotations

import textwrap

from regtrace.errors import RegtraceError
from regtrace.render.plotdata import PlotSpec

PLOT_HEIGHT = 20
# Without colour every line would look alike: each series gets its own character instead.
MARKERS = ("*", "+", "o", "x", "#", "@", "%", "=")
Y_PAD = 0.05  # a shared y range reaches this fraction of its span beyond the data
COLORS = ("blue+", "green+", "red+", "cyan+", "magenta+", "yellow+", "blue", "green")


def terminal_plot(spec: PlotSpec, width: int, *, color: bool = False) -> str:
    """The title, then the panels side by side in ``width`` columns, ``PLOT_HEIGHT`` rows."""
    try:
        import plotext as plt  # 40 ms (5.3.2): only for --plot
    except ImportError:  # a core dependency, so only a broken install gets here
        raise RegtraceError("--plot needs plotext: pip install 'plotext>=5.3,<6'") from None

    # plt.clear_figure() clears only the active subplot: reset the whole (main) figure.
    plt.main().clear_figure()
    plt.subplots(1, len(spec.panels))
    plt.plot_size(width, PLOT_HEIGHT)
    low, high = spec.y_range()
    pad = (high - low) * Y_PAD
    has_levels = False
    for k, panel in enumerate(spec.panels, start=1):
        plt.subplot(1, k)
        for i, series in enumerate(panel.series):
            marker = None if color else MARKERS[i % len(MARKERS)]
            line_color = COLORS[i % len(COLORS)]
            plt.plot(
                list(series.x), list(series.y), label=series.label, marker=marker,
                color=line_color,
            )  # fmt: skip
            if series.level is not None:
                plt.hline(series.level, line_color)
                has_levels = True
        plt.title(panel.title)
        plt.xlabel(panel.xlabel)
        if panel.xscale == "log":  # plotext has no symlog: with lam = 0 the axis stays linear
            plt.xscale("log")
        if spec.shared_y and low < high:
            plt.ylim(low - pad, high + pad)
    if not color:
        plt.theme("clear")
    text: str = plt.build()
    plt.main().clear_figure()
    if not color:
        text = plt.uncolorize(text)
    lines = textwrap.wrap(spec.title, width) if spec.title else []
    lines += [line.rstrip() for line in text.splitlines()]
    if has_levels:
        lines.append(f"(horizontal lines: {spec.panels[0].level_label})")
    if spec.note:
        lines.append(f"({spec.note})")
    return "\n".join(lines) + "\n"
