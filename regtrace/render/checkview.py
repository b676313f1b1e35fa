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
from regtrace.errors import RegtraceError
from regtrace.render.csvfmt import grid
from regtrace.render.page import Layout, Page, choose_layout, text_page
from regtrace.render.step_text import QUANTITIES, ROW_LABELS, Grid, Work, penalty_formula

MARK_TEXT = {Mark.RIGHT: "right", Mark.WRONG: "WRONG", Mark.COARSE: "too coarse to tell"}
TRAJECTORY_MAX = 12  # a longer trajectory shows its first and last few steps
SUMMARY_WORST = 5  # the summary lists this many of the furthest-off elements
SUMMARY_FIRST = 10  # ... and the indices of this many first wrong (and too coarse) elements
SUMMARY_WORKED = 3  # ... and works this many of the wrong elements


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


def _summary_grids(result: CheckResult, work: Work, names: list[str]) -> list[Grid]:
    """Counts per mark, then the elements furthest from the exact value (wrong or too coarse
    first): what a terminal gets instead of one row per element."""
    total = len(result.marks)
    counts = [(m, sum(1 for x in result.marks if x is m)) for m in Mark]
    count_rows = tuple(
        (MARK_TEXT[m], str(k), f"{100 * k / total:.3g}%") for m, k in counts if k or m is Mark.WRONG
    )
    off = [
        (abs(float(a.value) - float(e)), i)
        for i, (a, e, m) in enumerate(
            zip(result.answer, result.expected, result.marks, strict=True)
        )
        if m is not Mark.RIGHT
    ]
    worst = sorted(off, key=lambda t: (-t[0], t[1]))[:SUMMARY_WORST]
    worst_rows = tuple(
        (
            names[i],
            result.answer[i].text,
            work.num(result.expected[i]),
            work.num(gap),
            MARK_TEXT[result.marks[i]],
        )
        for gap, i in worst
    )
    grids = [Grid(f"{total} elements", ("Mark", "Elements", "Share"), count_rows, math=False)]
    if worst_rows:
        header = ("", "Your answer", "Expected", "|difference|", "Mark")
        grids.append(Grid("Furthest from the exact value", header, worst_rows, math=False))
    return grids


def _first(indices: list[int], names: list[str]) -> str:
    shown = ", ".join(names[i] for i in indices[:SUMMARY_FIRST])
    return shown + (
        f" and {len(indices) - SUMMARY_FIRST} more" if len(indices) > SUMMARY_FIRST else ""
    )


def check_view(result: CheckResult, work: Work, summary: bool = False) -> CheckView:
    """Lay out a graded answer; ``work`` wraps ``result.report`` with ``show_work`` on.

    With ``summary`` (thousands of elements in a terminal) the marks table becomes counts
    and the furthest-off elements, the first wrong indices are listed, and only the first
    few wrong elements are worked; the CSV rows still hold every element."""
    pen = result.penalty
    times = "one step" if result.steps == 1 else f"{result.steps} steps"
    start = replace(result.report, w=cast(Vector, exact_vector(list(result.start))))
    if result.start_grad is not None:  # a table: dL/dw at w_0, recomputed every step
        start = replace(start, grad=cast(Vector, exact_vector(list(result.start_grad))))
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
    notes: list[str] = []
    if result.start_grad is not None:
        notes.append("dL/dw is the data loss's gradient at each step's w (above: at the start)")
    wrong = [i for i, m in enumerate(result.marks) if m is Mark.WRONG]
    coarse = [i for i, m in enumerate(result.marks) if m is Mark.COARSE]
    worked = wrong[:SUMMARY_WORKED] if summary else wrong
    if summary:
        grids = _summary_grids(result, work, names)
        if wrong:
            notes.append(f"Wrong: {_first(wrong, names)}")
        if coarse:
            notes.append(f"Too coarse to tell: {_first(coarse, names)}")
        if len(worked) < len(wrong) and result.quantity.is_vector:
            notes.append(
                f"Worked solutions are shown for the first {len(worked)} of {len(wrong)} wrong "
                "elements; --layout tall lists every element"
            )
    else:
        grids = [Grid(None, ("", "Your answer", "Expected", "Mark"), tuple(rows))]
    r = result.report.results[0]
    if result.quantity.is_vector:
        for i in worked:
            if result.steps > 1:
                notes.append(_trajectory_line(result, work, i))
            grids.append(_worked_grid(result, work, i))
    elif wrong:
        notes.append(f"Worked solution: {work.loss_line(r)}")
    notes += [_coarse_line(result, work, i, names[i]) for i in (coarse[:1] if summary else coarse)]
    notes.append(_verdict(result))
    if result.diagnosis is not None:
        values = result.diagnosis.values
        if summary and len(values) > SUMMARY_FIRST:
            shown = wrong[:SUMMARY_FIRST]
            variant = ", ".join(f"{names[i]} = {work.num(values[i])}" for i in shown)
            if len(wrong) > len(shown):
                variant += ", ..."
        else:
            variant = ", ".join(work.num(v) for v in values)
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


def check_page(
    result: CheckResult,
    *,
    digits: int,
    exact: bool,
    layout: Layout = Layout.AUTO,
    full: bool = True,
) -> Page:
    """A graded answer as a page; its CSV is one row per element. ``layout`` tall lists
    every element, summary counts them; auto summarises from
    :data:`~regtrace.render.page.SUMMARY_MIN_WEIGHTS` elements unless ``full`` (a format
    that must hold every element)."""
    if layout is Layout.WIDE:
        raise RegtraceError(
            "--layout wide: check lists one row per element; use tall (every element) or "
            "summary (counts and the furthest-off elements)"
        )
    work = Work(result.report, digits=digits, show_work=True, exact=exact)
    chosen = choose_layout(layout, len(result.marks), 1, full=full)
    view = check_view(result, work, summary=chosen is Layout.SUMMARY)
    marks = view.grids[0]
    grids = [Grid(marks.title, marks.header, marks.rows, math=False), *view.grids[1:]]
    return text_page(view.head, grids, view.notes, csv=grid(CHECK_COLUMNS, view.rows))
