"""``regtrace step``: one gradient step under each penalty, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from regtrace.cli.optimizer_options import with_optimizer_options
from regtrace.cli.options import (
    OPTIMIZER_WORDS,
    CompareOpt,
    ConventionOpt,
    DataLossOpt,
    DataOpt,
    DigitsOpt,
    ExactOpt,
    ForceOpt,
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
    ModelOpt,
    OptimizerOpt,
    OutOpt,
    PenaltyMaybeOpt,
    ShowWorkOpt,
    StepNumberOpt,
    WeightDecayOpt,
    WOpt,
    XOpt,
    YOpt,
)
from regtrace.engine.choices import Model
from regtrace.regularizers import L1Method, L2Form
from regtrace.render.formats import OutputFormat
from regtrace.render.layout import Layout

if TYPE_CHECKING:
    from regtrace.cli.inputs import ProblemOptions
    from regtrace.cli.outfile import OutTarget
    from regtrace.engine.data import DataEval
    from regtrace.engine.formula import FormulaPoint
    from regtrace.engine.optimizers import OptimizerReport
    from regtrace.engine.problem import StepOutcome

HELP = f"""One gradient-descent step under L2 and L1 (or elastic net), side by side.

For each weight: the penalty term, the full gradient dL/dw + penalty term, the update
-lr x full gradient and the new weight, then the regularized loss with its arithmetic.
With no --w and --grad it traces the built-in example (w = 2.5,-0.8,0.1).

With a table (--data FILE.csv, or --x and --y) the data loss and its gradient are computed
from a linear or logistic model (--model, --data-loss) and shown row by row first.

With --loss-fn "(w0 - 3)^2 + 2*w1^2" the data loss is a formula: L(w) and each partial
derivative dL/dw_i are computed exactly and shown (--show-work substitutes w into each).

--optimizer {OPTIMIZER_WORDS} traces that optimizer instead, with
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
    model: ModelOpt = Model.LINEAR,
    data_loss: DataLossOpt = None,
    intercept: InterceptOpt = False,
    out: OutOpt = None,
    force: ForceOpt = False,
    hyper: Mapping[str, str | bool | None] | None = None,
    states: Mapping[str, str | None] | None = None,
) -> None:
    """One gradient-descent step under L2 and L1 (or elastic net), side by side."""
    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.emit import refuse_unused
    from regtrace.cli.inputs import ProblemOptions, one_penalty, resolve_problem
    from regtrace.cli.optimizer_options import OptimizerOptions
    from regtrace.cli.output import allow_replacing
    from regtrace.engine.problem import step_problem

    allow_replacing(force)
    refuse_unused(output_format, exact=exact, out=out, layout=layout.value)

    optimizer_options = OptimizerOptions(
        optimizer=None if optimizer is None else optimizer.value,
        compare=compare,
        convention=None if convention is None else convention.value,
        weight_decay=weight_decay,
        hyper=hyper or {},
        t=t,
        states=states or {},
    )
    if penalty is None:  # with an optimizer the default is no loss-side penalty
        penalty = "none" if optimizer_options.given else "l2,l1"
    options = ProblemOptions(
        w=w, grad=grad, lam=lam, lr=lr, loss=loss, penalty=penalty, lam1=lam1, lam2=lam2,
        l2_form=l2_form.value, l1_method=l1_method.value, exact=exact,
        table=DataOptions(data, x, y, model, data_loss, intercept), optimizer=optimizer_options,
        loss_fn=loss_fn,
    )  # fmt: skip
    target = None if out is None else out_target(out, options)
    problem = resolve_problem(options)
    _check_step_output_size(len(problem.w) * _results(problem), output_format,
                            target)  # fmt: skip
    if problem.optimizer is not None:
        one_penalty(
            problem,
            "with --optimizer give one penalty (the loss term whose gradient the optimizer "
            "sees); compare optimizers with --compare",
        )
    outcome = step_problem(problem)
    emit_step_outcome(
        outcome,
        target,
        output_format=output_format,
        digits=digits,
        show_work=show_work,
        layout=layout,
        builtin=problem.example,
        exact=exact,
    )


