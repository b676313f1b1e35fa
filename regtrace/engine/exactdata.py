"""The data gradient and loss of a table in exact fractions, for grading (``check``).

For the linear model every quantity is rational, so the gradient a student computes by hand
from a 3-row table is graded against the exact value: with ``r = Xw - y`` (the bias a column
of ones), ``dL/dw = s X^T r`` and ``L = k ||r||^2`` with ``(s, k)`` = ``(1/n, 1/(2n))``
(half-mse), ``(2/n, 1/n)`` (mse), ``(2, 1)`` (sse). The table's numbers are taken as the
decimals they were written as (the shortest ``repr`` of each float, so ``0.1`` is ``1/10``).
The logistic loss involves ``exp`` and is not rational: its float gradient and loss are
taken exactly as the floats they are (rounding at 1e-16, far below any written answer).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from regtrace.engine.data import DataLoss, DataProblem, Model
from regtrace.errors import RegtraceError


def as_written(x: float) -> Fraction:
    """The decimal a float was written as: ``Fraction(repr(0.1)) == Fraction(1, 10)``."""
    return Fraction(repr(float(x)))


def exact_gradient(problem: DataProblem, w: list[Fraction]) -> tuple[list[Fraction], Fraction]:
    """``(dL/dw, L)`` at ``w`` in fractions (see the module docstring)."""
    if problem.model is Model.LOGISTIC:
        ev = problem.evaluate(np.array([float(v) for v in w], dtype=np.float64))
        return [Fraction(float(g)) for g in ev.grad], Fraction(ev.loss)
    rows = [[as_written(v) for v in row] for row in problem.design]
    y = [as_written(v) for v in problem.y]
    r = [sum((d * wj for d, wj in zip(row, w, strict=True)), Fraction(0)) - yi
         for row, yi in zip(rows, y, strict=True)]  # fmt: skip
    n = problem.n
    s = {DataLoss.HALF_MSE: Fraction(1, n), DataLoss.MSE: Fraction(2, n)}.get(
        problem.loss, Fraction(2)
    )
    k = {DataLoss.HALF_MSE: Fraction(1, 2 * n), DataLoss.MSE: Fraction(1, n)}.get(
        problem.loss, Fraction(1)
    )
    grad = [
        s * sum((row[j] * ri for row, ri in zip(rows, r, strict=True)), Fraction(0))
        for j in range(problem.n_weights)
    ]
    return grad, k * sum((ri * ri for ri in r), Fraction(0))


def exempt_bias_exact(lam: list[Fraction], problem: DataProblem, name: str) -> list[Fraction]:
    """:func:`regtrace.engine.data.exempt_bias` for fractions: a 0 for the bias."""
    if not problem.intercept or len(lam) == problem.n_weights:
        return lam
    p = problem.n_weights - 1
    if len(lam) == 1:
        return [lam[0]] * p + [Fraction(0)]
    if len(lam) == p:
        return [*lam, Fraction(0)]
    raise RegtraceError(
        f"{name} has {len(lam)} values but the data has {p} features; give one {name}, one "
        "per feature, or one per weight with the bias last"
    )


__all__ = ["as_written", "exact_gradient", "exempt_bias_exact"]
