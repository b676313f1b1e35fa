"""Grade a homework answer against the exact step (``regtrace check``).

The expected value is computed in exact rationals (:mod:`regtrace.engine.exact`) from the
inputs as typed, so ``0.1`` is ``1/10`` and float noise never decides a verdict; each element
is marked by :func:`regtrace.engine.grading.grade` and, when one is wrong,
:func:`regtrace.engine.diagnose.diagnose` names the common mistake that reproduces it.

With ``steps = N`` the answer is the weights after ``N`` updates with the same data gradient
(as a "10 steps" homework table does); each update is :func:`exact_apply`, one after another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from regtrace.engine.choices import Quantity
from regtrace.engine.exact import (
    ExactPenalty,
    check_growth,
    check_work,
    exact_apply,
    exact_penalty,
    exact_vector,
)
from regtrace.engine.grading import Mark, Written, grade
from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind, Vector
from regtrace.engine.step import StepReport
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen

if TYPE_CHECKING:  # the diagnosis loads only for a wrong answer (start-up time)
    from regtrace.engine.data import DataEval, DataProblem
    from regtrace.engine.diagnose import DataPart, Diagnosis


@frozen
class CheckResult:
    """The verdict on one answer; ``report`` is the (last) step, exactly, for the working."""

    report: StepReport
    start: tuple[Fraction, ...]
    quantity: Quantity
    steps: int
    tol: Fraction | None
    answer: tuple[Written, ...]
    expected: tuple[Fraction, ...]
    marks: tuple[Mark, ...]
    diagnosis: Diagnosis | None
    trajectory: tuple[tuple[Fraction, ...], ...]
    """The weights after each step, step 0 (``start``) first."""
    data: DataEval | None = None
    """The table's predictions, residuals and gradient at the starting ``w`` (data mode)."""
    start_grad: tuple[Fraction, ...] | None = None
    """On a table or a loss formula over several steps: ``dL/dw`` and ``L`` at ``start``
    (``report`` holds the last step's); ``None`` when the gradient is the same at every step."""
    start_loss: Fraction | None = None

    @property
    def correct(self) -> bool:
        """Every element right (a too-coarse element is not right)."""
        return all(mark is Mark.RIGHT for mark in self.marks)

    @property
    def penalty(self) -> ExactPenalty:
        """The penalty of the problem."""
        return self.report.results[0].penalty

    def _numbers(self, values: Sequence[Fraction]) -> float | list[float]:
        floats = [float(v) for v in values]
        return floats if self.quantity.is_vector else floats[0]

    def to_dict(self) -> dict[str, Any]:
        """Inputs echoed, the marks, and ``results`` with the four keys of docs/design.md."""
        r = self.report
        moving = self.start_grad is not None
        loss = self.start_loss if moving else r.loss
        grad = r.grad if self.start_grad is None else self.start_grad
        return {
            "command": "check",
            "w": [float(x) for x in self.start],
            "grad": [float(x) for x in grad],
            "lr": float(r.lr),
            "loss": None if loss is None else float(loss),
            "penalty": self.penalty.kind.value,
            "lam": self.penalty.lam_json(),
            "l2_form": self.penalty.l2_form.value,
            "l1_method": self.penalty.l1_method.value,
            "quantity": self.quantity.value,
            "steps": self.steps,
            "tol": None if self.tol is None else float(self.tol),
            "marks": [mark.value for mark in self.marks],
            "results": [
                {
                    "correct": self.correct,
                    "expected": self._numbers(self.expected),
                    "answer": self._numbers([a.value for a in self.answer]),
                    "diagnosis": None if self.diagnosis is None else self.diagnosis.message,
                }
            ],
        }


def _per_weight(value: Any, n: int) -> tuple[Fraction, ...]:
    """A strength spelled out per weight."""
    if isinstance(value, Fraction):
        return (value,) * n
    return tuple(value)


ExactLoss = Callable[[Sequence[Fraction]], tuple[Fraction | None, Sequence[Fraction]]]
"""A data loss in fractions: ``w`` -> ``(L(w), dL/dw)``."""


