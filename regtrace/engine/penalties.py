"""Regularization penalties: their value and (sub)gradient, as docs/design.md defines them.

Conventions (docs/conventions.md explains them):

- ``l2`` in the default ``lambda`` form: ``lam * sum(w**2)``, gradient ``2*lam*w``.
- ``l2`` in the ``half`` form (PyTorch ``weight_decay``, many textbooks):
  ``lam/2 * sum(w**2)``, gradient ``lam*w``.
- ``l1``: ``lam * sum(|w|)``, subgradient ``lam*sign(w)`` with ``sign(0) = 0``.
- ``elastic``: ``lam1*sum(|w|) + lam2*sum(w**2)`` (the L2 part follows the form above).
- ``none``: 0.

A strength is one number or one number per weight (0 exempts a weight, e.g. a bias).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from regtrace.errors import RegtraceError

Vector = NDArray[np.float64]
Strength = float | Vector
"""One strength for every weight, or one per weight."""


class PenaltyKind(StrEnum):
    """Which regularizer; the values are the CLI's ``--penalty`` words."""

    L2 = "l2"
    L1 = "l1"
    ELASTIC = "elastic"
    NONE = "none"

    @property
    def label(self) -> str:
        """Short name for tables: ``L2``, ``L1``, ``Elastic``, ``none``."""
        return {"l2": "L2", "l1": "L1", "elastic": "Elastic", "none": "none"}[self.value]


class L2Form(StrEnum):
    """How the L2 strength is written: ``lam*||w||^2`` or ``lam/2*||w||^2``."""

    LAMBDA = "lambda"
    HALF = "half"

    @property
    def coef(self) -> float:
        """Factor ``c`` in the gradient ``c*lam*w``: 2 for ``lambda``, 1 for ``half``."""
        return 2.0 if self is L2Form.LAMBDA else 1.0

    @property
    def formula(self) -> str:
        """The penalty and its gradient, as shown to the user."""
        if self is L2Form.LAMBDA:
            return "lam*sum(w^2), gradient 2*lam*w"
        return "lam/2*sum(w^2), gradient lam*w"


class L1Method(StrEnum):
    """How the L1 part is applied: a subgradient step or a proximal (soft-threshold) step."""

    SUBGRADIENT = "subgradient"
    PROXIMAL = "proximal"


