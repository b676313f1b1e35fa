"""Penalties as one protocol with a registry; imports no NumPy.

A penalty kind is a :class:`PenaltyRule` registered under its ``--penalty`` word. The rule
writes its math once, against an :class:`Ops` object that is either float64 arithmetic on
NumPy arrays or exact arithmetic on ``Fraction`` values, so one description serves ``step``,
``step --exact``, ``run``, ``sweep`` and ``check``. Every list of penalty names (``--penalty``
help, "choose from" errors) comes from :func:`penalty_kinds`, in registration order.

The built-in kinds (``l2``, ``l1``, ``elastic``, ``none``) live in :mod:`.norms`. Any other
module of this package is imported on first use of the registry and registers its own kind,
so a new penalty is one new module here plus its tests (CONTRIBUTING.md, "Add a penalty").
Rule modules must not import NumPy at import time: ``regtrace --help`` lists the names
(the number types' arithmetic reaches a rule as its ``ops`` argument).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from regtrace.frozen import frozen

if TYPE_CHECKING:
    from regtrace.engine.penalties import Penalty, Strength


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


class _KindRegistry(type):
    """Lets ``for kind in PenaltyKind`` list the registered kinds, as an enum would."""

    def __iter__(cls) -> Iterator[PenaltyKind]:
        return iter(penalty_kinds())

    def __len__(cls) -> int:
        return len(penalty_kinds())


class PenaltyKind(str, metaclass=_KindRegistry):
    """A registered penalty's ``--penalty`` word, with its table label.

    Behaves like a string enum member: ``PenaltyKind("l2") is PenaltyKind.L2``, ``.value``,
    ``.label``, and iterating over the class lists every registered kind. Unknown words raise
    ``ValueError``, as an enum does.
    """

    L2: ClassVar[PenaltyKind]
    L1: ClassVar[PenaltyKind]
    ELASTIC: ClassVar[PenaltyKind]
    NONE: ClassVar[PenaltyKind]
    _known: ClassVar[dict[str, PenaltyKind]] = {}
    label: str

    def __new__(cls, value: str) -> PenaltyKind:
        if isinstance(value, PenaltyKind):
            return value
        _load_rule_modules()
        try:
            return cls._known[value]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not a valid PenaltyKind") from None

    @classmethod
    def _define(cls, value: str, label: str) -> PenaltyKind:
        """The one instance for ``value``; only :func:`register` calls this."""
        kind = str.__new__(cls, value)
        kind.label = label
        return kind

    @property
    def value(self) -> str:
        """The ``--penalty`` word."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"PenaltyKind({self.value!r})"

    def __str__(self) -> str:
        return self.value

    def __reduce__(self) -> tuple[Any, ...]:
        return (PenaltyKind, (self.value,))


# Instances for the built-in words, so ``PenaltyKind.L2`` needs no registry import.
PenaltyKind.L2 = PenaltyKind._define("l2", "L2")
PenaltyKind.L1 = PenaltyKind._define("l1", "L1")
PenaltyKind.ELASTIC = PenaltyKind._define("elastic", "Elastic")
PenaltyKind.NONE = PenaltyKind._define("none", "none")
_BUILT_IN = {k.value: k for k in (PenaltyKind.L2, PenaltyKind.L1, PenaltyKind.ELASTIC)}
_BUILT_IN["none"] = PenaltyKind.NONE


@frozen
class Elementwise:
    """A penalty as the in-place loops of ``run`` and ``sweep`` apply it, per weight:
    ``g += l2_coef*w`` (a ``w^2`` part), ``g += l1_sub*sign(w)`` (an ``|w|`` subgradient),
    then after the step ``w = soft(w, threshold)`` (a proximal ``|w|`` part). ``None`` leaves
    a part out."""

    l2_coef: Any = None
    l1_sub: Any = None
    threshold: Any = None


class Ops(Protocol):
    """The arithmetic a rule computes with: float64 arrays, or arrays of ``Fraction``.

    Vectors support ``+ - * /`` with numbers and with each other either way.
    """

    exact: bool
    zero: Any

    def zeros(self, w: Any) -> Any:
        """A vector of zeros shaped like ``w``."""
        ...

    def sign(self, w: Any) -> Any:
        """Element-wise sign with ``sign(0) = 0``."""
        ...

    def abs(self, w: Any) -> Any:
        """Element-wise ``|w|``."""
        ...

    def total(self, x: Any) -> Any:
        """The sum of a vector, as a number."""
        ...

    def coef(self, form: L2Form) -> Any:
        """``c`` in the L2 gradient ``c*lam*w``, in this number type."""
        ...

    def half(self, x: Any) -> Any:
        """``x/2``, in this number type."""
        ...

    def clip(self, x: Any, lo: Any, hi: Any) -> Any:
        """Element-wise ``min(max(x, lo), hi)``."""
        ...

    def soft_threshold(self, v: Any, t: Any) -> Any:
        """``sign(v) * max(|v| - t, 0)``, the proximal map of ``t*|.|``."""
        ...


