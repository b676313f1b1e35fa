"""A penalty with its strengths: what every step applies.

The penalty kinds themselves (their value, gradient, proximal map and formula text) are
:class:`~regtrace.regularizers.PenaltyRule` objects in a registry
(:mod:`regtrace.regularizers`); a :class:`Penalty` is one kind with its strengths, L2
form and L1 method, and asks its rule, in float64 or (``exact``) in ``Fraction`` arithmetic.

A strength is one number or one number per weight (0 exempts a weight, e.g. a bias).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from regtrace.arrays import Vector as Vector
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen
from regtrace.regularizers import Elementwise, Ops, PenaltyRule, choose_from, rule_for
from regtrace.regularizers import L1Method as L1Method
from regtrace.regularizers import L2Form as L2Form
from regtrace.regularizers import PenaltyKind as PenaltyKind

if TYPE_CHECKING:
    from numpy.typing import NDArray

Strength = float | Vector
"""One strength for every weight, or one per weight."""


# |v| - t at or below this many ulps of |v| is rounding, not a weight: v = -0.001 against
# t = 0.1*0.01 leaves 8.7e-19 in float64 where the arithmetic gives exactly 0.
_PROX_ULPS = 4 * float(np.finfo(np.float64).eps)


def float_soft_threshold(v: Any, threshold: Any) -> NDArray[np.float64]:
    """``sign(v) * max(|v| - t, 0)``: the proximal operator of ``t*|.|``, exact zeros kept."""
    magnitude = np.abs(v)
    shrunk = magnitude - threshold
    kept = np.where(shrunk > _PROX_ULPS * magnitude, shrunk, 0.0)
    return np.asarray(np.sign(v) * kept, dtype=np.float64)


class FloatOps:
    """float64 arithmetic on NumPy arrays."""

    exact = False
    zero: Any = 0.0

    def zeros(self, w: Any) -> Any:
        return np.zeros_like(w)

    def sign(self, w: Any) -> Any:
        return np.sign(w)

    def abs(self, w: Any) -> Any:
        return np.abs(w)

    def total(self, x: Any) -> Any:
        return float(np.sum(x))

    def coef(self, form: L2Form) -> Any:
        return form.coef

    def half(self, x: Any) -> Any:
        return x / 2.0

    def clip(self, x: Any, lo: Any, hi: Any) -> Any:
        return np.clip(x, lo, hi)

    def soft_threshold(self, v: Any, t: Any) -> Any:
        return float_soft_threshold(v, t)


FLOAT = FloatOps()
"""float64 arithmetic, the number type of every path but ``--exact``."""


def parse_kind(kind: PenaltyKind | str) -> PenaltyKind:
    """A registered kind, or a :class:`RegtraceError` listing the registered words."""
    try:
        return PenaltyKind(kind)
    except ValueError:
        raise RegtraceError(f"{str(kind)!r} is not a valid PenaltyKind; {choose_from()}") from None


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


@frozen
class Penalty:
    """One regularizer with its strengths.

    ``lam1`` is the strength of the ``|w|`` part and ``lam2`` of the ``w**2`` part (a rule
    without such parts keeps its strengths where its ``split`` puts them); a plain ``l2``
    penalty has ``lam1 = 0`` and a plain ``l1`` penalty ``lam2 = 0``. ``exact`` says the
    strengths are fractions and the arithmetic stays exact.
    """

    kind: PenaltyKind
    lam1: Strength = 0.0
    lam2: Strength = 0.0
    l2_form: L2Form = L2Form.LAMBDA
    l1_method: L1Method = L1Method.SUBGRADIENT
    exact: bool = False

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
        kind = parse_kind(kind)
        try:
            l2_form = L2Form(l2_form)
            l1_method = L1Method(l1_method)
        except ValueError as exc:
            raise RegtraceError(str(exc)) from None
        strength = _as_strength(lam, n, "lam")
        s1 = None if lam1 is None else _as_strength(lam1, n, "lam1")
        s2 = None if lam2 is None else _as_strength(lam2, n, "lam2")
        split1, split2 = rule_for(kind).split(strength, s1, s2)
        return cls(kind, split1, split2, l2_form, l1_method)

    @property
    def rule(self) -> PenaltyRule:
        """The registered rule of this kind: its math and its text."""
        return rule_for(self.kind)

    @property
    def ops(self) -> Ops:
        """The arithmetic of this penalty's numbers: float64, or exact fractions."""
        if self.exact:
            from regtrace.engine.exact import EXACT

            return EXACT
        return FLOAT

    @property
    def has_l1(self) -> bool:
        """Whether the penalty has an ``|w|`` part."""
        return self.rule.l1_part

    @property
    def has_l2(self) -> bool:
        """Whether the penalty has a ``w**2`` part."""
        return self.rule.l2_part

    @property
    def proximal(self) -> bool:
        """Whether a step applies part of the penalty by its proximal map (soft-thresholding
        for the L1 part)."""
        return self.rule.proximal(self)

    @property
    def coef(self) -> Any:
        """``c`` in the L2 gradient ``c*lam2*w`` in this penalty's number type."""
        return self.ops.coef(self.l2_form)

    @property
    def lam(self) -> Strength:
        """The single strength of an ``l1`` or ``l2`` penalty (0 for ``none``)."""
        return self.lam2 if self.has_l2 and not self.has_l1 else self.lam1

    def lam_json(self) -> Any:
        """``lam`` as the JSON shows it; elastic gives ``{"l1": lam1, "l2": lam2}``."""
        return self.rule.lam_json(self, strength_to_json)

    def formula(self) -> str:
        """The penalty and its gradient in words, e.g. ``lam*sum(w^2), gradient 2*lam*w``."""
        return self.rule.formula(self)

    def value(self, w: Vector) -> Any:
        """The penalty added to the loss."""
        return self.rule.value(self, w, self.ops)

    def grad(self, w: Vector) -> Vector:
        """The (sub)gradient of the whole penalty at ``w``."""
        return np.asarray(self.rule.grad(self, w, self.ops))

    def l2_grad(self, w: Vector) -> Vector:
        """Gradient of the part a proximal step takes by gradient (the L2 part)."""
        return np.asarray(self.rule.smooth_grad(self, w, self.ops))

    def elementwise(self, lr: float) -> Elementwise | None:
        """The per-weight form of the fast float loops (``None``: the rule has none)."""
        return self.rule.elementwise(self, lr)

    def decay_factor(self, lr: float) -> Strength:
        """The L2 weight-decay factor ``1 - c*lr*lam2`` (``1 - 2*lr*lam`` in the lambda form)."""
        if self.exact:
            return 1 - self.coef * lr * self.lam2  # type: ignore[no-any-return]
        # lr*lam first: with lam = 0, a huge lr must give 1, not 1 - inf*0 = nan. An overflow
        # gives -inf, which apply_penalty turns into an error.
        with np.errstate(over="ignore"):
            factor = 1.0 - self.l2_form.coef * (lr * self.lam2)
        return factor if isinstance(factor, np.ndarray) else float(factor)
