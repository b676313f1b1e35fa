"""Exact arithmetic: the step of :mod:`regtrace.engine.step` in rationals (``--exact``).

Numbers come from the text the user typed, so ``0.1`` is exactly ``1/10`` and ``1/3`` is
exactly a third (:func:`to_fraction`). The formulas are docs/design.md's, evaluated with
:class:`fractions.Fraction` (standard library, no float anywhere on this path):
``full_grad = g + penalty_grad``, ``step = -lr * full_grad``, ``w_new = w + step``; L2 gradient
``2*lam*w`` (``lambda`` form) or ``lam*w`` (``half``); L1 subgradient ``lam*sign(w)``; proximal
L1 ``w_new = sign(v) * max(|v| - lr*lam1, 0)`` with ``v = w - lr*(g + l2_grad)``.

The result is the same :class:`~regtrace.engine.step.StepReport` the float path returns, with
NumPy ``object`` arrays holding ``Fraction`` values, so every renderer shows it; the renderers
print a ``Fraction`` exactly (:func:`regtrace.render.numfmt.fmt_exact`). Element-wise Python
arithmetic: meant for homework-sized vectors, not for 10^7 weights (use the float path).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, cast

import numpy as np

from regtrace.arrays import Exact
from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind, Vector, parse_kind
from regtrace.engine.step import StepReport, StepResult, step_arithmetic, step_result
from regtrace.errors import RegtraceError
from regtrace.regularizers import choose_from, rule_for

# A decimal (optionally scientific) or a ratio of two of them: 2.5, -0.8, 1e-3, 1/3, 0.5/3.
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"  # one way to match: no backtracking
_EXACT_NUMBER = re.compile(rf"(?P<num>{_DECIMAL})(?:/(?P<den>{_DECIMAL}))?")
_PLAIN_DECIMAL = re.compile(r"([+-]?)(\d*)\.?(\d*)")  # no exponent, no ratio
_UNICODE_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


def to_fraction(token: str, where: str) -> Fraction:
    """The exact value of ``token`` (``2.515``, ``1e-3``, ``-1/3``); ``where`` names it."""
    text = token.strip().translate(_UNICODE_MINUS)
    plain = _PLAIN_DECIMAL.fullmatch(text)
    if plain is not None and (plain[2] or plain[3]):
        # 2.515 is 2515/10^3: three times faster than Fraction(text), the same value
        sign, whole, frac = plain.groups()
        return Fraction(int(sign + whole + frac), 10 ** len(frac))
    match = _EXACT_NUMBER.fullmatch(text)
    if match is None:
        raise RegtraceError(
            f"{where}: {token!r} is not a number; write decimals such as 2.5, -0.8, 1e-3 "
            "or fractions such as 1/3"
        )
    value = Fraction(match["num"])
    if match["den"] is not None:
        den = Fraction(match["den"])
        if den == 0:
            raise RegtraceError(f"{where}: {token!r} divides by zero")
        value /= den
    return value


MAX_EXACT_DIGITS = 2000
"""The most digits a numerator or denominator may reach in a run: past it, every further step
costs more, no reader checks the number by hand, and Python refuses to print past 4300."""
_MAX_BITS = int(MAX_EXACT_DIGITS * 3.3219280948873626)  # log2(10) bits per digit


MAX_EXACT_UPDATES = 200_000
"""The most weight updates (runs x steps x weights) one exact command does: one step from
short decimals costs about 10 us an update, so this is seconds."""

MAX_EXACT_WORK = 30_000_000
"""The most weight updates times steps: the fractions gain digits every step, so the later
updates of a long run cost more (up to about half a millisecond near
:data:`MAX_EXACT_DIGITS` digits: 127 runs x 1000 steps x 2 weights took 70 s). This allows
30,000 updates of 1000 steps, 300,000 of 100: seconds at worst."""


def exact_update_limit(steps: int) -> int:
    """The most weight updates an exact command of ``steps`` steps does."""
    return min(MAX_EXACT_UPDATES, MAX_EXACT_WORK // max(steps, 1))


def check_work(runs: int, steps: int, weights: int, fix: str = "or leave out --exact") -> None:
    """Refuse, before any step, exact work past :func:`exact_update_limit` weight updates."""
    total = runs * steps * weights
    limit = exact_update_limit(steps)
    if total > limit:
        counted = f"{runs:,} runs x " if runs > 1 else ""
        raise RegtraceError(
            f"exact arithmetic: {counted}{steps:,} steps x {weights:,} weights is {total:,} "
            f"weight updates; exact runs of {steps:,} steps do at most {limit:,} (the "
            f"fractions grow every step); run fewer steps, lams or weights, {fix}"
        )


def check_growth(values: Exact, step: int) -> None:
    """Stop a run whose fractions outgrow :data:`MAX_EXACT_DIGITS`, naming the step."""
    for q in values:
        if q.numerator.bit_length() > _MAX_BITS or q.denominator.bit_length() > _MAX_BITS:
            raise RegtraceError(
                f"--exact: at step {step} a weight needs more than {MAX_EXACT_DIGITS} digits "
                f"(the limit for exact numbers; each step adds digits); run fewer steps, "
                "use numbers with fewer digits for lr and lam, or leave out --exact"
            )


def exact_text(q: Fraction) -> str:
    """``q`` exactly: a terminating decimal (``2.515``), else a fraction (``1/3``).

    A fraction in lowest terms has a terminating decimal exactly when its denominator is
    ``2**a * 5**b``; it then has ``max(a, b)`` decimals, written as a fraction past
    :data:`MAX_EXACT_DIGITS` of them.
    """
    den, twos, fives = q.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    places = max(twos, fives)
    if den != 1 or places > MAX_EXACT_DIGITS:  # 1/2**6000 has 6000 decimals: a fraction
        return f"{q.numerator}/{q.denominator}"
    digits = str(abs(q.numerator) * 10**places // q.denominator).rjust(places + 1, "0")
    sign = "-" if q < 0 else ""
    if places == 0:
        return f"{sign}{digits}"
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


"""A vector of ``Fraction`` values."""


def exact_vector(values: Sequence[Fraction]) -> Exact:
    """A 1-D object array of fractions (what the exact path computes with)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _sign(x: Fraction) -> int:
    """``sign(x)`` with ``sign(0) = 0``, as the L1 subgradient takes it."""
    return (x > 0) - (x < 0)