def check(
    w: Sequence[Fraction],
    grad: Sequence[Fraction],
    *,
    lam: Fraction | Sequence[Fraction],
    lr: Fraction,
    answer: Sequence[str],
    loss: Fraction | None = None,
    penalty: PenaltyKind | str = PenaltyKind.L2,
    lam1: Fraction | Sequence[Fraction] | None = None,
    lam2: Fraction | Sequence[Fraction] | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    quantity: Quantity | str = Quantity.NEW_WEIGHT,
    steps: int = 1,
    tol: Fraction | None = None,
    data: DataProblem | None = None,
    gradient: ExactLoss | None = None,
) -> CheckResult:
    """Grade ``answer`` (the numbers as the student wrote them) for one penalty's step.

    ``grad`` (and ``loss``) are the data gradient (and loss) at ``w``; with ``gradient`` (a
    data table, a loss formula: ``w -> (L, dL/dw)``) each later step recomputes them at the
    current weights, otherwise the gradient stays fixed.

    >>> from fractions import Fraction as F
    >>> w, g = [F("2.5"), F("-0.8"), F("0.1")], [F("-0.2"), F("0.1"), F("-0.05")]
    >>> result = check(w, g, lam=F("0.01"), lr=F("0.1"), answer=["2.52", "-0.808", "0.105"])
    >>> result.correct, [m.value for m in result.marks]
    (True, ['right', 'right', 'right'])
    """
    try:
        quantity = Quantity(quantity)
    except ValueError:
        words = ", ".join(q.value for q in Quantity)
        raise RegtraceError(f"unknown quantity {quantity!r}; choose from {words}") from None
    n = len(w)
    if len(grad) != n:
        raise RegtraceError(f"w has {n} values but grad has {len(grad)}; give one per weight")
    if lr < 0:
        raise RegtraceError("lr must not be negative; a step goes against the gradient")
    if steps < 1:
        raise RegtraceError("--steps must be at least 1")
    if steps > 1 and quantity is not Quantity.NEW_WEIGHT:
        raise RegtraceError(
            "--steps grades the weights after N steps; use it with --quantity new-weight"
        )
    if quantity is Quantity.DECAY_FACTOR and PenaltyKind(penalty) not in (
        PenaltyKind.L2,
        PenaltyKind.ELASTIC,
    ):
        raise RegtraceError(
            "--quantity decay-factor is the L2 weight-decay factor 1 - 2*lr*lam; use it with "
            "--penalty l2 or elastic"
        )
    if quantity is Quantity.LOSS and loss is None:
        raise RegtraceError("--quantity loss needs the base loss: give --loss, e.g. --loss 1.2")
    if tol is not None and tol < 0:
        raise RegtraceError("--tol must not be negative")
    check_work(1, steps, n, "or check a shorter run")
    want = n if quantity.is_vector else 1
    if len(answer) != want:
        need = (
            f"the {quantity.words} need one per weight ({n})"
            if quantity.is_vector
            else f"the {quantity.words} is a single number"
        )
        plural = "" if len(answer) == 1 else "s"
        raise RegtraceError(f"--answer has {len(answer)} value{plural} but {need}")
    written = tuple(
        Written.parse(text, f"--answer, element {k + 1}") for k, text in enumerate(answer)
    )
    pen = exact_penalty(penalty, n, lam, lam1=lam1, lam2=lam2, l2_form=l2_form, l1_method=l1_method)
    g = exact_vector(grad)
    first_loss = loss
    current = exact_vector(w)
    trajectory = [tuple(w)]
    for k in range(1, steps + 1):
        previous = current
        if gradient is not None and k > 1:
            loss, fresh = gradient(list(previous))
            g = exact_vector(list(fresh))
        result = exact_apply(previous, g, pen, lr, loss)
        current = cast(Any, result.w_new)
        check_growth(current, k)
        trajectory.append(tuple(current))
    report = StepReport(
        w=cast(Vector, previous),
        grad=cast(Vector, g),
        lr=cast(float, lr),
        loss=cast(float | None, loss),
        results=(result,),
    )
    if quantity is Quantity.DECAY_FACTOR:
        expected = tuple(1 - pen.coef * lr * b for b in _per_weight(pen.lam2, n))
    else:
        raw = getattr(result, quantity.field)
        expected = tuple(raw) if quantity.is_vector else (raw,)
    marks = tuple(grade(e, a, tol) for e, a in zip(expected, written, strict=True))
    # The common mistakes are replayed with a fixed gradient; on a loss that moves with w (a
    # table, a formula) they would name the wrong cause, so several steps go without one.
    moving = gradient is not None and steps > 1
    found = None
    if not moving and Mark.WRONG in marks:  # a right answer has nothing to diagnose
        from regtrace.engine.diagnose import Problem, diagnose

        problem = Problem(
            w=tuple(w),
            grad=tuple(grad),
            lam1=_per_weight(pen.lam1, n),
            lam2=_per_weight(pen.lam2, n),
            lr=lr,
            loss=loss,
            kind=pen.kind,
            l2_form=pen.l2_form,
            l1_method=pen.l1_method,
            data=None if data is None else _data_part(data),
        )
        found = diagnose(problem, quantity.value, written, marks, steps=steps, tol=tol)
    return CheckResult(
        report=report,
        start=tuple(w),
        quantity=quantity,
        steps=steps,
        tol=tol,
        answer=written,
        expected=expected,
        marks=marks,
        diagnosis=found,
        trajectory=tuple(trajectory),
        data=None if data is None else data.evaluate(np.array([float(x) for x in w])),
        start_grad=tuple(grad) if moving else None,
        start_loss=first_loss if moving else None,
    )


def _data_part(data: DataProblem) -> DataPart:
    """The table exactly, as the mistakes recompute its gradient."""
    from regtrace.engine.diagnose import DataPart
    from regtrace.engine.exactdata import as_written

    return DataPart(
        rows=tuple(tuple(as_written(v) for v in row) for row in data.design),
        y=tuple(as_written(v) for v in data.y),
        logistic=data.model.value == "logistic",
        loss=data.loss.value,
        intercept=data.intercept,
    )


__all__ = ["CheckResult", "Quantity", "check"]
