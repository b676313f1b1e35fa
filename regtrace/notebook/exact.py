"""Steps and answers in exact fractions, in a notebook: :func:`exact_step` (``regtrace step
--exact``) and :func:`check` (``regtrace check``), as results that display the pages of those
commands.

Both take plain numbers as well as fractions: a float counts as the decimal it prints as
(``0.1`` is 1/10, not the binary number nearest to it), a string as written (``"1/3"``), as on
the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import wraps
from typing import TYPE_CHECKING, Any

import numpy as np

from regtrace.engine import check as _check
from regtrace.engine import exact as _exact
from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind
from regtrace.errors import RegtraceError
from regtrace.notebook.display import Displayed, shown
from regtrace.notebook.steps import StepReport
from regtrace.render.numfmt import DEFAULT_DIGITS

if TYPE_CHECKING:
    from regtrace.render.page import Page

Number = Fraction | float | int | str


class ExactStepReport(StepReport):
    """A step in exact fractions: numbers shown as fractions and decimals (``--exact``)."""

    def page(self, **options: Any) -> Page:
        from regtrace.render.step_page import step_page

        return step_page(self, full=False, exact=True, **options)


class CheckResult(Displayed, _check.CheckResult):
    """:class:`regtrace.engine.check.CheckResult` that displays its marks and working."""

    def page(self, **options: Any) -> Page:
        """``regtrace check``'s page; ``options``: ``digits``, and ``exact`` (the working in
        fractions too)."""
        from regtrace.render.checkview import check_page

        return check_page(self, **{"digits": DEFAULT_DIGITS, "exact": False, **options})


def fraction(value: Number, name: str) -> Fraction:
    """A number as the exact decimal it is written as: ``0.1`` and ``"0.1"`` are 1/10."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise RegtraceError(f"{name} must be a number, not {value!r}")
    token = repr(float(value)) if isinstance(value, float | np.floating) else str(value)
    return _exact.to_fraction(token.strip(), name)


def fraction_list(values: Number | Iterable[Number], name: str) -> list[Fraction]:
    if isinstance(values, Fraction | float | int | str | np.number):
        return [fraction(values, name)]
    return [fraction(v, name) for v in values]


@wraps(_exact.exact_step)
def exact_step(
    w: Iterable[Number],
    grad: Iterable[Number],
    *,
    lam: Number | Iterable[Number],
    lr: Number,
    loss: Number | None = None,
    penalties: Sequence[PenaltyKind | str] = (PenaltyKind.L2, PenaltyKind.L1),
    lam1: Number | Iterable[Number] | None = None,
    lam2: Number | Iterable[Number] | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
) -> ExactStepReport:
    report = _exact.exact_step(
        fraction_list(w, "w"),
        fraction_list(grad, "grad"),
        lam=fraction_list(lam, "lam"),
        lr=fraction(lr, "lr"),
        loss=None if loss is None else fraction(loss, "loss"),
        penalties=penalties,
        lam1=None if lam1 is None else fraction_list(lam1, "lam1"),
        lam2=None if lam2 is None else fraction_list(lam2, "lam2"),
        l2_form=l2_form,
        l1_method=l1_method,
    )
    return shown(ExactStepReport, report)


def _written(value: Number) -> str:
    """An answer as the student wrote it (a float as it prints)."""
    return repr(float(value)) if isinstance(value, float | np.floating) else str(value)


@wraps(_check.check)
def check(
    w: Iterable[Number],
    grad: Iterable[Number],
    *,
    lam: Number | Iterable[Number],
    lr: Number,
    answer: Number | Iterable[Number],
    loss: Number | None = None,
    penalty: PenaltyKind | str = PenaltyKind.L2,
    lam1: Number | Iterable[Number] | None = None,
    lam2: Number | Iterable[Number] | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    quantity: _check.Quantity | str = _check.Quantity.NEW_WEIGHT,
    steps: int = 1,
    tol: Number | None = None,
) -> CheckResult:
    answers = [answer] if isinstance(answer, Fraction | float | int | str) else list(answer)
    lam_values = fraction_list(lam, "lam")
    result = _check.check(
        fraction_list(w, "w"),
        fraction_list(grad, "grad"),
        lam=lam_values[0] if len(lam_values) == 1 else lam_values,
        lr=fraction(lr, "lr"),
        answer=[_written(a) for a in answers],
        loss=None if loss is None else fraction(loss, "loss"),
        penalty=penalty,
        lam1=None if lam1 is None else fraction_list(lam1, "lam1"),
        lam2=None if lam2 is None else fraction_list(lam2, "lam2"),
        l2_form=l2_form,
        l1_method=l1_method,
        quantity=quantity,
        steps=steps,
        tol=None if tol is None else fraction(tol, "tol"),
    )
    return shown(CheckResult, result)
