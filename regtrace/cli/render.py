"""Hand a result to the renderer its ``--format`` asks for, and write it out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regtrace import examples
from regtrace.cli.options import LayoutChoice, OutputFormat
from regtrace.cli.output import terminal_width, write_renderable, write_text
from regtrace.engine.step import StepReport
from regtrace.render.work import Layout, Work, choose_layout

if TYPE_CHECKING:
    from regtrace.engine.data import DataEval


def emit_step(
    report: StepReport,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: LayoutChoice,
    builtin: bool,
    data: DataEval | None = None,
) -> None:
    """Render a step report in the requested format and write it to stdout.

    With ``data`` (a step computed from a table) the data part comes first: in JSON as a
    top-level ``"data"`` object, in the table and Markdown as a table of rows and the loss
    and gradient lines. CSV stays one row per penalty and weight (its ``grad`` column holds
    the computed gradient).
    """
    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        extra = {} if data is None else {"data": data.to_dict()}
        write_text(to_json(report, **extra))
        return
    work = Work(report, digits=digits, show_work=show_work)
    if output_format is OutputFormat.CSV:
        from regtrace.render.csvfmt import trace_csv

        write_text(trace_csv(work))
        return
    full = output_format is not OutputFormat.TABLE
    resolved = choose_layout(Layout(layout.value), report.w.size, len(report.results), full=full)
    caption = examples.BUILTIN_CAPTION if builtin else None
    data_work = None
    if data is not None:
        from regtrace.render.datawork import DataWork

        data_work = DataWork(data, digits=digits, show_work=show_work)
    if output_format is OutputFormat.MARKDOWN:
        from regtrace.render.markdown import data_markdown, trace_markdown

        prelude = "" if data_work is None else data_markdown(data_work) + "\n"
        write_text(prelude + trace_markdown(work, resolved, caption))
        return
    from regtrace.render.table import trace_renderable

    renderable = trace_renderable(work, resolved, caption, width=terminal_width())
    if data_work is not None:
        from rich.console import Group

        from regtrace.render.table import data_renderable

        renderable = Group(data_renderable(data_work), renderable)
    write_renderable(renderable)
