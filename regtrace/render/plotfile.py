"""A :class:`PlotSpec` as a PNG, SVG or PDF with matplotlib (the optional ``plot`` extra).

Uses ``matplotlib.figure.Figure`` directly, never ``pyplot``: no GUI backend, no global state.
Returns the file's bytes; the CLI writes them atomically.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from regtrace.errors import RegtraceError
from regtrace.render.plotdata import PlotSpec

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")
INSTALL_HINT = "pip install 'regtrace[plot]'"


def plot_format(path: str) -> str:
    """``png``, ``svg`` or ``pdf`` from the file name, or an error saying which work."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if suffix not in FORMATS:
        raise RegtraceError(
            f"--plot-file {path!r}: name a .png, .svg or .pdf file (the suffix picks the format)"
        )
    return suffix


def figure(spec: PlotSpec) -> Figure:
    """A matplotlib figure with one axes per panel and one line per series."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise RegtraceError(f"--plot-file needs matplotlib: {INSTALL_HINT}") from None
    fig = Figure(figsize=(5.0 * len(spec.panels), 4.0), layout="constrained")
    axes = fig.subplots(1, len(spec.panels), squeeze=False)[0]
    for ax, panel in zip(axes, spec.panels, strict=True):
        for series in panel.series:
            ax.plot(
                series.x, series.y, marker="." if len(series.x) <= 30 else None, label=series.label
            )
        if panel.xlog:
            ax.set_xscale("log")
        ax.axhline(0.0, color="grey", linewidth=0.5)
        ax.set_title(panel.title)
        ax.set_xlabel(panel.xlabel)
        ax.set_ylabel(panel.ylabel)
        ax.legend()
    if spec.note:
        fig.suptitle(spec.note, fontsize="small")
    return fig


def plot_bytes(spec: PlotSpec, fmt: str) -> bytes:
    """The picture encoded as ``fmt`` (``png``, ``svg`` or ``pdf``)."""
    fig = figure(spec)
    out = io.BytesIO()
    metadata = {"Date": None} if fmt in ("svg", "pdf") else {}  # reproducible files
    fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()
