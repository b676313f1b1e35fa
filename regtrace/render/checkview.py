"""A graded answer as a page: the marks table, the working of wrong elements, the diagnosis.

Both ``check`` and ``check --optimizer`` lay out a :class:`CheckView`, which :func:`view_page`
turns into a :class:`~regtrace.render.page.Page`; every format (table, Markdown, LaTeX, CSV)
draws that page, so a verdict cannot differ between them. The working is the
``step --show-work`` cells of :class:`Work` (or of the optimizer's trace).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol, cast

from regtrace.engine.check import CheckResult, Quantity
from regtrace.engine.exact import exact_vector
from regtrace.engine.grading import MIN_SIGNIFICANT, Mark, Written, significant
from regtrace.engine.penalties import L2Form, Vector
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen
from regtrace.render.csvfmt import grid
from regtrace.render.page import Layout, Line, Page, choose_layout, lines, text_page
from regtrace.render.step_text import (
    QUANTITIES,
    ROW_LABELS,
    Grid,
    Work,
    item,
    penalty_formula,
)

if TYPE_CHECKING:
    from regtrace.engine.check_optimizer import OptimizerCheck
    from regtrace.engine.diagnose import Diagnosis


class Graded(Protocol):
    """What the marks, the rule and the verdict need of a graded answer."""

    @property
    def tol(self) -> Fraction | None: ...
    @property
    def answer(self) -> tuple[Written, ...]: ...
    @property
    def expected(self) -> tuple[Fraction, ...]: ...
    @property
    def marks(self) -> tuple[Mark, ...]: ...
    @property
    def correct(self) -> bool: ...
    @property
    def diagnosis(self) -> Diagnosis | None: ...


class Numbers(Protocol):
    """Anything that writes a number at the chosen precision."""

    def num(self, x: Any) -> str: ...


MARK_TEXT = {Mark.RIGHT: "right", Mark.WRONG: "WRONG", Mark.COARSE: "too coarse to tell"}
TRAJECTORY_MAX = 12  # a longer trajectory shows its first and last few steps
MOVING_NOTE = "dL/dw is the data loss's gradient at each step's w (above: at the start)"
SUMMARY_WORST = 5  # the summary lists this many of the furthest-off elements
SUMMARY_FIRST = 10  # ... and the indices of this many first wrong (and too coarse) elements
SUMMARY_WORKED = 3  # ... and works this many of the wrong elements


@frozen
class CheckView:
    """What every check format draws: lines above, tables, lines below."""

    head: list[str]
    grids: list[Grid]
    notes: list[str]
    rows: list[tuple[str, str, str, str]]
    """(element, answer, expected, mark) per element: the CSV rows."""
    data_lines: tuple[str, ...] = ()
    """The data loss and its gradient worked out, drawn under the data part's table (the
    second grid), before the weights' working that uses them."""


def rule_line(result: Graded, work: Numbers) -> str:
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


def _factor_line(result: CheckResult, work: Work, i: int) -> str:
    """``w0: 1 - 2 x 0.1 x 0.01 = 0.998``, the decay factor worked out."""
    pen, p = result.penalty, work.times
    c = "" if pen.l2_form is L2Form.HALF else f"2 {p} "
    lam = work.num(item(pen.lam2, i))
    return (
        f"Worked solution for w{i}: 1 - {c}lr {p} lam = 1 - {c}{work.num(result.report.lr)} "
        f"{p} {lam} = {work.num(result.expected[i])}"
    )


def _trajectory_line(result: CheckResult, work: Work, i: int) -> str:
    return _path_line([work.num(w[i]) for w in result.trajectory], i)


