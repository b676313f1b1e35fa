"""Ridge regression in closed form, and training/validation error across a grid of ``lam``.

Convention (docs/design.md): the objective is half the mean squared error plus
``lam * sum(w**2)``,

    J(w) = 1/(2n) * ||X w - y||^2 + lam * ||w||^2,

whose gradient ``X^T (X w - y)/n + 2*lam*w`` vanishes at the solution of

    (X^T X / n + 2*lam*I) w = X^T y / n.

Every coefficient is penalized, the intercept too (plain L2). The solve and the
errors are the data engine's (:func:`regtrace.engine.fit.closed_form` on a linear
``half-mse`` :class:`~regtrace.engine.data.DataProblem`, the solve ``regtrace sweep`` uses
on a data table): this module only adds the sweep over ``lam`` that the explorer draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from regtrace.engine.data import DataLoss, DataProblem
from regtrace.engine.fit import closed_form
from regtrace.engine.penalties import Penalty, PenaltyKind, Vector
from regtrace.engine.polydata import Matrix, SplitData, poly_features
from regtrace.errors import RegtraceError


def ridge_fit(X: Matrix, y: Vector, lam: float) -> Vector:
    """The minimizer of ``1/(2n)*||Xw - y||^2 + lam*||w||^2`` (see the module docstring).

    >>> ridge_fit(np.array([[1.0], [1.0]]), np.array([1.0, 3.0]), 0.5).tolist()
    [1.0]
    """
    if not (np.isfinite(lam) and lam >= 0):
        raise RegtraceError("lam must be a finite, non-negative number")
    problem = DataProblem.build(X, y, loss=DataLoss.HALF_MSE)
    w = closed_form(problem, Penalty.build(PenaltyKind.L2, problem.n_weights, lam))
    if w is None:  # the data engine found the system singular (no lam and too few points)
        raise RegtraceError(
            "the ridge system is singular at this lam; use a larger lam or more points"
        )
    return w


def mse(X: Matrix, y: Vector, w: Vector) -> float:
    """Mean squared error ``1/n * ||Xw - y||^2`` (the data error, without the penalty)."""
    return DataProblem.build(X, y, loss=DataLoss.MSE).loss_at(w)


def log_grid(lo: float, hi: float, per_decade: int) -> Vector:
    """``lo`` to ``hi`` evenly on a log axis, ``per_decade`` points per factor of 10.

    >>> log_grid(0.01, 1.0, 2).round(6).tolist()
    [0.01, 0.031623, 0.1, 0.316228, 1.0]
    """
    if not (0 < lo < hi) or per_decade < 1:
        raise RegtraceError("a log grid needs 0 < lo < hi and at least one point per decade")
    count = round(np.log10(hi / lo) * per_decade) + 1
    return np.asarray(np.logspace(np.log10(lo), np.log10(hi), count), dtype=np.float64)


@dataclass(frozen=True)
class LambdaSweep:
    """Training and validation MSE of the ridge fit at each ``lam``."""

    degree: int
    lams: Vector
    train_mse: Vector
    val_mse: Vector

    @property
    def best_index(self) -> int:
        """Where the validation error is lowest (the first such ``lam`` on a tie)."""
        return int(np.argmin(self.val_mse))

    @property
    def best_lam(self) -> float:
        """The ``lam`` with the lowest validation error."""
        return float(self.lams[self.best_index])

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and numbers, for JSON."""
        return {
            "degree": self.degree,
            "lam": self.lams.tolist(),
            "train_mse": self.train_mse.tolist(),
            "val_mse": self.val_mse.tolist(),
            "best_lam": self.best_lam,
        }


@dataclass(frozen=True)
class RidgeScore:
    """One ridge fit: its coefficients and its errors on both sets."""

    lam: float
    w: Vector
    train_mse: float
    val_mse: float


def ridge_score(data: SplitData, lam: float, degree: int) -> RidgeScore:
    """Fit a degree-``degree`` polynomial on the training set and score it on both sets."""
    X_train = poly_features(data.x_train, degree)
    X_val = poly_features(data.x_val, degree)
    w = ridge_fit(X_train, data.y_train, lam)
    return RidgeScore(lam, w, mse(X_train, data.y_train, w), mse(X_val, data.y_val, w))


def lambda_sweep(data: SplitData, lams: Vector, degree: int) -> LambdaSweep:
    """Training and validation MSE of the degree-``degree`` ridge fit for every ``lam``."""
    scores = [ridge_score(data, float(lam), degree) for lam in lams]
    return LambdaSweep(
        degree=degree,
        lams=np.asarray(lams, dtype=np.float64),
        train_mse=np.array([s.train_mse for s in scores]),
        val_mse=np.array([s.val_mse for s in scores]),
    )


__all__ = ["LambdaSweep", "RidgeScore", "lambda_sweep", "log_grid", "mse", "ridge_fit"]
