"""Numbers as a person writes them: ``2.515``, not ``2.5149999999999997``.

A value is rounded to ``digits`` significant digits (default 12: far above what a trace needs
and far below float64's ~16, so the noise of a few additions never shows) and written without
trailing zeros, in plain decimals between 1e-6 and 1e16 and in scientific notation outside.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

DEFAULT_DIGITS = 12


def fmt(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """``x`` rounded to ``digits`` significant digits, trailing zeros dropped; ``-0`` is ``0``."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    rounded = Decimal(f"{x:.{digits}g}")
    exponent = rounded.adjusted()
    if -6 <= exponent < 16:
        text = format(rounded, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    mantissa, _, power = f"{x:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(power)}"


def fmt_signed(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """Like :func:`fmt` with an explicit ``+`` on positive values (the blog's update row)."""
    text = fmt(x, digits)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def paren(text: str) -> str:
    """Wrap a negative number or a fraction in parentheses inside arithmetic: ``2x(-0.8)``."""
    return f"({text})" if text.startswith("-") or "/" in text else text


def fmt_exact(q: Fraction) -> str:
    """``q`` exactly: a terminating decimal (``2.515``), else a fraction (``1/3``).

    A fraction in lowest terms has a terminating decimal exactly when its denominator is
    ``2**a * 5**b``; it then has ``max(a, b)`` decimals.
    """
    den, twos, fives = q.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return f"{q.numerator}/{q.denominator}"
    places = max(twos, fives)
    digits = str(abs(q.numerator) * 10**places // q.denominator).rjust(places + 1, "0")
    sign = "-" if q < 0 else ""
    if places == 0:
        return f"{sign}{digits}"
    return f"{sign}{digits[:-places]}.{digits[-places:]}"
