"""The page of each one-step view: ``step`` (plain or with an optimizer), its data gradient
typed, computed from a table, or from a loss formula.

The ``full`` argument says whether the format must hold every weight (files) or may summarise
thousands of them (the terminal); see :func:`~regtrace.render.page.choose_layout`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regtrace import examples
from regtrace.engine.step import StepReport
from regtrace.render.numfmt import DEFAULT_DIGITS
from regtrace.render.page import Layout, Page, choose_layout, text_page, trace_page
from regtrace.render.step_text import Work, trace_csv

if TYPE_CHECKING:
    from regtrace.engine.data import DataEval
    from regtrace.engine.formula import FormulaPoint
    from regtrace.engine.optimizers import OptimizerReport


def _caption(builtin: bool) -> str | None:
    """The built-in example says what it is and how to pass your own values."""
    return examples.BUILTIN_CAPTION if builtin else None


def data_page(data: DataEval, digits: int, show_work: bool) -> Page:
    """The data part of a step on a table: its rows, the loss and the gradient."""
    from regtrace.render.datawork import DataWork

    head, grids, notes = DataWork(data, digits=digits, show_work=show_work).page()
    return text_page(head, grids, notes)


def formula_page(formula: FormulaPoint, digits: int, show_work: bool) -> Page:
    """The loss-formula part of a step: L and each partial derivative at w."""
    from regtrace.render.formula import FormulaWork

    return FormulaWork(formula, digits=digits, show_work=show_work).page()


def _after_source(
    page: Page,
    data: DataEval | None,
    formula: FormulaPoint | None,
    digits: int,
    show_work: bool,
) -> Page:
    """``page`` after the part its data gradient came from (a table's rows, a formula)."""
    if data is not None:
        return data_page(data, digits, show_work).then(page)
    if formula is not None:
        return formula_page(formula, digits, show_work).then(page)
    return page


def step_page(
    report: StepReport,
    *,
    digits: int = DEFAULT_DIGITS,
    show_work: bool = False,
    layout: str = "auto",
    full: bool,
    builtin: bool = False,
    exact: bool = False,
    data: DataEval | None = None,
    formula: FormulaPoint | None = None,
) -> Page:
    """One gradient step: formulas and inputs, the trace, the losses; after the data part
    (``data``, a table's; ``formula``, a loss formula's)."""
    work = Work(report, digits=digits, show_work=show_work, exact=exact)
    resolved = choose_layout(Layout(layout), report.w.size, len(report.results), full=full)
    page = trace_page(work, resolved, csv=trace_csv(work), caption=_caption(builtin))
    return _after_source(page, data, formula, digits, show_work)


def optimizer_step_page(
    report: OptimizerReport,
    *,
    digits: int = DEFAULT_DIGITS,
    show_work: bool = False,
    layout: str = "auto",
    full: bool,
    builtin: bool = False,
    data: DataEval | None = None,
    formula: FormulaPoint | None = None,
) -> Page:
    """One optimizer step, its state and notes; after the data part (as in :func:`step_page`)."""
    from regtrace.render.csvfmt import grid
    from regtrace.render.optimizer_work import (
        OptimizerWork,
        optimizer_csv_columns,
        optimizer_csv_rows,
    )

    work = OptimizerWork(report, digits=digits, show_work=show_work)
    resolved = choose_layout(Layout(layout), report.w.size, len(report.results), full=full)
    csv = grid(optimizer_csv_columns(work), optimizer_csv_rows(work))
    page = trace_page(work, resolved, csv=csv, caption=_caption(builtin))
    return _after_source(page, data, formula, digits, show_work)
