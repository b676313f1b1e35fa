"""Names of NumPy array types for annotations.

They matter only to the type checker: at run time each is plain :class:`numpy.ndarray`, so
no command pays for importing ``numpy.typing`` (about 15 ms, a tenth of a start-up).
Modules that need other ``NDArray[...]`` forms import ``NDArray`` under ``TYPE_CHECKING``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Vector: TypeAlias = NDArray[np.float64]
    Matrix: TypeAlias = NDArray[np.float64]
    Int8: TypeAlias = NDArray[np.int8]
    Exact: TypeAlias = NDArray[np.object_]
else:
    Vector = Matrix = Int8 = Exact = np.ndarray

__all__ = ["Exact", "Int8", "Matrix", "Vector"]
