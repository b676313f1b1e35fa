"""Hand a result to the renderer its ``--format`` asks for, and write it out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regtrace import examples
from regtrace.cli.options import LayoutChoice, OutputFormat
from regtrace.cli.output import terminal_width, write_renderable, write_text
from regtrace.engine.step import StepReport
from regtrace.render.work import Layout, TraceText, Work, choose_layout

if TYPE_CHECKING:  # these engines load only when their command runs; --out's when given
    from regtrace.cli.outfile import OutTarget
    from regtrace.engine.check import CheckResult
    from regtrace.engine.data import DataEval
    from regtrace.engine.optimizers import OptimizerReport
    from regtrace.render.datawork import DataWork
    from regtrace.render.formula import FormulaShown, FormulaWork


def emit_step(
    report: StepReport,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: LayoutChoice,
    builtin: bool,
    exact: bool = False,
    data: DataEval | None = None,
    formula: FormulaShown | None = None,
) -> None:
    """Render a step report in the requested format and write it to stdout.

    With ``data`` (a step computed from a table) the data part comes first: in JSON as a
    top-level ``"data"`` object, in the table, Markdown and LaTeX as a table of rows and the
    loss and gradient lines. CSV stays one row per penalty and weight (its ``grad`` column holds
    the computed gradient).
    """
    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        extra: dict[str, object] = {"exact": True} if exact else {}
        if data is not None:
            extra["data"] = data.to_dict()
        if formula is not None:
            extra["formula"] = formula.to_dict()
        write_text(to_json(report, **extra))
        return
    if output_format is OutputFormat.LATEX:
        from regtrace.render.latex import TIMES

        times = TIMES
    else:
        times = "x"
    work = Work(report, digits=digits, show_work=show_work, times=times, exact=exact)
    if output_format is OutputFormat.CSV:
        from regtrace.render.csvfmt import trace_csv

        write_text(trace_csv(work))
        return
    shape = (report.w.size, len(report.results))
    _emit_trace(
        work,
        shape,
        output_format=output_format,
        layout=layout,
        builtin=builtin,
        data=_data_work(data, digits, show_work, times)
        or _formula_work(formula, digits, show_work),
    )


def _formula_work(formula: FormulaShown | None, digits: int, show_work: bool) -> FormulaWork | None:
    """The text of a loss formula's part (``--loss-fn``), if the step came from one."""
    if formula is None:
        return None
    from regtrace.render.formula import FormulaWork

    return FormulaWork(formula, digits=digits, show_work=show_work)


def _data_work(data: DataEval | None, digits: int, show_work: bool, times: str) -> DataWork | None:
    """The text of a table's data part, if the step came from one."""
    if data is None:
        return None
    from regtrace.render.datawork import DataWork

    return DataWork(data, digits=digits, show_work=show_work, times=times)


def emit_optimizer_step(
    report: OptimizerReport,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: LayoutChoice,
    builtin: bool,
    data: DataEval | None = None,
    formula: FormulaShown | None = None,
) -> None:
    """Render an optimizer report (``step --optimizer``) in the requested format; ``data``
    and ``formula`` as in :func:`emit_step`."""
    from regtrace.render.optimizer_work import OptimizerWork

    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        extra = {} if data is None else {"data": data.to_dict()}
        if formula is not None:
            extra["formula"] = formula.to_dict()
        write_text(to_json(report, **extra))
        return
    times = "x"
    if output_format is OutputFormat.LATEX:
        from regtrace.render.latex import TIMES as times
    work = OptimizerWork(report, digits=digits, show_work=show_work, times=times)
    if output_format is OutputFormat.CSV:
        from regtrace.render.csvfmt import rows_csv
        from regtrace.render.optimizer_work import CSV_COLUMNS, optimizer_csv_rows

        write_text(rows_csv(CSV_COLUMNS, optimizer_csv_rows(work)))
        return
    shape = (report.w.size, len(report.results))
    _emit_trace(
        work,
        shape,
        output_format=output_format,
        layout=layout,
        builtin=builtin,
        data=_data_work(data, digits, show_work, times)
        or _formula_work(formula, digits, show_work),
    )


