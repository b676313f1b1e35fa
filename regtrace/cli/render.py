"""Hand a result to the renderer its ``--format`` asks for, and write it out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regtrace import examples
from regtrace.cli.options import LayoutChoice, OutputFormat
from regtrace.cli.output import terminal_width, write_renderable, write_text
from regtrace.engine.step import StepReport
from regtrace.render.work import Layout, TraceText, Work, choose_layout

if TYPE_CHECKING:
    from regtrace.engine.optimizers import OptimizerReport


def emit_step(
    report: StepReport,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: LayoutChoice,
    builtin: bool,
) -> None:
    """Render a step report in the requested format and write it to stdout."""
    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        write_text(to_json(report))
        return
    work = Work(report, digits=digits, show_work=show_work)
    if output_format is OutputFormat.CSV:
        from regtrace.render.csvfmt import trace_csv

        write_text(trace_csv(work))
        return
    shape = (report.w.size, len(report.results))
    _emit_trace(work, shape, output_format=output_format, layout=layout, builtin=builtin)


def emit_optimizer_step(
    report: OptimizerReport,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: LayoutChoice,
    builtin: bool,
) -> None:
    """Render an optimizer report (``step --optimizer``) in the requested format."""
    from regtrace.render.optimizer_work import OptimizerWork

    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        write_text(to_json(report))
        return
    work = OptimizerWork(report, digits=digits, show_work=show_work)
    if output_format is OutputFormat.CSV:
        from regtrace.render.csvfmt import optimizer_csv

        write_text(optimizer_csv(work))
        return
    shape = (report.w.size, len(report.results))
    _emit_trace(work, shape, output_format=output_format, layout=layout, builtin=builtin)


def _emit_trace(
    work: TraceText,
    shape: tuple[int, int],
    *,
    output_format: OutputFormat,
    layout: LayoutChoice,
    builtin: bool,
) -> None:
    """The table or Markdown of a trace; ``shape`` is (weights, results side by side)."""
    full = output_format is not OutputFormat.TABLE
    resolved = choose_layout(Layout(layout.value), *shape, full=full)
    caption = examples.BUILTIN_CAPTION if builtin else None
    if output_format is OutputFormat.MARKDOWN:
        from regtrace.render.markdown import trace_markdown

        write_text(trace_markdown(work, resolved, caption))
        return
    from regtrace.render.table import trace_renderable

    write_renderable(trace_renderable(work, resolved, caption, width=terminal_width()))
