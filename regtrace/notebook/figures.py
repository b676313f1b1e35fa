"""A :class:`~regtrace.render.plotdata.PlotSpec` as a matplotlib figure that a notebook shows.

The figure is :func:`regtrace.render.plotfile.figure`, the one ``--plot-file`` saves. It is
made without ``pyplot``, so IPython may not know how to show it: when a shell is running and
nothing is registered for figures yet, a PNG printer is registered (what matplotlib's inline
backend registers once ``pyplot`` is imported). Outside IPython it is simply returned.
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

from regtrace.errors import RegtraceError
from regtrace.render.plotdata import PlotSpec

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, cropped to what is drawn."""
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()


def _register_png() -> None:
    """Let a running IPython show figures as PNG, unless something already does."""
    if "IPython" not in sys.modules:  # not in IPython: nothing to tell
        return
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    try:
        formatter.lookup_by_type(Figure)
    except KeyError:
        formatter.for_type(Figure, png)


def inline_figure(spec: PlotSpec) -> Figure:
    """The ``--plot-file`` figure of ``spec``; in IPython, shown inline when displayed."""
    from regtrace.render.plotfile import figure

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RegtraceError("plot() needs matplotlib: pip install 'regtrace[notebook]'") from None
    fig = figure(spec)
    _register_png()
    return fig
