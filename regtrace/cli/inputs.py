"""Option text to one :class:`~regtrace.engine.problem.Problem`: the one resolver.

Every command that traces steps (``step``, ``run``, ``sweep``, ``check``, ``explore``)
gathers its option texts into :class:`ProblemOptions` and calls :func:`resolve_problem`:
the data gradient (a typed ``--grad``, a ``--target``, a table, or a ``--loss-fn`` formula),
the penalties and strengths, the update (plain gradient descent or ``--optimizer``), float64
or exact fractions, and the starting weights. Imported only when a command runs, because it loads
NumPy (``--help`` and ``--version`` must not).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from regtrace import examples
from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind
from regtrace.engine.problem import (
    FixedGradient,
    FormulaGradient,
    GradientDescent,
    GradientSource,
    NumberType,
    OptimizerUpdate,
    Problem,
    QuadraticTarget,
    Regularization,
    TableGradient,
)
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen
from regtrace.parse.numbers import parse_scalar, parse_vector, parse_vector_or_scalar

if TYPE_CHECKING:
    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.optimizer_options import OptimizerOptions
    from regtrace.engine.data import DataProblem


_Choice = TypeVar("_Choice", bound=StrEnum | PenaltyKind)


def parse_choices(text: str, choices: type[_Choice], option: str, noun: str) -> list[_Choice]:
    """A comma (or space) list of ``choices`` values, in order, without repeats."""
    allowed = ", ".join(c.value for c in choices)
    words = [word.strip().lower() for word in text.replace(" ", ",").split(",") if word.strip()]
    if not words:
        raise RegtraceError(f"{option} is empty; choose from {allowed}")
    kinds: list[_Choice] = []
    for word in words:
        try:
            kind = choices(word)
        except ValueError:
            raise RegtraceError(
                f"{option}: unknown {noun} {word!r}; choose from {allowed}"
            ) from None
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def parse_penalties(text: str) -> tuple[PenaltyKind, ...]:
    """``l2,l1`` to penalty kinds, in order, without repeats."""
    return tuple(parse_choices(text, PenaltyKind, "--penalty", "penalty"))


def _check_one_stdin(**specs: str | None) -> None:
    readers = [f"--{name.replace('_', '-')}" for name, spec in specs.items() if spec == "-"]
    if len(readers) > 1:
        raise RegtraceError(
            f"{' and '.join(readers)} both read standard input; only one option can be '-', "
            "give the others inline or as @file"
        )


@frozen
class InputTexts:
    """The option texts of a traced step with the built-in example's filled in."""

    w: str
    grad: str
    lam: str
    lr: str
    loss: str | None
    builtin: bool


def option_texts(
    *, w: str | None, grad: str | None, lam: str | None, lr: str | None, loss: str | None
) -> InputTexts:
    """Check that ``--w``/``--grad`` come together; with neither, the built-in example."""
    if (w is None) != (grad is None):
        given, missing = ("--w", "--grad") if grad is None else ("--grad", "--w")
        raise RegtraceError(
            f"{given} needs {missing} too: give both (one value per weight), or neither "
            "for the built-in example"
        )
    builtin = w is None
    if builtin:
        w, grad = examples.EXAMPLE_W, examples.EXAMPLE_GRAD
        loss = examples.EXAMPLE_LOSS if loss is None else loss
    assert w is not None and grad is not None  # narrowed above; for mypy
    return InputTexts(
        w=w,
        grad=grad,
        lam=examples.EXAMPLE_LAM if lam is None else lam,
        lr=examples.EXAMPLE_LR if lr is None else lr,
        loss=loss,
        builtin=builtin,
    )


def check_target_alone(grad: str | None, **stdin_options: str | None) -> None:
    """``--target`` sets the data gradient, so no ``--grad``; at most one option reads stdin."""
    if grad is not None:
        raise RegtraceError(
            "--grad and --target both set the data gradient; use --grad for a fixed gradient "
            "or --target for the loss 1/2*||w - target||^2, not both"
        )
    _check_one_stdin(**stdin_options)


@frozen
class ProblemOptions:
    """The option texts that describe a problem, as typed (``None``: not given)."""

    w: str | None = None
    grad: str | None = None
    target: str | None = None
    lam: str | None = None
    lr: str | None = None
    loss: str | None = None
    penalty: str = "l2,l1"
    lam1: str | None = None
    lam2: str | None = None
    l2_form: str = "lambda"
    l1_method: str = "subgradient"
    exact: bool = False
    table: DataOptions | None = None
    optimizer: OptimizerOptions | None = None
    lam_pattern: bool = False
    """``sweep``: ``--lam`` is a per-weight pattern that ``--lams`` scales (no default)."""
    loss_fn: str | None = None
    """``--loss-fn``: the data loss as a formula (its text, or ``@file``)."""


_EXACT_OPTIMIZER = (
    "--exact works with plain gradient descent only; an optimizer's sqrt(v_hat) is not rational"
)


