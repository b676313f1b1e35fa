"""``run`` and ``sweep`` on a table: the traced steps with the data gradient recomputed at
every step, and the regularized solution they head for.

The loop is :func:`regtrace.engine.trajectory.run_penalty` with the table's gradient
(:meth:`DataProblem.gradient_into`). The solution ``w*`` comes from the closed form for a
linear model under L2 or no penalty (:func:`regtrace.engine.fit.closed_form`), otherwise from
:func:`regtrace.engine.fit.fit` run to ``tol`` (proximal steps for any L1 part). A sweep with
no ``steps`` is the regularization path: ``w*`` for each ``lam``, warm-started from the
previous one as scikit-learn's ``lasso_path`` does. With ``--intercept`` every strength gets
a 0 for the bias (:func:`regtrace.engine.data.exempt_bias`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from regtrace.engine.data import DataProblem, exempt_bias
from regtrace.engine.fit import DEFAULT_TOL, FitResult, closed_form, fit, polish
from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind, Strength, Vector
from regtrace.engine.step import DEFAULT_PENALTIES, as_vector, check_lr
from regtrace.engine.sweep import SweepPoint, SweepReport, check_lams, scaled
from regtrace.engine.trajectory import (
    RuleFactory,
    RunReport,
    _check_steps,
    build_penalties,
    default_every,
    gradient_descent,
    run_penalty,
)
from regtrace.errors import RegtraceError
from regtrace.regularizers import choose_from


def _strengths(
    problem: DataProblem, lam: Strength, lam1: Strength | None, lam2: Strength | None
) -> tuple[Strength, Strength | None, Strength | None]:
    """The strengths with a 0 for the bias (``--intercept``)."""
    return (
        exempt_bias(lam, problem, "lam"),
        None if lam1 is None else exempt_bias(lam1, problem, "lam1"),
        None if lam2 is None else exempt_bias(lam2, problem, "lam2"),
    )


def _start(problem: DataProblem, w: Iterable[float] | Vector | None) -> Vector:
    """The starting weights: zeros by default, one per feature (and bias)."""
    w_arr = np.zeros(problem.n_weights) if w is None else as_vector(w, "w")
    problem.check_w(w_arr)
    return w_arr


def solve(problem: DataProblem, penalty: Penalty, tol: float = DEFAULT_TOL) -> FitResult:
    """``w*`` for one penalty: the closed form when there is one (then ``iterations`` is 0),
    else the converged loop."""
    exact = closed_form(problem, penalty)
    if exact is not None:
        objective = problem.loss_at(exact) + penalty.value(exact)
        return FitResult(penalty, exact, 0, True, objective, 0.0, exact)
    return _polished(problem, _converged(fit(problem, penalty, tol=tol)))


def _polished(problem: DataProblem, result: FitResult) -> FitResult:
    """The loop's answer made exact on its support (linear L1/elastic), when that checks."""
    exact = polish(problem, result.penalty, result.w_final)
    if exact is None:
        return result
    objective = problem.loss_at(exact) + result.penalty.value(exact)
    return replace(result, w_final=exact, objective=objective)


def _converged(result: FitResult) -> FitResult:
    if not result.converged:
        raise RegtraceError(
            f"the {result.penalty.kind.label} solution did not converge in {result.iterations} "
            "steps; rescale the features or use a larger lam"
        )
    return result