def _emit_trace(
    work: TraceText,
    shape: tuple[int, int],
    *,
    output_format: OutputFormat,
    layout: LayoutChoice,
    builtin: bool,
    data: DataWork | FormulaWork | None = None,
) -> None:
    """The table or Markdown of a trace; ``shape`` is (weights, results side by side).

    ``data`` (a step computed from a table) is drawn first: its rows, loss and gradient.
    """
    full = output_format is not OutputFormat.TABLE
    resolved = choose_layout(Layout(layout.value), *shape, full=full)
    caption = examples.BUILTIN_CAPTION if builtin else None
    data_work = data
    if output_format is OutputFormat.MARKDOWN:
        from regtrace.render.markdown import page_markdown, trace_markdown

        prelude = "" if data_work is None else page_markdown(*data_work.page()) + "\n"
        write_text(prelude + trace_markdown(work, resolved, caption))
        return
    if output_format is OutputFormat.LATEX:
        from regtrace.render.latex import page_latex, trace_latex

        prelude = "" if data_work is None else page_latex(*data_work.page()) + "\n"
        write_text(prelude + trace_latex(work, resolved, caption))
        return
    from regtrace.render.table import trace_renderable

    renderable = trace_renderable(work, resolved, caption, width=terminal_width())
    if data_work is not None:
        from rich.console import Group
        from rich.text import Text

        from regtrace.render.table import page_renderable

        renderable = Group(page_renderable(*data_work.page()), Text(""), renderable)
    write_renderable(renderable)


def save_step(report: StepReport, target: OutTarget, *, digits: int, exact: bool = False) -> None:
    """Save a step report to ``--out``: new weights per penalty, or the CSV/JSON text that
    ``--format csv|json`` would print."""

    def text(fmt: str) -> str:
        if fmt == "json":
            from regtrace.render.jsonfmt import to_json

            return to_json(report, **({"exact": True} if exact else {}))
        from regtrace.render.csvfmt import trace_csv

        return trace_csv(Work(report, digits=digits, exact=exact))

    target.save({r.penalty.kind.value: r.w_new for r in report.results}, text)


def reject_latex(output_format: OutputFormat, command: str) -> None:
    """For a command without a LaTeX view: a clear one-line error (exit 2)."""
    from regtrace.errors import RegtraceError

    if output_format is OutputFormat.LATEX:
        raise RegtraceError(
            f"--format latex is available for step and check, not {command}; "
            "use --format markdown, csv or json"
        )


def emit_check(
    result: CheckResult,
    *,
    output_format: OutputFormat,
    digits: int,
    exact: bool,
    formula: FormulaShown | None = None,
) -> None:
    """Render a graded answer in the requested format and write it to stdout; ``formula``
    (a loss formula's texts) goes into the JSON."""
    if output_format is OutputFormat.JSON:
        from regtrace.render.jsonfmt import to_json

        extra = {} if formula is None else {"formula": formula.to_dict()}
        write_text(to_json(result, **extra))
        return
    from regtrace.render.checkview import check_view

    times = "x"
    if output_format is OutputFormat.LATEX:
        from regtrace.render.latex import TIMES as times
    work = Work(result.report, digits=digits, show_work=True, times=times, exact=exact)
    view = check_view(result, work)
    if output_format is OutputFormat.CSV:
        from regtrace.render.csvfmt import CHECK_COLUMNS, rows_csv

        write_text(rows_csv(CHECK_COLUMNS, view.rows))
    elif output_format is OutputFormat.MARKDOWN:
        from regtrace.render.markdown import page_markdown

        write_text(page_markdown(view.head, view.grids, view.notes))
    elif output_format is OutputFormat.LATEX:
        from regtrace.render.latex import page_latex

        write_text(page_latex(view.head, view.grids, view.notes))
    else:
        from regtrace.render.table import page_renderable

        write_renderable(page_renderable(view.head, view.grids, view.notes))
