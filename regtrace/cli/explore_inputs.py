"""The options of ``regtrace explore`` to its starting state (parsed like ``step``'s)."""

from __future__ import annotations

import numpy as np

from regtrace.cli.inputs import ProblemOptions, resolve_problem
from regtrace.engine.penalties import L1Method, L2Form
from regtrace.errors import RegtraceError
from regtrace.explore.state import ExploreState


def explore_state(
    *,
    w: str | None = None,
    grad: str | None = None,
    lam: str | None = None,
    lr: str | None = None,
    loss: str | None = None,
    penalty: str = "l2,l1",
    l2_form: str = "lambda",
    l1_method: str = "subgradient",
    loss_fn: str | None = None,
) -> ExploreState:
    """Parse and check the options as ``regtrace step`` does (its defaults too: with no
    ``w`` and ``grad``, the built-in example); ``lam`` must be one number, as the keys scale it.
    With ``loss_fn`` the gradient and loss come from the formula, as in ``step --loss-fn``."""
    problem = resolve_problem(
        ProblemOptions(w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, loss_fn=loss_fn)
    )
    start_loss, start_grad = problem.source.evaluate(problem.w)
    lam_value = problem.regularization.lam
    if isinstance(lam_value, np.ndarray) and lam_value.size == 1:  # e.g. "-1" or @file
        lam_value = float(lam_value[0])
    if isinstance(lam_value, np.ndarray):
        raise RegtraceError(
            "regtrace explore takes one --lam for all weights (its keys scale that one "
            "number); for one lam per weight use regtrace step"
        )
    state = ExploreState(
        w=problem.w,
        grad=start_grad,
        lam=float(lam_value),
        lr=problem.lr,
        loss=start_loss,
        penalties=problem.regularization.kinds,
        l2_form=L2Form(l2_form),
        l1_method=L1Method(l1_method),
        builtin=problem.example,
        loss_fn=None if loss_fn is None else loss_fn.strip(),
    )
    state.report()  # the engine's checks, now, so a bad input is an error line, not a crash
    return state
