"""A run as text: one table per penalty (a row per kept step), the fixed point, and notes.

Notes say what a student should notice: the factor each step applies (the L2
decay factor ``1 - 2*lr*lam``), the fixed point's formula, and where an L1 weight reaches
exactly 0 or changes sign (subgradient L1 oscillates, proximal L1 stays at 0).
"""

from __future__ import annotations

from dataclasses import field

import numpy as np

from regtrace.engine.penalties import L2Form, Penalty, PenaltyKind, Strength, Vector
from regtrace.engine.trajectory import RunReport, SignEvents, Trajectory
from regtrace.engine.vecstats import VectorStats, vector_stats
from regtrace.frozen import frozen
from regtrace.render.csvfmt import grid as csv_grid
from regtrace.render.csvfmt import page_csv
from regtrace.render.norms import fmt_norm
from regtrace.render.numfmt import DEFAULT_DIGITS, count_text, fmt, fmt_exact
from regtrace.render.page import Page, text_page
from regtrace.render.step_text import (
    INLINE_VECTOR_MAX,
    Grid,
    penalty_formula,
    strength_text,
    strengths_text,
    vector_text,
)

STAT_HEADER = ("||w||2", "||w||1", "zeros", "max |w|")


@frozen
class Numbers:
    """Numbers, vectors and strengths at a given precision.

    With ``exact`` (``run --exact``) a ``Fraction`` is written exactly, as
    :class:`~regtrace.render.step_text.Work` does, whatever ``digits`` says.
    """

    digits: int = DEFAULT_DIGITS
    exact: bool = False

    def num(self, x: float) -> str:
        """A number at this precision (exactly, for a fraction under ``exact``)."""
        if self.exact:
            return fmt_exact(x, self.digits)
        return fmt(float(x), self.digits)

    def vector(self, values: Vector) -> str:
        """A short vector in brackets, or its length when it is long."""
        return vector_text(values, self.num)

    def strength(self, value: Strength) -> str:
        """A strength: one number, or a per-weight vector."""
        return strength_text(value, self.num)

    def lam(self, p: Penalty) -> str:
        """``lam = 0.01``, or both strengths of an elastic net."""
        return strengths_text(p, self.strength) or "no penalty"

    def cells(self, w: Vector, stats: VectorStats | None = None) -> tuple[str, ...]:
        """One cell per weight for a few weights; norms and counts for many (``stats``, when
        the run computed them already)."""
        if w.size <= INLINE_VECTOR_MAX:
            return tuple(self.num(x) for x in w)
        if stats is None:  # norms are approximate by nature (exact: fractions)
            stats = vector_stats(np.asarray(w, dtype=np.float64))
        return (
            fmt_norm(stats.l2, self.digits),
            fmt_norm(stats.l1, self.digits),
            str(stats.zeros),
            self.num(stats.max_abs),
        )


def weight_header(n: int) -> tuple[str, ...]:
    """``w0, w1, ...`` for a few weights, summary columns for many."""
    return tuple(f"w{i}" for i in range(n)) if n <= INLINE_VECTOR_MAX else STAT_HEADER


def fixed_point_formula(p: Penalty) -> str:
    """The minimiser of ``1/2*||w - t||^2 + penalty`` in words (see ``fixed_point``)."""
    denominator = "(1 + 2 x lam2)" if p.l2_form is L2Form.LAMBDA else "(1 + lam2)"
    match p.kind:
        case PenaltyKind.L2:
            return "target / " + denominator.replace("lam2", "lam")
        case PenaltyKind.L1:
            return "soft(target, lam) = sign(t) x max(|t| - lam, 0)"
        case PenaltyKind.ELASTIC:
            return f"soft(target, lam1) / {denominator}"
        case _:
            return "target"


