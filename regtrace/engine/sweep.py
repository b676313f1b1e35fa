"""Final weights over several strengths ``lam``: a "lambda sensitivity" table and the
regularization path.

With ``steps`` it runs each penalty at each ``lam`` (the built-in example: 10 steps with a
fixed gradient at ``lam`` in 0, 0.01, 0.1, 1). With a ``target`` and no ``steps`` it gives the fixed
point of the quadratic data loss ``1/2*||w - target||^2`` at each ``lam``
(:func:`regtrace.engine.trajectory.fixed_point`): ridge weights shrink as ``t/(1 + 2*lam)`` and
never reach 0, lasso weights hit exactly 0 one by one once ``lam >= |t_i|``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind, Vector
from regtrace.engine.step import DEFAULT_PENALTIES, as_vector, check_lr
from regtrace.engine.trajectory import (
    GradientFn,
    RuleFactory,
    _check_steps,
    _shared_start,
    build_penalties,
    check_data,
    fixed_point,
    gradient_descent,
    kept_steps,
    run_penalty,
)
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen
from regtrace.regularizers import choose_from


@frozen
class SweepPoint:
    """Where one penalty at one ``lam`` ends."""

    penalty: Penalty
    lam: float
    w_final: Vector

    def to_dict(self) -> dict[str, Any]:
        """The ``sweep`` entry of docs/design.md: exactly ``penalty``, ``lam``, ``w_final``."""
        return {
            "penalty": self.penalty.kind.value,
            "lam": self.penalty.lam_json(),
            "w_final": self.w_final.tolist(),
        }


@frozen
class SweepReport:
    """The inputs of a sweep and one :class:`SweepPoint` per penalty and ``lam``."""

    w: Vector
    grad: Vector | None
    target: Vector | None
    lr: float | None
    n_steps: int | None
    lams: tuple[float, ...]
    results: tuple[SweepPoint, ...]
    pattern: Vector | None = None
    """A per-weight strength pattern that each ``lam`` scales (``None``: ``lam`` itself)."""

    @property
    def path(self) -> bool:
        """True for the analytic regularization path (no steps run)."""
        return self.n_steps is None

    @property
    def kinds(self) -> tuple[PenaltyKind, ...]:
        """The penalties, in order."""
        return tuple(dict.fromkeys(p.penalty.kind for p in self.results))

    def of(self, kind: PenaltyKind | str) -> tuple[SweepPoint, ...]:
        """The points of one penalty, in ``lam`` order."""
        return tuple(p for p in self.results if p.penalty.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """Inputs echoed, then ``results`` (docs/design.md)."""
        first = self.results[0].penalty
        data: dict[str, Any] = {
            "command": "sweep",
            "w": self.w.tolist(),
            "grad": None if self.grad is None else self.grad.tolist(),
            "target": None if self.target is None else self.target.tolist(),
            "lr": self.lr,
            "steps": self.n_steps,
            "lams": list(self.lams),
            "l2_form": first.l2_form.value,
            "l1_method": first.l1_method.value,
        }
        if self.pattern is not None:
            data["lam_pattern"] = self.pattern.tolist()
        data["results"] = [p.to_dict() for p in self.results]
        return data


def check_lams(lams: Iterable[float]) -> tuple[float, ...]:
    """A non-empty list of finite, non-negative strengths."""
    values = tuple(float(x) for x in lams)
    if not values:
        raise RegtraceError("lams is empty; give strengths such as 0,0.01,0.1,1")
    for x in values:
        if not np.isfinite(x):
            raise RegtraceError("lams must be finite; NaN and infinity are not allowed")
        if x < 0:
            raise RegtraceError(f"lams must not be negative (got {x:g}); use 0 for no penalty")
    return values


def scaled(pattern: float | Vector | None, lam: float, n: int) -> float | Vector:
    """``lam`` times a per-weight ``pattern`` (``lam`` itself without one)."""
    if pattern is None:
        return lam
    values = np.asarray(pattern, dtype=np.float64).reshape(-1)
    if values.size == 1:
        return lam * float(values[0])
    if values.size != n:
        raise RegtraceError(
            f"lam has {values.size} values but w has {n}; give one lam, or one per weight"
        )
    return np.asarray(lam * values, dtype=np.float64)


def sweep(
    w: Iterable[float] | Vector,
    grad: Iterable[float] | Vector | None = None,
    *,
    lams: Iterable[float] = (0.0, 0.01, 0.1, 1.0),
    target: Iterable[float] | Vector | None = None,
    steps: int | None = None,
    lr: float = 0.1,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: float | Vector | None = None,
    lam2: float | Vector | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    rule: RuleFactory = gradient_descent,
    pattern: float | Vector | None = None,
    gradient: GradientFn | None = None,
) -> SweepReport:
    """Final weights per penalty and ``lam``: after ``steps`` steps, or the fixed point.

    Each ``lam`` sets the strength of every weight (for elastic both parts, unless ``lam1`` or
    ``lam2`` pins one); with a ``pattern`` (one strength per weight, e.g. ``[1, 0]`` to leave a
    bias unpenalized) each ``lam`` scales it: the strengths are ``lam*pattern``. Without
    ``steps`` a ``target`` is needed: the result is the minimiser
    of ``1/2*||w - target||^2 + penalty`` (which does not depend on ``w`` or ``lr``).
    ``gradient`` (instead of ``grad`` or ``target``) writes the data gradient at each step's
    weights into its second argument (a loss that moves with ``w``).

    >>> path = sweep([0.0, 0.0], target=[3.0, 0.5], lams=[1.0], penalties=["l2", "l1"])
    >>> [p.w_final.tolist() for p in path.results]   # 3/(1+2), 0.5/3; soft(3, 1), soft(0.5, 1)
    [[1.0, 0.16666666666666666], [2.0, 0.0]]
    """
    if gradient is None:
        w_arr, g_arr, t_arr = check_data(w, grad, target)
    else:
        w_arr, g_arr, t_arr = as_vector(w, "w"), None, None
    lam_values = check_lams(lams)
    if steps is None and t_arr is None:
        raise RegtraceError(
            "a sweep with a fixed gradient needs steps (the weights after N steps); "
            "the regularization path without steps needs a target"
        )
    if steps is not None:
        _check_steps(steps, None)
        lr = check_lr(lr)
    points: list[SweepPoint] = []
    kinds = tuple(dict.fromkeys(penalties))
    # every = steps keeps w_0 and w_N; with 0 steps, every 1 (w_0 is w_N)
    every = max(steps or 0, 1)
    # One w_0 row shared by every point (no copy per point); nothing shows sign changes.
    rows = iter(
        _shared_start(w_arr, len(kinds) * len(lam_values), kept_steps(steps, every))
        if steps is not None
        else ()
    )
    for kind in kinds:
        for lam in lam_values:
            strength = scaled(pattern, lam, w_arr.size)
            (penalty,) = build_penalties(
                [kind], w_arr.size, strength, lam1, lam2, l2_form, l1_method
            )
            if steps is None:
                assert t_arr is not None
                final = fixed_point(penalty, t_arr)
            else:
                final = run_penalty(
                    w_arr, g_arr, t_arr, penalty, lr, steps, every, rule, gradient,
                    into=next(rows), signs=False, summaries=False,
                ).w_final  # fmt: skip
            points.append(SweepPoint(penalty, lam, final))
    if not points:
        raise RegtraceError(f"no penalty given; {choose_from()}")
    return SweepReport(
        w_arr,
        g_arr,
        t_arr,
        None if steps is None else lr,
        steps,
        lam_values,
        tuple(points),
        pattern=None if pattern is None else np.asarray(pattern, np.float64).reshape(-1),
    )


__all__ = ["SweepPoint", "SweepReport", "check_lams", "scaled", "sweep"]