def out_target(out: str, options: ProblemOptions) -> OutTarget | None:
    """``--out`` checked before any work (the writer's modules load only when asked): the
    result holds one array per optimizer compared, else one per penalty."""
    from regtrace.cli.inputs import parse_penalties
    from regtrace.cli.outfile import check_out
    from regtrace.errors import RegtraceError

    names = tuple(k.value for k in parse_penalties(options.penalty))
    opt = options.optimizer
    if opt is not None and opt.given:
        from regtrace.cli.optimizer_inputs import parse_optimizers

        kinds = tuple(k.value for k in parse_optimizers(opt.optimizer, opt.compare))
        if len(kinds) > 1 and out.strip().lower().endswith(".npy"):
            raise RegtraceError(
                f"--out: a .npy file holds one array but {len(kinds)} optimizers are compared "
                f"({', '.join(kinds)}); write .npz (one array per optimizer) or leave out "
                "--compare"
            )
        names = kinds[:1]

    inputs = {
        "--w": options.w,
        "--grad": options.grad,
        "--target": options.target,
        "--lam": options.lam,
        "--lam1": options.lam1,
        "--lam2": options.lam2,
        "--loss-fn": options.loss_fn,
    }
    table = options.table
    if table is not None:
        inputs |= {"--x": table.x, "--y": table.y}
        inputs["--data"] = None if table.data is None else f"@{table.data}"
    return check_out(out, inputs, names)


def emit_step_outcome(
    outcome: StepOutcome,
    target: OutTarget | None,
    *,
    output_format: OutputFormat,
    digits: int,
    show_work: bool,
    layout: Layout,
    builtin: bool,
    exact: bool,
) -> None:
    """Save ``--out``, then write the step in its format (a plain or an optimizer step)."""
    from regtrace.cli.emit import emit_optimizer_step, emit_step, save_step
    from regtrace.engine.step import StepReport  # not the optimizer engine: start-up time

    report = outcome.report
    shown: dict[str, Any] = {
        "output_format": output_format,
        "digits": digits,
        "show_work": show_work,
        "layout": layout,
        "builtin": builtin,
        "data": outcome.data,
        "formula": outcome.formula,
    }
    if isinstance(report, StepReport):
        if target is not None:
            save_step(
                report, target, digits=digits, exact=exact, data=outcome.data,
                formula=outcome.formula,
            )  # fmt: skip
        emit_step(report, exact=exact, **shown)
        return
    if target is not None:
        _save_optimizer_step(report, target, digits, outcome.data, outcome.formula)
    emit_optimizer_step(report, **shown)


def _save_optimizer_step(
    report: OptimizerReport,
    target: OutTarget,
    digits: int,
    data: DataEval | None,
    formula: FormulaPoint | None,
) -> None:
    """``--out`` for an optimizer step: the new weights per optimizer, or the JSON/CSV that
    ``--format json|csv`` prints."""

    def text(fmt: str) -> str:
        if fmt == "json":
            from regtrace.cli.emit import step_json_extra
            from regtrace.render.jsonfmt import to_json

            return to_json(report, **step_json_extra(False, data, formula))
        from regtrace.render.csvfmt import page_csv
        from regtrace.render.step_page import optimizer_step_page

        page = optimizer_step_page(report, digits=digits, full=True, data=data, formula=formula)
        return page_csv(page)

    target.save({r.spec.kind.value: r.w_new for r in report.results}, text)


def _results(problem: Any) -> int:
    """How many results a step prints: one per penalty, or per optimizer (about twice the
    vectors of a penalty's: states, bias corrections, the direction)."""
    if problem.optimizer is not None:
        return 2 * len(problem.optimizer.kinds)
    return len(problem.regularization.kinds)


def _check_step_output_size(numbers: int, output_format: OutputFormat, target: Any) -> None:
    """Refuse, before any work, a JSON or CSV step that would pass the output size limit."""
    texts = [f"--format {output_format.value}"] if output_format.value in ("json", "csv") else []
    if target is not None and target.suffix in (".json", ".csv"):
        texts.append(f"--out {target.path}")
    for what in texts:
        from regtrace.cli.output import check_output_size

        check_output_size(
            numbers * 11,  # the CSV's 11 numbers per weight and penalty
            f"the step as {what}",
            "write the weights with --out FILE.npy (or .npz), or view the table",
        )
