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


def _shared(
    lr: Number,
    loss: Number | None,
    lam1: Number | Iterable[Number] | None,
    lam2: Number | Iterable[Number] | None,
) -> dict[str, Any]:
    """The keywords :func:`exact_step` and :func:`check` pass on alike, as fractions."""
    return {
        "lr": fraction(lr, "lr"),
        "loss": None if loss is None else fraction(loss, "loss"),
        "lam1": None if lam1 is None else fraction_list(lam1, "lam1"),
        "lam2": None if lam2 is None else fraction_list(lam2, "lam2"),
    }


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
    """:func:`regtrace.engine.exact.exact_step` (``regtrace step --exact``): one step in
    exact fractions, shown as the command shows it. Numbers may be fractions, ints, strings
    (``"1/3"``) or floats (the decimal they print as).

    >>> from regtrace import exact_step
    >>> report = exact_step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1,
    ...                     penalties=["l2"])
    >>> [str(x) for x in report["l2"].w_new]
    ['503/200', '-2021/2500', '131/1250']
    """
    report = _exact.exact_step(
        fraction_list(w, "w"),
        fraction_list(grad, "grad"),
        lam=fraction_list(lam, "lam"),
        penalties=penalties,
        l2_form=l2_form,
        l1_method=l1_method,
        **_shared(lr, loss, lam1, lam2),
    )
    return shown(ExactStepReport, report)


def _written(value: Number) -> str:
    """An answer as the student wrote it (a float as it prints)."""
    return repr(float(value)) if isinstance(value, float | np.floating) else str(value)


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
    """:func:`regtrace.engine.check.check` (``regtrace check``): grade ``answer``, the
    numbers as the student wrote them, for one penalty's exact step, and show the marks and
    the worked solution. Numbers as in :func:`exact_step`.

    >>> from regtrace import check
    >>> graded = check([2.5], [-0.2], lam=0.01, lr=0.1, answer=2.5175)
    >>> graded.correct, graded.diagnosis.mistake
    (False, 'l2-coefficient')
    """
    answers = [answer] if isinstance(answer, Fraction | float | int | str) else list(answer)
    lam_values = fraction_list(lam, "lam")
    result = _check.check(
        fraction_list(w, "w"),
        fraction_list(grad, "grad"),
        lam=lam_values[0] if len(lam_values) == 1 else lam_values,
        answer=[_written(a) for a in answers],
        penalty=penalty,
        l2_form=l2_form,
        l1_method=l1_method,
        quantity=quantity,
        steps=steps,
        tol=None if tol is None else fraction(tol, "tol"),
        **_shared(lr, loss, lam1, lam2),
    )
    return shown(CheckResult, result)
