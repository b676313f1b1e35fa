"""``regtrace sweep``: final weights over several strengths, or the regularization path."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regtrace.cli.options import (
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
    LamsOpt,
    LossFnOpt,
    LrOpt,
    ModelOpt,
    PenaltyOpt,
    PlotFileOpt,
    PlotOpt,
    PlotScale,
    PlotScaleOpt,
    SweepStepsOpt,
    TargetOpt,
    WOpt,
    XOpt,
    YOpt,
)
from regtrace.engine.choices import Model
from regtrace.regularizers import L1Method, L2Form
from regtrace.render.formats import OutputFormat

HELP = """Final weights per penalty and lam, as a table: how the strength changes the result.

With --steps N it runs N steps at each lam (fixed --grad, the loss
L = 1/2*||w - target||^2 with --target, or a formula with --loss-fn). With --target and no
--steps it shows where each penalty's optimum lies for each lam: the regularization path,
where L1 weights hit exactly 0 one by one and L2 weights only shrink.

With a table (--data FILE.csv, or --x and --y) and no --steps it draws the regularization
path of the linear or logistic model: w* for each lam, like scikit-learn's lasso_path.

--lam PATTERN gives each weight its own share of the strength: the strengths are
lam x PATTERN for each lam swept, so --lam 1,0 leaves the second weight (a bias) unpenalized.

--exact computes with exact rationals from the text typed (a fixed --grad, a --target or
a --loss-fn; --lams as a list), so a weight that lands on 0 prints 0, not float noise.
"""

EPILOG = """Examples:

  regtrace sweep    (the built-in example, 10 steps at lam 0, 0.01, 0.1, 1)

  regtrace sweep --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05 --lr 0.1 --steps 10 --lams 0,0.01,0.1,1

  regtrace sweep --target 3.5,2.1,-0.4 --lams 1e-3:10:9 --penalty l2,l1

  regtrace sweep --target 3.5,2.1,-0.4 --lams 1e-3:10:25 --plot --plot-file path.svg

  regtrace sweep --data scores.csv --intercept --penalty l1 --lams 0.01:1:5 --plot

  regtrace sweep --exact --w 1 --grad 0 --steps 20 --penalty l1 --lams 0.5

  regtrace sweep --target 3.5,2.1 --lam 1,0 --lams 0.1,1 --penalty l2
