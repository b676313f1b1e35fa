"""How one L2 strength is written in each common place, with the factor between them.

regtrace's form (the textbook one) is ``L + lam*||w||^2`` with gradient ``2*lam*w``. The sources:

- Keras ``regularizers.L2(l2)``: ``l2 * sum(square(x))`` (keras/src/regularizers/regularizers.py).
- PyTorch ``SGD``/``Adam`` ``weight_decay``: ``grad.add(param, alpha=weight_decay)``, the
  gradient of ``wd/2*||w||^2`` (torch/optim/sgd.py, adam.py); optax
  ``add_decayed_weights(wd)`` adds ``wd*w`` likewise (optax/transforms/_adding.py).
- sklearn ``SGDRegressor``: ``(1/n)*sum(loss_i) + alpha*R(w)`` with ``R(w) = 1/2*sum(w^2)``
  (doc/modules/sgd.rst; sklearn/linear_model/_sgd_fast.pyx.tp shrinks ``w`` by
  ``1 - eta*alpha``, i.e. gradient ``alpha*w``), and its ``squared_error`` loss is
  ``0.5*(p - y)^2`` (``SquaredLoss`` in the same file).
- sklearn ``Ridge``: ``||y - Xw||^2 + alpha*||w||^2``: the data term is a SUM of squares
  (sklearn/linear_model/_ridge.py).
- sklearn ``ElasticNet``: ``1/(2n)*||y - Xw||^2 + alpha*l1_ratio*||w||_1
  + 0.5*alpha*(1 - l1_ratio)*||w||^2`` (sklearn/linear_model/_coordinate_descent.py).
- Decoupled decay (PyTorch ``AdamW``, every Keras ``weight_decay``, optax ``adamw``):
  ``w <- w*(1 - lr*wd)`` with no term in the loss (see :mod:`regtrace.engine.frameworks`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from regtrace.errors import RegtraceError


@dataclass(frozen=True)
class Equivalent:
    """One place where an L2 strength is written, and the value that matches ``lam``."""

    where: str
    written: str
    """The penalty (or objective) as that place writes it."""
    relation: str
    """Its L2 gradient (same step), or the objective rewritten with the MSE (same minimizer)."""
    parameter: str
    conversion: str
    """The parameter in terms of ``lam`` (and ``lam1``, ``n``)."""
    value: float | None
    """``None`` when it needs something not given (``n`` for Ridge) or no value matches."""

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "where": self.where,
            "written": self.written,
            "relation": self.relation,
            "parameter": self.parameter,
            "conversion": self.conversion,
            "value": self.value,
        }


@dataclass(frozen=True)
class Source:
    """A framework's parameter that the strengths were converted from."""

    name: str
    """Who writes it, e.g. ``"PyTorch"``."""
    parameter: str
    value: float
    conversion: str
    """``lam`` in terms of the parameter, e.g. ``"wd/2"``."""
    lam: float
    lam1: float

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "from": self.name,
            "parameter": self.parameter,
            "value": self.value,
            "conversion": self.conversion,
            "lam": self.lam,
            "lam1": self.lam1,
        }


@dataclass(frozen=True)
class ConventionsReport:
    """Both tables of ``regtrace conventions`` for one ``lam`` (and ``lam1``, ``n``)."""

    lam: float
    lam1: float
    n_samples: int | None
    same_step: tuple[Equivalent, ...]
    same_minimizer: tuple[Equivalent, ...]
    notes: tuple[str, ...]
    source: Source | None = None
    """Where ``lam`` came from, when it was given as a framework's parameter."""

    def to_dict(self) -> dict[str, Any]:
        """As JSON: the inputs echoed (and ``source``), both tables, the notes."""
        return {
            "command": "conventions",
            "lam": self.lam,
            "lam1": self.lam1,
            "n_samples": self.n_samples,
            "source": None if self.source is None else self.source.to_dict(),
            "same_step": [e.to_dict() for e in self.same_step],
            "same_minimizer": [e.to_dict() for e in self.same_minimizer],
            "notes": list(self.notes),
        }


COMMON_SLIP = (
    "A common slip: reading PyTorch's weight_decay=0.01 as L2 regularization with lambda = "
    "0.01. Under L + lam*||w||^2 (gradient 2*lam*w), PyTorch's weight_decay=0.01 adds 0.01*w "
    "to the gradient: that is lam = 0.005 (wd = 2*lam)."
)
BIAS_NOTE = (
    "A framework's weight_decay decays every parameter it is given, the bias (intercept) too, "
    "as PyTorch and Keras do unless you pass the bias in a separate group; regtrace's --lam "
    "can be one per weight, with 0 for the bias."
)

DECAY_SOURCES = {
    "torch": ("PyTorch", "coupled"),
    "optax": ("optax add_decayed_weights", "coupled"),
    "keras": ("Keras", "decoupled"),
    "adamw": ("AdamW", "decoupled"),
}
"""``--weight-decay --from X``: who writes the weight decay, and how it is applied."""
ALPHA_SOURCES = {"ridge": "sklearn Ridge", "elasticnet": "sklearn ElasticNet"}
"""``--alpha --from X``: the scikit-learn estimators whose alpha converts to lam."""