def _coarse_line(result: Graded, work: Numbers, i: int, name: str) -> str:
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
    marked = zip(result.answer, result.expected, result.marks, strict=True)
    off = [
        (abs(float(a.value) - float(e)), i)
        for i, (a, e, m) in enumerate(marked)
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


def _first(indices: list[int], names: Sequence[str]) -> str:
    """The names of the first few ``indices``, and how many more there are."""
    shown = ", ".join(names[i] for i in indices[:SUMMARY_FIRST])
    more = len(indices) - SUMMARY_FIRST
    return shown + (f" and {more} more" if more > 0 else "")


def check_view(result: CheckResult, work: Work, summary: bool = False) -> CheckView:
    """Lay out a graded answer; ``work`` wraps ``result.report`` with ``show_work`` on.

    With ``summary`` (thousands of elements in a terminal) the marks table becomes counts
    and the furthest-off elements, the first wrong indices are listed, and only the first
    few wrong elements are worked; the CSV rows still hold every element."""
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
    rows = _marks(result, work, names)
    grids = [Grid(None, ("", "Your answer", "Expected", "Mark"), tuple(rows))]
    notes: list[str] = []
    if result.start_grad is not None:
        notes.append(MOVING_NOTE)
    wrong = [i for i, m in enumerate(result.marks) if m is Mark.WRONG]
    worked = wrong[:SUMMARY_WORKED] if summary else wrong
    if summary:
        grids = _summary_grids(result, work, names)
        coarse = [i for i, m in enumerate(result.marks) if m is Mark.COARSE]
        if wrong:
            notes.append(f"Wrong: {_first(wrong, names)}")
        if coarse:
            notes.append(f"Too coarse to tell: {_first(coarse, names)}")
        if len(worked) < len(wrong) and result.quantity.is_vector:
            notes.append(
                f"Worked solutions are shown for the first {len(worked)} of {len(wrong)} wrong "
                "elements; --layout tall lists every element"
            )
    r = result.report.results[0]
    data_lines: tuple[str, ...] = ()
    if result.data is not None and wrong:
        from regtrace.render.datawork import DataWork

        data = DataWork(result.data, digits=work.digits, show_work=True, times=work.times)
        table = data.grid()
        title = "Worked solution, the data part"
        if result.steps > 1:
            title = "The data part of step 1"
        grids.append(Grid(title, table.header, table.rows))
        data_lines = (*data.header_lines(), *data.notes())
    if result.quantity is Quantity.DECAY_FACTOR:
        notes += [_factor_line(result, work, i) for i in worked]
    elif result.quantity.is_vector:
        for i in worked:
            if result.steps > 1:
                notes.append(_trajectory_line(result, work, i))
            grids.append(_worked_grid(result, work, i))
    elif wrong:
        notes.append(f"Worked solution: {work.loss_line(r)}")
    what = "factor" if result.quantity is Quantity.DECAY_FACTOR else "update"
    notes += _closing(result, work, names, what, summary)
    return CheckView(head, grids, notes, rows, data_lines)


def _marks(result: Graded, work: Numbers, names: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(element, answer, expected, mark) per element."""
    return [
        (name, a.text, work.num(e), MARK_TEXT[m])
        for name, a, e, m in zip(names, result.answer, result.expected, result.marks, strict=True)
    ]


def _path_line(values: Sequence[str], i: int) -> str:
    """``w0 after each step (step 0 first): 1 -> 0.9 -> ...``, long paths shortened."""
    shown = list(values)
    if len(shown) > TRAJECTORY_MAX:
        shown = [*shown[:3], "...", *shown[-3:]]
    return f"w{i} after each step (step 0 first): " + " -> ".join(shown)


def _closing(
    result: Graded, work: Numbers, names: Sequence[str], what: str, summary: bool = False
) -> list[str]:
    """The too-coarse elements, the verdict and the diagnosis; a ``summary`` explains the
    first too-coarse element and shows the variant at the first wrong elements only."""
    coarse = [i for i, m in enumerate(result.marks) if m is Mark.COARSE]
    lines = [_coarse_line(result, work, i, names[i]) for i in (coarse[:1] if summary else coarse)]
    lines.append(_verdict(result))
    if result.diagnosis is not None and not result.diagnosis.values:  # the search was cut
        lines.append(f"Diagnosis: {result.diagnosis.message}")
    elif result.diagnosis is not None:
        values = result.diagnosis.values
        wrong = [i for i, m in enumerate(result.marks) if m is Mark.WRONG]
        if summary and len(values) > SUMMARY_FIRST:
            shown = wrong[:SUMMARY_FIRST]
            variant = ", ".join(f"{names[i]} = {work.num(values[i])}" for i in shown)
            variant += ", ..." if len(wrong) > len(shown) else ""
        else:
            variant = ", ".join(work.num(v) for v in values)
        lines.append(f"Diagnosis: {result.diagnosis.message}. That mistaken {what} gives {variant}")
    elif any(m is Mark.WRONG for m in result.marks):
        lines.append(
            "Diagnosis: no single common mistake reproduces your answer; compare your "
            "working with the worked solution"
        )
    return lines


def _verdict(result: Graded) -> str:
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


def optimizer_check_view(result: OptimizerCheck, digits: int) -> CheckView:
    """Lay out a graded optimizer answer: marks, the traced (last) step, the diagnosis."""
    from regtrace.render.optimizer_work import OptimizerWork, update_rule

    work = OptimizerWork(result.report, digits=digits, show_work=True)
    first = replace(result.report, w=result.start, grad=result.grad)
    start = OptimizerWork(first, digits=digits, show_work=True)
    spec = result.spec
    times_text = "one step" if result.steps == 1 else f"{result.steps} steps"
    head = [
        f"Check: your new weights after {times_text} of {spec.label}: {update_rule(spec)}",
        *work.header_lines()[2:-1],
        start.inputs_line(),
        rule_line(result, work),
        "Expected: the framework's update in float64, to 15 significant digits",
    ]
    names = [f"w{i}" for i in range(len(result.expected))]
    rows = _marks(result, work, names)
    grids = [Grid(None, ("", "Your answer", "Expected", "Mark"), tuple(rows))]
    notes: list[str] = []
    if result.moving:
        notes.append(MOVING_NOTE)
    wrong = [i for i, m in enumerate(result.marks) if m is Mark.WRONG]
    if wrong:
        title = "Worked solution"
        if result.steps > 1:
            title += f", step {result.steps} of {result.steps}"
            notes += [_path_line([work.num(w[i]) for w in result.trajectory], i) for i in wrong]
        trace = work.tall_grids()[0]
        grids.append(Grid(title, trace.header, trace.rows))
        notes += work.notes()
    notes += _closing(result, work, names, "update")
    return CheckView(head, grids, notes, rows)


CHECK_COLUMNS = ("element", "answer", "expected", "mark")


def view_page(view: CheckView) -> Page:
    """A graded answer's view as a page; its CSV is one row per element."""
    marks = view.grids[0]
    grids = [Grid(marks.title, marks.header, marks.rows, math=False), *view.grids[1:]]
    page = text_page(view.head, grids, view.notes, csv=grid(CHECK_COLUMNS, view.rows))
    if not view.data_lines:
        return page
    blocks = list(page.blocks)
    after = blocks.index(grids[1]) + 1
    blocks[after:after] = (*lines(view.data_lines, formula=True), Line(""))  # a blank line
    return replace(page, blocks=tuple(blocks))


def check_page(
    result: CheckResult,
    *,
    digits: int,
    exact: bool,
    layout: Layout = Layout.AUTO,
    full: bool = True,
) -> Page:
    """A graded answer (``check``) as a page. ``layout`` tall lists every element, summary
    counts them; auto summarises from :data:`~regtrace.render.page.SUMMARY_MIN_WEIGHTS`
    elements unless ``full`` (a format that must hold every element)."""
    if layout is Layout.WIDE:
        raise RegtraceError(
            "--layout wide: check lists one row per element; use tall (every element) or "
            "summary (counts and the furthest-off elements)"
        )
    work = Work(result.report, digits=digits, show_work=True, exact=exact)
    chosen = choose_layout(layout, len(result.marks), 1, full=full)
    return view_page(check_view(result, work, summary=chosen is Layout.SUMMARY))


def optimizer_check_page(result: OptimizerCheck, *, digits: int) -> Page:
    """A graded optimizer answer (``check --optimizer``) as a page."""
    return view_page(optimizer_check_view(result, digits))