def signs(values: Exact) -> Exact:
    """Element-wise :func:`_sign`."""
    return exact_vector([Fraction(_sign(x)) for x in values])


class ExactOps:
    """Exact arithmetic on object arrays of ``Fraction``."""

    exact = True
    zero: Any = Fraction(0)

    def zeros(self, w: Any) -> Any:
        return exact_vector([Fraction(0)] * len(w))

    def sign(self, w: Any) -> Any:
        return signs(cast(Exact, w))

    def abs(self, w: Any) -> Any:
        return np.abs(w)

    def total(self, x: Any) -> Any:
        return sum(x, Fraction(0))

    def coef(self, form: L2Form) -> Any:
        return 2 if form is L2Form.LAMBDA else 1

    def half(self, x: Any) -> Any:
        return Fraction(x, 2)

    def clip(self, x: Any, lo: Any, hi: Any) -> Any:
        return np.clip(x, lo, hi)

    def soft_threshold(self, v: Any, t: Any) -> Any:
        zero: Any = Fraction(0)
        return signs(cast(Exact, v)) * np.maximum(np.abs(v) - t, zero)


EXACT = ExactOps()
"""Exact arithmetic, the number type of ``--exact``."""


ExactPenalty = Penalty
"""A :class:`Penalty` built with ``exact=True``: fractional strengths, exact arithmetic."""


def _strength(values: Fraction | Sequence[Fraction], n: int, name: str) -> Any:
    """One fraction for every weight, or an object array with one per weight."""
    if not isinstance(values, Sequence):
        values = [values]
    if any(v < 0 for v in values):
        raise RegtraceError(f"{name} must not be negative; use 0 for no penalty")
    if len(values) == 1:
        return values[0]
    if len(values) != n:
        raise RegtraceError(
            f"{name} has {len(values)} values but w has {n}; "
            f"give one {name} for all weights or one per weight"
        )
    return exact_vector(values)


