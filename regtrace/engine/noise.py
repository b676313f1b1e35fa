"""The cancellation rule: a float result this small against its operands is rounding of an
exact 0 (``1 - 20 x 0.05`` leaves -3.2e-16, ``3 x 0.1 - 0.3`` leaves 5.6e-17).

One rule for every place that prints or steps on such a value: runs settle their weights by
it, the data evaluation its residuals, the views their numbers. Imports no NumPy at module
level, so the number formatting can use it cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regtrace.arrays import Vector

NOISE = 1e-12
"""The relative size below which a result counts as an exact 0."""


def settled(x: float, scale: float) -> float:
    """``x``, or 0 when it is cancellation noise against operands of size ``scale``."""
    return 0.0 if abs(x) <= NOISE * scale else x


def settled_array(values: Vector, scale: Vector) -> Vector:
    """``values`` with each element that is noise against its operands' size ``scale`` set
    to 0 (a new array)."""
    import numpy as np

    return np.where(np.abs(values) <= NOISE * scale, 0.0, values)


__all__ = ["NOISE", "settled", "settled_array"]
