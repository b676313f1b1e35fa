"""Data options to traced-step inputs: ``--data``/``--x``/``--y``, the model and its loss.

In data mode the data gradient and loss are computed at ``--w``, so ``--grad`` and
``--loss`` must not be typed; ``--w`` defaults to zeros (the usual start of gradient
descent), and with ``--intercept`` every strength gets a 0 for the bias. The result is the
same :class:`~regtrace.cli.inputs.TraceInputs` a typed-in step has, so every command that
traces steps can take a table. Imported only when a command runs (it loads NumPy).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from regtrace import examples
from regtrace.cli.dataoptions import DataOptions
from regtrace.cli.inputs import ExactInputs, TraceInputs, _check_one_stdin, parse_penalties
from regtrace.engine.data import DataEval, DataProblem, exempt_bias
from regtrace.engine.penalties import Strength
from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_scalar, parse_vector, parse_vector_or_scalar


def _refuse_typed(grad: str | None, loss: str | None) -> None:
    """In data mode the gradient and the loss are computed, never typed."""
    for name, typed in (("--grad", grad), ("--loss", loss)):
        if typed is not None:
            raise RegtraceError(
                f"{name} is computed from the data; leave it out, or leave out --data/--x/--y"
            )


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
    _refuse_typed(grad, loss)
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


def resolve_data_exact(
    table: DataOptions,
    *,
    w: str | None,
    grad: str | None,
    lam: str | None,
    lr: str | None,
    loss: str | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
) -> ExactInputs:
    """``check`` on a table: the exact inputs with the data gradient and loss computed in
    fractions (linear models exactly; see :mod:`regtrace.engine.exactdata`)."""
    from regtrace.engine.exactdata import exact_gradient, exempt_bias_exact
    from regtrace.parse.exact import parse_exact_scalar, parse_exact_vector

    _refuse_typed(grad, loss)
    problem = table.problem()
    w_exact = [Fraction(0)] * problem.n_weights if w is None else parse_exact_vector(w, "--w")
    problem.check_w(np.array([float(v) for v in w_exact]))
    gradient, data_loss = exact_gradient(problem, w_exact)

    def strength(spec: str | None, name: str) -> list[Fraction] | None:
        if spec is None:
            return None
        return exempt_bias_exact(parse_exact_vector(spec, name), problem, name)

    lam_exact = strength(examples.BLOG_LAM if lam is None else lam, "--lam")
    assert lam_exact is not None  # a default is given; for mypy
    return ExactInputs(
        w=w_exact,
        grad=gradient,
        lam=lam_exact,
        lr=parse_exact_scalar(examples.BLOG_LR if lr is None else lr, "--lr"),
        loss=data_loss,
        penalties=parse_penalties(penalty),
        lam1=strength(lam1, "--lam1"),
        lam2=strength(lam2, "--lam2"),
        builtin=False,
        data=problem,
    )
