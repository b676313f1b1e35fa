"""Data options to traced-step inputs: ``--data``/``--x``/``--y``, the model and its loss.

In data mode the data gradient and loss are computed at ``--w``, so ``--grad`` and
``--loss`` must not be typed; ``--w`` defaults to zeros (the usual start of gradient
descent), and with ``--intercept`` every strength gets a 0 for the bias. The result is the
same :class:`~regtrace.cli.inputs.TraceInputs` a typed-in step has, so every command that
traces steps can take a table. Imported only when a command runs (it loads NumPy).
"""

from __future__ import annotations

import numpy as np

from regtrace import examples
from regtrace.cli.dataoptions import DataOptions
from regtrace.cli.inputs import TraceInputs, _check_one_stdin, parse_penalties
from regtrace.engine.data import DataEval, DataProblem, exempt_bias
from regtrace.engine.penalties import Strength
from regtrace.errors import RegtraceError
from regtrace.parse import parse_scalar, parse_vector, parse_vector_or_scalar


def _strength(spec: str, problem: DataProblem, name: str) -> Strength:
    """A strength for the data's weights: 0 for the bias added by ``--intercept``."""
    return exempt_bias(parse_vector_or_scalar(spec, name), problem, name)


def resolve_data_trace(
    table: DataOptions,
    *,
    w: str | None,
    grad: str | None,
    lam: str | None,
    lr: str | None,
    loss: str | None,
    penalty: str,
    lam1: str | None = None,
    lam2: str | None = None,
) -> tuple[TraceInputs, DataEval]:
    """The inputs of a traced step whose gradient and loss come from the table at ``w``."""
    for name, typed in (("--grad", grad), ("--loss", loss)):
        if typed is not None:
            raise RegtraceError(
                f"{name} is computed from the data; leave it out, or leave out --data/--x/--y"
            )
    _check_one_stdin(data=table.data, x=table.x, y=table.y, w=w, lam=lam, lam1=lam1, lam2=lam2)
    problem = table.problem()
    w_vec = np.zeros(problem.n_weights) if w is None else parse_vector(w, "--w")
    evaluation = problem.evaluate(w_vec)
    inputs = TraceInputs(
        w=w_vec,
        grad=evaluation.grad,
        lam=_strength(examples.BLOG_LAM if lam is None else lam, problem, "--lam"),
        lr=parse_scalar(examples.BLOG_LR if lr is None else lr, "--lr"),
        loss=evaluation.loss,
        penalties=parse_penalties(penalty),
        lam1=None if lam1 is None else _strength(lam1, problem, "--lam1"),
        lam2=None if lam2 is None else _strength(lam2, problem, "--lam2"),
        builtin=False,
    )
    return inputs, evaluation


def resolve_data_command(
    table: DataOptions,
    *,
    w: str | None,
    grad: str | None,
    target: str | None,
    lam: str | None,
    lr: str | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
) -> tuple[DataProblem, TraceInputs]:
    """``run``/``sweep`` on a table: the problem and the inputs at the starting ``w``."""
    if target is not None:
        raise RegtraceError(
            "--target is a data loss of its own (1/2*||w - target||^2); leave it out with "
            "--data/--x/--y"
        )
    inputs, evaluation = resolve_data_trace(
        table, w=w, grad=grad, lam=lam, lr=lr, loss=None, penalty=penalty, lam1=lam1, lam2=lam2
    )
    return evaluation.problem, inputs
