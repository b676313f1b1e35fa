"""Gradient descent on data to the regularized solution, and the ridge closed form.

The loop is the traced step repeated: ``w <- w - lr * (dL/dw + penalty term)`` for L2 and no
penalty (plain gradient descent), and the proximal step (soft-thresholding, ISTA) whenever
there is an L1 part, because the subgradient step never settles on exact zeros. With no
``lr`` the step is ``1/M``, ``M`` a bound on the curvature of the smooth part
(``s * ||X||_2^2`` for the data, ``/4`` for the logistic model, plus ``c * max(lam2)`` for the
L2 part), which makes every step decrease the objective.

Closed form for linear L2 (and no penalty): setting the gradient to zero,
``s X^T (Xw - y) + c * Lam w = 0``, so ``(s X^T X + c * diag(lam)) w = s X^T y`` with
``s`` = ``1/n`` (half-mse), ``2/n`` (mse), ``2`` (sse) and ``c`` = 2 (``lambda`` form:
``lam*||w||^2``) or 1 (``half`` form). For half-mse and the lambda form this reads
``(X^T X / n + 2 lam I) w = X^T y / n``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from regtrace.engine.data import DataProblem, Model
from regtrace.engine.penalties import L1Method, Penalty, Vector
from regtrace.engine.step import apply_penalty, check_lr
from regtrace.errors import RegtraceError

DEFAULT_TOL = 1e-12
DEFAULT_MAX_ITER = 200_000


@dataclass(frozen=True)
class FitResult:
    """Where the loop stopped under one penalty, and how close it is to the closed form."""

    penalty: Penalty
    w_final: Vector
    iterations: int
    converged: bool
    objective: float
    """Data loss + penalty at ``w_final``."""
    lr: float
    closed_form: Vector | None
    """The exact minimiser, for linear L2 (or no penalty) when the system is non-singular."""

    @property
    def distance(self) -> float | None:
        """``max |w_final - closed_form|``, or ``None`` without a closed form."""
        if self.closed_form is None:
            return None
        return float(np.max(np.abs(self.w_final - self.closed_form)))

    def to_dict(self) -> dict[str, Any]:
        """JSON: the penalty, the solution and the distance to the closed form."""
        return {
            "penalty": self.penalty.kind.value,
            "lam": self.penalty.lam_json(),
            "w_final": self.w_final.tolist(),
            "iterations": self.iterations,
            "converged": self.converged,
            "objective": self.objective,
            "closed_form": None if self.closed_form is None else self.closed_form.tolist(),
            "distance_to_closed_form": self.distance,
        }


def closed_form(problem: DataProblem, penalty: Penalty) -> Vector | None:
    """The minimiser of a linear model under L2 or no penalty; ``None`` otherwise or if the
    system is singular (more features than independent rows and no L2)."""
    if problem.model is not Model.LINEAR or penalty.has_l1 or penalty.elementwise(0.0) is None:
        return None
    s = problem.loss.scale(problem.n)
    lam2 = np.broadcast_to(np.asarray(penalty.lam2, dtype=np.float64), (problem.n_weights,))
    diag = penalty.l2_form.coef * lam2 if penalty.has_l2 else np.zeros(problem.n_weights)
    A = s * problem.gram + np.diag(diag)
    b = s * problem.design_y
    if np.linalg.cond(A) > 1e12:
        return None
    return np.asarray(np.linalg.solve(A, b), dtype=np.float64)


def polish(problem: DataProblem, penalty: Penalty, w: Vector) -> Vector | None:
    """The exact linear L1/elastic solution on the support of a converged ``w``, or ``None``.

    Once the loop has found which weights are 0 and the signs ``z`` of the others, the
    optimality conditions on the support ``S`` are linear:
    ``(s X_S^T X_S + c diag(lam2_S)) w_S = s X_S^T y - lam1_S z`` (the same system as the
    ridge closed form, shifted by the L1 part). The answer is kept only if it keeps those
    signs and every zero weight satisfies ``|s X_j^T (Xw - y)| <= lam1_j`` (the subgradient
    condition), so a wrong support is never reported; it removes the loop's last ~1e-11.
    """
    if problem.model is not Model.LINEAR or not penalty.has_l1:
        return None
    n, X, s = problem.n_weights, problem.design, problem.loss.scale(problem.n)
    lam1 = np.broadcast_to(np.asarray(penalty.lam1, dtype=np.float64), (n,))
    lam2 = np.broadcast_to(np.asarray(penalty.lam2 if penalty.has_l2 else 0.0), (n,))
    support = (w != 0) | (lam1 == 0)
    if not support.any():
        return None
    z = np.sign(w[support])
    XS = X[:, support]
    A = s * (XS.T @ XS) + np.diag(penalty.l2_form.coef * lam2[support])
    b = s * (XS.T @ problem.y) - lam1[support] * z
    if np.linalg.cond(A) > 1e12:
        return None
    w_s = np.linalg.solve(A, b)
    if np.any((lam1[support] > 0) & (np.sign(w_s) != z)):
        return None
    out = np.zeros(n)
    out[support] = w_s
    grad = s * (X.T @ (X @ out - problem.y))
    slack = 1e-9 * (1.0 + np.abs(grad))
    if np.any(np.abs(grad[~support]) > lam1[~support] + slack[~support]):
        return None
    return out


def default_lr(problem: DataProblem, penalty: Penalty) -> float:
    """``1/M`` with ``M`` the curvature bound of the smooth part (see the module docstring)."""
    l2 = penalty.l2_form.coef * float(np.max(penalty.lam2)) if penalty.has_l2 else 0.0
    bound = problem.lipschitz() + l2
    return 1.0 / bound if bound > 0 else 1.0


def _prepared(problem: DataProblem, penalty: Penalty, w0: Vector | None) -> tuple[Penalty, Vector]:
    """The starting weights (zeros by default) and the penalty with L1 made proximal."""
    w = np.zeros(problem.n_weights) if w0 is None else np.asarray(w0, dtype=np.float64)
    problem.check_w(w)
    if penalty.has_l1:
        penalty = replace(penalty, l1_method=L1Method.PROXIMAL)
    return penalty, w


def _next(problem: DataProblem, penalty: Penalty, w: Vector, lr: float) -> Vector:
    """One traced step with the gradient of the data at ``w`` (as computed: a gradient
    near 0 is what convergence is measured by, so no noise is settled here)."""
    grad = np.empty_like(w)
    with np.errstate(over="ignore", invalid="ignore"):
        problem.gradient_into(w, grad)
    if not np.all(np.isfinite(grad)):
        problem.evaluate(w)  # raises the overflow error, in words
    return apply_penalty(w, grad, penalty, lr).w_new


def trajectory(
    problem: DataProblem, penalty: Penalty, w0: Vector | None, *, lr: float, steps: int
) -> list[Vector]:
    """``steps`` traced steps from ``w0`` (L1 parts proximal): the weights, step 0 first."""
    penalty, w = _prepared(problem, penalty, w0)
    lr = check_lr(lr)
    if steps < 0:
        raise RegtraceError("steps must not be negative")
    path = [w]
    for _ in range(steps):
        path.append(_next(problem, penalty, path[-1], lr))
    return path


def fit(
    problem: DataProblem,
    penalty: Penalty,
    w0: Vector | None = None,
    *,
    lr: float | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> FitResult:
    """Iterate the traced step until no weight moves by more than ``tol`` (relative to
    ``max(1, max|w|)``) or ``max_iter`` steps; L1 parts use the proximal step."""
    penalty, w = _prepared(problem, penalty, w0)
    rate = default_lr(problem, penalty) if lr is None else check_lr(lr)
    if rate == 0:
        raise RegtraceError("lr must be positive to converge")
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is the result
        w_new = _next(problem, penalty, w, rate)
        moved = float(np.max(np.abs(w_new - w)))
        w = w_new
        if moved <= tol * max(1.0, float(np.max(np.abs(w)))):
            converged = True
            break
    objective = problem.loss_at(w) + penalty.value(w)
    return FitResult(
        penalty, w, iterations, converged, objective, rate, closed_form(problem, penalty)
    )


def regularization_path(
    problem: DataProblem,
    penalties: Sequence[Penalty],
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> list[FitResult]:
    """The solution for each penalty in turn, each fit starting from the previous solution
    (warm starts, as scikit-learn's ``lasso_path`` does): coefficients against ``lam``."""
    results: list[FitResult] = []
    for penalty in penalties:
        start = results[-1].w_final if results else None
        results.append(fit(problem, penalty, start, tol=tol, max_iter=max_iter))
    return results


__all__ = [
    "DEFAULT_MAX_ITER",
    "DEFAULT_TOL",
    "FitResult",
    "closed_form",
    "default_lr",
    "fit",
    "regularization_path",
    "trajectory",
]
