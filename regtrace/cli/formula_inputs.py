"""``--loss-fn`` to traced-step inputs: the formula's L(w) and dL/dw at ``--w``.

As with a data table, the gradient and the loss are computed, so ``--grad``, ``--loss``,
``--target`` and the table options must not be typed; ``--w`` defaults to zeros, one per
weight the formula names. Imported only with ``--loss-fn`` (it loads SymPy).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from regtrace import examples
from regtrace.cli.inputs import ExactInputs, TraceInputs, _check_one_stdin, parse_penalties
from regtrace.errors import RegtraceError
from regtrace.parse.formula import Formula, parse_formula
from regtrace.parse.numbers import parse_scalar, parse_vector, parse_vector_or_scalar

if TYPE_CHECKING:  # SymPy loads only once the text has parsed: a bad formula fails fast
    from regtrace.engine.formula import FormulaLoss, FormulaRunReport
    from regtrace.render.formula import FormulaShown


def refuse_typed(**typed: str | bool | None) -> None:
    """The formula gives the data gradient and loss: no other source of them."""
    for name, value in typed.items():
        if value is not None and value is not False:
            option = "--data/--x/--y" if name == "table" else f"--{name.replace('_', '-')}"
            raise RegtraceError(
                f"{option} and --loss-fn both give the data loss; L(w) and dL/dw come from "
                f"--loss-fn, so leave out {option}"
            )


def differentiate(formula: Formula, n_weights: int) -> tuple[FormulaLoss, type[FormulaShown]]:
    """The formula differentiated in ``n_weights`` weights (this loads SymPy)."""
    from regtrace.engine.formula import FormulaLoss
    from regtrace.render.formula import FormulaShown

    return FormulaLoss.build(formula, n_weights), FormulaShown


def resolve_formula_trace(
    loss_fn: str,
    *,
    w: str | None,
    lam: str | None,
    lr: str | None,
    penalty: str,
    lam1: str | None = None,
    lam2: str | None = None,
) -> tuple[TraceInputs, FormulaLoss, FormulaShown]:
    """The inputs of a traced step whose gradient and loss come from the formula at ``w``."""
    _check_one_stdin(w=w, lam=lam, lam1=lam1, lam2=lam2)
    formula = parse_formula(loss_fn)
    w_vec = np.zeros(formula.n_weights) if w is None else parse_vector(w, "--w")
    loss, shown_type = differentiate(formula, w_vec.size)
    evaluation = loss.evaluate(w_vec)
    inputs = TraceInputs(
        w=w_vec,
        grad=evaluation.grad,
        lam=parse_vector_or_scalar(examples.BLOG_LAM if lam is None else lam, "--lam"),
        lr=parse_scalar(examples.BLOG_LR if lr is None else lr, "--lr"),
        loss=evaluation.loss,
        penalties=parse_penalties(penalty),
        lam1=None if lam1 is None else parse_vector_or_scalar(lam1, "--lam1"),
        lam2=None if lam2 is None else parse_vector_or_scalar(lam2, "--lam2"),
        builtin=False,
    )
    shown = shown_type(loss, list(w_vec), evaluation.loss, list(evaluation.grad))
    return inputs, loss, shown


def resolve_formula_exact(
    loss_fn: str,
    *,
    w: str | None,
    lam: str | None,
    lr: str | None,
    penalty: str,
    lam1: str | None = None,
    lam2: str | None = None,
) -> tuple[ExactInputs, FormulaLoss, FormulaShown]:
    """:func:`resolve_formula_trace` in exact fractions (``--exact`` and ``check``)."""
    from regtrace.parse.exact import parse_exact_scalar, parse_exact_vector

    _check_one_stdin(w=w, lam=lam, lam1=lam1, lam2=lam2)
    formula = parse_formula(loss_fn)
    w_exact = [Fraction(0)] * formula.n_weights if w is None else parse_exact_vector(w, "--w")
    loss, shown_type = differentiate(formula, len(w_exact))
    value, grad = loss.exact(w_exact)
    inputs = ExactInputs(
        w=w_exact,
        grad=grad,
        lam=parse_exact_vector(examples.BLOG_LAM if lam is None else lam, "--lam"),
        lr=parse_exact_scalar(examples.BLOG_LR if lr is None else lr, "--lr"),
        loss=value,
        penalties=parse_penalties(penalty),
        lam1=None if lam1 is None else parse_exact_vector(lam1, "--lam1"),
        lam2=None if lam2 is None else parse_exact_vector(lam2, "--lam2"),
        builtin=False,
    )
    return inputs, loss, shown_type(loss, w_exact, value, grad)


def formula_run(
    loss_fn: str,
    *,
    exact: bool,
    w: str | None,
    lam: str | None,
    lr: str | None,
    steps: int,
    every: int | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
    l2_form: str,
    l1_method: str,
) -> FormulaRunReport:
    """``run --loss-fn``: the gradient from the formula at every step, in floats or exactly."""
    from regtrace.engine.formula import exact_run_formula, run_formula

    if exact:
        exact_inputs, loss, _ = resolve_formula_exact(
            loss_fn, w=w, lam=lam, lr=lr, penalty=penalty, lam1=lam1, lam2=lam2
        )
        return exact_run_formula(
            loss, exact_inputs.w, steps=steps, every=every, lam=exact_inputs.lam,
            lr=exact_inputs.lr, penalties=exact_inputs.penalties, lam1=exact_inputs.lam1,
            lam2=exact_inputs.lam2, l2_form=l2_form, l1_method=l1_method,
        )  # fmt: skip
    inputs, loss, _ = resolve_formula_trace(
        loss_fn, w=w, lam=lam, lr=lr, penalty=penalty, lam1=lam1, lam2=lam2
    )
    return run_formula(
        loss, inputs.w, steps=steps, every=every, lam=inputs.lam, lr=inputs.lr,
        penalties=inputs.penalties, lam1=inputs.lam1, lam2=inputs.lam2, l2_form=l2_form,
        l1_method=l1_method,
    )  # fmt: skip
