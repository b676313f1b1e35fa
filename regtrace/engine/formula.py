"""A data loss given as a formula: L(w) and its exact partial derivatives, from SymPy.

:func:`regtrace.parse.formula.parse_formula` turns the text into a bounded tree through an
allow-list; this module builds that tree into SymPy expressions node by node (never from a
string), differentiates them exactly, compiles ``L`` and the gradient to one NumPy function
each (so a run evaluates them at every step without SymPy) and evaluates them exactly in
fractions for ``--exact`` and ``check``.

Kinks follow the subgradient convention of the L1 penalty (``sign(0) = 0``):
``d|x|/dx = sign(x)``, ``relu'(0) = 0`` and ``max(a, b)`` passes its derivative to ``a`` only
where ``a > b`` (at a tie, to ``b``); ``min(a, b)`` to ``a`` where ``a < b``. ``step(x)``, the
derivative of ``relu``, is 1 for ``x > 0`` and 0 otherwise. ``sigmoid(x) = 1/(1 + exp(-x))``
and ``softplus(x) = log(1 + exp(x))``.

SymPy is imported here only, and this module only with ``--loss-fn``; without the ``formula``
extra the import fails with one line naming the extra.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from regtrace.engine.logistic import sigmoid as sigmoid_values
from regtrace.engine.logistic import softplus as softplus_values
from regtrace.errors import RegtraceError
from regtrace.parse.formula import BinOp, Call, Formula, Neg, Node, Num, Weight, postorder

try:
    import sympy
except ImportError:  # pragma: no cover - the test extra installs SymPy
    raise RegtraceError(
        "--loss-fn needs the formula extra: pip install 'regtrace[formula]'"
    ) from None

Vector = np.ndarray[Any, np.dtype[np.float64]]


class sigmoid(sympy.Function):
    """``1/(1 + exp(-x))``; ``sigmoid(0) = 1/2`` exactly."""

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        return sympy.Rational(1, 2) if x.is_zero else None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)


class softplus(sympy.Function):
    """``log(1 + exp(x))``, whose derivative is ``sigmoid(x)``."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigmoid(self.args[0])


class step(sympy.Function):
    """1 for ``x > 0``, else 0: the derivative of ``relu`` with ``relu'(0) = 0``."""

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_positive:
            return sympy.Integer(1)
        if x.is_nonpositive:
            return sympy.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.Integer(0)


class relu(sympy.Function):
    """``max(x, 0)``."""

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sympy.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return step(self.args[0])


_NUMPY: dict[str, Any] = {
    "sigmoid": sigmoid_values,  # no overflow for large |x|
    "softplus": softplus_values,
    "relu": lambda x: np.maximum(x, 0.0),
    "step": lambda x: (x > 0) * 1.0,
}


