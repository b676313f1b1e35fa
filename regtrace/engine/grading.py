"""The tolerance rule of ``regtrace check``: is one written number right for an exact value?

Default rule (what a teacher marking by hand does): an answer is right when it equals the
exact value rounded to the decimals the student wrote, and those decimals keep at least
:data:`MIN_SIGNIFICANT` significant digits. For 2.515: ``2.515``, ``2.52`` and ``2.51`` are
right (2.515 is an exact tie at two decimals, so either neighbour is), ``2.53`` is wrong, and
``2.5`` (two significant digits) is too coarse to tell; but an answer equal to the exact
value is right however few its digits (``0.09`` for exactly 0.09). An answer written as a fraction
(``1/3``) has no decimals to round to and must be exactly equal. With an absolute tolerance
``tol`` instead: right when ``|answer - exact| <= tol``.

Everything is compared in exact rationals, so float noise never decides a verdict.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from fractions import Fraction

from regtrace.engine.exact import to_fraction
from regtrace.frozen import frozen

MIN_SIGNIFICANT = 3
"""Fewer significant digits than this cannot tell a right answer from a near miss."""

_DECIMAL = re.compile(r"[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?")


class Mark(StrEnum):
    """The verdict on one element of an answer."""

    RIGHT = "right"
    WRONG = "wrong"
    COARSE = "too coarse"


@frozen
class Written:
    """A number as the student wrote it: its text, exact value, and decimals written.

    ``decimals`` is the power of ten the text is precise to: 3 for ``2.515``, 0 for ``3``,
    -2 for ``25e2``, 4 for ``2.5e-3``; ``None`` for a fraction such as ``1/3``.
    """

    text: str
    value: Fraction
    decimals: int | None

    @classmethod
    def parse(cls, text: str, where: str) -> Written:
        """Read one answer element (``where`` names it in errors)."""
        value = to_fraction(text, where)
        match = _DECIMAL.fullmatch(text.strip().replace("\u2212", "-"))
        if match is None:  # a fraction like 1/3: to_fraction accepted it
            return cls(text.strip(), value, None)
        decimals = len(match["frac"] or "") - int(match["exp"] or 0)
        return cls(text.strip(), value, decimals)


def rounded(exact: Fraction, decimals: int) -> tuple[Fraction, ...]:
    """``exact`` rounded to ``decimals``; both neighbours at an exact tie (``2.515`` -> 2)."""
    scale = Fraction(10) ** decimals
    scaled = exact * scale
    low = math.floor(scaled)
    rest = scaled - low
    if rest == 0:
        picks = [low]
    elif rest == Fraction(1, 2):
        picks = [low, low + 1]
    else:
        picks = [low if rest < Fraction(1, 2) else low + 1]
    return tuple(Fraction(k) / scale for k in picks)


def leading_exponent(x: Fraction) -> int:
    """``e`` with ``10**e <= |x| < 10**(e+1)``, exactly (``x`` not 0)."""
    x = abs(x)
    e = math.floor(math.log10(x.numerator) - math.log10(x.denominator))
    while Fraction(10) ** e > x:  # the float estimate may be one off either way
        e -= 1
    while Fraction(10) ** (e + 1) <= x:
        e += 1
    return e


def significant(exact: Fraction, decimals: int) -> int | None:
    """Significant digits that ``decimals`` keep of ``exact`` (``None``: exact is 0)."""
    if exact == 0:
        return None
    return leading_exponent(exact) + 1 + decimals


def agrees(exact: Fraction, answer: Written, tol: Fraction | None = None) -> bool:
    """Whether ``answer`` is ``exact`` at the precision written (or within ``tol``)."""
    if tol is not None:
        return abs(answer.value - exact) <= tol
    if answer.decimals is None:
        return answer.value == exact
    return answer.value in rounded(exact, answer.decimals)


def grade(exact: Fraction, answer: Written, tol: Fraction | None = None) -> Mark:
    """Right, wrong, or too coarse to tell (the rule in this module's docstring)."""
    if answer.value == exact:
        return Mark.RIGHT  # nothing was rounded away: 0.09 for exactly 0.09 is right
    if not agrees(exact, answer, tol):
        return Mark.WRONG
    if tol is None and answer.decimals is not None:
        digits = significant(exact, answer.decimals)
        if digits is not None and digits < MIN_SIGNIFICANT:
            return Mark.COARSE
    return Mark.RIGHT


__all__ = ["MIN_SIGNIFICANT", "Mark", "Written", "agrees", "grade", "rounded", "significant"]
