"""The built-in penalties, sums of an ``|w|`` part and a ``w^2`` part:

- ``l2`` in the default ``lambda`` form: ``lam * sum(w**2)``, gradient ``2*lam*w``; in the
  ``half`` form (PyTorch ``weight_decay``, many textbooks) ``lam/2 * sum(w**2)``, gradient
  ``lam*w``.
- ``l1``: ``lam * sum(|w|)``, subgradient ``lam*sign(w)`` with ``sign(0) = 0``; with
  ``--l1-method proximal`` applied by soft-thresholding instead.
- ``elastic``: ``lam1*sum(|w|) + lam2*sum(w**2)`` (the L2 part follows the form above).
- ``none``: 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from regtrace.frozen import frozen
from regtrace.regularizers import (
    Elementwise,
    L1Method,
    L2Form,
    Ops,
    PenaltyKind,
    register,
)

if TYPE_CHECKING:
    from regtrace.engine.penalties import Penalty, Strength


@frozen
class NormPenalty:
    """``lam1*sum(|w|) + c/2*lam2*sum(w^2)`` with either part switched off."""

    kind: PenaltyKind
    l1_part: bool
    l2_part: bool
    help: str
    exact: bool = True

    def split(self, lam: Strength, lam1: Strength | None, lam2: Strength | None) -> tuple[Any, Any]:
        zero = _zero_like(lam)
        if self.l1_part and self.l2_part:
            return (lam if lam1 is None else lam1), (lam if lam2 is None else lam2)
        return (lam if self.l1_part else zero), (lam if self.l2_part else zero)

    def lam_json(self, p: Penalty, to_json: Callable[[Any], Any]) -> Any:
        if self.l1_part and self.l2_part:
            return {"l1": to_json(p.lam1), "l2": to_json(p.lam2)}
        return to_json(p.lam2 if self.l2_part else p.lam1)

    def strengths(self, p: Penalty) -> Sequence[tuple[str, Any]]:
        if self.l1_part and self.l2_part:
            return [("lam1", p.lam1), ("lam2", p.lam2)]
        if self.l1_part:
            return [("lam", p.lam1)]
        if self.l2_part:
            return [("lam", p.lam2)]
        return []

    def formula(self, p: Penalty) -> str:
        how = "soft-thresholding (proximal)" if self.proximal(p) else "subgradient lam*sign(w)"
        if self.l1_part and self.l2_part:
            l2 = "lam2*sum(w^2)" if p.l2_form is L2Form.LAMBDA else "lam2/2*sum(w^2)"
            return f"lam1*sum(|w|) + {l2}, L1 part by {how.split(' lam')[0]}"
        if self.l2_part:
            return p.l2_form.formula
        if self.l1_part:
            return f"lam*sum(|w|), {how}"
        return "no penalty"

    def value(self, p: Penalty, w: Any, ops: Ops) -> Any:
        l1 = ops.total(p.lam1 * ops.abs(w)) if self.l1_part else ops.zero
        # (lam2*w)*w, not lam2*w**2: with lam2 = 0 a weight of 1e200 gives 0, not 0*inf = nan,
        # and a small lam2 keeps w**2 from overflowing when the product fits in float64.
        l2 = ops.half(ops.coef(p.l2_form)) * ops.total(p.lam2 * w * w) if self.l2_part else ops.zero
        return l1 + l2

    def smooth_grad(self, p: Penalty, w: Any, ops: Ops) -> Any:
        """The L2 part's gradient ``c*lam2*w``."""
        return ops.coef(p.l2_form) * p.lam2 * w if self.l2_part else ops.zeros(w)

    def _l1_subgrad(self, p: Penalty, w: Any, ops: Ops) -> Any:
        return p.lam1 * ops.sign(w) if self.l1_part else ops.zeros(w)

    def grad(self, p: Penalty, w: Any, ops: Ops) -> Any:
        return self.smooth_grad(p, w, ops) + self._l1_subgrad(p, w, ops)

    def proximal(self, p: Penalty) -> bool:
        return self.l1_part and p.l1_method is L1Method.PROXIMAL

    def prox(self, p: Penalty, v: Any, lr: Any, ops: Ops) -> tuple[Any, Any]:
        """Soft-thresholding by ``lr*lam1``; the effective gradient is
        ``(v - w_new)/lr = clip(v/lr, -lam1, lam1)`` (the subgradient at ``lr = 0``)."""
        w_new = ops.soft_threshold(v, lr * p.lam1)
        if lr > 0:
            return w_new, ops.clip(v / lr, -p.lam1, p.lam1)
        return w_new, self._l1_subgrad(p, v, ops)

    def elementwise(self, p: Penalty, lr: float) -> Elementwise:
        prox = self.proximal(p)
        return Elementwise(
            l2_coef=p.l2_form.coef * p.lam2 if self.l2_part else None,
            l1_sub=p.lam1 if self.l1_part and not prox else None,
            threshold=lr * p.lam1 if prox else None,
        )


def _zero_like(lam: Any) -> Any:
    """0 in the number type of ``lam`` (a ``Fraction`` stays a ``Fraction``)."""
    if isinstance(lam, float | int):
        return 0.0
    first = lam.flat[0] if hasattr(lam, "flat") else lam
    return first * 0 if not isinstance(first, float) else 0.0


register(NormPenalty(PenaltyKind.L2, False, True, "lam*sum(w^2) (or lam/2*sum(w^2))"))
register(NormPenalty(PenaltyKind.L1, True, False, "lam*sum(|w|)"))
register(NormPenalty(PenaltyKind.ELASTIC, True, True, "lam1*sum(|w|) + lam2*sum(w^2)"))
register(NormPenalty(PenaltyKind.NONE, False, False, "no penalty"))
