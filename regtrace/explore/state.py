"""What the explorer shows: the step inputs, with ``lam`` and ``lr`` moved on a log scale.

Each key press moves ``lam`` (or ``lr``) to the next point of the grid ``10^(k/4)``: a
factor of ``10^(1/4)``, so four presses make a factor of 10. Grid points are rounded to 4
significant digits (1, 1.778, 3.162, 5.623 times a power of 10): short numbers a person
reads off the status line, and exactly the values traced, so passing one to
``regtrace step --lam`` gives the same numbers. Below the lowest value a press down goes to
0 (no penalty, or no step), and from 0 a press up comes back to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind, Vector
from regtrace.engine.step import StepReport, step

LAM_RANGE = (1e-6, 1e2)  # from "too small" (1e-6) to well past "too large" (10)
LR_RANGE = (1e-4, 10.0)
SIG_DIGITS = 4
# A value within this many quarter-decades of a grid point is on it (4-digit rounding moves
# a point by at most 3e-4 quarter-decades).
ON_GRID = 1e-3


def _snap(x: float) -> float:
    """``x`` at 4 significant digits: a knob position a person can read and retype."""
    return float(f"{x:.{SIG_DIGITS}g}")


def nudge(value: float, up: bool, bounds: tuple[float, float]) -> float:
    """One key press: the next point of the grid ``10^(k/4)`` above (or below) ``value``,
    kept within ``bounds``.

    Working on the grid rather than multiplying keeps values exact after many presses
    (0.01 -> 0.1 -> 0.01), and a value given on the command line that is off the grid
    (0.03) moves to its neighbours on it (0.03162 up, 0.01778 down).

    >>> nudge(0.01, True, (1e-6, 1e2)), nudge(0.03, False, (1e-6, 1e2))
    (0.01778, 0.01778)
    >>> nudge(0.01778, True, (1e-6, 1e2)), nudge(0.01778, False, (1e-6, 1e2))
    (0.03162, 0.01)
    >>> nudge(1e-6, False, (1e-6, 1e2)), nudge(0.0, True, (1e-6, 1e2))
    (0.0, 1e-06)
    """
    lo, hi = bounds
    if value <= 0:
        return lo if up else 0.0
    quarters = 4 * math.log10(value)
    k = math.floor(quarters + ON_GRID) + 1 if up else math.ceil(quarters - ON_GRID) - 1
    moved = _snap(10 ** (k / 4))
    if moved < lo * (1 - 1e-9):  # a press below the range turns the knob off
        return 0.0 if value <= lo * (1 + 1e-9) else lo
    return min(moved, hi)


@dataclass(frozen=True)
class ExploreState:
    """The inputs of the traced step; ``lam`` is one number for every weight."""

    w: Vector
    grad: Vector
    lam: float
    lr: float
    loss: float | None = None
    penalties: tuple[PenaltyKind, ...] = (PenaltyKind.L2, PenaltyKind.L1)
    l2_form: L2Form = L2Form.LAMBDA
    l1_method: L1Method = L1Method.SUBGRADIENT
    builtin: bool = True
    loss_fn: str | None = None
    """A loss formula (``--loss-fn``): then ``grad`` and ``loss`` are its values at ``w``."""

    def with_formula(self, text: str) -> ExploreState:
        """``grad`` and ``loss`` from the formula at ``w`` (loads SymPy)."""
        from regtrace.engine.formula import FormulaLoss
        from regtrace.parse.formula import parse_formula

        loss = FormulaLoss.build(parse_formula(text), self.w.size)
        evaluation = loss.evaluate(self.w)
        return replace(
            self, grad=evaluation.grad, loss=evaluation.loss, loss_fn=text, builtin=False
        )

    def lam_up(self) -> ExploreState:
        """``lam`` one press up."""
        return replace(self, lam=nudge(self.lam, True, LAM_RANGE))

    def lam_down(self) -> ExploreState:
        """``lam`` one press down."""
        return replace(self, lam=nudge(self.lam, False, LAM_RANGE))

    def lr_up(self) -> ExploreState:
        """``lr`` one press up."""
        return replace(self, lr=nudge(self.lr, True, LR_RANGE))

    def lr_down(self) -> ExploreState:
        """``lr`` one press down."""
        return replace(self, lr=nudge(self.lr, False, LR_RANGE))

    def after_edit(self, before: ExploreState) -> ExploreState:
        """This state, edited from ``before``. The base loss ``L`` is an input that belongs
        to the old ``w`` and ``dL/dw``: for new ones it is unknown, so it is dropped and the
        trace shows each penalty alone (computed for the new ``w``) instead of a stale sum. A
        loss formula computes ``L`` at the new ``w`` itself, so its ``L`` stays."""
        same = np.array_equal(self.w, before.w) and np.array_equal(self.grad, before.grad)
        if same or self.loss is None or self.loss_fn is not None:
            return self
        return replace(self, loss=None)

    def report(self) -> StepReport:
        """The step, from the same engine call as ``regtrace step``."""
        return step(
            self.w,
            self.grad,
            lam=self.lam,
            lr=self.lr,
            loss=self.loss,
            penalties=self.penalties,
            l2_form=self.l2_form,
            l1_method=self.l1_method,
        )

    def step_args(self) -> list[str]:
        """The ``regtrace step`` options that trace the same step (for a reader to re-run)."""

        # repr() is the shortest text that reads back as the same float64.
        def vec(values: Vector) -> str:
            return ",".join(repr(float(x)) for x in values)

        args = ["--w", vec(self.w)]
        if self.loss_fn is not None:
            args += ["--loss-fn", self.loss_fn]
        else:
            args += ["--grad", vec(self.grad)]
        args += ["--lam", repr(self.lam), "--lr", repr(self.lr)]
        if self.loss is not None and self.loss_fn is None:
            args += ["--loss", repr(self.loss)]
        args += ["--penalty", ",".join(p.value for p in self.penalties)]
        args += ["--l2-form", self.l2_form.value, "--l1-method", self.l1_method.value]
        return args


__all__ = ["LAM_RANGE", "LR_RANGE", "ExploreState", "nudge"]
