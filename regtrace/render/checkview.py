"""A graded answer as text: the marks table, the working of wrong elements, the diagnosis.

Every format (table, Markdown, LaTeX, CSV) draws this :class:`CheckView`, so a verdict
cannot differ between them. The working is the ``step --show-work`` cells of :class:`Work`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

from regtrace.engine.check import CheckResult
from regtrace.engine.exact import exact_vector
from regtrace.engine.grading import MIN_SIGNIFICANT, Mark, significant
from regtrace.engine.penalties import Vector
from regtrace.render.csvfmt import grid
from regtrace.render.page import Page, text_page
from regtrace.render.step_text import QUANTITIES, ROW_LABELS, Grid, Work, penalty_formula

MARK_TEXT = {Mark.RIGHT: "right", Mark.WRONG: "WRONG", Mark.COARSE: "too coarse to tell"}
TRAJECTORY_MAX = 12  # a longer trajectory shows its first and last few steps


@dataclass(frozen=True)
class CheckView:
    """What every check format draws: lines above, tables, lines below."""

    head: list[str]
    grids: list[Grid]
    notes: list[str]
    rows: list[tuple[str, str, str, str]]
    """(element, answer, expected, mark) per element: the CSV rows."""


def rule_line(result: CheckResult, work: Work) -> str:
    """The tolerance rule in force, in words."""
    if result.tol is not None:
        return f"Rule: an element is right within {work.num(result.tol)} of the exact value"
    return (
        "Rule: an element is right when it is the exact value rounded to the decimals you "
        f"wrote, keeping at least {MIN_SIGNIFICANT} significant digits (at a tie either "
        "neighbour)"
    )


def _names(result: CheckResult) -> list[str]:
    if result.quantity.is_vector:
        return [f"w{i}" for i in range(len(result.expected))]
    return [result.quantity.value]


def _worked_grid(result: CheckResult, work: Work, i: int) -> Grid:
    """The ``--show-work`` cells of weight ``i`` up to the quantity asked for."""
    r = result.report.results[0]
    stop = QUANTITIES.index(result.quantity.field) + 1
    label = f"w{i} ({r.penalty.kind.label})"
    rows = tuple((ROW_LABELS[q], work.cell(r, i, q)) for q in QUANTITIES[:stop])
    title = f"Worked solution for w{i}"
    if result.steps > 1:
        title += f", step {result.steps} of {result.steps}"
    return Grid(title, ("Quantity", label), rows)


def _trajectory_line(result: CheckResult, work: Work, i: int) -> str:
    values = [work.num(w[i]) for w in result.trajectory]
    if len(values) > TRAJECTORY_MAX:
        values = [*values[:3], "...", *values[-3:]]
    return f"w{i} after each step (step 0 first): " + " -> ".join(values)


def _coarse_line(result: CheckResult, work: Work, i: int, name: str) -> str:
    answer, exact = result.answer[i], result.expected[i]
    kept = significant(exact, answer.decimals or 0)
    return (
        f"{name}: {answer.text} keeps {kept} significant digit{'s' if kept != 1 else ''} of "
        f"{work.num(exact)}; write at least {MIN_SIGNIFICANT} to be graded"
    )


def check_view(result: CheckResult, work: Work) -> CheckView:
    """Lay out a graded answer; ``work`` wraps ``result.report`` with ``show_work`` on."""
    pen = result.penalty
    times = "one step" if result.steps == 1 else f"{result.steps} steps"
    start = replace(result.report, w=cast(Vector, exact_vector(list(result.start))))
    if result.start_grad is not None:  # a table or a formula: dL/dw and L at w_0
        start = replace(
            start,
            grad=cast(Vector, exact_vector(list(result.start_grad))),
            loss=cast(float | None, result.start_loss),
        )
    echo = Work(start, digits=work.digits, times=work.times, exact=work.exact)
    head = [
        f"Check: your {result.quantity.words} after {times} of "
        "w_new = w - lr x (dL/dw + penalty term)",
        f"{pen.kind.label}: {penalty_formula(pen)}",
        echo.inputs_line(),
        rule_line(result, work),
    ]
    names = _names(result)
    rows = [
        (name, a.text, work.num(e), MARK_TEXT[m])
        for name, a, e, m in zip(names, result.answer, result.expected, result.marks, strict=True)
    ]
    grids = [Grid(None, ("", "Your answer", "Expected", "Mark"), tuple(rows))]
    notes: list[str] = []
    if result.start_grad is not None:
        notes.append("dL/dw is the data loss's gradient at each step's w (above: at the start)")
    wrong = [i for i, m in enumerate(result.marks) if m is Mark.WRONG]
    r = result.report.results[0]
    if result.quantity.is_vector:
        for i in wrong:
            if result.steps > 1:
                notes.append(_trajectory_line(result, work, i))
            grids.append(_worked_grid(result, work, i))
    elif wrong:
        notes.append(f"Worked solution: {work.loss_line(r)}")
    notes += [
        _coarse_line(result, work, i, names[i])
        for i, m in enumerate(result.marks)
        if m is Mark.COARSE
    ]
    notes.append(_verdict(result))
    if result.diagnosis is not None:
        variant = ", ".join(work.num(v) for v in result.diagnosis.values)
        notes.append(f"Diagnosis: {result.diagnosis.message}. That mistaken update gives {variant}")
    elif wrong:
        notes.append(
            "Diagnosis: no single common mistake reproduces your answer; compare your "
            "working with the worked solution"
        )
    return CheckView(head, grids, notes, rows)


def _verdict(result: CheckResult) -> str:
    counts: dict[Mark, int] = {m: sum(1 for x in result.marks if x is m) for m in Mark}
    total = len(result.marks)
    if result.correct:
        return "All right." if total > 1 else "Right."
    parts = [f"{counts[Mark.RIGHT]} of {total} right"]
    if counts[Mark.WRONG]:
        parts.append(f"{counts[Mark.WRONG]} wrong")
    if counts[Mark.COARSE]:
        parts.append(f"{counts[Mark.COARSE]} too coarse to tell")
    return ", ".join(parts) + "."


CHECK_COLUMNS = ("element", "answer", "expected", "mark")


def check_page(result: CheckResult, *, digits: int, exact: bool) -> Page:
    """A graded answer as a page; its CSV is one row per element."""
    work = Work(result.report, digits=digits, show_work=True, exact=exact)
    view = check_view(result, work)
    marks = view.grids[0]
    grids = [Grid(marks.title, marks.header, marks.rows, math=False), *view.grids[1:]]
    return text_page(view.head, grids, view.notes, csv=grid(CHECK_COLUMNS, view.rows))
