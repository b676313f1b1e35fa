"""``regtrace sweep``: final weights over several strengths, or the regularization path."""

from __future__ import annotations

from regtrace.cli.options import (
    DataLossOpt,
    DataOpt,
    DigitsOpt,
    FormatOpt,
    GradOpt,
    InterceptOpt,
    L1MethodOpt,
    L2FormOpt,
    Lam1Opt,
    Lam2Opt,
    LamsOpt,
    LossFnOpt,
    LrOpt,
    ModelChoice,
    ModelOpt,
    OutputFormat,
    PenaltyOpt,
    PlotFileOpt,
    PlotOpt,
    SweepStepsOpt,
    TargetOpt,
    WOpt,
    XOpt,
    YOpt,
)
from regtrace.regularizers import L1Method, L2Form

HELP = """Final weights per penalty and lam: the blog's "Lambda sensitivity" as a table.

With --steps N it runs N steps at each lam (fixed --grad, or the loss
L = 1/2*||w - target||^2 with --target). With --target and no --steps it shows where each
penalty's optimum lies for each lam: the regularization path, where L1 weights hit exactly 0
one by one and L2 weights only shrink.

With a table (--data FILE.csv, or --x and --y) and no --steps it draws the regularization
path of the linear or logistic model: w* for each lam, like scikit-learn's lasso_path.
"""

EPILOG = """Examples:

  regtrace sweep --steps 10    (the blog's Lambda sensitivity: lam in 0, 0.01, 0.1, 1)

  regtrace sweep --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05 --lr 0.1 --steps 10 --lams 0,0.01,0.1,1

  regtrace sweep --target 3.5,2.1,-0.4 --lams 1e-3:10:9 --penalty l2,l1

  regtrace sweep --target 3.5,2.1,-0.4 --lams 1e-3:10:25 --plot --plot-file path.svg

  regtrace sweep --data scores.csv --intercept --penalty l1 --lams 0.01:1:5 --plot
"""


def sweep_command(
    w: WOpt = None,
    grad: GradOpt = None,
    target: TargetOpt = None,
    loss_fn: LossFnOpt = None,
    lams: LamsOpt = "0,0.01,0.1,1",
    lr: LrOpt = None,
    steps: SweepStepsOpt = None,
    penalty: PenaltyOpt = "l2,l1",
    lam1: Lam1Opt = None,
    lam2: Lam2Opt = None,
    l2_form: L2FormOpt = L2Form.LAMBDA,
    l1_method: L1MethodOpt = L1Method.SUBGRADIENT,
    output_format: FormatOpt = OutputFormat.TABLE,
    digits: DigitsOpt = 12,
    plot: PlotOpt = False,
    plot_file: PlotFileOpt = None,
    data: DataOpt = None,
    x: XOpt = None,
    y: YOpt = None,
    model: ModelOpt = ModelChoice.LINEAR,
    data_loss: DataLossOpt = None,
    intercept: InterceptOpt = False,
) -> None:
    """Final weights per penalty and lam, or the regularization path."""
    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.emit import TextView, check_plot_options, emit
    from regtrace.cli.inputs import resolve
    from regtrace.engine.sweep import sweep
    from regtrace.parse.lams import parse_lams
    from regtrace.render.jsonfmt import HasDict
    from regtrace.render.plotdata import sweep_plot
    from regtrace.render.sweep import SweepText

    check_plot_options(output_format, plot, plot_file)
    table = DataOptions(data, x, y, model, data_loss, intercept)
    if loss_fn is not None:
        from regtrace.cli import formula_inputs
        from regtrace.engine.formula import sweep_formula
        from regtrace.render.formula import FormulaSweepText

        formula_inputs.refuse_typed(grad=grad, target=target, table=table.given)
        inputs, loss, _ = formula_inputs.resolve_formula_trace(
            loss_fn, w=w, lam=None, lr=lr, penalty=penalty, lam1=lam1, lam2=lam2
        )
        formula_report = sweep_formula(
            loss, inputs.w, lams=parse_lams(lams), steps=steps, lr=inputs.lr,
            penalties=inputs.penalties, lam1=inputs.lam1, lam2=inputs.lam2,
            l2_form=l2_form.value, l1_method=l1_method.value,
        )  # fmt: skip
        report: HasDict = formula_report
        view: TextView = FormulaSweepText(formula_report, digits)
        spec = sweep_plot(formula_report.sweep)
    elif table.given:
        from regtrace.cli.datainputs import resolve_data_command
        from regtrace.engine.datarun import sweep_data
        from regtrace.render.datarun import DataSweepText

        problem, inputs = resolve_data_command(
            table, w=w, grad=grad, target=target, lam=None, lr=lr, penalty=penalty,
            lam1=lam1, lam2=lam2,
        )  # fmt: skip
        data_report = sweep_data(
            problem,
            inputs.w,
            lams=parse_lams(lams),
            steps=steps,
            lr=inputs.lr,
            penalties=inputs.penalties,
            lam1=inputs.lam1,
            lam2=inputs.lam2,
            l2_form=l2_form.value,
            l1_method=l1_method.value,
        )
        report = data_report
        view = DataSweepText(data_report, digits)
        spec = sweep_plot(data_report.sweep)
    else:
        inputs = resolve(
            w=w,
            grad=grad,
            lam=None,
            lr=lr,
            loss=None,
            penalty=penalty,
            lam1=lam1,
            lam2=lam2,
            target=target,
        )
        typed = sweep(
            inputs.w,
            None if inputs.target is not None else inputs.grad,
            lams=parse_lams(lams),
            target=inputs.target,
            steps=steps,
            lr=inputs.lr,
            penalties=inputs.penalties,
            lam1=inputs.lam1,
            lam2=inputs.lam2,
            l2_form=l2_form.value,
            l1_method=l1_method.value,
        )
        report, view, spec = typed, SweepText(typed, digits), sweep_plot(typed)
    emit(report, view, spec, output_format=output_format, plot=plot, plot_file=plot_file)
