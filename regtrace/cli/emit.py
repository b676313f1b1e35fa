"""Write a command's result in its ``--format``, and its pictures.

Every command hands over its engine result (JSON is its ``to_dict()``) and its page, built by
the render layer for the layout the format needs; the table, CSV, Markdown and LaTeX are all
drawn from that one page. ``--plot`` adds the terminal picture under the table; ``--plot-file``
writes the picture atomically.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from regtrace.cli.options import PlotScale
from regtrace.cli.output import (
    PIPE_WIDTH,
    color_wanted,
    terminal_width,
    write_file,
    write_renderable,
    write_text,
)
from regtrace.errors import RegtraceError
from regtrace.render.formats import OutputFormat
from regtrace.render.layout import Layout

if TYPE_CHECKING:  # the engines load only when their command runs
    from regtrace.cli.outfile import OutTarget
    from regtrace.engine.check import CheckResult
    from regtrace.engine.check_optimizer import OptimizerCheck
    from regtrace.engine.data import DataEval
    from regtrace.engine.formula import FormulaPoint
    from regtrace.engine.optimizers import OptimizerReport
    from regtrace.engine.step import StepReport
    from regtrace.render.jsonfmt import HasDict
    from regtrace.render.page import Page
    from regtrace.render.plotdata import PlotSpec

TERMINAL_PLOT_WIDTH = 100  # when piped (and in the README): a fixed, readable width

PageFor = Callable[[bool], "Page"]
"""Builds the page; its argument says whether the format must hold every value (every format
but the terminal table, which may summarise thousands of weights)."""


Show = Callable[["Page", "PlotSpec | None"], None]
SHOW: ContextVar[Show | None] = ContextVar("regtrace_show", default=None)
"""Set by the notebook magic: it is handed the table's page (and with ``--plot`` the
picture) to display, instead of the terminal text."""


class TextView(Protocol):
    """A result's text whose page is the same for every format (``run``, ``sweep``)."""

    def page(self, full: bool = True) -> Page:
        """Header, tables, notes and (with ``full``) the CSV table, which only the machine
        formats write: building it costs a string per weight."""
        ...

    def csv(self) -> str:
        """The CSV text (what ``--out x.csv`` saves)."""
        ...


def check_plot_options(output_format: OutputFormat, plot: bool, plot_file: str | None) -> None:
    """Refuse combinations that would corrupt machine-readable output, before any work."""
    if plot and output_format in (OutputFormat.JSON, OutputFormat.CSV, OutputFormat.LATEX):
        raise RegtraceError(
            f"--plot draws in the terminal and would break --format {output_format.value}; "
            "use --plot-file PATH for a picture beside the data"
        )
    if plot_file is not None:
        from regtrace.cli.output import check_target
        from regtrace.render.plotfile import plot_format

        plot_format(plot_file)
        check_target(Path(plot_file), "--plot-file")


def typed(name: str) -> bool:
    """Whether the running command's parameter ``name`` was given on the command line (not
    left at its default)."""
    from typer._click.core import ParameterSource  # Typer's own copy of Click
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    source = None if ctx is None else ctx.get_parameter_source(name)
    return source is not None and source is not ParameterSource.DEFAULT


def refuse_unused(
    output_format: OutputFormat,
    *,
    exact: bool = False,
    out: str | None = None,
    plot: bool = False,
    plot_file: str | None = None,
    layout: str = "auto",
) -> None:
    """Refuse, before any work, an output option that this command line would ignore:
    ``--force`` with no file to write, ``--plot-scale`` with no picture, ``--show-work`` or
    a ``--layout`` in JSON or CSV (which hold every number, without a layout), ``--digits``
    with ``--exact`` (exact values are never rounded). ``--digits`` with JSON is allowed:
    its help says JSON is always full precision."""
    fmt = output_format.value
    machine = output_format in (OutputFormat.JSON, OutputFormat.CSV)
    if typed("force") and out is None and plot_file is None:
        raise RegtraceError(
            "--force replaces a read-only --out or --plot-file file, and none is written; "
            "leave out --force"
        )
    if typed("plot_scale") and not plot and plot_file is None:
        raise RegtraceError(
            "--plot-scale sets the y axis of --plot and --plot-file; add one, or leave out "
            "--plot-scale"
        )
    if typed("show_work") and machine:
        raise RegtraceError(
            f"--show-work writes the arithmetic into the table's cells; --format {fmt} holds "
            "the numbers only: leave out --show-work, or use table, markdown or latex"
        )
    if typed("layout") and machine and layout != "auto":
        raise RegtraceError(
            f"--layout arranges the table; --format {fmt} has one layout: leave out --layout, "
            "or use table, markdown or latex"
        )
    if typed("digits") and exact:
        raise RegtraceError(
            "--digits rounds floats; --exact prints exact values, never rounded: leave out "
            "--digits or --exact"
        )


def emit(
    report: HasDict,
    view: PageFor | TextView,
    spec: PlotSpec | None = None,
    *,
    output_format: OutputFormat,
    plot: bool = False,
    plot_file: str | None = None,
    json_extra: dict[str, Any] | None = None,
    plot_scale: PlotScale = PlotScale.SHARED,
) -> None:
    """Write the result in its format, then the terminal plot (``--plot``); the picture file
    (``--plot-file``) is written first, so a missing extra fails before any output.
    ``plot_scale`` says whether the penalty panels share one y range."""
    page: PageFor = view if callable(view) else view.page
    if spec is not None:
        spec = replace(spec, shared_y=plot_scale is PlotScale.SHARED)
    if plot_file is not None and spec is not None:
        _write_plot_file(spec, plot_file)
    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        write_text(to_json(report, **(json_extra or {})))
    elif output_format is OutputFormat.TABLE and (show := SHOW.get()) is not None:
        show(page(False), spec if plot else None)
        return
    elif output_format is OutputFormat.TABLE:
        write_table(page(False))
    else:
        from regtrace.render.formats import page_text

        write_text(page_text(page(True), output_format.value))
    if plot and spec is not None:
        write_text(_terminal_plot(spec))


