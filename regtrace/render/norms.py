"""Vector norms for the summary view that do not overflow on the way to a finite answer.

``||w||_2 = sqrt(sum(w_i^2))`` overflows float64 in ``sum(w_i^2)`` as soon as one weight
passes about 1.3e154, although the norm itself is far below the largest float (1.8e308).
The fast NumPy norm is tried first; only when it overflows is the vector rescaled by its
largest magnitude ``m``: ``||w||_2 = m * ||w/m||_2`` (the classic scaling of LAPACK's
``dnrm2``). A norm that truly exceeds float64 is shown as such, never as ``inf``.

Whole-vector temporaries such as ``np.abs(v)`` cost 80 MB on 10^7 weights and set the peak
memory of a big run's summary, so everything that needs one works chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from regtrace.engine.penalties import Vector
from regtrace.render.numfmt import fmt

BEYOND_FLOAT64 = "> 1.8e308"
_CHUNK = 1 << 16  # 512 KB temporaries at most


def _chunks(v: Vector) -> Iterator[Vector]:
    return (v[i : i + _CHUNK] for i in range(0, v.size, _CHUNK))


def norm_l2(v: Vector) -> float:
    """``sqrt(sum(v_i^2))``, rescaled when the squares overflow; ``inf`` only if it must be."""
    with np.errstate(over="ignore"):
        fast = float(np.linalg.norm(v))
        if np.isfinite(fast):
            return fast
        largest = max_abs(v)
        scaled = sum(float(np.dot(c / largest, c / largest)) for c in _chunks(v))
        return largest * float(np.sqrt(scaled))


def norm_l1(v: Vector) -> float:
    """``sum(|v_i|)``; ``inf`` when the sum itself is beyond float64."""
    with np.errstate(over="ignore"):
        return float(sum(float(np.sum(np.abs(c))) for c in _chunks(v)))


def max_abs(v: Vector) -> float:
    """``max(|v_i|)``."""
    return max(float(np.max(np.abs(c))) for c in _chunks(v))


def count_zeros(v: Vector) -> int:
    """How many elements are exactly 0."""
    return sum(int(np.count_nonzero(c == 0)) for c in _chunks(v))


def fmt_norm(x: float, digits: int) -> str:
    """A norm as text: the number, or ``> 1.8e308`` when it is beyond float64."""
    return fmt(x, digits) if np.isfinite(x) else BEYOND_FLOAT64
