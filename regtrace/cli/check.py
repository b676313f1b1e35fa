"""``regtrace check``: grade a homework answer, show the working, name the mistake."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer

from regtrace.cli.optimizer_options import with_optimizer_options
from regtrace.cli.options import (
    AnswerOpt,
    CheckPenaltyOpt,
    ConventionOpt,
    DataLossOpt,
    DataOpt,
    DigitsOpt,
    ExactOpt,
    FormatOpt,
    GradOpt,
    InterceptOpt,
    L1MethodOpt,
    L2FormOpt,
    Lam1Opt,
    Lam2Opt,
    LamOpt,
    LossFnOpt,
    LossOpt,
    LrOpt,
    ModelOpt,
    OptimizerOpt,
    QuantityOpt,
    StepNumberOpt,
    StepsOpt,
    TolOpt,
    WeightDecayOpt,
    WOpt,
    XOpt,
    YOpt,
)
from regtrace.engine.choices import Model, Quantity
from regtrace.regularizers import L1Method, L2Form, penalty_names
from regtrace.render.formats import OutputFormat
from regtrace.render.layout import Layout

CheckLayoutOpt = Annotated[
    Layout,
    typer.Option(
        "--layout",
        help="tall: a row per element (there is no wide); summary: counts, the furthest-off "
        "elements and the first wrong ones. auto: summary from 51 elements in the terminal "
        "(files and other formats always hold every element).",
    ),
]

HELP = """Grade your answer to one gradient step (or N steps) and say what went wrong.

The expected value is computed exactly from the numbers as you typed them (0.1 is 1/10).
Rule: an element is right when it equals the exact value rounded to the decimals you wrote
and those decimals keep at least 3 significant digits. For 2.515: 2.515, 2.52 and 2.51 are
right (2.515 is a tie at two decimals: either neighbour), 2.53 is wrong, 2.5 is too coarse to
tell (reported as such, and not right). --tol X instead accepts |answer - exact| <= X.

