"""Hand a result to the renderer its ``--format`` asks for, and write it out."""

from __future__ import annotations

from regtrace import examples
from regtrace.cli.options import LayoutChoice, OutputFormat
from regtrace.cli.output import terminal_width, write_renderable, write_text
from regtrace.engine.step import StepReport
from regtrace.render.work import Layout, Work, choose_layout


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
    full = output_format is not OutputFormat.TABLE
    resolved = choose_layout(Layout(layout.value), report.w.size, len(report.results), full=full)
    caption = examples.BUILTIN_CAPTION if builtin else None
    if output_format is OutputFormat.MARKDOWN:
        from regtrace.render.markdown import trace_markdown

        write_text(trace_markdown(work, resolved, caption))
        return
    from regtrace.render.table import trace_renderable

    write_renderable(trace_renderable(work, resolved, caption, width=terminal_width()))
