"""Norms as text: a number, or ``> 1.8e308`` for a norm beyond float64.

The norms themselves come from :mod:`regtrace.engine.vecstats` (one pass, no overflow on the
way to a finite answer).
"""

from __future__ import annotations

import math

from regtrace.render.numfmt import fmt

BEYOND_FLOAT64 = "> 1.8e308"


def fmt_norm(x: float, digits: int) -> str:
    """A norm as text: the number, or ``> 1.8e308`` when it is beyond float64."""
    return fmt(x, digits) if math.isfinite(x) else BEYOND_FLOAT64
