"""``regtrace step``: one gradient step under each penalty, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from regtrace.cli.optimizer_options import with_optimizer_options
from regtrace.cli.options import (
    CompareOpt,
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
    LayoutOpt,
    LossFnOpt,
    LossOpt,
    LrOpt,
    ModelChoice,
    ModelOpt,
    OptimizerOpt,
    OutOpt,
    OutputFormat,
    PenaltyMaybeOpt,
    ShowWorkOpt,
    StepNumberOpt,
    WeightDecayOpt,
    WOpt,
    XOpt,
    YOpt,
)
from regtrace.regularizers import L1Method, L2Form
from regtrace.render.layout import Layout

if TYPE_CHECKING:
    from regtrace.cli.inputs import TraceInputs
    from regtrace.cli.optimizer_options import OptimizerOptions
    from regtrace.engine.data import DataEval
    from regtrace.render.formula import FormulaShown

HELP = """One gradient-descent step under L2 and L1 (or elastic net), side by side.

For each weight: the penalty term, the full gradient dL/dw + penalty term, the update
-lr x full gradient and the new weight, then the regularized loss with its arithmetic.
With no --w and --grad it traces the blog's example.

With a table (--data FILE.csv, or --x and --y) the data loss and its gradient are computed
from a linear or logistic model (--model, --data-loss) and shown row by row first.

With --loss-fn "(w0 - 3)^2 + 2*w1^2" the data loss is a formula: L(w) and each partial
derivative dL/dw_i are computed exactly and shown (--show-work substitutes w into each).