def resolve_problem(options: ProblemOptions, *, exact_table: bool = False) -> Problem:
    """Parse and check the options into one problem (the engine checks the math).

    ``exact_table``: the command computes a table's gradient exactly (``check``); elsewhere
    ``--exact`` with a table is refused, as the data gradient is computed in floats.
    """
    o = options
    if o.loss_fn is not None:
        _refuse_beside_formula(o)
    if o.table is not None and not o.table.given:
        o.table.refuse_model_options()
    table = o.table if o.table is not None and o.table.given else None
    optimizer = o.optimizer if o.optimizer is not None and o.optimizer.given else None
    if o.exact and optimizer is not None:
        raise RegtraceError(_EXACT_OPTIMIZER)
    if o.exact and table is not None and not exact_table:
        raise RegtraceError(
            "--exact works with a typed --grad or --target; with --data/--x/--y the data "
            "gradient is computed in floating point (leave out --exact)"
        )
    numbers = _Reader(o.exact)
    example = False
    data: DataProblem | None = None
    source: GradientSource
    loss_text: str | None = None
    if o.loss_fn is not None:
        source, w = _formula_source(o.loss_fn, o, numbers)
    elif table is not None:
        source, w, data = _table_source(o, table, numbers)
    elif o.target is not None:
        source, w = _target_source(o, numbers)
    else:
        texts = option_texts(w=o.w, grad=o.grad, lam=o.lam, lr=o.lr, loss=o.loss)
        _check_one_stdin(w=o.w, grad=o.grad, lam=o.lam, lam1=o.lam1, lam2=o.lam2)
        parse_penalties(o.penalty)  # a misspelt penalty is named before the numbers
        example, loss_text = texts.builtin, texts.loss
        w = numbers.vector(texts.w, "--w")
        source = FixedGradient(numbers.vector(texts.grad, "--grad"))
    lam_text = o.lam if o.lam is not None or o.lam_pattern else examples.EXAMPLE_LAM
    lam = None if lam_text is None else numbers.strength(lam_text, "--lam", data)
    lr = numbers.scalar(examples.EXAMPLE_LR if o.lr is None else o.lr, "--lr")
    if isinstance(source, FixedGradient) and loss_text is not None:
        source = FixedGradient(source.grad, numbers.scalar(loss_text, "--loss"))
    regularization = Regularization(
        kinds=parse_penalties(o.penalty),
        lam=lam,
        lam1=None if o.lam1 is None else numbers.strength(o.lam1, "--lam1", data),
        lam2=None if o.lam2 is None else numbers.strength(o.lam2, "--lam2", data),
        l2_form=L2Form(o.l2_form),
        l1_method=L1Method(o.l1_method),
    )
    _refuse_unused_penalty_options(o, regularization)
    update: GradientDescent | OptimizerUpdate = GradientDescent()
    if optimizer is not None:
        from regtrace.cli.optimizer_inputs import optimizer_update

        if regularization.l1_method is L1Method.PROXIMAL:
            raise RegtraceError(
                "--l1-method proximal works with plain sgd only; optimizers use the "
                "subgradient lam*sign(w)"
            )
        update = optimizer_update(optimizer)
    return Problem(
        source=source,
        regularization=regularization,
        w=w,
        lr=lr,
        update=update,
        numbers=NumberType.EXACT if o.exact else NumberType.FLOAT,
        example=example,
    )


def _refuse_unused_penalty_options(o: ProblemOptions, reg: Regularization) -> None:
    """An option for a penalty part that no chosen penalty has would be ignored: refuse it."""
    from regtrace.regularizers import rule_for

    rules = [rule_for(k) for k in reg.kinds]
    words = ",".join(k.value for k in reg.kinds)
    if (o.lam1 is not None or o.lam2 is not None) and not any(
        r.l1_part and r.l2_part for r in rules
    ):
        given = " and ".join(n for n, t in (("--lam1", o.lam1), ("--lam2", o.lam2)) if t)
        raise RegtraceError(
            f"{given} set the elastic net's L1 and L2 parts, but --penalty is {words}; add "
            "elastic to --penalty, or use --lam"
        )
    if reg.l2_form is not L2Form.LAMBDA and not any(r.l2_part for r in rules):
        raise RegtraceError(
            f"--l2-form {reg.l2_form.value} sets the L2 penalty's form, but --penalty is "
            f"{words}; add l2 or elastic to --penalty, or leave out --l2-form"
        )
    if reg.l1_method is not L1Method.SUBGRADIENT and not any(r.l1_part for r in rules):
        raise RegtraceError(
            f"--l1-method {reg.l1_method.value} sets how the L1 penalty steps, but --penalty "
            f"is {words}; add l1 or elastic to --penalty, or leave out --l1-method"
        )


def one_penalty(problem: Problem, why: str) -> PenaltyKind:
    """The problem's only penalty; several are an error that says ``why`` there is one."""
    kinds = problem.regularization.kinds
    if len(kinds) > 1:
        words = ",".join(k.value for k in kinds)
        raise RegtraceError(f"--penalty {words}: {why}")
    return kinds[0]