Shows each element's mark, the worked solution of the wrong ones, and the common mistake
that reproduces your answer (L2 gradient lam*w vs 2*lam*w, sign of the gradient in L1,
penalty left out, step added, lr left out, lam twice, penalty twice, lr and lam swapped, L1
for L2 and back, elastic strengths swapped; with a table: the 2 of the square, sum vs mean,
the residual's sign, the intercept penalized or left out), or two of them together. With
--steps N it says at which step your answer departs. With --optimizer: momentum's lr inside
the buffer, Nesterov's look-ahead, Adam's bias correction, eps inside the sqrt, coupled vs
decoupled decay.
Exit 0 when every element is right, 1 when any is wrong or too coarse, 2 on bad input.
With no --w and --grad it uses the built-in example (w = 2.5,-0.8,0.1).
"""

EPILOG = """Examples:

  regtrace check --penalty l2 --answer 2.515,-0.8084,0.1048    (the built-in example)

  regtrace check --w 2.5,-0.8 --grad -0.2,0.1 --lam 0.01 --lr 0.1 --answer 2.5175,-0.8092

  regtrace check --penalty l1 --quantity full-grad --answer -0.19,0.09,-0.04

  regtrace check --quantity loss --loss 1.2 --answer 1.269

  regtrace check --steps 10 --answer 2.6487,-0.7017,0.1574 --tol 1e-4

  regtrace check --exact --w 1/3 --grad 0 --lam 0.5 --lr 0.1 --answer 0.3 --format json

  regtrace check --loss-fn "(w0 - 3)^2 + 2*w1^2" --w 1,1 --lam 0.1 --steps 2 --answer 1.6764,0.3364

  regtrace check --x "1; 2; 3" --y 2,3,5 --w 1,0 --intercept --lam 0.1 --answer 1.28,0.1333

  regtrace check --x "1; 2; 3" --y 2,3,5 --intercept --steps 2 --answer 0.6,0.3 --tol 0.05

  regtrace check --quantity decay-factor --lam 0.01 --lr 0.1 --answer 0.998,0.998,0.998

  regtrace check --optimizer adamw --weight-decay 0.1 --w 2.5 --grad -0.2 --answer 2.575

  regtrace check --w @w.txt --grad @g.txt --answer @answer.txt --layout tall    (every row)
"""


@with_optimizer_options(states=True)
def check_command(
    answer: AnswerOpt,
    w: WOpt = None,
    grad: GradOpt = None,
    lam: LamOpt = None,
    lr: LrOpt = None,
    loss: LossOpt = None,
    loss_fn: LossFnOpt = None,
    penalty: CheckPenaltyOpt = None,
    lam1: Lam1Opt = None,
    lam2: Lam2Opt = None,
    l2_form: L2FormOpt = L2Form.LAMBDA,
    l1_method: L1MethodOpt = L1Method.SUBGRADIENT,
    quantity: QuantityOpt = Quantity.NEW_WEIGHT,
    steps: StepsOpt = 1,
    tol: TolOpt = None,
    exact: ExactOpt = False,
    output_format: FormatOpt = OutputFormat.TABLE,
    digits: DigitsOpt = 12,
    layout: CheckLayoutOpt = Layout.AUTO,
    data: DataOpt = None,
    x: XOpt = None,
    y: YOpt = None,
    model: ModelOpt = Model.LINEAR,
    data_loss: DataLossOpt = None,
    intercept: InterceptOpt = False,
    optimizer: OptimizerOpt = None,
    convention: ConventionOpt = None,
    weight_decay: WeightDecayOpt = None,
    t: StepNumberOpt = None,
    hyper: Mapping[str, str | bool | None] | None = None,
    states: Mapping[str, str | None] | None = None,
) -> int:
    """Grade your answer to one gradient step (or N steps) and say what went wrong."""
    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.emit import emit_check, emit_optimizer_check, refuse_unused
    from regtrace.cli.inputs import ProblemOptions, resolve_problem
    from regtrace.cli.optimizer_options import OptimizerOptions
    from regtrace.engine.problem import FormulaGradient, check_optimizer_problem, check_problem
    from regtrace.errors import ExitCode, RegtraceError
    from regtrace.parse.exact import parse_exact_scalar, vector_tokens

    refuse_unused(output_format, exact=exact)
    options = OptimizerOptions(
        optimizer=None if optimizer is None else optimizer.value,
        convention=None if convention is None else convention.value,
        weight_decay=weight_decay,
        hyper=hyper or {},
        t=t,
        states=states or {},
    )
    if options.given and exact:
        raise RegtraceError(
            "--exact works with plain gradient descent; an optimizer is graded to 15 "
            "significant digits (leave out --exact)"
        )
    if options.given and quantity is not Quantity.NEW_WEIGHT:
        raise RegtraceError(
            f"--quantity {quantity.value}: with --optimizer, check grades the new weights; "
            "leave out --quantity"
        )
    problem = resolve_problem(
        ProblemOptions(
            w=w, grad=grad, lam=lam, lr=lr, loss=loss,
            penalty=penalty or ("none" if options.given else "l2"), lam1=lam1, lam2=lam2,
            l2_form=l2_form.value, l1_method=l1_method.value, exact=not options.given,
            table=DataOptions(data, x, y, model, data_loss, intercept), optimizer=options,
            loss_fn=loss_fn,
        ),
        exact_table=True,
    )  # fmt: skip
    if len(problem.regularization.kinds) != 1:
        raise RegtraceError(
            f"--penalty: check grades one penalty at a time; give one of {penalty_names()}"
        )
    if "-" in (w, grad, lam) and answer.strip() == "-":
        raise RegtraceError("--answer and another option both read standard input; use @file")
    tokens = vector_tokens(answer, "--answer")
    tolerance = None if tol is None else parse_exact_scalar(tol, "--tol")
    if problem.optimizer is not None:
        graded = check_optimizer_problem(problem, answer=tokens, steps=steps, tol=tolerance)
        emit_optimizer_check(graded, output_format=output_format, digits=digits)
        return ExitCode.OK if graded.correct else ExitCode.WRONG_ANSWER
    result = check_problem(
        problem, answer=tokens, quantity=quantity.value, steps=steps, tol=tolerance
    )
    source = problem.source
    formula = source.evaluation(problem.w) if isinstance(source, FormulaGradient) else None
    emit_check(
        result, output_format=output_format, digits=digits, exact=exact, formula=formula,
        layout=layout,
    )  # fmt: skip
    return ExitCode.OK if result.correct else ExitCode.WRONG_ANSWER
