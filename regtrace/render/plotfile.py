"""A :class:`PlotSpec` as a PNG, SVG or PDF with matplotlib (the optional ``plot`` extra).

Uses ``matplotlib.figure.Figure`` directly, never ``pyplot``: no GUI backend, no global state.
Returns the file's bytes; the CLI writes them atomically.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any

from regtrace.errors import RegtraceError
from regtrace.render.plotdata import PlotSpec

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")
INSTALL_HINT = "pip install 'regtrace[plot]'"
PANEL_WIDTH = 5.0  # inches per panel
HEIGHT = 4.6  # inches, with room for the title and the legend
LEGEND_COLUMNS = 5  # legend entries per row under the panels
TITLE_CHARS_PER_INCH = 11  # a medium-size title line wraps at about this many characters


def plot_format(path: str) -> str:
    """``png``, ``svg`` or ``pdf`` from the file name, or an error saying which work."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if suffix not in FORMATS:
        raise RegtraceError(
            f"--plot-file {path!r}: name a .png, .svg or .pdf file (the suffix picks the format)"
        )
    return suffix


def figure(spec: PlotSpec) -> Figure:
    """A matplotlib figure with one axes per panel and one line per series.

    Each series' ``level`` (its ``w*``) is a dashed horizontal line in the series' colour; the
    panels share their y axis when ``spec.shared_y`` is set.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise RegtraceError(f"--plot-file needs matplotlib: {INSTALL_HINT}") from None
    fig = Figure(figsize=(PANEL_WIDTH * len(spec.panels), HEIGHT), layout="constrained")
    axes = fig.subplots(1, len(spec.panels), squeeze=False, sharey=spec.shared_y)[0]
    for ax, panel in zip(axes, spec.panels, strict=True):
        colors = []
        for series in panel.series:
            (line,) = ax.plot(
                series.x, series.y, marker="." if len(series.x) <= 30 else None, label=series.label
            )
            colors.append(line.get_color())
        levelled = [
            (s.level, c)
            for s, c in zip(panel.series, colors, strict=True)
            if s.level is not None  # a level of exactly 0 (a lasso zero) is drawn too
        ]
        for k, (level, color) in enumerate(levelled):  # after the lines: last in the legend
            label = f"{panel.level_label} (dashed)" if k == 0 else "_"
            ax.axhline(level, color=color, linestyle="--", linewidth=1.0, label=label)
        if panel.xscale == "symlog":
            ax.set_xscale("symlog", linthresh=panel.linthresh)
        elif panel.xscale == "log":
            ax.set_xscale("log")
        ax.axhline(0.0, color="grey", linewidth=0.5)
        ax.set_title(panel.title)
        ax.set_xlabel(panel.xlabel)
        ax.set_ylabel(panel.ylabel)
        if spec.shared_y:
            ax.tick_params(labelleft=True)  # each panel keeps its numbers
    # One legend under the panels (each panel draws w0, w1, ... in the same colours), where it
    # cannot cover a line or a level.
    entries: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    if entries:
        fig.legend(
            list(entries.values()), list(entries), loc="outside lower center",
            ncols=min(len(entries), LEGEND_COLUMNS), fontsize="small",
        )  # fmt: skip
    width = int(TITLE_CHARS_PER_INCH * PANEL_WIDTH * len(spec.panels))
    lines = textwrap.wrap(spec.title, width) if spec.title else []
    lines += [f"({spec.note})"] if spec.note else []
    if lines:
        fig.suptitle("\n".join(lines), fontsize="medium")
    return fig


def plot_bytes(spec: PlotSpec, fmt: str) -> bytes:
    """The picture encoded as ``fmt`` (``png``, ``svg`` or ``pdf``)."""
    fig = figure(spec)
    out = io.BytesIO()
    metadata = {"Date": None} if fmt in ("svg", "pdf") else {}  # reproducible files
    fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()
