"""Numbers as a person writes them: ``2.515``, not ``2.5149999999999997``.

A value is rounded to ``digits`` significant digits (default 12: far above what a trace needs
and far below float64's ~16, so the noise of a few additions never shows) and written without
trailing zeros, in plain decimals between 1e-6 and 1e16 and in scientific notation outside.
"""

from __future__ import annotations

import math
import sys
from typing import Any

# The cancellation rule (a result this small against its operands prints as 0) is the one
# runs settle their weights by: regtrace.engine.noise.
from regtrace.engine.noise import NOISE as NOISE
from regtrace.engine.noise import settled as settled

DEFAULT_DIGITS = 12

__all__ = ["DEFAULT_DIGITS", "NOISE", "fmt", "fmt_exact", "fmt_signed", "paren", "settled"]


def fmt(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """``x`` rounded to ``digits`` significant digits, trailing zeros dropped; ``-0`` is ``0``."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    text = f"{x:.{digits}g}"
    if "e" not in text:  # plain decimals already, without trailing zeros: the common case
        return text
    from decimal import Decimal

    rounded = Decimal(text)
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
    """Like :func:`fmt` with an explicit ``+`` on positive values (the update row)."""
    text = fmt(x, digits)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def count_text(n: int, noun: str) -> str:
    """``1 gradient step``, ``3 gradient steps``: a count with its noun in the right number."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def paren(text: str) -> str:
    """Wrap a negative number or a fraction in parentheses inside arithmetic: ``2x(-0.8)``."""
    return f"({text})" if text.startswith("-") or "/" in text else text


def fmt_exact(x: Any, digits: int = DEFAULT_DIGITS) -> str:
    """A ``Fraction`` exactly (``2.515``, or ``1/3`` where a decimal would not end); any
    other number as :func:`fmt` writes it. Imports the exact engine only when called, so
    the float path does not pay for it (nor for ``fractions``: no ``Fraction`` exists before
    that module is loaded)."""
    fractions = sys.modules.get("fractions")
    if fractions is not None and isinstance(x, fractions.Fraction):
        from regtrace.engine.exact import exact_text

        return exact_text(x)
    return fmt(float(x), digits)
