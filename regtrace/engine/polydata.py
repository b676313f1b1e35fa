"""A small seeded, noisy data set for polynomial regression, and its polynomial features.

A lambda sweep needs data where a flexible
model overfits: ``y = sin(pi*x) + noise`` with ``x`` uniform on ``[-1, 1]``, few training
points and a degree-9 polynomial, so that a tiny ``lam`` fits the noise (low training error,
high validation error) and a huge one flattens the curve (both errors high).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from regtrace.arrays import Matrix
from regtrace.engine.penalties import Vector
from regtrace.errors import RegtraceError


@dataclass(frozen=True)
class SplitData:
    """Inputs ``x`` and targets ``y``, split into a training and a validation set."""

    x_train: Vector
    y_train: Vector
    x_val: Vector
    y_val: Vector


def noisy_sine(
    *, seed: int = 0, n_train: int = 12, n_val: int = 40, noise: float = 0.25
) -> SplitData:
    """``y = sin(pi*x) + N(0, noise^2)``, ``x ~ U[-1, 1]``, from NumPy's PCG64 with ``seed``.

    Training points come first from the generator, then validation points, so the same seed
    always gives the same split.
    """
    if n_train < 1 or n_val < 1:
        raise RegtraceError("the data set needs at least one training and one validation point")
    if not (np.isfinite(noise) and noise >= 0):
        raise RegtraceError("noise must be a finite, non-negative standard deviation")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n_train + n_val)
    y = np.sin(np.pi * x) + rng.normal(0.0, noise, n_train + n_val)
    return SplitData(x[:n_train], y[:n_train], x[n_train:], y[n_train:])


def poly_features(x: Vector, degree: int) -> Matrix:
    """The design matrix ``[1, x, x^2, ..., x^degree]``, one row per point.

    >>> poly_features(np.array([2.0, -1.0]), 3).tolist()
    [[1.0, 2.0, 4.0, 8.0], [1.0, -1.0, 1.0, -1.0]]
    """
    if degree < 0:
        raise RegtraceError("the polynomial degree must be 0 or more")
    return np.vander(np.asarray(x, dtype=np.float64), degree + 1, increasing=True)


__all__ = ["Matrix", "SplitData", "noisy_sine", "poly_features"]