@dataclass(frozen=True)
class DataRunReport:
    """A run on a table: the ordinary :class:`RunReport` and ``w*`` for each penalty."""

    run: RunReport
    problem: DataProblem
    solutions: tuple[FitResult, ...]

    def distances(self) -> tuple[float, ...]:
        """``max |w_N - w*|`` per penalty: how close the run got."""
        return tuple(
            float(np.max(np.abs(t.w_final - s.w_final)))
            for t, s in zip(self.run.results, self.solutions, strict=True)
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``run`` contract, plus ``data`` (the model) and, per penalty, ``solutions``
        (``w*``, from the ``closed_form`` or the converged loop) and ``distance`` to it."""
        out = self.run.to_dict()
        out["data"] = self.problem.describe()
        out["solutions"] = {
            s.penalty.kind.value: {
                "w": s.w_final.tolist(),
                "method": "closed_form" if s.closed_form is not None else "converged_loop",
                "distance": d,
            }
            for s, d in zip(self.solutions, self.distances(), strict=True)
        }
        return out


def run_data(
    problem: DataProblem,
    w: Iterable[float] | Vector | None = None,
    *,
    steps: int = 10,
    every: int | None = None,
    lam: Strength = 0.01,
    lr: float = 0.1,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: Strength | None = None,
    lam2: Strength | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    rule: RuleFactory = gradient_descent,
) -> DataRunReport:
    """``steps`` traced steps on the table under each penalty, and ``w*`` beside them.

    ``rule`` is the update (an optimizer's, see
    :func:`regtrace.engine.optimizers.optimizer_rules`); ``w*`` is the minimiser of the data
    loss plus the penalty whatever the rule, so it is where a converging run ends unless the
    rule adds a weight decay of its own.
    """
    w_arr = _start(problem, w)
    lr = check_lr(lr)
    _check_steps(steps, every)
    chosen = default_every(steps, w_arr.size) if every is None else every
    lam, lam1, lam2 = _strengths(problem, lam, lam1, lam2)
    built = build_penalties(penalties, w_arr.size, lam, lam1, lam2, l2_form, l1_method)
    runs = tuple(
        run_penalty(w_arr, None, None, p, lr, steps, chosen, rule, problem.gradient_into)
        for p in built
    )
    report = RunReport(w_arr, None, None, lr, steps, chosen, runs)
    return DataRunReport(report, problem, tuple(solve(problem, p) for p in built))


def _n(problem: DataProblem, pattern: Strength | None) -> int:
    """The length a per-weight pattern may have: one per weight, or one per feature (then the
    bias gets its 0 from :func:`_strengths`)."""
    size = 1 if pattern is None else np.asarray(pattern).size
    return problem.n_weights if size == problem.n_weights else problem.X.shape[1]


@dataclass(frozen=True)
class DataSweepReport:
    """A sweep on a table: the ordinary :class:`SweepReport` (``w_final`` is ``w*`` on the
    path, or the weights after ``steps``)."""

    sweep: SweepReport
    problem: DataProblem

    def to_dict(self) -> dict[str, Any]:
        """The ``sweep`` contract, plus ``data`` (the model)."""
        out = self.sweep.to_dict()
        out["data"] = self.problem.describe()
        return out


def sweep_data(
    problem: DataProblem,
    w: Iterable[float] | Vector | None = None,
    *,
    lams: Iterable[float] = (0.0, 0.01, 0.1, 1.0),
    steps: int | None = None,
    lr: float = 0.1,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: Strength | None = None,
    lam2: Strength | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    tol: float = DEFAULT_TOL,
    pattern: Strength | None = None,
) -> DataSweepReport:
    """Per penalty and ``lam``: ``w*`` (no ``steps``: the regularization path, warm-started
    in ``lam`` order as given) or the weights after ``steps`` traced steps from ``w``. With a
    per-weight ``pattern`` each ``lam`` scales it (see :func:`regtrace.engine.sweep.sweep`)."""
    w_arr = _start(problem, w)
    lam_values = check_lams(lams)
    if steps is not None:
        _check_steps(steps, None)
        lr = check_lr(lr)
    points: list[SweepPoint] = []
    for kind in dict.fromkeys(penalties):
        start: Vector | None = None
        for value in lam_values:
            strength = scaled(pattern, value, _n(problem, pattern))
            lam, l1, l2 = _strengths(problem, strength, lam1, lam2)
            (penalty,) = build_penalties([kind], w_arr.size, lam, l1, l2, l2_form, l1_method)
            if steps is None:
                exact = closed_form(problem, penalty)
                if exact is None:
                    result = _converged(fit(problem, penalty, start, tol=tol))
                    exact = start = _polished(problem, result).w_final
                final = exact
            else:
                final = run_penalty(
                    w_arr, None, None, penalty, lr, steps, max(steps, 1),
                    gradient=problem.gradient_into, signs=False,
                ).w_final  # fmt: skip
            points.append(SweepPoint(penalty, value, final))
    if not points:
        raise RegtraceError(f"no penalty given; {choose_from()}")
    shape = None if pattern is None else np.asarray(pattern, np.float64).reshape(-1)
    report = SweepReport(
        w_arr, None, None, None if steps is None else lr, steps, lam_values, tuple(points), shape
    )
    return DataSweepReport(report, problem)


__all__ = ["DataRunReport", "DataSweepReport", "run_data", "solve", "sweep_data"]