class PenaltyRule(Protocol):
    """What a penalty kind must say about itself; see :mod:`.norms` for the built-ins.

    ``p`` is the :class:`~regtrace.engine.penalties.Penalty` being applied (its strengths,
    L2 form and L1 method); ``ops`` the number type. Strengths are one number or one per
    weight; the rule keeps its own strengths in ``p.lam1`` (the ``|w|``-like part) and
    ``p.lam2`` (the ``w^2``-like part), as :meth:`split` places them.
    """

    @property
    def kind(self) -> PenaltyKind:
        """The ``--penalty`` word and table label (from :func:`new_kind`)."""
        ...

    @property
    def exact(self) -> bool:
        """Whether ``--exact`` (``Fraction`` arithmetic) applies: its math is rational."""
        ...

    @property
    def l1_part(self) -> bool:
        """Whether it has a ``lam1*|w|`` part: sign flips are watched, ``--l1-method``
        applies, the trace shows soft-thresholding."""
        ...

    @property
    def l2_part(self) -> bool:
        """Whether it has a ``lam2*w^2`` part: a weight-decay factor, a ridge closed form."""
        ...

    @property
    def help(self) -> str:
        """The penalty in a few words."""
        ...

    def split(self, lam: Strength, lam1: Strength | None, lam2: Strength | None) -> tuple[Any, Any]:
        """``(lam1, lam2)`` from ``--lam`` and, where given, ``--lam1``/``--lam2``."""
        ...

    def lam_json(self, p: Penalty, to_json: Callable[[Any], Any]) -> Any:
        """The JSON ``lam`` value (``to_json`` writes one strength)."""
        ...

    def strengths(self, p: Penalty) -> Sequence[tuple[str, Any]]:
        """The strengths to echo in an inputs line, e.g. ``[("lam", 0.01)]``."""
        ...

    def formula(self, p: Penalty) -> str:
        """The penalty and its (sub)gradient in words, for headers of tables and LaTeX."""
        ...

    def value(self, p: Penalty, w: Any, ops: Ops) -> Any:
        """The penalty added to the loss at ``w``."""
        ...

    def grad(self, p: Penalty, w: Any, ops: Ops) -> Any:
        """The (sub)gradient at ``w``, taking ``sign(0) = 0``."""
        ...

    def proximal(self, p: Penalty) -> bool:
        """Whether a step applies part of the penalty by its proximal map (:meth:`prox`)."""
        ...

    def smooth_grad(self, p: Penalty, w: Any, ops: Ops) -> Any:
        """The gradient of the part a proximal step still takes by gradient."""
        ...

    def prox(self, p: Penalty, v: Any, lr: Any, ops: Ops) -> tuple[Any, Any]:
        """``(w_new, g)``: the proximal map of ``lr`` times the rest of the penalty at ``v``,
        and the effective gradient ``g`` with ``w_new = v - lr*g``."""
        ...

    def elementwise(self, p: Penalty, lr: float) -> Elementwise | None:
        """The per-weight form the fast float loops apply, or ``None`` if there is none."""
        ...


_RULES: dict[PenaltyKind, PenaltyRule] = {}
_loaded = False


def register(rule: PenaltyRule) -> PenaltyRule:
    """Add ``rule`` to the registry under ``rule.kind``; its word must be new."""
    word = rule.kind.value
    if rule.kind in _RULES:
        raise ValueError(f"penalty {word!r} is already registered")
    PenaltyKind._known[word] = rule.kind
    _RULES[rule.kind] = rule
    return rule


def unregister(kind: PenaltyKind) -> None:
    """Take a kind out of the registry (tests that register one of their own)."""
    _RULES.pop(kind, None)
    PenaltyKind._known.pop(kind.value, None)


def new_kind(word: str, label: str) -> PenaltyKind:
    """The kind for a new rule: a lower-case ``--penalty`` word and its table label."""
    if word in _BUILT_IN:
        return _BUILT_IN[word]
    if not word or not all(c.isalnum() or c in "-_" for c in word) or word != word.lower():
        raise ValueError(f"penalty word {word!r} must be lower-case letters, digits, - or _")
    return PenaltyKind._define(word, label)


def _load_rule_modules() -> None:
    """Import :mod:`.norms`, then every other module of this package, once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import_module(f"{__name__}.norms")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "norms" and not info.name.startswith("_"):
            import_module(f"{__name__}.{info.name}")


def penalty_kinds() -> tuple[PenaltyKind, ...]:
    """Every registered kind, built-ins first, in registration order."""
    _load_rule_modules()
    return tuple(_RULES)


def rule_for(kind: PenaltyKind | str) -> PenaltyRule:
    """The rule of a kind (a registered word or :class:`PenaltyKind`)."""
    _load_rule_modules()
    return _RULES[PenaltyKind(kind)]


def penalty_names(sep: str = ", ") -> str:
    """The registered words, e.g. ``l2, l1, elastic, none``: for help and error text."""
    return sep.join(k.value for k in penalty_kinds())


def choose_from() -> str:
    """``choose from l2, l1, elastic, none``: the tail of every unknown-penalty error."""
    return f"choose from {penalty_names()}"


__all__ = [
    "Elementwise",
    "L1Method",
    "L2Form",
    "Ops",
    "PenaltyKind",
    "PenaltyRule",
    "choose_from",
    "new_kind",
    "penalty_kinds",
    "penalty_names",
    "register",
    "rule_for",
    "unregister",
]
