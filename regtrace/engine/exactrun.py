"""``run --exact``: the trajectory of :mod:`regtrace.engine.trajectory` in exact rationals.

Each step is :func:`regtrace.engine.exact.exact_apply` (docs/design.md's update in
:class:`fractions.Fraction`), one after another, as ``check --steps`` grades a sequence. The
data gradient is fixed (``grad``) or ``w - target`` (the loss ``1/2*||w - target||^2``),
both exact. The result is the float path's :class:`~regtrace.engine.trajectory.RunReport`
with NumPy ``object`` arrays of fractions, so the run's renderers show it unchanged.

Fractions grow with every step (the denominator of ``a**N`` for ``a = 1 - 2*lr*lam`` has
``N`` times the digits of ``a``'s), so a run is capped at :data:`MAX_EXACT_STEPS` steps and
meant for homework-sized vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, cast

import numpy as np

from regtrace.engine.exact import (
    Exact,
    ExactPenalty,
    check_growth,
    check_work,
    exact_apply,
    exact_penalty,
    exact_vector,
    signs,
)
from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind, Vector
from regtrace.engine.step import DEFAULT_PENALTIES
from regtrace.engine.sweep import SweepPoint, SweepReport
from regtrace.engine.trajectory import (
    RunReport,
    SignEvents,
    Trajectory,
    _diverges,
    _SignWatch,
    default_every,
    kept_steps,
)
from regtrace.errors import RegtraceError
from regtrace.regularizers import choose_from

MAX_EXACT_STEPS = 1000  # as check --steps: 1000 steps of 3 weights take seconds, not minutes

Fractions = Fraction | Sequence[Fraction]


def _sign_vector(w: Exact) -> Vector:
    """``sign(w)`` as float64 -1/0/1: what the sign watch compares (exactly, unlike float(w))."""
    return np.asarray(signs(w), dtype=np.float64)


def exact_fixed_point(penalty: ExactPenalty, target: Exact) -> Exact:
    """``soft(t, lam1) / (1 + c*lam2)``, exactly: where a run on ``1/2*||w - t||^2`` converges
    (:func:`regtrace.engine.trajectory.fixed_point`)."""
    shrunk: Any = target
    if penalty.has_l1:
        zero: Any = Fraction(0)
        shrunk = signs(target) * np.maximum(np.abs(target) - penalty.lam1, zero)
    if penalty.has_l2:
        shrunk = shrunk / (1 + penalty.coef * penalty.lam2)
    return exact_vector(list(shrunk))


def exact_factor(penalty: ExactPenalty, lr: Fraction, curvature: int) -> Fraction:
    """``max |1 - lr*(h + c*lam2)|`` exactly (:func:`~regtrace.engine.trajectory.contraction`)."""
    lam2: Any = penalty.lam2 if penalty.has_l2 else Fraction(0)
    values = lam2 if isinstance(lam2, np.ndarray) else [lam2]
    return Fraction(max(abs(1 - lr * (curvature + penalty.coef * s)) for s in values))


def _exact_trajectory(
    w0: Exact,
    grad: Exact | None,
    target: Exact | None,
    penalty: ExactPenalty,
    lr: Fraction,
    n_steps: int,
    keep: tuple[int, ...],
    gradient: Callable[[Exact], Exact] | None = None,
) -> Trajectory:
    """One penalty's run: ``exact_apply`` ``n_steps`` times, keeping the rows in ``keep``;
    ``gradient`` (instead of ``grad`` or ``target``) computes the data gradient at each step."""
    quadratic = target is not None
    factor = exact_factor(penalty, lr, 1 if quadratic else 0)
    if factor > 1 and n_steps > 0 and gradient is None:
        raise _diverges(penalty, cast(float, lr), float(factor), quadratic)
    rows = [w0]
    w = w0
    watch = _SignWatch(_sign_vector(w0), n_steps) if penalty.has_l1 else None
    for k in range(1, n_steps + 1):
        g = (
            gradient(w)
            if gradient is not None
            else grad
            if target is None
            else cast(Exact, w - target)  # the loss's gradient
        )
        assert g is not None
        w = cast(Exact, exact_apply(w, g, penalty, lr).w_new)
        check_growth(w, k)
        if watch is not None:
            watch.observe(np.asarray(_sign_vector(w), dtype=np.int8), k)
        if k in keep:
            rows.append(w)
    weights = np.empty((len(keep), w0.size), dtype=object)
    for i, row in enumerate(rows):
        weights[i, :] = list(row)
    events: SignEvents | None = None
    if watch is not None:
        events = watch.result(_sign_vector(w))
    return Trajectory(
        penalty=penalty,
        steps=keep,
        weights=cast(Vector, weights),
        w_final=cast(Vector, weights[-1]),
        fixed_point=None if target is None else cast(Vector, exact_fixed_point(penalty, target)),
        factor=float(factor) if penalty.has_l2 else None,
        events=events,
    )


def exact_run(
    w: Sequence[Fraction],
    grad: Sequence[Fraction] | None = None,
    *,
    target: Sequence[Fraction] | None = None,
    steps: int = 10,
    every: int | None = None,
    lam: Fractions,
    lr: Fraction,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: Fractions | None = None,
    lam2: Fractions | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    gradient: Callable[[Exact], Exact] | None = None,
) -> RunReport:
    """:func:`regtrace.engine.trajectory.run` in exact rationals (``regtrace run --exact``);
    ``gradient`` computes the data gradient at each step instead of ``grad`` or ``target``.

    >>> from fractions import Fraction as F
    >>> report = exact_run([F(1)], [F(0)], lam=F(1, 4), lr=F(1), steps=2, penalties=["l2"])
    >>> [str(x) for x in report["l2"].w_final]   # each step multiplies by 1 - 2*1*(1/4)
    ['1/4']
    """
    if not w:
        raise RegtraceError("w is empty; give at least one number")
    loss = "grad (a fixed data gradient) or target (the data loss 1/2*||w - target||^2)"
    if gradient is None and (grad is None) == (target is None):
        raise RegtraceError(f"give either {loss}, not both" if grad is not None else f"give {loss}")
    other, name = (grad, "grad") if grad is not None else (target, "target")
    if other is not None and len(other) != len(w):
        raise RegtraceError(
            f"w has {len(w)} values but {name} has {len(other)}; give one {name} per weight"
        )
    if lr < 0:
        raise RegtraceError("lr must not be negative; a step goes against the gradient")
    if not 0 <= steps <= MAX_EXACT_STEPS:
        raise RegtraceError(
            f"--exact runs at most {MAX_EXACT_STEPS} steps (exact fractions grow every step), "
            f"not {steps}; leave out --exact for longer runs"
        )
    if every is not None and every < 1:
        raise RegtraceError(f"every must be at least 1 (keep every step), not {every}")
    if not penalties:
        raise RegtraceError(f"no penalty given; {choose_from()}")
    check_work(len(dict.fromkeys(penalties)), steps, len(w))
    chosen = default_every(steps, len(w)) if every is None else every
    keep = kept_steps(steps, chosen)
    w_arr = exact_vector(w)
    g_arr = None if grad is None else exact_vector(grad)
    t_arr = None if target is None else exact_vector(target)
    results = tuple(
        _exact_trajectory(
            w_arr,
            g_arr,
            t_arr,
            exact_penalty(
                kind, len(w), lam, lam1=lam1, lam2=lam2, l2_form=l2_form, l1_method=l1_method
            ),
            lr,
            steps,
            keep,
            gradient,
        )
        for kind in dict.fromkeys(penalties)
    )
    return RunReport(
        cast(Vector, w_arr),
        cast(Vector | None, g_arr),
        cast(Vector | None, t_arr),
        cast(float, lr),
        steps,
        chosen,
        results,
    )


def exact_sweep(
    w: Sequence[Fraction],
    grad: Sequence[Fraction] | None = None,
    *,
    target: Sequence[Fraction] | None = None,
    lams: Sequence[Fraction],
    steps: int | None = None,
    lr: Fraction,
    pattern: Sequence[Fraction] | None = None,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: Fractions | None = None,
    lam2: Fractions | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    gradient: Callable[[Exact], Exact] | None = None,
) -> SweepReport:
    """:func:`regtrace.engine.sweep.sweep` in exact rationals (``regtrace sweep --exact``).

    With ``steps``: :func:`exact_run` at each ``lam``; without: the exact fixed point of the
    quadratic loss. A per-weight ``pattern`` is scaled by each ``lam``; ``gradient`` computes
    the data gradient at each step, as in :func:`exact_run`.

    >>> from fractions import Fraction as F
    >>> report = exact_sweep([F(1)], [F(0)], lams=[F(1, 2)], steps=2, lr=F(1, 10),
    ...                      penalties=["l1"])
    >>> [str(x) for x in report.results[0].w_final]   # 1 - 2*0.1*0.5 = 0.9, exactly
    ['9/10']
    """
    if not lams:
        raise RegtraceError("lams is empty; give strengths such as 0,0.01,0.1,1")
    if any(x < 0 for x in lams):
        raise RegtraceError("lams must not be negative; use 0 for no penalty")
    if steps is None and target is None:
        raise RegtraceError(
            "a sweep with a fixed gradient needs steps (the weights after N steps); "
            "the regularization path without steps needs a target"
        )
    if pattern is not None and len(pattern) not in (1, len(w)):
        raise RegtraceError(
            f"lam has {len(pattern)} values but w has {len(w)}; give one lam, or one per weight"
        )
    if steps is not None:
        check_work(len(lams) * len(dict.fromkeys(penalties)), steps, len(w))
    points: list[SweepPoint] = []
    run: RunReport | None = None
    for kind in dict.fromkeys(penalties):
        for lam in lams:
            strength = [lam] if pattern is None else [lam * p for p in pattern]
            if steps is None:
                assert target is not None
                penalty = exact_penalty(
                    kind, len(w), strength, lam1=lam1, lam2=lam2, l2_form=l2_form,
                    l1_method=l1_method,
                )  # fmt: skip
                final = cast(Vector, exact_fixed_point(penalty, exact_vector(target)))
            else:
                run = exact_run(
                    w, grad, target=target, steps=steps, every=max(steps, 1), lam=strength,
                    lr=lr, penalties=[kind], lam1=lam1, lam2=lam2, l2_form=l2_form,
                    l1_method=l1_method, gradient=gradient,
                )  # fmt: skip
                penalty, final = run.results[0].penalty, run.results[0].w_final
            points.append(SweepPoint(penalty, cast(float, lam), final))
    if not points:
        raise RegtraceError(f"no penalty given; {choose_from()}")
    return SweepReport(
        cast(Vector, exact_vector(w)),
        None if grad is None else cast(Vector, exact_vector(grad)),
        None if target is None else cast(Vector, exact_vector(target)),
        None if steps is None else cast(float, lr),
        steps,
        cast(tuple[float, ...], tuple(lams)),
        tuple(points),
        pattern=None if pattern is None else cast(Vector, exact_vector(pattern)),
    )


__all__ = ["MAX_EXACT_STEPS", "exact_factor", "exact_fixed_point", "exact_run", "exact_sweep"]