@frozen
class _Reader:
    """Numbers read as float64 or, with ``exact``, as the fractions typed."""

    exact: bool

    def vector(self, text: str, name: str) -> Any:
        if self.exact:
            from regtrace.parse.exact import parse_exact_vector

            return parse_exact_vector(text, name)
        return parse_vector(text, name)

    def scalar(self, text: str, name: str) -> Any:
        if self.exact:
            from regtrace.parse.exact import parse_exact_scalar

            return parse_exact_scalar(text, name)
        return parse_scalar(text, name)

    def zeros(self, n: int) -> Any:
        """``n`` zeros: float64, or fractions (``fractions`` loads only for those)."""
        if self.exact:
            from fractions import Fraction

            return [Fraction(0)] * n
        return np.zeros(n)

    def strength(self, text: str, name: str, data: DataProblem | None) -> Any:
        """One strength or one per weight; on a table with an intercept the bias gets 0."""
        if self.exact:
            values = self.vector(text, name)
            if data is None:
                return values
            from regtrace.engine.exactdata import exempt_bias_exact

            return exempt_bias_exact(values, data, name)
        value = parse_vector_or_scalar(text, name)
        if data is None:
            return value
        from regtrace.engine.data import exempt_bias

        return exempt_bias(value, data, name)


def _table_source(
    o: ProblemOptions, table: DataOptions, numbers: _Reader
) -> tuple[TableGradient, Any, DataProblem]:
    """The data gradient of a table at ``--w`` (zeros by default): ``--grad``, ``--loss``
    and ``--target`` must not be typed."""
    if o.target is not None:
        raise RegtraceError(
            "--target is a data loss of its own (1/2*||w - target||^2); leave it out with "
            "--data/--x/--y"
        )
    for name, typed in (("--grad", o.grad), ("--loss", o.loss)):
        if typed is not None:
            raise RegtraceError(
                f"{name} is computed from the data; leave it out, or leave out --data/--x/--y"
            )
    _check_one_stdin(
        data=table.data, x=table.x, y=table.y, w=o.w, lam=o.lam, lam1=o.lam1, lam2=o.lam2
    )
    data = table.problem()
    w = numbers.zeros(data.n_weights) if o.w is None else numbers.vector(o.w, "--w")
    data.check_w(np.array([float(v) for v in w], dtype=np.float64))
    return TableGradient(data), w, data


def _refuse_beside_formula(o: ProblemOptions) -> None:
    """The formula gives the data loss and its gradient: no other source of them."""
    typed = {
        "--grad": o.grad,
        "--loss": o.loss,
        "--target": o.target,
        "--data/--x/--y": o.table is not None and o.table.given,
    }
    for option, value in typed.items():
        if value is not None and value is not False:
            raise RegtraceError(
                f"{option} and --loss-fn both give the data loss; L(w) and dL/dw come from "
                f"--loss-fn, so leave out {option}"
            )


def _formula_source(text: str, o: ProblemOptions, numbers: _Reader) -> tuple[FormulaGradient, Any]:
    """The loss formula, differentiated in as many weights as ``--w`` has (default: zeros,
    one per weight the formula names) and evaluated at ``--w`` (a value that is not finite,
    or with ``--exact`` a gradient that is not rational, is refused here)."""
    from regtrace.parse.formula import parse_formula

    _check_one_stdin(loss_fn=text, w=o.w, lam=o.lam, lam1=o.lam1, lam2=o.lam2)
    formula = parse_formula(text)  # before SymPy loads: a bad formula fails fast
    w = numbers.vector(o.w, "--w") if o.w is not None else numbers.zeros(formula.n_weights)
    from regtrace.engine.formula import FormulaLoss

    source = FormulaGradient(FormulaLoss.build(formula, len(w)))
    source.evaluate(w)
    return source, w


def _target_source(o: ProblemOptions, numbers: _Reader) -> tuple[QuadraticTarget, Any]:
    """The quadratic loss ``1/2*||w - target||^2``: no ``--grad``; ``w`` starts at 0."""
    assert o.target is not None
    check_target_alone(o.grad, w=o.w, target=o.target, lam=o.lam, lam1=o.lam1, lam2=o.lam2)
    target = numbers.vector(o.target, "--target")
    if numbers.exact:
        w = numbers.zeros(len(target)) if o.w is None else numbers.vector(o.w, "--w")
        if len(w) != len(target):
            raise RegtraceError(
                f"w has {len(w)} values but target has {len(target)}; give one target per weight"
            )
        return QuadraticTarget(target), w
    from regtrace.engine.trajectory import check_data

    w_vec = np.zeros_like(target) if o.w is None else parse_vector(o.w, "--w")
    w_vec, _, checked = check_data(w_vec, None, target)
    assert checked is not None  # check_data returns the target it was given; for mypy
    return QuadraticTarget(checked), w_vec
