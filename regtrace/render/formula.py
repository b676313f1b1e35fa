"""The loss-formula part of a trace: ``L``, each partial derivative, and their values.

With ``show_work`` each line is written three ways, as a student would:
``dL/dw0 = 2*w0 - 6 = 2*1 - 6 = -4`` (the derivative, the weights substituted, the value).
The derivatives are SymPy's, written with ``**`` for powers; ``step(x)`` is the derivative of
``relu`` (1 for ``x > 0``, else 0) and ``sign(0) = 0``, the subgradient convention of the
L1 penalty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy.printing.str import StrPrinter

from regtrace.engine.formula import FormulaLoss, FormulaRunReport, FormulaSweepReport, step
from regtrace.render.csvfmt import page_csv
from regtrace.render.numfmt import DEFAULT_DIGITS, fmt, fmt_exact, paren
from regtrace.render.page import Page, text_page
from regtrace.render.sweep import SweepText
from regtrace.render.trajectory import RunText

KINK_NOTE = (
    "At a kink the derivative is the L1 penalty's convention: d|x|/dx = sign(x) with "
    "sign(0) = 0, and step(x) = d relu(x)/dx is 1 for x > 0, else 0."
)


class _Substituted(StrPrinter):
    """SymPy's text with each weight replaced by its value (negatives and fractions in
    parentheses, so ``(-1)**2`` and ``2*(1/3)`` read right)."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__()
        self._values = values

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return paren(self._values[expr.name])


@dataclass(frozen=True)
class FormulaShown:
    """A loss formula evaluated at ``w``: floats, or fractions with ``--exact``."""

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


@dataclass(frozen=True)
class FormulaWork:
    """Text for one :class:`FormulaShown`, at a precision, with or without arithmetic."""

    shown: FormulaShown
    digits: int = DEFAULT_DIGITS
    show_work: bool = False

    def num(self, x: Any) -> str:
        if x is None:
            return "(not a rational number)"
        return fmt_exact(x, self.digits) if isinstance(x, Fraction) else fmt(float(x), self.digits)

    def _line(self, name: str, expr: sympy.Expr, value: Any) -> str:
        text = sympy.sstr(expr)
        parts = [name, text]
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


@dataclass(frozen=True)
class FormulaRunText:
    """Text for a :class:`FormulaRunReport`: the run's, with the formula and its partial
    derivatives after the update rule and ``L(w_N)`` per penalty in the notes."""

    report: FormulaRunReport
    digits: int = DEFAULT_DIGITS

    @property
    def _run(self) -> RunText:
        return RunText(self.report.run, self.digits, exact=self.report.exact)

    def header(self) -> tuple[str, ...]:
        first, *rest = self._run.header()
        lines = formula_lines(self.report.loss, "its gradient recomputed at every step")
        return (first, *lines, *rest)

    def notes(self) -> tuple[str, ...]:
        num = FormulaWork(FormulaShown(self.report.loss, [], 0, []), self.digits).num
        lines = [
            f"{t.penalty.kind.label}: L(w_N) = {num(v)}"
            for t, v in zip(self.report.run.results, self.report.final_losses, strict=True)
        ]
        return (*lines, *self._run.notes())

    def page(self) -> Page:
        """Everything every format shows; the CSV is the run's."""
        grids = tuple(self._run.grid(t) for t in self.report.run.results)
        return text_page(self.header(), grids, self.notes(), csv=self._run.csv_table())

    def csv(self) -> str:
        """The run's CSV."""
        return page_csv(self.page())


def formula_lines(loss: FormulaLoss, what: str) -> list[str]:
    """``Data loss L(w) = ...`` and its partial derivatives, for a run or sweep header."""
    partials = [f"dL/dw{i} = {text}" for i, text in enumerate(loss.partial_texts())]
    return [f"Data loss L(w) = {loss.formula.text}, {what}:", ", ".join(partials)]


@dataclass(frozen=True)
class FormulaSweepText:
    """Text for a :class:`FormulaSweepReport`: the sweep's, with the formula's lines."""

    report: FormulaSweepReport
    digits: int = DEFAULT_DIGITS

    def page(self) -> Page:
        """Everything every format shows: the sweep's page with the formula's lines."""
        sweep = SweepText(self.report.sweep, self.digits)
        first, *rest = sweep.header()
        lines = formula_lines(self.report.loss, "its gradient recomputed at every step")
        header = (first, *lines, *rest)
        return text_page(header, (sweep.grid(),), sweep.notes(), csv=sweep.csv_table())

    def csv(self) -> str:
        """The sweep's CSV."""
        return page_csv(self.page())


__all__ = ["KINK_NOTE", "FormulaRunText", "FormulaShown", "FormulaSweepText", "FormulaWork"]