def _as_strength(value: float | Vector, n: int, name: str) -> Strength:
    """Check a strength: finite, non-negative, and scalar or of length ``n``."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim > 1:
        raise RegtraceError(f"{name} must be one number or a list of numbers, not a table")
    if not np.all(np.isfinite(arr)):
        raise RegtraceError(f"{name} must be finite; NaN and infinity are not allowed")
    if np.any(arr < 0):
        raise RegtraceError(f"{name} must not be negative; use 0 for no penalty")
    if arr.ndim == 0:
        return float(arr)
    if arr.shape[0] == 1:
        return float(arr[0])
    if arr.shape[0] != n:
        raise RegtraceError(
            f"{name} has {arr.shape[0]} values but w has {n}; "
            f"give one {name} for all weights or one per weight"
        )
    return arr


def strength_to_json(value: Strength) -> float | list[float]:
    """A strength as a JSON value: a number, or a list with one number per weight."""
    if isinstance(value, np.ndarray):
        return [float(x) for x in value.tolist()]
    return float(value)


@dataclass(frozen=True)
class Penalty:
    """One regularizer with its strengths.

    ``lam1`` is the strength of the ``|w|`` part and ``lam2`` of the ``w**2`` part; a plain
    ``l2`` penalty has ``lam1 = 0`` and a plain ``l1`` penalty ``lam2 = 0``.
    """

    kind: PenaltyKind
    lam1: Strength = 0.0
    lam2: Strength = 0.0
    l2_form: L2Form = L2Form.LAMBDA
    l1_method: L1Method = L1Method.SUBGRADIENT

    @classmethod
    def build(
        cls,
        kind: PenaltyKind | str,
        n: int,
        lam: float | Vector = 0.0,
        *,
        lam1: float | Vector | None = None,
        lam2: float | Vector | None = None,
        l2_form: L2Form | str = L2Form.LAMBDA,
        l1_method: L1Method | str = L1Method.SUBGRADIENT,
    ) -> Penalty:
        """Make a penalty for ``n`` weights; ``lam1``/``lam2`` default to ``lam`` (elastic)."""
        try:
            kind = PenaltyKind(kind)
            l2_form = L2Form(l2_form)
            l1_method = L1Method(l1_method)
        except ValueError as exc:
            raise RegtraceError(str(exc)) from None
        strength = _as_strength(lam, n, "lam")
        if kind is PenaltyKind.L2:
            return cls(kind, 0.0, strength, l2_form, l1_method)
        if kind is PenaltyKind.L1:
            return cls(kind, strength, 0.0, l2_form, l1_method)
        if kind is PenaltyKind.ELASTIC:
            s1 = strength if lam1 is None else _as_strength(lam1, n, "lam1")
            s2 = strength if lam2 is None else _as_strength(lam2, n, "lam2")
            return cls(kind, s1, s2, l2_form, l1_method)
        return cls(kind, 0.0, 0.0, l2_form, l1_method)

    @property
    def has_l1(self) -> bool:
        """Whether the penalty has an ``|w|`` part."""
        return self.kind in (PenaltyKind.L1, PenaltyKind.ELASTIC)

    @property
    def has_l2(self) -> bool:
        """Whether the penalty has a ``w**2`` part."""
        return self.kind in (PenaltyKind.L2, PenaltyKind.ELASTIC)

    @property
    def proximal(self) -> bool:
        """Whether the L1 part is applied by soft-thresholding rather than a subgradient."""
        return self.has_l1 and self.l1_method is L1Method.PROXIMAL

    @property
    def lam(self) -> Strength:
        """The single strength of an ``l1`` or ``l2`` penalty (0 for ``none``)."""
        return self.lam2 if self.kind is PenaltyKind.L2 else self.lam1

    def lam_json(self) -> Any:
        """``lam`` as the JSON shows it; elastic gives ``{"l1": lam1, "l2": lam2}``."""
        if self.kind is PenaltyKind.ELASTIC:
            return {"l1": strength_to_json(self.lam1), "l2": strength_to_json(self.lam2)}
        return strength_to_json(self.lam)

    def l1_norm_term(self, w: Vector) -> float:
        """``sum(lam1 * |w|)``: the value of the L1 part."""
        return float(np.sum(self.lam1 * np.abs(w))) if self.has_l1 else 0.0

    def l2_norm_term(self, w: Vector) -> float:
        """``sum(c/2 * lam2 * w**2)``: the value of the L2 part (``c`` from the form)."""
        if not self.has_l2:
            return 0.0
        # (lam2*w)*w, not lam2*w**2: with lam2 = 0 a weight of 1e200 gives 0, not 0*inf = nan,
        # and a small lam2 keeps w**2 from overflowing when the product fits in float64.
        return float(self.l2_form.coef / 2.0 * np.sum((self.lam2 * w) * w))

    def value(self, w: Vector) -> float:
        """The penalty added to the loss."""
        return self.l1_norm_term(w) + self.l2_norm_term(w)

    def l2_grad(self, w: Vector) -> Vector:
        """Gradient of the L2 part: ``2*lam2*w`` (``lambda`` form) or ``lam2*w`` (``half``)."""
        if not self.has_l2:
            return np.zeros_like(w)
        return np.asarray(self.l2_form.coef * self.lam2 * w, dtype=np.float64)

    def l1_subgrad(self, w: Vector) -> Vector:
        """Subgradient of the L1 part: ``lam1*sign(w)``, taking ``sign(0) = 0``."""
        if not self.has_l1:
            return np.zeros_like(w)
        return np.asarray(self.lam1 * np.sign(w), dtype=np.float64)

    def grad(self, w: Vector) -> Vector:
        """The (sub)gradient of the whole penalty at ``w``."""
        return self.l2_grad(w) + self.l1_subgrad(w)

    def decay_factor(self, lr: float) -> Strength:
        """The L2 weight-decay factor ``1 - c*lr*lam2`` (``1 - 2*lr*lam`` in the lambda form)."""
        # lr*lam first: with lam = 0, a huge lr must give 1, not 1 - inf*0 = nan. An overflow
        # gives -inf, which apply_penalty turns into an error.
        with np.errstate(over="ignore"):
            factor = 1.0 - self.l2_form.coef * (lr * self.lam2)
        return factor if isinstance(factor, np.ndarray) else float(factor)
