"""``step`` in a notebook: one step (plain, exact or on a table) as a result that displays
the trace ``regtrace step`` prints.

Each result class adds display hooks to the engine's frozen result and no fields, so
everything a result had still works (``report["l1"].loss``, ``to_dict()``,
``isinstance(report, regtrace.StepReport)``). The step in fractions is in
:mod:`regtrace.notebook.exact`, which loads the exact arithmetic only when asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind, Vector
from regtrace.engine.step import DEFAULT_PENALTIES, as_vector
from regtrace.engine.step import StepReport as _StepReport
from regtrace.engine.step import step as _engine_step
from regtrace.notebook.display import Displayed, displaying

if TYPE_CHECKING:
    from regtrace.engine.data import DataEval, DataProblem
    from regtrace.render.page import Page


class StepReport(Displayed, _StepReport):
    """:class:`regtrace.engine.step.StepReport` that displays its trace."""

    def page(self, **options: Any) -> Page:
        """``regtrace step``'s page; ``options``: ``digits``, ``show_work`` and ``layout``
        (auto, wide, tall or summary), as the command's options."""
        from regtrace.render.step_page import step_page

        return step_page(self, full=False, **options)


@dataclass(frozen=True)
class DataStepReport(Displayed):
    """One step on a table: the data part (rows, loss, gradient at ``w``), then the step."""

    data: DataEval
    step: StepReport

    def __getitem__(self, kind: str) -> Any:
        """The step's result for one penalty, e.g. ``report["l2"]``."""
        return self.step[kind]

    def to_dict(self) -> dict[str, Any]:
        """``regtrace step --data ... --format json``: the step, and the data part."""
        return {**self.step.to_dict(), "data": self.data.to_dict()}

    def page(self, **options: Any) -> Page:
        """``regtrace step --data``'s page (options as :meth:`StepReport.page`)."""
        from regtrace.render.step_page import step_page

        return step_page(self.step, full=False, data=self.data, **options)


step = displaying(_engine_step, StepReport)


def data_step(
    problem: DataProblem,
    w: Iterable[float] | Vector | None = None,
    *,
    lam: float | Iterable[float] | Vector = 0.01,
    lr: float = 0.1,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: float | Iterable[float] | Vector | None = None,
    lam2: float | Iterable[float] | Vector | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
) -> DataStepReport:
    """One traced step on a table (``regtrace step --data``): the data loss and its gradient
    at ``w`` (zeros if not given), then the step under each penalty; with an intercept the
    bias is not penalized. ``lam``, ``lam1``, ``lam2``: one strength, or one per feature.

    >>> from regtrace import DataProblem, data_step
    >>> problem = DataProblem.build([[1.0], [2.0], [3.0]], [2.0, 3.0, 5.0], intercept=True)
    >>> report = data_step(problem, [1.0, 0.0], lam=0.1, lr=0.1, penalties=["l2"])
    >>> report.data.grad.round(12).tolist()   # mean((x*1 + 0 - y) * [x, 1])
    [-3.0, -1.333333333333]
    >>> report["l2"].w_new.round(12).tolist()  # the bias gets no penalty
    [1.28, 0.133333333333]
    """
    from regtrace.engine.data import exempt_bias

    start = np.zeros(problem.n_weights) if w is None else as_vector(w, "w")
    evaluation = problem.evaluate(start)

    def strength(value: Any, name: str) -> Any:
        if value is None:
            return None
        vector = np.asarray(value, dtype=np.float64)
        return exempt_bias(float(vector) if vector.ndim == 0 else vector, problem, name)

    report = step(
        start,
        evaluation.grad,
        lam=strength(lam, "lam"),
        lr=lr,
        loss=evaluation.loss,
        penalties=penalties,
        lam1=strength(lam1, "lam1"),
        lam2=strength(lam2, "lam2"),
        l2_form=l2_form,
        l1_method=l1_method,
    )
    return DataStepReport(evaluation, report)
