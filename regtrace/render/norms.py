"""Vector norms for the summary view that do not overflow on the way to a finite answer.

``||w||_2 = sqrt(sum(w_i^2))`` overflows float64 in ``sum(w_i^2)`` as soon as one weight
passes about 1.3e154, although the norm itself is far below the largest float (1.8e308).
The fast NumPy norm is tried first; only when it overflows is the vector rescaled by its
largest magnitude ``m``: ``||w||_2 = m * ||w/m||_2`` (the classic scaling of LAPACK's
``dnrm2``). A norm that truly exceeds float64 is shown as such, never as ``inf``.
"""

from __future__ import annotations

import numpy as np

from regtrace.engine.penalties import Vector
from regtrace.render.numfmt import fmt

BEYOND_FLOAT64 = "> 1.8e308"


def norm_l2(v: Vector) -> float:
    """``sqrt(sum(v_i^2))``, rescaled when the squares overflow; ``inf`` only if it must be."""
    with np.errstate(over="ignore"):
        fast = float(np.linalg.norm(v))
        if np.isfinite(fast):
            return fast
        largest = float(np.max(np.abs(v)))
        return largest * float(np.linalg.norm(v / largest))


def norm_l1(v: Vector) -> float:
    """``sum(|v_i|)``; ``inf`` when the sum itself is beyond float64."""
    with np.errstate(over="ignore"):
        return float(np.sum(np.abs(v)))


def fmt_norm(x: float, digits: int) -> str:
    """A norm as text: the number, or ``> 1.8e308`` when it is beyond float64."""
    return fmt(x, digits) if np.isfinite(x) else BEYOND_FLOAT64
