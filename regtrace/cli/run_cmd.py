"""``regtrace run``: N gradient steps under each penalty, as a trajectory.

(Not ``cli/run.py``: that name would shadow :func:`regtrace.cli.run`, the program itself.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from regtrace.cli.optimizer_options import with_optimizer_options
from regtrace.cli.options import (
    ConventionOpt,
    DataLossOpt,
    DataOpt,
    DigitsOpt,
    EveryOpt,
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
    LrOpt,
    ModelChoice,
    ModelOpt,
    OptimizerOpt,
    OutOpt,
    OutputFormat,
    PenaltyOpt,
    PlotFileOpt,
    PlotOpt,
    RunStepsOpt,
    TargetOpt,
    WeightDecayOpt,
    WOpt,
    XOpt,
    YOpt,
)
from regtrace.regularizers import L1Method, L2Form

if TYPE_CHECKING:
    from regtrace.cli.dataoptions import DataOptions

HELP = """N gradient steps under L2 and L1 (or elastic net), side by side.

The data gradient is fixed (--grad, as in the blog's loop) or comes from the loss
L = 1/2*||w - target||^2 (--target): then each penalty's fixed point is shown beside where
the run ended. With a table (--data FILE.csv, or --x and --y) the gradient of a linear or
logistic loss is recomputed at every step, and the regularized solution w* (the closed form
for linear L2) is shown with the distance to it. Notes say where an L1 weight reaches
exactly 0 or changes sign; a run that diverges (|1 - 2*lr*lam| > 1) or overflows is an
error, not a table of inf.

--exact computes with exact rationals from the text typed (0.1 is exactly 1/10, 1/3 is
accepted) for a fixed --grad or a --target, and prints exact decimals (fractions where a
decimal would not end); at most 1000 steps, as the fractions grow every step.

--loss-fn "(w0 - 3)^2 + 2*w1^2" takes the data loss as a formula and recomputes its exact
derivative at every step (with --exact too, while the values stay rational).

--optimizer momentum|nesterov|adam|adamw|rmsprop|adagrad runs that optimizer (PyTorch, Keras
or optax order, --convention) from a fresh state for each penalty.
"""

EPILOG = """Examples:

  regtrace run    (the blog's example: w=2.5,-0.8,0.1, grad=-0.2,0.1,-0.05, 10 steps)

  regtrace run --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05 --lam 0.1 --lr 0.1 --steps 10

  regtrace run --target 3.5,2.1 --lam 0.5 --steps 40 --every 10 --l1-method proximal

  regtrace run --target 3.5,2.1 --lam 0.5 --steps 40 --plot

  regtrace run --exact --w 1/3,0.1 --grad 0.2,-0.05 --penalty l2,l1 --steps 3

  regtrace run --w @w.npy --grad @g.npy --steps 100 --format json > run.json

  regtrace run --w @w.npy --grad @g.npy --lam 0.01 --lr 0.1 --steps 100 --out result.npz

  regtrace run --loss-fn "(1 - w0)^2 + 100*(w1 - w0^2)^2" --w 0,0 --lr 0.001 --steps 1000

  regtrace run --data scores.csv --intercept --penalty l2,l1 --lam 0.1 --steps 200 --every 50

  regtrace run --target 3.5,2.1 --optimizer adamw --weight-decay 0.1 --steps 20 --penalty none
"""


@with_optimizer_options(states=False)
def run_command(
    w: WOpt = None,
    grad: GradOpt = None,
    target: TargetOpt = None,
    loss_fn: LossFnOpt = None,
    lam: LamOpt = None,
    lr: LrOpt = None,
    steps: RunStepsOpt = 10,
    every: EveryOpt = None,
    penalty: PenaltyOpt = "l2,l1",
    lam1: Lam1Opt = None,
    lam2: Lam2Opt = None,
    l2_form: L2FormOpt = L2Form.LAMBDA,
    l1_method: L1MethodOpt = L1Method.SUBGRADIENT,
    output_format: FormatOpt = OutputFormat.TABLE,
    digits: DigitsOpt = 12,
    plot: PlotOpt = False,
    plot_file: PlotFileOpt = None,
    optimizer: OptimizerOpt = None,
    convention: ConventionOpt = None,
    weight_decay: WeightDecayOpt = None,
    data: DataOpt = None,
    x: XOpt = None,
    y: YOpt = None,
    model: ModelOpt = ModelChoice.LINEAR,
    data_loss: DataLossOpt = None,
    intercept: InterceptOpt = False,
    out: OutOpt = None,
    exact: ExactOpt = False,
    hyper: Mapping[str, str | bool | None] | None = None,
) -> None:
    """N gradient steps under L2 and L1 (or elastic net), side by side."""
    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.emit import TextView, check_plot_options, emit
    from regtrace.cli.inputs import parse_penalties, resolve
    from regtrace.cli.optimizer_options import OptimizerOptions
    from regtrace.engine.trajectory import RuleFactory, gradient_descent, run
    from regtrace.render.jsonfmt import HasDict
    from regtrace.render.plotdata import run_plot
    from regtrace.render.trajectory import RunText

    check_plot_options(output_format, plot, plot_file)
    table = DataOptions(data, x, y, model, data_loss, intercept)
    options = OptimizerOptions(
        optimizer=None if optimizer is None else optimizer.value,
        convention=None if convention is None else convention.value,
        weight_decay=weight_decay,
        hyper=hyper or {},
    )
    target_file = None
    if out is not None:  # the writer's modules load only when a file is asked for
        from regtrace.cli.outfile import check_out
        from regtrace.errors import RegtraceError

        if table.given:
            raise RegtraceError(
                "--out saves runs on --w/--grad or --target; it does not work with "
                "--data/--x/--y yet"
            )
        target_file = check_out(
            out,
            {
                "--w": w,
                "--grad": grad,
                "--target": target,
                "--lam": lam,
                "--lam1": lam1,
                "--lam2": lam2,
            },
            tuple(k.value for k in parse_penalties(penalty)),
        )
    if loss_fn is not None:
        _formula_run(
            loss_fn, table=table.given, options=options.given, w=w, grad=grad, target=target,
            lam=lam, lr=lr, steps=steps, every=every, penalty=penalty, lam1=lam1, lam2=lam2,
            l2_form=l2_form.value, l1_method=l1_method.value, output_format=output_format,
            digits=digits, plot=plot, plot_file=plot_file, exact=exact, out=out,
        )  # fmt: skip
        return
    if exact:  # its own small path: the float run below never loads the exact modules
        from regtrace.cli.run_exact import emit_exact_run, exact_run_report, refuse

        refuse(optimizer=options.given, table=table.given, plot=plot, plot_file=plot_file)
        exact_report = exact_run_report(
            w=w, grad=grad, target=target, lam=lam, lr=lr, steps=steps, every=every,
            penalty=penalty, lam1=lam1, lam2=lam2, l2_form=l2_form.value,
            l1_method=l1_method.value,
        )  # fmt: skip
        emit_exact_run(
            exact_report, output_format=output_format, digits=digits, target_file=target_file
        )
        return
    if table.given:
        _data_run(
            table, w=w, grad=grad, target=target, lam=lam, lr=lr, steps=steps, every=every,
            penalty=penalty, lam1=lam1, lam2=lam2, l2_form=l2_form.value,
            l1_method=l1_method.value, output_format=output_format, digits=digits, plot=plot,
            plot_file=plot_file, optimizer=optimizer is not None,
        )  # fmt: skip
        return
    inputs = resolve(
        w=w,
        grad=grad,
        lam=lam,
        lr=lr,
        loss=None,
        penalty=penalty,
        lam1=lam1,
        lam2=lam2,
        target=target,
    )
    spec = None
    rule: RuleFactory = gradient_descent
    if options.given:
        from regtrace.cli.optimizer_inputs import optimizer_spec
        from regtrace.engine.optimizers import optimizer_rules

        spec = optimizer_spec(options, lr=inputs.lr, n=inputs.w.size)
        rule = optimizer_rules(spec)
    report = run(
        inputs.w,
        None if inputs.target is not None else inputs.grad,
        target=inputs.target,
        steps=steps,
        every=every,
        lam=inputs.lam,
        lr=inputs.lr,
        penalties=inputs.penalties,
        lam1=inputs.lam1,
        lam2=inputs.lam2,
        l2_form=l2_form.value,
        l1_method=l1_method.value,
        rule=rule,
    )
    shown: HasDict = report
    text: TextView = RunText(report, digits)
    if spec is not None:
        from regtrace.render.optimizer_run import (
            OptimizerRunReport,
            OptimizerRunText,
            optimizer_run,
        )

        report = optimizer_run(report, spec)
        shown, text = OptimizerRunReport(report, spec), OptimizerRunText(report, digits, spec)
    if target_file is not None:
        from regtrace.render.jsonfmt import to_json

        target_file.save(
            {t.penalty.kind.value: t.w_final for t in report.results},
            lambda fmt: to_json(shown) if fmt == "json" else text.csv(),
        )
    emit(
        shown,
        text,
        run_plot(report),
        output_format=output_format,
        plot=plot,
        plot_file=plot_file,
    )


def _formula_run(
    loss_fn: str,
    *,
    table: bool,
    options: bool,
    grad: str | None,
    target: str | None,
    output_format: OutputFormat,
    digits: int,
    plot: bool,
    plot_file: str | None,
    exact: bool,
    out: str | None,
    **run: Any,
) -> None:
    """``run --loss-fn``: the formula's gradient at every step (see ``cli/formula_inputs``)."""
    from regtrace.cli import formula_inputs
    from regtrace.cli.emit import emit
    from regtrace.render.formula import FormulaRunText
    from regtrace.render.plotdata import PlotSpec, run_plot

    formula_inputs.refuse_typed(grad=grad, target=target, table=table, optimizer=options, out=out)
    if exact:
        from regtrace.cli.run_exact import refuse

        refuse(optimizer=False, table=False, plot=plot, plot_file=plot_file)
    report = formula_inputs.formula_run(loss_fn, exact=exact, **run)
    emit(
        report,
        FormulaRunText(report, digits),
        PlotSpec((), None) if exact else run_plot(report.run),
        output_format=output_format,
        plot=plot,
        plot_file=plot_file,
    )


def _data_run(
    table: DataOptions,
    *,
    w: str | None,
    grad: str | None,
    target: str | None,
    lam: str | None,
    lr: str | None,
    steps: int,
    every: int | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
    l2_form: str,
    l1_method: str,
    output_format: OutputFormat,
    digits: int,
    plot: bool,
    plot_file: str | None,
    optimizer: bool,
) -> None:
    """``run`` on a table: the data gradient at every step, and ``w*`` beside the run."""
    from regtrace.cli.datainputs import resolve_data_command
    from regtrace.cli.emit import emit
    from regtrace.engine.datarun import run_data
    from regtrace.errors import RegtraceError
    from regtrace.render.datarun import DataRunText
    from regtrace.render.plotdata import run_plot

    if optimizer:
        raise RegtraceError(
            "--optimizer with --data/--x/--y is not supported by run yet; use plain gradient "
            "descent, or step --optimizer for one step on the table"
        )
    problem, inputs = resolve_data_command(
        table, w=w, grad=grad, target=target, lam=lam, lr=lr, penalty=penalty, lam1=lam1,
        lam2=lam2,
    )  # fmt: skip
    report = run_data(
        problem,
        inputs.w,
        steps=steps,
        every=every,
        lam=inputs.lam,
        lr=inputs.lr,
        penalties=inputs.penalties,
        lam1=inputs.lam1,
        lam2=inputs.lam2,
        l2_form=l2_form,
        l1_method=l1_method,
    )
    emit(
        report,
        DataRunText(report, digits),
        run_plot(report.run),
        output_format=output_format,
        plot=plot,
        plot_file=plot_file,
    )