"""

BUILTIN_STEPS = 10
"""Steps per lam when ``sweep`` runs the built-in example (no --w, --grad, --target)."""


SweepLamOpt = Annotated[
    str | None,
    typer.Option(
        "--lam",
        metavar="PATTERN",
        help="A per-weight strength pattern that each of --lams scales: --lam 1,0 with --lams "
        "0.1 penalizes w0 with 0.1 and leaves w1 (a bias) unpenalized. Default: every weight "
        "gets the swept lam itself.",
        show_default=False,
    ),
]


SweepOutOpt = Annotated[
    str | None,
    typer.Option(
        "--out",
        metavar="PATH",
        help="Also save the final weights: .npy (one penalty: a row per lam, in the order of "
        "--lams), .npz (one such array per penalty), .csv or .json (as --format). Written "
        "atomically; never an input file.",
        show_default=False,
    ),
]


def sweep_command(
    w: WOpt = None,
    grad: GradOpt = None,
    target: TargetOpt = None,
    loss_fn: LossFnOpt = None,
    lams: LamsOpt = "0,0.01,0.1,1",
    lam: SweepLamOpt = None,
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
    plot_scale: PlotScaleOpt = PlotScale.SHARED,
    data: DataOpt = None,
    x: XOpt = None,
    y: YOpt = None,
    model: ModelOpt = Model.LINEAR,
    data_loss: DataLossOpt = None,
    intercept: InterceptOpt = False,
    exact: ExactOpt = False,
    out: SweepOutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Final weights per penalty and lam, or the regularization path."""
    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.emit import TextView, check_plot_options, emit, refuse_unused
    from regtrace.cli.inputs import ProblemOptions, resolve_problem
    from regtrace.cli.output import allow_replacing
    from regtrace.cli.step import out_target
    from regtrace.engine.problem import FormulaGradient, sweep_problem
    from regtrace.errors import RegtraceError
    from regtrace.render.jsonfmt import HasDict
    from regtrace.render.plotdata import PlotSpec, sweep_plot
    from regtrace.render.sweep import SweepText

    allow_replacing(force)
    check_plot_options(output_format, plot, plot_file)
    refuse_unused(output_format, exact=exact, out=out, plot=plot, plot_file=plot_file)
    if exact and (plot or plot_file is not None):
        raise RegtraceError(
            "--exact prints exact numbers; a plot shows floats (leave out --exact for --plot "
            "or --plot-file)"
        )
    for name, typed in (("--lr", lr), ("--w", w)):
        if steps is None and typed is not None and grad is None and loss_fn is None:
            raise RegtraceError(
                f"{name} sets up a run; the regularization path (no --steps) does not depend "
                f"on it: give --steps N, or leave out {name}"
            )
    options = ProblemOptions(
        w=w, grad=grad, target=target, lam=lam, lr=lr, penalty=penalty, lam1=lam1,
        lam2=lam2, l2_form=l2_form.value, l1_method=l1_method.value, exact=exact,
        table=DataOptions(data, x, y, model, data_loss, intercept), lam_pattern=True,
        loss_fn=loss_fn,
    )  # fmt: skip
    target_file = None if out is None else out_target(out, options)
    problem = resolve_problem(options)
    if steps is None and problem.example:  # bare `regtrace sweep`: the built-in example's loop
        steps = BUILTIN_STEPS
    swept = _lams(lams, exact)
    _check_sweep_output_size(len(problem.w), len(swept), problem)
    if exact and steps is not None:
        from regtrace.engine.exactrun import MAX_EXACT_STEPS

        if steps > MAX_EXACT_STEPS:
            raise RegtraceError(
                f"--exact runs at most {MAX_EXACT_STEPS} steps (exact fractions grow every "
                f"step), not {steps}; leave out --exact for longer runs"
            )
    result = sweep_problem(problem, lams=swept, steps=steps)
    report: HasDict = result
    view: TextView
    spec = PlotSpec((), None)
    if exact:
        from regtrace.cli.run_exact import ExactJson
        from regtrace.engine.sweep import SweepReport

        assert isinstance(result, SweepReport)
        report, view = ExactJson(result), SweepText(result, digits, exact=True)
    elif problem.table is not None:
        from regtrace.engine.datarun import DataSweepReport
        from regtrace.render.datarun import DataSweepText

        assert isinstance(result, DataSweepReport)
        view = DataSweepText(result, digits)
        spec = sweep_plot(result.sweep)
    else:
        from regtrace.engine.sweep import SweepReport

        assert isinstance(result, SweepReport)
        view, spec = SweepText(result, digits), sweep_plot(result)
    if isinstance(problem.source, FormulaGradient):
        from regtrace.render.formula import FormulaJson, FormulaText

        report = FormulaJson(report, problem.source.formula)
        view = FormulaText(view, problem.source.formula, digits=digits)
    if target_file is not None:
        from regtrace.engine.datarun import DataSweepReport
        from regtrace.render.jsonfmt import to_json

        points = (result.sweep if isinstance(result, DataSweepReport) else result).results
        finals: dict[str, list[Any]] = {}
        for point in points:  # in the order of --lams
            finals.setdefault(point.penalty.kind.value, []).append(point.w_final)
        import numpy as np

        arrays = {name: np.asarray(rows, dtype=np.float64) for name, rows in finals.items()}
        shown, text = report, view
        target_file.save(arrays, lambda fmt: to_json(shown) if fmt == "json" else text.csv())
    emit(
        report, view, spec, output_format=output_format, plot=plot, plot_file=plot_file,
        plot_scale=plot_scale,
    )  # fmt: skip


def _lams(text: str, exact: bool) -> Any:
    """The swept strengths: floats, or with ``--exact`` the fractions typed (a list only)."""
    from regtrace.parse.lams import parse_lams

    if not exact:
        return parse_lams(text)
    if ":" in text:
        from regtrace.errors import RegtraceError

        raise RegtraceError(
            "--lams: a log-spaced range is not exact; with --exact list the strengths, "
            "e.g. 0,1/100,1/10,1"
        )
    from regtrace.parse.exact import parse_exact_vector

    return parse_exact_vector(text, "--lams")


def _check_sweep_output_size(n: int, n_lams: int, problem: Any) -> None:
    """Refuse, before any work, a sweep whose final weights (and per-weight strengths, with a
    ``--lam`` pattern) would pass the output size limit."""
    from regtrace.cli.output import check_output_size

    per_point = 2 * n if problem.regularization.lam is not None else n  # lam, w_final
    check_output_size(
        n_lams * len(problem.regularization.kinds) * per_point,
        f"the sweep ({n_lams:,} lams x {n:,} weights)",
        "sweep fewer lams or fewer weights",
    )