def write_table(page: Page) -> None:
    """The terminal table: drawn by Rich, or on a pipe as plain text where that is the same
    text (:mod:`regtrace.render.plain`: Rich's console is then never loaded). Not on Windows,
    where Rich draws a piped table for a legacy console (other rules, one column less)."""
    width = terminal_width()
    if width is None and not color_wanted() and sys.platform != "win32":
        from regtrace.render.plain import plain_page

        text = plain_page(page, PIPE_WIDTH)
        if text is not None:
            write_text(text)
            return
    from regtrace.render.table import page_renderable

    write_renderable(page_renderable(page, width))


def step_json_extra(
    exact: bool, data: DataEval | None, formula: FormulaPoint | None = None
) -> dict[str, Any]:
    """The keys a step's JSON adds to its report's: ``exact``, and where the data gradient
    came from: a table's ``data``, a loss formula's ``formula``."""
    extra: dict[str, Any] = {"exact": True} if exact else {}
    if data is not None:
        extra["data"] = data.to_dict()
    if formula is not None:
        extra["formula"] = formula.to_dict()
    return extra


def emit_step(
    report: StepReport,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: str,
    builtin: bool,
    exact: bool = False,
    data: DataEval | None = None,
    formula: FormulaPoint | None = None,
) -> None:
    """A step report; with ``data`` (a step computed from a table) the data part comes first:
    in JSON as a top-level ``"data"`` object, elsewhere as the rows and the loss and gradient
    lines (CSV stays one row per penalty and weight, its ``grad`` the computed gradient).
    ``formula`` (a step computed from ``--loss-fn``) comes first the same way, as ``"formula"``.
    """
    from regtrace.render.step_page import step_page

    extra = step_json_extra(exact, data, formula)

    def page(full: bool) -> Page:
        return step_page(
            report, digits=digits, show_work=show_work, layout=layout, full=full,
            builtin=builtin, exact=exact, data=data, formula=formula,
        )  # fmt: skip

    emit(report, page, output_format=output_format, json_extra=extra)


def emit_optimizer_step(
    report: OptimizerReport,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: str,
    builtin: bool,
    data: DataEval | None = None,
    formula: FormulaPoint | None = None,
) -> None:
    """An optimizer report (``step --optimizer``); ``data`` and ``formula`` as in
    :func:`emit_step`."""
    from regtrace.render.step_page import optimizer_step_page

    def page(full: bool) -> Page:
        return optimizer_step_page(
            report, digits=digits, show_work=show_work, layout=layout, full=full,
            builtin=builtin, data=data, formula=formula,
        )  # fmt: skip

    extra = step_json_extra(False, data, formula)
    emit(report, page, output_format=output_format, json_extra=extra)


def emit_check(
    result: CheckResult,
    *,
    output_format: OutputFormat,
    digits: int,
    exact: bool,
    formula: FormulaPoint | None = None,
    layout: Layout = Layout.AUTO,
) -> None:
    """A graded answer; ``formula`` (a loss formula at the start) goes into the JSON; a
    terminal gets a summary of thousands of elements."""
    from regtrace.render.checkview import check_page

    def page(full: bool) -> Page:
        return check_page(result, digits=digits, exact=exact, layout=layout, full=full)

    extra = step_json_extra(False, None, formula)
    emit(result, page, output_format=output_format, json_extra=extra)


def emit_optimizer_check(
    result: OptimizerCheck, *, output_format: OutputFormat, digits: int
) -> None:
    """A graded optimizer answer (``check --optimizer``)."""
    from regtrace.render.checkview import optimizer_check_page

    def page(full: bool) -> Page:
        return optimizer_check_page(result, digits=digits)

    emit(result, page, output_format=output_format)


def save_step(
    report: StepReport,
    target: OutTarget,
    *,
    digits: int,
    exact: bool = False,
    data: DataEval | None = None,
    formula: FormulaPoint | None = None,
) -> None:
    """Save a step report to ``--out``: new weights per penalty, or the CSV/JSON text that
    ``--format csv|json`` would print (``data`` and ``formula`` as in :func:`emit_step`)."""

    def text(fmt: str) -> str:
        if fmt == "json":
            from regtrace.render.jsonfmt import to_json

            return to_json(report, **step_json_extra(exact, data, formula))
        from regtrace.render.csvfmt import page_csv
        from regtrace.render.step_page import step_page

        return page_csv(step_page(report, digits=digits, full=True, exact=exact))

    target.save({r.penalty.kind.value: r.w_new for r in report.results}, text)


def _terminal_plot(spec: PlotSpec) -> str:
    from regtrace.render.termplot import terminal_plot

    width = terminal_width() or TERMINAL_PLOT_WIDTH
    return terminal_plot(spec, width, color=color_wanted())


def _write_plot_file(spec: PlotSpec, name: str) -> None:
    """Write the picture beside its final name, then rename it into place (atomic)."""
    from regtrace.render.plotfile import plot_bytes, plot_format

    data = plot_bytes(spec, plot_format(name))
    write_file(Path(name), lambda handle: handle.write(data), option="--plot-file")
