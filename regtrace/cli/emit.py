"""Write a ``run`` or ``sweep`` result in its ``--format``, and its pictures.

The table, Markdown and CSV come from one :class:`~regtrace.render.document.Document` (or the
CSV method of the same text object); JSON from the report's ``to_dict()``. ``--plot`` adds the
terminal picture under the table; ``--plot-file`` writes the picture atomically.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from regtrace.cli.options import OutputFormat, PlotScale
from regtrace.cli.output import write_file, write_renderable, write_text
from regtrace.errors import RegtraceError
from regtrace.render.document import Document
from regtrace.render.jsonfmt import HasDict
from regtrace.render.plotdata import PlotSpec

TERMINAL_PLOT_WIDTH = 100  # when piped (and in the README): a fixed, readable width


class TextView(Protocol):
    """What ``run`` and ``sweep`` texts offer: a document and a CSV."""

    def document(self) -> Document:
        """Header, tables and notes."""
        ...

    def csv(self) -> str:
        """The CSV rows."""
        ...


def check_plot_options(output_format: OutputFormat, plot: bool, plot_file: str | None) -> None:
    """Refuse combinations that would corrupt machine-readable output, before any work."""
    if plot and output_format in (OutputFormat.JSON, OutputFormat.CSV):
        raise RegtraceError(
            f"--plot draws in the terminal and would break --format {output_format.value}; "
            "use --plot-file PATH for a picture beside the data"
        )
    if plot_file is not None:
        from regtrace.render.plotfile import plot_format

        plot_format(plot_file)


def emit(
    report: HasDict,
    view: TextView,
    spec: PlotSpec,
    *,
    output_format: OutputFormat,
    plot: bool,
    plot_file: str | None,
    plot_scale: PlotScale = PlotScale.SHARED,
) -> None:
    """Write the result, then the terminal plot (``--plot``) and the file (``--plot-file``)."""
    spec = replace(spec, shared_y=plot_scale is PlotScale.SHARED)
    if plot_file is not None:
        _write_plot_file(spec, plot_file)  # first: a missing extra fails before any output
    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        write_text(to_json(report))
    elif output_format is OutputFormat.CSV:
        write_text(view.csv())
    elif output_format is OutputFormat.MARKDOWN:
        from regtrace.render.document import document_markdown

        write_text(document_markdown(view.document()))
    else:
        from regtrace.render.document import document_renderable

        write_renderable(document_renderable(view.document()))
    if plot:
        write_text(_terminal_plot(spec))


def _terminal_plot(spec: PlotSpec) -> str:
    from regtrace.render.termplot import terminal_plot

    tty = sys.stdout.isatty()
    width = (
        shutil.get_terminal_size((TERMINAL_PLOT_WIDTH, 24)).columns if tty else TERMINAL_PLOT_WIDTH
    )
    return terminal_plot(spec, width, color=tty and "NO_COLOR" not in os.environ)


def _write_plot_file(spec: PlotSpec, name: str) -> None:
    """Write the picture beside its final name, then rename it into place (atomic)."""
    from regtrace.render.plotfile import plot_bytes, plot_format

    data = plot_bytes(spec, plot_format(name))
    path = Path(name)
    if path.is_dir():
        raise RegtraceError(f"--plot-file: '{path}' is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise RegtraceError(f"--plot-file: folder '{folder}' does not exist")
    write_file(path, lambda handle: handle.write(data), option="--plot-file")
