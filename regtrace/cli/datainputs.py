"""Data options to an engine problem: ``--data``/``--x``/``--y``, the model and its loss.

In data mode the data gradient and loss are computed, so ``--grad`` and ``--loss`` must not
be typed; ``--w`` defaults to zeros (the usual start of gradient descent). Imported only when
a command runs (it loads NumPy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from regtrace import examples
from regtrace.cli.inputs import parse_penalties
from regtrace.cli.options import DataLossChoice, ModelChoice
from regtrace.dataset import resolve_table
from regtrace.engine.data import DataEval, DataProblem, exempt_bias
from regtrace.engine.penalties import Strength, Vector
from regtrace.engine.step import StepReport, step
from regtrace.errors import RegtraceError
from regtrace.parse import parse_scalar, parse_vector, parse_vector_or_scalar


@dataclass(frozen=True)
class DataInputs:
    """The problem and the starting weights of a data trace."""

    problem: DataProblem
    w: Vector


def wants_data(data: str | None, x: str | None, y: str | None) -> bool:
    """Whether any data option was given (then the command runs in data mode)."""
    return data is not None or x is not None or y is not None


def resolve_data(
    *,
    data: str | None,
    x: str | None,
    y: str | None,
    model: ModelChoice,
    data_loss: DataLossChoice | None,
    intercept: bool,
    w: str | None,
    grad: str | None = None,
    loss: str | None = None,
) -> DataInputs:
    """Parse the table and check it against the model; ``w`` is zeros when not given."""
    if grad is not None:
        raise RegtraceError(
            "--grad is computed from the data; leave it out, or leave out --data/--x/--y"
        )
    if loss is not None:
        raise RegtraceError(
            "--loss is computed from the data; leave it out, or leave out --data/--x/--y"
        )
    table = resolve_table(data, x, y)
    problem = DataProblem.build(
        table.X,
        table.y,
        model=model.value,
        loss=None if data_loss is None else data_loss.value,
        intercept=intercept,
        feature_names=table.feature_names,
        target_name=table.target_name,
    )
    w_vec = np.zeros(problem.n_weights) if w is None else parse_vector(w, "--w")
    problem.check_w(w_vec)
    return DataInputs(problem, w_vec)


def data_strength(spec: str | None, default: str, problem: DataProblem, name: str) -> Strength:
    """A strength for the data's weights: 0 for the bias added by ``--intercept``."""
    value = parse_vector_or_scalar(default if spec is None else spec, name)
    return exempt_bias(value, problem, name)


def data_step(
    *,
    data: str | None,
    x: str | None,
    y: str | None,
    model: ModelChoice,
    data_loss: DataLossChoice | None,
    intercept: bool,
    w: str | None,
    grad: str | None,
    loss: str | None,
    lam: str | None,
    lr: str | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
    l2_form: str,
    l1_method: str,
) -> tuple[StepReport, DataEval]:
    """One traced step whose data gradient and loss come from the table."""
    inputs = resolve_data(
        data=data,
        x=x,
        y=y,
        model=model,
        data_loss=data_loss,
        intercept=intercept,
        w=w,
        grad=grad,
        loss=loss,
    )
    problem = inputs.problem
    evaluation = problem.evaluate(inputs.w)
    report = step(
        inputs.w,
        evaluation.grad,
        lam=data_strength(lam, examples.BLOG_LAM, problem, "--lam"),
        lr=parse_scalar(examples.BLOG_LR if lr is None else lr, "--lr"),
        loss=evaluation.loss,
        penalties=parse_penalties(penalty),
        lam1=None if lam1 is None else data_strength(lam1, lam1, problem, "--lam1"),
        lam2=None if lam2 is None else data_strength(lam2, lam2, problem, "--lam2"),
        l2_form=l2_form,
        l1_method=l1_method,
    )
    return report, evaluation