@frozen
class RunText:
    """Text for one :class:`RunReport`."""

    report: RunReport
    digits: int = DEFAULT_DIGITS
    # Keyword-only: subclasses (OptimizerRunText) add positional fields after ``digits``.
    exact: bool = field(default=False, kw_only=True)

    @property
    def n(self) -> Numbers:
        """Number formatting at this precision (exact fractions under ``exact``)."""
        return Numbers(self.digits, self.exact)

    def header(self) -> tuple[str, ...]:
        """The update rule, the data gradient, each penalty's formula and the inputs."""
        r, n = self.report, self.n
        lines = [f"{count_text(r.n_steps, 'gradient step')}: w <- w - lr x (dL/dw + penalty term)"]
        if r.target is not None:
            lines.append(
                f"Data loss L = 1/2 x ||w - target||^2, dL/dw = w - target, "
                f"target = {n.vector(r.target)}"
            )
        lines += [
            f"{t.penalty.kind.label}: {penalty_formula(t.penalty)}"
            + (f", {lam}" if (lam := strengths_text(t.penalty, n.strength)) else "")
            for t in r.results
        ]
        grad = "" if r.grad is None else f", dL/dw = {n.vector(r.grad)} (fixed)"
        lines.append(f"w_0 = {n.vector(r.w)}{grad}, lr = {n.num(r.lr)}")
        return tuple(lines)

    def grid(self, t: Trajectory) -> Grid:
        """One penalty: a row per kept step, then the fixed point (quadratic loss)."""
        n = self.n
        stats = t.stats or (None,) * len(t.steps)
        rows = [
            (str(k), *n.cells(w, row)) for k, w, row in zip(t.steps, t.weights, stats, strict=True)
        ]
        if t.fixed_point is not None:
            rows.append(("fixed point w*", *n.cells(t.fixed_point)))
        # The strengths are in the header lines; a long title would wrap over a narrow table.
        return Grid(t.penalty.kind.label, ("step", *weight_header(self.report.w.size)), tuple(rows))

    def notes(self) -> tuple[str, ...]:
        """Thinning, the per-step factor, fixed points, and L1 zeros and sign changes."""
        r, n = self.report, self.n
        lines: list[str] = []
        if r.every > 1:
            kept = [str(k) for k in r.steps]
            if len(kept) <= 4:
                listed = ", ".join(kept[:-1]) + f" and {kept[-1]}"
            else:
                listed = f"{', '.join(kept[:3])}, ..., {kept[-1]}"
            lines.append(f"Steps {listed} are shown (--every {r.every}; the last step always is).")
        for t in r.results:
            if t.factor is not None:
                lines.append(self._factor_line(t))
            if t.fixed_point is not None:
                lines.append(
                    f"{t.penalty.kind.label}: fixed point w* = {fixed_point_formula(t.penalty)}"
                    f" = {n.vector(t.fixed_point)}"
                )
            if t.events is not None:
                lines += self._event_lines(t.penalty, t.events, r.lr)
        return tuple(lines)

    def _factor_line(self, t: Trajectory) -> str:
        """The L2 decay factor ``1 - 2*lr*lam``, with the data curvature if any."""
        p, n, lr = t.penalty, self.n, self.report.lr
        assert t.factor is not None
        quadratic = self.report.target is not None
        # Integer constants: the same floats as 1.0 and 2.0 on the float path, and exact
        # fractions on the --exact path (lr and lam2 are fractions there).
        c, coef = ("2 x ", 2) if p.l2_form is L2Form.LAMBDA else ("", 1)
        h = 1 if quadratic else 0
        if isinstance(p.lam2, np.ndarray):
            rule = f"1 - lr x (1 + {c}lam_i)" if quadratic else f"1 - {c}lr x lam_i"
            value = n.vector(1 - lr * (h + coef * p.lam2))
        else:
            lam2 = p.lam2
            a = 1 - lr * (h + coef * lam2)
            if quadratic:
                rule = f"1 - lr x (1 + {c}lam) = 1 - {n.num(lr)} x (1 + {c}{n.num(lam2)})"
            else:
                rule = f"1 - {c}lr x lam = 1 - {c}{n.num(lr)} x {n.num(lam2)}"
            value = n.num(a)
        if quadratic:
            return f"{p.kind.label}: each step multiplies w - w* by {rule} = {value}"
        return (
            f"{p.kind.label}: each step multiplies w by the decay factor {rule} = {value}, "
            "then subtracts lr x dL/dw"
        )

    def _event_lines(self, p: Penalty, ev: SignEvents, lr: float) -> list[str]:
        label = p.kind.label
        if ev.first_zero.size > INLINE_VECTOR_MAX:
            reached = int(np.count_nonzero(ev.first_zero >= 0))
            flipped = int(np.count_nonzero(ev.flips))
            if not reached and not flipped:
                return []
            return [
                f"{label}: weights that reached exactly 0: {reached} "
                f"(0 at the end: {int(np.sum(ev.zero_at_end))}); that changed sign: {flipped}"
            ]
        lines = []
        for i in range(ev.first_zero.size):
            zero, flips = int(ev.first_zero[i]), int(ev.flips[i])
            if zero >= 0:
                stays = "and stays there" if ev.zero_at_end[i] else "and leaves it again"
                how = " (proximal soft-thresholding)" if p.proximal else ""
                lines.append(f"{label}: w{i} reaches exactly 0 at step {zero} {stays}{how}")
            if flips:
                times = "once" if flips == 1 else f"{flips} times"
                why = (
                    "; subgradient L1 steps past 0 and back instead of landing on it"
                    if not p.proximal and flips > 1
                    else ""
                )
                lines.append(
                    f"{label}: w{i} changes sign {times}, first at step {int(ev.first_flip[i])}"
                    f"{why}"
                )
        return lines

    def csv(self) -> str:
        """The CSV text of :meth:`csv_table`."""
        return page_csv(self.page())

    def page(self, full: bool = True) -> Page:
        """Everything every format shows; without ``full``, no CSV table (the terminal)."""
        grids = tuple(self.grid(t) for t in self.report.results)
        csv = self.csv_table() if full else None
        return text_page(self.header(), grids, self.notes(), csv=csv)

    def csv_table(self) -> Grid:
        """One row per penalty and kept step: ``penalty, step, w0, w1, ...`` (every weight)."""
        size = self.report.w.size
        header = ("penalty", "step", *(f"w{i}" for i in range(size)))
        rows = [
            (t.penalty.kind.value, str(k), *(self.n.num(x) for x in w))
            for t in self.report.results
            for k, w in zip(t.steps, t.weights, strict=True)
        ]
        return csv_grid(header, rows)