def _max(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    if b.is_zero:
        return relu(a)
    if a.is_zero:
        return relu(b)
    return b + relu(a - b)


def _min(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    return a - relu(a - b)


_CALLS: dict[str, Callable[..., sympy.Expr]] = {
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tanh": sympy.tanh,
    "sigmoid": sigmoid,
    "softplus": softplus,
    "relu": relu,
    "max": _max,
    "min": _min,
}


def _build(node: Node, args: list[sympy.Expr], symbols: Sequence[sympy.Symbol]) -> sympy.Expr:
    """One tree node as a SymPy expression, from its children's."""
    if isinstance(node, Num):
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if isinstance(node, Weight):
        return symbols[node.index]
    if isinstance(node, Neg):
        return -args[0]
    if isinstance(node, Call):
        return _CALLS[node.name](*args)
    assert isinstance(node, BinOp)
    a, b = args
    if node.op == "+":
        return a + b
    if node.op == "-":
        return a - b
    if node.op == "*":
        return a * b
    if node.op == "/":
        return a / b
    return a**b


def _rational(value: sympy.Expr) -> Fraction | None:
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return None


def _exact(expr: sympy.Expr, values: dict[sympy.Symbol, Fraction]) -> sympy.Expr:
    """``expr`` at ``values``: plain fraction arithmetic where it is rational, SymPy's own
    evaluation for a function or root (which stays symbolic when irrational)."""
    if expr.is_Symbol:
        v = values[expr]
        return sympy.Rational(v.numerator, v.denominator)
    if expr.is_Number:
        return expr
    args = [_exact(a, values) for a in expr.args]
    if expr.is_Add or expr.is_Mul:
        exact = [_rational(a) for a in args]
        if all(e is not None for e in exact):
            total = Fraction(0) if expr.is_Add else Fraction(1)
            for e in exact:
                assert e is not None
                total = total + e if expr.is_Add else total * e
            return sympy.Rational(total.numerator, total.denominator)
    return expr.func(*args)


class FormulaEval(NamedTuple):
    """``L`` and ``dL/dw`` at one ``w`` (floats); unpacks as ``(loss, grad)``."""

    loss: float
    grad: Vector


@dataclass(frozen=True)
class FormulaLoss:
    """A loss formula with its partial derivatives, compiled for floats and fractions."""

    formula: Formula
    expr: sympy.Expr
    symbols: tuple[sympy.Symbol, ...]
    partials: tuple[sympy.Expr, ...]
    _compiled: Callable[..., Any] = field(repr=False, compare=False)

    @classmethod
    def build(cls, formula: Formula, n_weights: int | None = None) -> FormulaLoss:
        """Differentiate ``formula`` in ``n_weights`` weights (default: those it names)."""
        n = formula.n_weights if n_weights is None else n_weights
        if n < formula.n_weights:
            raise RegtraceError(
                f"the formula uses w{formula.n_weights - 1} but --w has {n} "
                f"value{'s' if n != 1 else ''}; give one value per weight w0..w"
                f"{formula.n_weights - 1}"
            )
        symbols = tuple(sympy.Symbol(f"w{i}", real=True) for i in range(n))
        expr = postorder(formula.tree, lambda node, args: _build(node, args, symbols))
        if expr.has(sympy.zoo, sympy.nan, sympy.I):
            raise RegtraceError(
                f"--loss-fn: {sympy.sstr(expr)} is not a real number (a division by 0, or "
                "the log or root of a negative constant)"
            )
        # factor_terms pulls out common factors only (no expansion, no search): 2*(w0 - 3)
        # as a textbook writes it, rather than SymPy's distributed 2*w0 - 6.
        partials = tuple(sympy.factor_terms(sympy.diff(expr, s)) for s in symbols)
        compiled = sympy.lambdify(symbols, [expr, *partials], modules=[_NUMPY, "numpy"])
        return cls(formula, expr, symbols, partials, compiled)

    @property
    def n_weights(self) -> int:
        return len(self.symbols)

    def check_w(self, w: Vector) -> None:
        """``w`` has one value per weight of the loss."""
        if w.size != self.n_weights:
            raise RegtraceError(
                f"--w has {w.size} values but the loss has {self.n_weights} weights "
                f"(w0..w{self.n_weights - 1}); give one value per weight"
            )

    def _values(self, w: Vector) -> list[Any]:
        """``[L, dL/dw0, ...]`` at ``w``; NaN where a value is undefined (NumPy scalars, so
        ``0.0**-1`` is inf rather than Python's ZeroDivisionError)."""
        with np.errstate(all="ignore"):
            try:
                return list(self._compiled(*np.asarray(w, dtype=np.float64)))
            except (ArithmeticError, ValueError):
                return [np.nan] * (1 + self.n_weights)

    def evaluate(self, w: Vector) -> FormulaEval:
        """``L(w)`` and ``dL/dw``; a value that is not finite (a log of 0, say) is an error."""
        values = self._values(w)
        loss = float(values[0])
        grad = np.array([float(v) for v in values[1:]], dtype=np.float64)
        if not (np.isfinite(loss) and np.isfinite(grad).all()):
            bad = (
                "L(w)"
                if not np.isfinite(loss)
                else (f"dL/dw{int(np.flatnonzero(~np.isfinite(grad))[0])}")
            )
            raise RegtraceError(
                f"{bad} is not a finite number at w = {', '.join(repr(float(v)) for v in w)} "
                "(a log or division by 0, or an overflow); start from another --w"
            )
        return FormulaEval(loss, grad)

    def gradient_into(self, w: Vector, out: Vector) -> None:
        """``dL/dw`` at ``w`` into ``out``: the gradient a run calls at every step."""
        out[:] = self._values(w)[1:]

    def loss_at(self, w: Vector) -> float:
        return float(self._values(w)[0])

    def exact(self, w: Sequence[Fraction]) -> tuple[Fraction | None, list[Fraction]]:
        """``L(w)`` and ``dL/dw`` in exact fractions. An irrational partial derivative is an
        error; an irrational ``L(w)`` (``log(2)``) is ``None``: a step does not need it."""
        if len(w) != self.n_weights:
            self.check_w(np.zeros(len(w)))
        values = dict(zip(self.symbols, w, strict=True))
        grad: list[Fraction] = []
        for i, expr in enumerate(self.partials):
            value = _exact(expr, values)
            exact = _rational(value)
            if exact is None:
                shown = str(sympy.sstr(value))
                if len(shown) > 60:
                    shown = shown[:57] + "..."
                raise RegtraceError(
                    f"--exact: dL/dw{i} = {shown} at this w is not a rational number; leave "
                    "out --exact to compute in floating point"
                )
            grad.append(exact)
        return self.exact_loss(w), grad

    def exact_loss(self, w: Sequence[Fraction]) -> Fraction | None:
        """``L(w)`` in exact fractions, or ``None`` where it is not rational."""
        return _rational(_exact(self.expr, dict(zip(self.symbols, w, strict=True))))

    def loss_text(self) -> str:
        """``L`` as SymPy writes it (``**`` for powers)."""
        return str(sympy.sstr(self.expr))

    def partial_texts(self) -> tuple[str, ...]:
        """``dL/dw_i`` as text, one per weight."""
        return tuple(str(sympy.sstr(p)) for p in self.partials)

    def to_dict(self) -> dict[str, Any]:
        """``loss_fn`` (as typed), ``loss_expr`` and ``partials`` (``dL/dw0`` ...: text)."""
        return {
            "loss_fn": self.formula.text,
            "loss_expr": self.loss_text(),
            "partials": {f"dL/dw{i}": text for i, text in enumerate(self.partial_texts())},
        }


@dataclass(frozen=True)
class FormulaPoint:
    """A loss formula evaluated at one ``w``: floats, or fractions when exact (``value`` is
    ``None`` where an exact ``L(w)`` is irrational)."""

    loss: FormulaLoss
    w: Sequence[Any]
    value: Any
    grad: Sequence[Any]

    def to_dict(self) -> dict[str, Any]:
        """The formula's texts with ``value`` (L at w) and ``grad`` (floats, as in JSON)."""
        return {
            **self.loss.to_dict(),
            "value": None if self.value is None else float(self.value),
            "grad": [float(g) for g in self.grad],
        }


def formula_loss(text: str, n_weights: int | None = None) -> FormulaLoss:
    """Parse and differentiate ``text`` (see :mod:`regtrace.parse.formula`).

    >>> loss = formula_loss("(w0 - 3)^2 + 2*w1^2")
    >>> loss.partial_texts()
    ('2*(w0 - 3)', '4*w1')
    >>> from fractions import Fraction as F
    >>> loss.exact([F(1), F(1)])
    (Fraction(6, 1), [Fraction(-4, 1), Fraction(4, 1)])
    """
    from regtrace.parse.formula import parse_formula

    return FormulaLoss.build(parse_formula(text), n_weights)


__all__ = ["FormulaEval", "FormulaLoss", "FormulaPoint", "formula_loss"]
