"""A sweep as text: a row per penalty and ``lam`` with the final weights (a
"lambda sensitivity" table), or the regularization path with its formulas."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from regtrace.engine.penalties import PenaltyKind
from regtrace.engine.sweep import SweepReport
from regtrace.render.csvfmt import grid as csv_grid
from regtrace.render.csvfmt import page_csv
from regtrace.render.numfmt import DEFAULT_DIGITS, count_text
from regtrace.render.page import Page, text_page
from regtrace.render.step_text import INLINE_VECTOR_MAX, Grid, penalty_formula
from regtrace.render.trajectory import Numbers, fixed_point_formula, weight_header


@dataclass(frozen=True)
class SweepText:
    """Text for one :class:`SweepReport`."""

    report: SweepReport
    digits: int = DEFAULT_DIGITS
    exact: bool = field(default=False, kw_only=True)

    @property
    def n(self) -> Numbers:
        """Number formatting at this precision (exact fractions under ``exact``)."""
        return Numbers(self.digits, self.exact)

    def header(self) -> tuple[str, ...]:
        """What is swept, each penalty's formula and the inputs."""
        r, n = self.report, self.n
        if r.path:
            lines = [
                "Regularization path: the minimiser w* of 1/2 x ||w - target||^2 + penalty "
                "for each lam"
            ]
        else:
            assert r.lr is not None
            lines = [
                f"Final weights after {count_text(r.n_steps or 0, 'gradient step')} for each lam"
            ]
        firsts = [r.of(kind)[0].penalty for kind in r.kinds]
        lines += [f"{p.kind.label}: {penalty_formula(p)}" for p in firsts]
        parts = [] if r.path else [f"w_0 = {n.vector(r.w)}"]
        if r.grad is not None:
            parts.append(f"dL/dw = {n.vector(r.grad)} (fixed)")
        if r.target is not None:
            parts.append(f"target = {n.vector(r.target)}, dL/dw = w - target")
        if r.lr is not None:
            parts.append(f"lr = {n.num(r.lr)}")
        parts.append(f"lam in {', '.join(n.num(x) for x in r.lams)}")
        if r.pattern is not None:
            parts.append(f"strength per weight = lam x {n.vector(r.pattern)}")
        lines.append(", ".join(parts))
        return tuple(lines)

    def grid(self) -> Grid:
        """A row per penalty and ``lam``."""
        n = self.n
        rows = tuple(
            (p.penalty.kind.label, n.num(p.lam), *n.cells(p.w_final)) for p in self.report.results
        )
        return Grid(None, ("penalty", "lam", *weight_header(self.report.w.size)), rows)

    def notes(self) -> tuple[str, ...]:
        """The path's formulas, and the ``lam`` from which each L1 weight is exactly 0."""
        r, n = self.report, self.n
        if not r.path:
            return ()
        lines = []
        for kind in r.kinds:
            points = r.of(kind)
            lines.append(f"{kind.label}: w* = {fixed_point_formula(points[0].penalty)}")
            if kind is PenaltyKind.L1 and r.w.size <= INLINE_VECTOR_MAX:
                for i in range(r.w.size):
                    zero = [p.lam for p in points if p.w_final[i] == 0]
                    nonzero_target = r.target is not None and r.target[i] != 0
                    if zero and nonzero_target:
                        lines.append(
                            f"{kind.label}: w{i} is exactly 0 from lam = {n.num(min(zero))} on "
                            f"in this sweep (it is 0 once lam >= |target_{i}| = "
                            f"{n.num(abs(float(np.asarray(r.target)[i])))})"
                        )
        return tuple(lines)

    def csv(self) -> str:
        """The CSV text of :meth:`csv_table`."""
        return page_csv(self.page())

    def page(self, full: bool = True) -> Page:
        """Everything every format shows; without ``full``, no CSV table (the terminal)."""
        csv = self.csv_table() if full else None
        return text_page(self.header(), (self.grid(),), self.notes(), csv=csv)

    def csv_table(self) -> Grid:
        """One row per penalty and ``lam``: ``penalty, lam, w0, w1, ...`` (every weight)."""
        size = self.report.w.size
        header = ("penalty", "lam", *(f"w{i}" for i in range(size)))
        rows = [
            (p.penalty.kind.value, self.n.num(p.lam), *(self.n.num(x) for x in p.w_final))
            for p in self.report.results
        ]
        return csv_grid(header, rows)
