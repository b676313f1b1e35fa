"""The loss-formula part of a trace: ``L``, each partial derivative, and their values.

With ``show_work`` each line is written three ways, as a student would:
``dL/dw0 = 2*w0 - 6 = 2*1 - 6 = -4`` (the derivative, the weights substituted, the value).
The derivatives are SymPy's, written as a formula is typed (``^`` for powers, ``abs``);
``step(x)`` is the derivative of ``relu`` (1 for ``x > 0``, else 0) and ``sign(0) = 0``, the
subgradient convention of the L1 penalty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import sympy
from sympy.printing.str import StrPrinter

from regtrace.engine.formula import FormulaLoss, FormulaPoint, step
from regtrace.render.csvfmt import page_csv
from regtrace.render.jsonfmt import HasDict
from regtrace.render.numfmt import DEFAULT_DIGITS, fmt, fmt_exact, paren
from regtrace.render.page import Grid, Page, lines, text_page

KINK_NOTE = (
    "At a kink the derivative is the L1 penalty's convention: d|x|/dx = sign(x) with "
    "sign(0) = 0, and step(x) = d relu(x)/dx is 1 for x > 0, else 0."
)


class _Notation(StrPrinter):
    """SymPy's text in the notation a formula is typed in: ``^`` for powers, ``abs(x)``, and
    ``exp(1)`` for e (JSON keeps SymPy's own text, ``**`` and ``Abs``)."""

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        # The base and exponent are printed by this printer first, so the only ``**`` left
        # is this power's own.
        return str(super()._print_Pow(expr, rational)).replace("**", "^")

    def _print_Function(self, expr: sympy.Function) -> str:
        args = ", ".join(self._argument(a) for a in expr.args)
        return f"{expr.func.__name__}({args})"

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"abs({self._argument(expr.args[0])})"

    def _argument(self, expr: sympy.Expr) -> str:
        """A function's argument: inside the call's own parentheses."""
        return str(self._print(expr))

    def _print_Exp1(self, expr: sympy.Expr) -> str:
        return "exp(1)"


def notation(expr: sympy.Expr) -> str:
    """``expr`` as text in the typed notation (``2*(w0 - 3)``, ``w1^2``, ``sign(w0)``)."""
    return str(_Notation().doprint(expr))


class _Substituted(_Notation):
    """The typed notation with each weight replaced by its value (negatives and fractions in
    parentheses, so ``(-1)^2`` and ``2*(1/3)`` read right)."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__()
        self._values = values

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return paren(self._values[expr.name])

    def _argument(self, expr: sympy.Expr) -> str:
        # exp(-1), not exp((-1)): the call's parentheses are enough around a lone weight.
        return self._values[expr.name] if expr.is_Symbol else str(self._print(expr))


@dataclass(frozen=True)
class FormulaWork:
    """Text for one :class:`FormulaPoint`, at a precision, with or without arithmetic."""

    shown: FormulaPoint
    digits: int = DEFAULT_DIGITS
    show_work: bool = False

    def num(self, x: Any) -> str:
        if x is None:
            return "(not a rational number)"
        return fmt_exact(x, self.digits) if isinstance(x, Fraction) else fmt(float(x), self.digits)

    def _line(self, name: str, expr: sympy.Expr, value: Any) -> str:
        parts = [name, notation(expr)]
        if self.show_work and not expr.is_Number:
            names = {
                s.name: self.num(v)
                for s, v in zip(self.shown.loss.symbols, self.shown.w, strict=True)
            }
            parts.append(_Substituted(names).doprint(expr))
        shown_value = "(not a rational number)" if value is None else self.num(value)
        if shown_value != parts[-1]:
            parts.append(shown_value)
        return " = ".join(parts)

    def header_lines(self) -> list[str]:
        """The formula as typed and the weights it is taken at."""
        w = ", ".join(self.num(v) for v in self.shown.w)
        return [f"Data loss L(w) = {self.shown.loss.formula.text}", f"at w = [{w}]"]

    def notes(self) -> list[str]:
        """``L`` and one line per partial derivative."""
        loss = self.shown.loss
        lines = [self._line("L", loss.expr, self.shown.value)]
        lines += [
            self._line(f"dL/dw{i}", p, g)
            for i, (p, g) in enumerate(zip(loss.partials, self.shown.grad, strict=True))
        ]
        kinked = any(p.has(sympy.sign) or p.has(step) for p in loss.partials)
        if kinked:
            lines.append(KINK_NOTE)
        return lines

    def page(self) -> Page:
        """The formula's part of a step, drawn before the step's own page."""
        return text_page(self.header_lines(), (), self.notes())


def formula_lines(loss: FormulaLoss, what: str) -> list[str]:
    """``Data loss L(w) = ...`` and its partial derivatives, for a run or sweep header."""
    partials = [f"dL/dw{i} = {notation(p)}" for i, p in enumerate(loss.partials)]
    return [f"Data loss L(w) = {loss.formula.text}, {what}:", ", ".join(partials)]


class _HasPage(Protocol):
    def page(self, full: bool = True) -> Page: ...


@dataclass(frozen=True)
class FormulaText:
    """A run's or a sweep's text on a loss formula: the formula and its partial derivatives
    after the title, and ``L`` at each final ``w`` (a run's ``finals``: label, value) after
    the tables."""

    inner: _HasPage
    loss: FormulaLoss
    finals: tuple[tuple[str, Any], ...] = ()
    digits: int = DEFAULT_DIGITS

    def page(self, full: bool = True) -> Page:
        """The inner page with the formula's lines; its CSV unchanged (none without
        ``full``: the terminal does not show it)."""
        page = self.inner.page(full)
        num = FormulaWork(FormulaPoint(self.loss, [], 0, []), self.digits).num
        head = lines(
            formula_lines(self.loss, "its gradient recomputed at every step"), formula=True
        )
        ends = lines([f"{label}: L(w_N) = {num(v)}" for label, v in self.finals], formula=True)
        blocks = list(page.blocks)
        after = 1 + max((i for i, b in enumerate(blocks) if isinstance(b, Grid)), default=-1)
        blocks[after:after] = ends
        return Page(page.title, (*head, *blocks), page.csv, page.caption)

    def csv(self) -> str:
        """The CSV of the inner page."""
        return page_csv(self.page())


@dataclass(frozen=True)
class FormulaJson:
    """A run's or a sweep's JSON with ``formula`` (its texts) and, for a run,
    ``final_loss`` (``L`` at each final ``w``, by penalty or optimizer)."""

    report: HasDict
    loss: FormulaLoss
    final_loss: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {**self.report.to_dict(), "formula": self.loss.to_dict()}
        if self.final_loss is not None:
            out["final_loss"] = {
                k: None if v is None else float(v) for k, v in self.final_loss.items()
            }
        return out


__all__ = ["KINK_NOTE", "FormulaJson", "FormulaText", "FormulaWork", "formula_lines"]