def exact_penalty(
    kind: PenaltyKind | str,
    n: int,
    lam: Fraction | Sequence[Fraction],
    *,
    lam1: Fraction | Sequence[Fraction] | None = None,
    lam2: Fraction | Sequence[Fraction] | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
) -> ExactPenalty:
    """The exact twin of :meth:`Penalty.build`: same rules, fractional strengths."""
    kind = parse_kind(kind)
    try:
        l2_form, l1_method = L2Form(l2_form), L1Method(l1_method)
    except ValueError as exc:
        raise RegtraceError(str(exc)) from None
    rule = rule_for(kind)
    if not rule.exact:
        raise RegtraceError(
            f"the {kind.label} penalty has no exact form; drop --exact to compute in float64"
        )
    s = _strength(lam, n, "lam")
    s1 = None if lam1 is None else _strength(lam1, n, "lam1")
    s2 = None if lam2 is None else _strength(lam2, n, "lam2")
    split1, split2 = rule.split(s, s1, s2)
    return Penalty(kind, split1, split2, l2_form, l1_method, exact=True)


def exact_apply(
    w: Exact, grad: Exact, penalty: ExactPenalty, lr: Fraction, loss: Fraction | None = None
) -> StepResult:
    """One exact step: :func:`regtrace.engine.step.step_arithmetic` on fractions."""
    return step_result(penalty, step_arithmetic(w, grad, penalty, lr), loss)


def exact_step(
    w: Sequence[Fraction],
    grad: Sequence[Fraction],
    *,
    lam: Fraction | Sequence[Fraction],
    lr: Fraction,
    loss: Fraction | None = None,
    penalties: Sequence[PenaltyKind | str] = (PenaltyKind.L2, PenaltyKind.L1),
    lam1: Fraction | Sequence[Fraction] | None = None,
    lam2: Fraction | Sequence[Fraction] | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
) -> StepReport:
    """:func:`regtrace.engine.step.step` in exact rationals; ``lam`` is one value or one per weight.

    >>> from fractions import Fraction as F
    >>> w = [F("2.5"), F("-0.8"), F("0.1")]
    >>> g = [F("-0.2"), F("0.1"), F("-0.05")]
    >>> report = exact_step(w, g, lam=[F("0.01")], lr=F("0.1"), penalties=["l2"])
    >>> [str(x) for x in report["l2"].w_new]
    ['503/200', '-2021/2500', '131/1250']
    >>> report["l2"].w_new[0] == F("2.515")
    True
    """
    if not w:
        raise RegtraceError("w is empty; give at least one number")
    if len(w) != len(grad):
        raise RegtraceError(
            f"w has {len(w)} values but grad has {len(grad)}; give one gradient per weight"
        )
    if lr < 0:
        raise RegtraceError("lr must not be negative; a step goes against the gradient")
    if not penalties:
        raise RegtraceError(f"no penalty given; {choose_from()}")
    w_arr, g_arr = exact_vector(w), exact_vector(grad)
    results = tuple(
        exact_apply(
            w_arr,
            g_arr,
            exact_penalty(
                kind, len(w), lam, lam1=lam1, lam2=lam2, l2_form=l2_form, l1_method=l1_method
            ),
            lr,
            loss,
        )
        for kind in dict.fromkeys(penalties)
    )
    return StepReport(
        w=cast(Vector, w_arr),
        grad=cast(Vector, g_arr),
        lr=cast(float, lr),
        loss=cast(float | None, loss),
        results=results,
    )


__all__ = [
    "MAX_EXACT_DIGITS",
    "MAX_EXACT_UPDATES",
    "MAX_EXACT_WORK",
    "Exact",
    "ExactPenalty",
    "check_growth",
    "check_work",
    "exact_apply",
    "exact_penalty",
    "exact_step",
    "exact_text",
    "exact_vector",
    "signs",
    "to_fraction",
]
