"""One gradient step as text: every cell of the trace table and every line under it.

:func:`step_page` lays it out as a :class:`~regtrace.render.page.Page`, which every format
draws, so a number cannot differ between formats. With ``show_work`` each cell carries the
substituted arithmetic (``2x0.01x2.5 = 0.05``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from regtrace.engine.noise import settled_array
from regtrace.engine.penalties import (
    L2Form,
    Penalty,
    Strength,
    Vector,
)
from regtrace.engine.step import StepReport, StepResult
from regtrace.frozen import frozen
from regtrace.render.norms import BEYOND_FLOAT64, fmt_norm
from regtrace.render.numfmt import DEFAULT_DIGITS, fmt, fmt_exact, fmt_signed, paren, settled
from regtrace.render.numfmt import NOISE as NOISE  # the cancellation rule, for the other views
from regtrace.render.page import (
    WIDE_MAX_WEIGHTS,
    Grid,
    Layout,
    Page,
    choose_layout,
    trace_page,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Grid", "Layout", "Work", "choose_layout", "work_page"]

QUANTITIES: tuple[str, ...] = ("penalty_grad", "full_grad", "step", "w_new")
ROW_LABELS: dict[str, str] = {
    "penalty_grad": "Reg penalty term",
    "full_grad": "Full gradient",
    "step": "Update (-lr*grad)",
    "w_new": "New weight",
}
INLINE_VECTOR_MAX = 8  # vectors up to this length are echoed in full in the inputs line


def item(value: Strength, i: int) -> Any:
    """The strength that applies to weight ``i``, as stored (a float, or a fraction)."""
    return value[i] if isinstance(value, np.ndarray) else value


def vector_text(values: Vector, num: Callable[[Any], str]) -> str:
    """A short vector in brackets, each element written by ``num``; a long one by its size."""
    if values.size > INLINE_VECTOR_MAX:
        return f"({values.size} values)"
    return "[" + ", ".join(num(x) for x in values) + "]"


def strength_text(value: Strength, num: Callable[[Any], str]) -> str:
    """A strength: one number, or a per-weight vector."""
    return vector_text(value, num) if isinstance(value, np.ndarray) else num(value)


def strengths_text(p: Penalty, strength: Callable[[Any], str]) -> str:
    """``lam = 0.01`` or ``lam1 = 0.01, lam2 = 0.05`` (empty for no penalty)."""
    return ", ".join(f"{name} = {strength(s)}" for name, s in p.rule.strengths(p))


def penalty_formula(p: Penalty) -> str:
    """The penalty and its gradient in words, e.g. ``lam*sum(w^2), gradient 2*lam*w``."""
    return p.formula()


@frozen
class Work:
    """Text for one :class:`StepReport` at a given precision, with or without arithmetic.

    With ``exact`` (``--exact``) a ``Fraction`` is written exactly, whatever ``digits`` says.
    """

    report: StepReport
    digits: int = DEFAULT_DIGITS
    show_work: bool = False
    times: str = "x"
    exact: bool = False

    def num(self, x: Any) -> str:
        """A number at this precision (exactly, for a fraction under ``exact``)."""
        if self.exact:
            return fmt_exact(x, self.digits)
        return fmt(float(x), self.digits)

    def _big(self, x: Any) -> str:
        """A sum or square that may be beyond float64 (then ``> 1.8e308``, never ``inf``)."""
        return self.num(x) if self.exact else fmt_norm(float(x), self.digits)

    def signed(self, x: Any) -> str:
        """Like :meth:`num` with an explicit ``+`` on positive values (the update row)."""
        text = self.num(x)
        return text if text.startswith("-") or text == "0" else f"+{text}"

    def vector(self, values: Vector) -> str:
        """A short vector in brackets, or its length when it is long."""
        return vector_text(values, self.num)

    def strength(self, value: Strength) -> str:
        """A strength: one number, or a per-weight vector."""
        return strength_text(value, self.num)

    # -- cells ---------------------------------------------------------------------------

    def cell(self, result: StepResult, i: int, quantity: str) -> str:
        """The text of one quantity for weight ``i`` under one penalty."""
        value = self.value(result, i, quantity)
        text = self.signed(value) if quantity == "step" else self.num(value)
        if not self.show_work:
            return text
        return f"{getattr(self, '_work_' + quantity)(result, i)} = {text}"

    def value(self, result: StepResult, i: int, quantity: str) -> Any:
        """One quantity for weight ``i`` as shown: cancellation noise is 0 (floats only)."""
        value = getattr(result, quantity)[i]
        if self.exact:
            return value
        return settled(float(value), self._scale(result, i, quantity))

    def _scale(self, result: StepResult, i: int, quantity: str) -> float:
        """The size of the operands that ``quantity`` was computed from, at weight ``i``."""
        w, g = abs(float(self.report.w[i])), abs(float(self.report.grad[i]))
        pen = result.penalty
        # This weight's own strengths: a per-weight lam must not broadcast over w[i].
        terms = pen.l2_form.coef * float(item(pen.lam2, i)) * w if pen.has_l2 else 0.0
        terms += float(item(pen.lam1, i)) if pen.has_l1 and w != 0 else 0.0
        if not pen.has_l1 and not pen.has_l2:
            terms = abs(float(result.penalty_grad[i]))  # a rule of its own: its own size
        grad_scale = max(g, terms)
        if quantity == "penalty_grad":
            return terms
        if quantity == "full_grad":
            return grad_scale
        if quantity == "step":
            return self.report.lr * grad_scale + (w if result.prox_input is not None else 0.0)
        return max(w, self.report.lr * grad_scale)

    def _work_penalty_grad(self, result: StepResult, i: int) -> str:
        p, x, w = self.times, self.num, self.report.w[i]
        pen = result.penalty
        terms: list[str] = []
        if not pen.has_l1 and not pen.has_l2:
            return x(result.penalty_grad[i])  # a rule without |w| or w^2 parts: its value
        if pen.has_l2:
            coef = f"2{p}" if pen.l2_form is L2Form.LAMBDA else ""
            terms.append(f"{coef}{x(item(pen.lam2, i))}{p}{paren(x(w))}")
        if pen.has_l1:
            lam1 = item(pen.lam1, i)
            if result.prox_input is not None and self.report.lr > 0:
                v = result.prox_input[i]
                if abs(v) > self.report.lr * lam1:
                    terms.append(f"{x(lam1)}{p}{paren(x(float(np.sign(v))))}")
                else:
                    terms.append(f"{paren(x(v))}/{x(self.report.lr)}")
            else:
                terms.append(f"{x(lam1)}{p}{paren(x(float(np.sign(w))))}")
        return " + ".join(terms) if terms else "0"

    def _work_full_grad(self, result: StepResult, i: int) -> str:
        g = self.report.grad[i]
        term = result.penalty_grad[i]
        sign = "-" if term < 0 else "+"
        return f"{self.num(g)} {sign} {self.num(abs(term))}"

    def _work_step(self, result: StepResult, i: int) -> str:
        x = self.num
        if result.prox_input is not None:
            return f"{x(result.w_new[i])} - {paren(x(self.report.w[i]))}"
        return f"-{x(self.report.lr)}{self.times}{paren(x(result.full_grad[i]))}"

    def _work_w_new(self, result: StepResult, i: int) -> str:
        x, p = self.num, self.times
        if result.prox_input is not None:
            lam1 = item(result.penalty.lam1, i)
            return f"soft({x(result.prox_input[i])}, {x(self.report.lr)}{p}{x(lam1)})"
        fg = paren(x(result.full_grad[i]))
        return f"{x(self.report.w[i])} - {x(self.report.lr)}{p}{fg}"

    # -- lines under the table -----------------------------------------------------------

    def _sum_term(self, strength: Strength, norm: Vector, what: str, half: bool) -> str:
        """``0.01 x 6.9`` for one strength, ``(0.01x6.25 + 0x0.64)`` for one per weight."""
        p = self.times
        div = "/2" if half else ""
        big = self._big
        if not isinstance(strength, np.ndarray):
            with np.errstate(over="ignore"):  # shown as "> 1.8e308", the engine checked the rest
                total = np.sum(norm)
            return f"{self.num(strength)}{div} {p} {big(total)}"
        if strength.size > WIDE_MAX_WEIGHTS:
            return f"sum(lam_i{div} {p} {what})"
        inner = " + ".join(
            f"{self.num(s)}{div}{p}{big(v)}" for s, v in zip(strength, norm, strict=True)
        )
        return f"({inner})"

    def loss_line(self, result: StepResult) -> str:
        """``L2: 1.2 + 0.01 x 6.9 = 1.269``, or the penalty alone without a base loss."""
        pen, w = result.penalty, self.report.w
        terms: list[str] = []
        if pen.has_l1:
            terms.append(self._sum_term(pen.lam1, np.abs(w), "|w_i|", half=False))
        if pen.has_l2:
            half = pen.l2_form is L2Form.HALF
            with np.errstate(over="ignore"):  # |w| > 1.3e154: w^2 is shown as "> 1.8e308"
                squares = np.square(w)
            terms.append(self._sum_term(pen.lam2, squares, "w_i^2", half=half))
        expr = " + ".join(terms) if terms else "0"
        label = pen.kind.label
        if not terms and result.penalty_value != 0:  # a rule without |w| or w^2 parts
            expr = pen.rule.help
        if result.loss is None or self.report.loss is None:
            return f"{label} penalty: {expr} = {self.num(result.penalty_value)}"
        return f"{label}: {self.num(self.report.loss)} + {expr} = {self.num(result.loss)}"

    def decay_line(self, result: StepResult) -> str | None:
        """The L2 weight-decay factor ``1 - 2*lr*lam`` (``1 - lr*lam`` in the half form)."""
        pen = result.penalty
        if not pen.has_l2:
            return None
        p, lr = self.times, self.num(self.report.lr)
        lam_name = "lam2" if pen.has_l1 else "lam"  # an L1 part too: the elastic net
        if pen.l2_form is L2Form.LAMBDA:
            formula, sub = f"1 - 2*lr*{lam_name}", f"1 - 2{p}{lr}{p}"
        else:
            formula, sub = f"1 - lr*{lam_name}", f"1 - {lr}{p}"
        factor = pen.decay_factor(self.report.lr)
        name = f"{pen.kind.label} weight-decay factor ({formula})"
        if isinstance(factor, np.ndarray) and factor.size > INLINE_VECTOR_MAX:
            lo, hi = self.num(factor.min()), self.num(factor.max())
            return f"{name}: from {lo} to {hi}"
        return f"{name} = {sub}{self.strength(pen.lam2)} = {self.strength(factor)}"

    def divergence_line(self, result: StepResult) -> str | None:
        """A warning when the decay factor ``f = 1 - c*lr*lam2`` is below -1.

        With a fixed data gradient, repeated steps follow ``w_k+1 = f*w_k - lr*g``, which
        diverges exactly when ``|f| > 1``; ``f`` never exceeds 1, so the test is ``f < -1``,
        i.e. ``c*lr*lam2 > 2`` (``lr*lam > 1`` in the ``lambda`` form).
        """
        pen = result.penalty
        if not pen.has_l2:
            return None
        factor = np.min(pen.decay_factor(self.report.lr))
        if factor >= -1:
            return None
        limit = "lr x lam < 1" if pen.l2_form is L2Form.LAMBDA else "lr x lam < 2"
        return (
            f"{pen.kind.label}: the weight-decay factor {self.num(float(factor))} is below -1, "
            f"so repeated steps flip the sign of w and grow it: they diverge (keep {limit})"
        )

    def notes(self) -> list[str]:
        """Every line under the table: losses, decay factors, and how proximal L1 works."""
        lines = [self.loss_line(r) for r in self.report.results]
        lines += [d for r in self.report.results if (d := self.decay_line(r)) is not None]
        lines += [d for r in self.report.results if (d := self.divergence_line(r)) is not None]
        if any(r.prox_input is not None for r in self.report.results):
            lines.append(PROXIMAL_NOTE)
        return lines

    def inputs_line(self) -> str:
        """The inputs echoed in one line, with every strength a penalty in the trace uses."""
        r = self.report
        parts = [f"w = {self.vector(r.w)}", f"dL/dw = {self.vector(r.grad)}"]
        for res in r.results:
            pen = res.penalty
            parts += [f"{name} = {self.strength(s)}" for name, s in pen.rule.strengths(pen)]
        parts = list(dict.fromkeys(parts))  # l2 and l1 share --lam: say it once
        parts.append(f"lr = {self.num(r.lr)}")
        if r.loss is not None:
            parts.append(f"L = {self.num(r.loss)}")
        return ", ".join(parts)

    def header_lines(self) -> list[str]:
        """What is traced: the update rule, each penalty's formula (so the L2 form in use is
        stated), and the inputs."""
        lines = ["One gradient step: w_new = w - lr x (dL/dw + penalty term)"]
        lines += [
            f"{r.penalty.kind.label}: {penalty_formula(r.penalty)}" for r in self.report.results
        ]
        lines.append(self.inputs_line())
        return lines

    # -- grids -----------------------------------------------------------------------------

    def wide_grid(self, results: Sequence[StepResult] | None = None) -> Grid:
        """The textbook layout: one column per weight and penalty, one row per quantity.

        ``results`` limits the columns to some penalties (a narrow terminal gets one table
        per penalty); the default is all of them, side by side.
        """
        chosen = self.report.results if results is None else tuple(results)
        n = self.report.w.size
        header = (
            "Quantity",
            *(f"w{i} ({r.penalty.kind.label})" for i in range(n) for r in chosen),
        )
        rows = tuple(
            (ROW_LABELS[q], *(self.cell(r, i, q) for i in range(n) for r in chosen))
            for q in QUANTITIES
        )
        return Grid(None, header, rows)

    def split_wide(self) -> list[Grid]:
        """One side-by-side table per penalty (a narrow terminal's wide layout)."""
        split = []
        for result in self.report.results:
            one = self.wide_grid([result])
            split.append(Grid(result.penalty.kind.label, one.header, one.rows))
        return split

    def tall_grids(self) -> list[Grid]:
        """One table per penalty, one row per weight."""
        header = ("i", "w", "dL/dw", *(ROW_LABELS[q] for q in QUANTITIES))
        grids = []
        for r in self.report.results:
            rows = tuple(
                (
                    str(i),
                    self.num(self.report.w[i]),
                    self.num(self.report.grad[i]),
                    *(self.cell(r, i, q) for q in QUANTITIES),
                )
                for i in range(self.report.w.size)
            )
            grids.append(Grid(f"{r.penalty.kind.label}, one row per weight", header, rows))
        return grids

    def summary_grids(self, top: int = 5) -> list[Grid]:
        """For thousands of weights: norms, exact zeros and the largest changes per penalty."""
        moves = [(r.penalty.kind.label, r.step, r.w_new) for r in self.report.results]
        return summary_tables(self.report.w, moves, self.num, self.digits, "Penalty", top)

    def grids(self, layout: Layout) -> Sequence[Grid]:
        """The grids of a resolved layout (not ``auto``)."""
        if layout is Layout.WIDE:
            return [self.wide_grid()]
        if layout is Layout.SUMMARY:
            return self.summary_grids()
        return self.tall_grids()


def _before_after(before: float, after: float, num: Callable[[Any], str]) -> str:
    def text(x: float) -> str:
        return num(x) if np.isfinite(x) else BEYOND_FLOAT64

    return f"{text(before)} -> {text(after)}"


def largest(magnitude: NDArray[np.float64], top: int) -> NDArray[np.intp]:
    """Indices of the ``top`` largest values, largest first, ties in index order.

    The same as a stable ``argsort(-magnitude)[:top]`` without sorting all of it: on 10^7
    weights a partition finds the threshold, and only the candidates at or above it are
    sorted (they include every tie, in index order, so the stable sort keeps that order).
    """
    if magnitude.size <= top:
        return np.argsort(-magnitude, kind="stable")
    threshold = np.partition(magnitude, magnitude.size - top)[magnitude.size - top]
    candidates = np.flatnonzero(magnitude >= threshold)
    return candidates[np.argsort(-magnitude[candidates], kind="stable")[:top]]


def _settled_w_new(w: NDArray[np.float64], step: Any, w_new: Any) -> Any:
    """Float new weights with the cancellation noise of ``w + step`` set to 0 (the rule of
    :func:`~regtrace.render.numfmt.settled`); exact (fraction) weights as they are."""
    if not isinstance(w_new, np.ndarray) or w_new.dtype != np.float64:
        return w_new
    scale = np.maximum(np.abs(w), np.abs(np.asarray(step, dtype=np.float64)))
    return settled_array(w_new, scale)


def summary_tables(
    w: Any,
    moves: Sequence[tuple[str, Any, Any]],
    num: Callable[[Any], str],
    digits: int,
    what: str,
    top: int = 5,
) -> list[Grid]:
    """Norms, exact zeros and the largest changes of each ``(label, step, w_new)``: the
    summary a terminal gets for thousands of weights (``what`` names the label column).

    Arrays may hold floats or, with ``--exact``, fractions: norms are approximate by nature
    and use float64; new weights are written by ``num`` (exactly, when it is exact).
    """
    from regtrace.engine.vecstats import vector_stats  # long vectors only

    w = np.asarray(w, dtype=np.float64)
    header = (what, "||w||2 -> ||w_new||2", "||w||1 -> ||w_new||1", "zeros", "max |update|")
    rows = []
    moves = [(label, step, _settled_w_new(w, step, w_new)) for label, step, w_new in moves]
    for label, step_raw, w_new_raw in moves:
        step, w_new = (np.asarray(a, dtype=np.float64) for a in (step_raw, w_new_raw))
        k = int(np.argmax(np.abs(step)))
        was, now = vector_stats(w), vector_stats(w_new)
        rows.append(
            (
                label,
                _before_after(was.l2, now.l2, num),
                _before_after(was.l1, now.l1, num),
                f"{was.zeros} -> {now.zeros}",
                f"{fmt_signed(float(step[k]), digits)} (w{k})",
            )
        )
    grids = [Grid(f"{w.size} weights", header, tuple(rows))]
    for label, step_raw, w_new_raw in moves:
        step = np.asarray(step_raw, dtype=np.float64)
        order = largest(np.abs(step), top)
        change_rows = tuple(
            (str(int(i)), num(w[i]), fmt_signed(float(step[i]), digits), num(w_new_raw[i]))
            for i in order
        )
        grids.append(
            Grid(f"{label}: largest changes", ("i", "w", "Update", "New weight"), change_rows)
        )
    return grids


CSV_COLUMNS = (
    "penalty",
    "weight",
    "w",
    "grad",
    "lam_l1",
    "lam_l2",
    *QUANTITIES,
    "penalty_value",
    "loss",
)


def trace_csv(work: Work) -> Grid:
    """One row per penalty and weight ("long" form, ready for a spreadsheet); ``lam_l1`` and
    ``lam_l2`` are the strengths of the ``|w|`` and ``w^2`` parts at that weight."""
    report, num = work.report, work.num
    rows = []
    for r in report.results:
        loss = "" if r.loss is None else num(r.loss)
        for i in range(report.w.size):
            rows.append(
                (
                    r.penalty.kind.value,
                    str(i),
                    num(report.w[i]),
                    num(report.grad[i]),
                    num(item(r.penalty.lam1, i)),
                    num(item(r.penalty.lam2, i)),
                    *(num(work.value(r, i, q)) for q in QUANTITIES),
                    num(r.penalty_value),
                    loss,
                )
            )
    return Grid(None, CSV_COLUMNS, tuple(rows), math=False)


PROXIMAL_NOTE = (
    "Proximal L1: v = w - lr x (dL/dw + L2 term), w_new = soft(v, lr x lam) = "
    "sign(v) x max(|v| - lr x lam, 0); the penalty term shown is the effective "
    "(v - w_new)/lr"
)


def work_page(work: Work, layout: Layout, caption: str | None = None) -> Page:
    """A step's page: formulas and inputs, the trace table(s), the lines under them."""
    return trace_page(work, layout, csv=trace_csv(work), caption=caption)