--optimizer momentum|nesterov|adam|adamw|rmsprop|adagrad traces that optimizer instead, with
the state of each of its transforms (momentum buffer; Adam's m, v, m_hat, v_hat; RMSprop's
average of g^2; Adagrad's sum; the per-weight step size), following PyTorch, Keras or optax
exactly (--convention); --compare puts others beside it.
"""

EPILOG = """Examples:

  regtrace step    (the built-in example: w=2.5,-0.8,0.1, grad=-0.2,0.1,-0.05)

  regtrace step --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05 --lam 0.01 --lr 0.1 --loss 1.2

  regtrace step --show-work --penalty l2 --l2-form half

  regtrace step --penalty elastic --lam1 0.01 --lam2 0.05 --l1-method proximal

  regtrace step --w @w.npy --grad @g.npy --format json > trace.json

  regtrace step --exact --w 1/3,0.1 --grad 0.2,-0.05 --penalty l2 --show-work

  regtrace step --format latex --show-work --penalty l2 > step.tex

  regtrace step --w @w.npy --grad @g.npy --penalty l2 --out w_new.npy

  echo 1,2,3 | regtrace step --w - --grad 0.1,0.1,0.1 --lam 0.01,0,0.01

  regtrace step --loss-fn "(w0 - 3)^2 + 2*w1^2" --w 1,1 --lam 0.1 --lr 0.1 --show-work

  regtrace step --x "1; 2; 3" --y 2,3,5 --w 1,0 --intercept --penalty l2 --show-work

  regtrace step --data scores.csv --model logistic --w 0,0 --lam 0.1

  regtrace step --optimizer adam --compare adamw --weight-decay 0.02

  regtrace step --optimizer nesterov --momentum 0.9 --convention keras

  regtrace step --optimizer rmsprop --centered --compare adagrad --convention optax

  regtrace step --optimizer adam --t 2 --m -0.02,0.01 --v 4e-5,1e-5 --w 2.6,-0.9 --grad -0.1,0.2
"""


@with_optimizer_options(states=True)
def step_command(
    w: WOpt = None,
    grad: GradOpt = None,
    lam: LamOpt = None,
    lr: LrOpt = None,
    loss: LossOpt = None,
    loss_fn: LossFnOpt = None,
    penalty: PenaltyMaybeOpt = None,
    lam1: Lam1Opt = None,
    lam2: Lam2Opt = None,
    l2_form: L2FormOpt = L2Form.LAMBDA,
    l1_method: L1MethodOpt = L1Method.SUBGRADIENT,
    output_format: FormatOpt = OutputFormat.TABLE,
    digits: DigitsOpt = 12,
    show_work: ShowWorkOpt = False,
    layout: LayoutOpt = Layout.AUTO,
    exact: ExactOpt = False,
    optimizer: OptimizerOpt = None,
    compare: CompareOpt = None,
    convention: ConventionOpt = None,
    weight_decay: WeightDecayOpt = None,
    t: StepNumberOpt = None,
    data: DataOpt = None,
    x: XOpt = None,
    y: YOpt = None,
    model: ModelOpt = ModelChoice.LINEAR,
    data_loss: DataLossOpt = None,
    intercept: InterceptOpt = False,
    out: OutOpt = None,
    hyper: Mapping[str, str | bool | None] | None = None,
    states: Mapping[str, str | None] | None = None,
) -> None:
    """One gradient-descent step under L2 and L1 (or elastic net), side by side."""
    from collections.abc import Callable

    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.emit import emit_step, save_step
    from regtrace.cli.inputs import (
        ExactInputs,
        TraceInputs,
        parse_penalties,
        resolve,
        resolve_exact,
    )
    from regtrace.cli.optimizer_options import OptimizerOptions
    from regtrace.engine.step import StepReport, step

    options = OptimizerOptions(
        optimizer=None if optimizer is None else optimizer.value,
        compare=compare,
        convention=None if convention is None else convention.value,
        weight_decay=weight_decay,
        hyper=hyper or {},
        t=t,
        states=states or {},
    )
    if penalty is None:  # with an optimizer the default is no loss-side penalty
        penalty = "none" if options.given else "l2,l1"
    if options.given and exact:
        from regtrace.errors import RegtraceError

        raise RegtraceError(
            "--exact works with plain sgd only; an optimizer's sqrt(v_hat) is not rational"
        )
    target = None
    if out is not None:  # the writer's modules load only when a file is asked for
        from regtrace.cli.outfile import check_out

        if options.given:
            from regtrace.errors import RegtraceError

            raise RegtraceError(
                "--out saves plain gradient steps; it does not work with --optimizer yet"
            )
        target = check_out(
            out,
            {
                "--w": w,
                "--grad": grad,
                "--lam": lam,
                "--lam1": lam1,
                "--lam2": lam2,
                "--x": x,
                "--y": y,
                "--data": None if data is None else f"@{data}",
            },
            tuple(k.value for k in parse_penalties(penalty)),
        )

    # --exact reads the same options as fractions and runs the same step in rationals; with
    # a table the data gradient is computed in floats (a logistic loss has no exact value).
    compute: Callable[..., StepReport] = step
    inputs: TraceInputs | ExactInputs
    table = DataOptions(data, x, y, model, data_loss, intercept)
    evaluation = None
    formula = None
    if loss_fn is not None:
        from regtrace.cli import formula_inputs

        formula_inputs.refuse_typed(grad=grad, loss=loss, table=table.given)
        resolve_formula = (
            formula_inputs.resolve_formula_exact if exact else formula_inputs.resolve_formula_trace
        )
        inputs, _, formula = resolve_formula(
            loss_fn, w=w, lam=lam, lr=lr, penalty=penalty, lam1=lam1, lam2=lam2
        )
        if exact:
            from regtrace.engine.exact import exact_step

            compute = exact_step
    elif table.given:
        from regtrace.cli.datainputs import resolve_data_trace

        table.refuse_exact(exact)
        inputs, evaluation = resolve_data_trace(
            table, w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1,
            lam2=lam2,
        )  # fmt: skip
    elif exact:
        from regtrace.engine.exact import exact_step

        compute = exact_step
        inputs = resolve_exact(
            w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1, lam2=lam2
        )
    else:
        inputs = resolve(
            w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1, lam2=lam2
        )
    if options.given:
        assert isinstance(inputs, TraceInputs)  # --exact was refused above
        _optimizer_step(
            inputs, options, l2_form, l1_method, output_format, digits, show_work, layout,
            evaluation, formula,
        )  # fmt: skip
        return
    report = compute(
        inputs.w,
        inputs.grad,
        lam=inputs.lam,
        lr=inputs.lr,
        loss=inputs.loss,
        penalties=inputs.penalties,
        lam1=inputs.lam1,
        lam2=inputs.lam2,
        l2_form=l2_form.value,
        l1_method=l1_method.value,
    )
    if target is not None:
        save_step(report, target, digits=digits, exact=exact)
    emit_step(
        report,
        output_format=output_format,
        digits=digits,
        show_work=show_work,
        layout=layout,
        builtin=inputs.builtin,
        exact=exact,
        data=evaluation,
        formula=formula,
    )


def _optimizer_step(
    inputs: TraceInputs,
    options: OptimizerOptions,
    l2_form: L2Form,
    l1_method: L1Method,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: Layout,
    evaluation: DataEval | None = None,
    formula: FormulaShown | None = None,
) -> None:
    """``step`` with an optimizer: trace its state, side by side with ``--compare``; with a
    table, ``evaluation`` is its data part, drawn first."""
    from regtrace.cli.emit import emit_optimizer_step
    from regtrace.cli.optimizer_inputs import optimizer_report

    report = optimizer_report(
        inputs,
        options,
        l2_form=l2_form.value,
        proximal=l1_method is L1Method.PROXIMAL,
    )
    emit_optimizer_step(
        report,
        output_format=output_format,
        digits=digits,
        show_work=show_work,
        layout=layout,
        builtin=inputs.builtin,
        data=evaluation,
        formula=formula,
    )