def lam_from(
    source: str,
    *,
    weight_decay: float | None = None,
    alpha: float | None = None,
    l1_ratio: float = 0.5,
    n_samples: int | None = None,
) -> Source:
    """The ``lam`` (and ``lam1``) that a framework's parameter stands for: the inverse of the
    tables of :func:`conventions`.

    >>> lam_from("torch", weight_decay=0.01).lam
    0.005
    >>> lam_from("ridge", alpha=0.1, n_samples=50).lam
    0.002
    >>> s = lam_from("elasticnet", alpha=0.1, l1_ratio=0.5)
    >>> round(s.lam, 12), round(s.lam1, 12)
    (0.05, 0.1)
    """
    if source in DECAY_SOURCES:
        if weight_decay is None or alpha is not None:
            raise RegtraceError(
                f"--from {source} converts a weight decay: give --weight-decay, not --alpha"
            )
        wd = _check(weight_decay, "weight-decay")
        name, kind = DECAY_SOURCES[source]
        conversion = "wd/2" if kind == "coupled" else "wd/2 (plain SGD only: decoupled decay)"
        return Source(name, "weight_decay", wd, conversion, wd / 2, 0.0)
    if source in ALPHA_SOURCES:
        if alpha is None or weight_decay is not None:
            raise RegtraceError(
                f"--from {source} converts an alpha: give --alpha, not --weight-decay"
            )
        a = _check(alpha, "alpha")
        if source == "ridge":
            if n_samples is None:
                raise RegtraceError(
                    "Ridge's alpha multiplies a sum over the samples: give --n-samples "
                    "(the number of rows) to convert it"
                )
            return Source(ALPHA_SOURCES[source], "alpha", a, "alpha/n", a / n_samples, 0.0)
        ratio = _check(l1_ratio, "l1-ratio")
        if ratio > 1:
            raise RegtraceError(f"l1-ratio must be between 0 and 1, not {ratio:g}")
        return Source(
            ALPHA_SOURCES[source],
            "alpha",
            a,
            "alpha*(1 - l1_ratio)",
            a * (1 - ratio),
            2 * a * ratio,
        )
    choices = ", ".join([*DECAY_SOURCES, *ALPHA_SOURCES])
    raise RegtraceError(f"--from: unknown source '{source}'; choose from {choices}")


def _check(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise RegtraceError(f"{name} must be a finite number, 0 or more, not {value:g}")
    return value


def conventions(
    lam: float = 0.01,
    *,
    lam1: float = 0.0,
    n_samples: int | None = None,
    source: Source | None = None,
) -> ConventionsReport:
    """The L2 strength ``lam`` (of ``L + lam*||w||^2``) as every convention writes it.

    ``lam1`` adds an L1 part for the ElasticNet row; ``n_samples`` (``n``) gives Ridge's alpha.

    >>> report = conventions(0.01, n_samples=100)
    >>> [(e.parameter, e.value) for e in report.same_minimizer][1]
    ('alpha', 1.0)
    """
    lam = _check(lam, "lam")
    lam1 = _check(lam1, "lam1")
    if n_samples is not None and n_samples < 1:
        raise RegtraceError(f"n-samples must be at least 1, not {n_samples}")
    same_step = (
        Equivalent("regtrace --lam; Keras L2(l2)", "l2*||w||^2", "2*l2*w", "l2", "lam", lam),
        Equivalent(
            "PyTorch SGD/Adam, optax add_decayed_weights; --l2-form half",
            "wd/2*||w||^2",
            "wd*w",
            "weight_decay",
            "2*lam",
            2 * lam,
        ),
        Equivalent(
            "sklearn SGDRegressor (L: its mean loss)",
            "alpha/2*||w||^2",
            "alpha*w",
            "alpha",
            "2*lam",
            2 * lam,
        ),
        Equivalent(
            "decoupled: AdamW, Keras weight_decay",
            "none: w <- w*(1 - lr*wd)",
            "(outside the gradient)",
            "weight_decay",
            "2*lam, plain SGD only",
            2 * lam,
        ),
    )
    lam2 = lam
    enet_alpha = lam1 / 2 + lam2
    same_minimizer = (
        Equivalent(
            "sklearn SGDRegressor",
            "(1/n)*sum(0.5*(y_i - x_i.w)^2) + alpha/2*||w||^2",
            "0.5*(MSE + alpha*||w||^2)",
            "alpha",
            "lam",
            lam,
        ),
        Equivalent(
            "sklearn Ridge",
            "||y - Xw||^2 + alpha*||w||^2 (a sum)",
            "n*(MSE + alpha/n*||w||^2)",
            "alpha",
            "n*lam",
            None if n_samples is None else n_samples * lam,
        ),
        Equivalent(
            "sklearn ElasticNet",
            "1/(2n)*||y - Xw||^2 + alpha*l1_ratio*||w||_1 + 0.5*alpha*(1 - l1_ratio)*||w||^2",
            "0.5*(MSE + 2*alpha*l1_ratio*||w||_1 + alpha*(1 - l1_ratio)*||w||^2)",
            "alpha",
            "lam1/2 + lam",
            enet_alpha,
        ),
        Equivalent(
            "",
            "",
            "",
            "l1_ratio",
            "lam1/(lam1 + 2*lam)",
            0.0 if enet_alpha == 0 else (lam1 / 2) / enet_alpha,
        ),
    )
    notes = (
        "Same step: the gradient of the penalty is the same, for the same data loss L.",
        "Same minimizer: L = MSE = (1/n)*||y - Xw||^2, and the objective differs only by a "
        "constant factor, so the fitted w is the same (the gradient is not: Ridge's is n times "
        "larger).",
        "Decoupled decay is not a loss term: with momentum or Adam no lam reproduces it, "
        "because coupled decay passes through the momentum buffer or Adam's sqrt(v_hat).",
        "PyTorch, Keras and optax all multiply the decoupled decay by lr (w*(1 - lr*wd)); "
        "the AdamW paper multiplies it by the schedule multiplier only, so a paper's wd is "
        "lr*wd here.",
        BIAS_NOTE,
        COMMON_SLIP,
    )
    return ConventionsReport(lam, lam1, n_samples, same_step, same_minimizer, notes, source)
