"""``regtrace run``: N gradient steps under each penalty, as a trajectory.

(Not ``cli/run.py``: that name would shadow :func:`regtrace.cli.run`, the program itself.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from regtrace.cli.optimizer_options import with_optimizer_options
from regtrace.cli.options import (
    OPTIMIZER_WORDS,
    CompareOpt,
    ConventionOpt,
    DataLossOpt,
    DataOpt,
    DigitsOpt,
    EveryOpt,
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
    LossFnOpt,
    LrOpt,
    ModelOpt,
    OptimizerOpt,
    OutOpt,
    PenaltyOpt,
    PlotFileOpt,
    PlotOpt,
    PlotScale,
    PlotScaleOpt,
    RunStepsOpt,
    TargetOpt,
    WeightDecayOpt,
    WOpt,
    XOpt,
    YOpt,
)
from regtrace.engine.choices import Model
from regtrace.frozen import frozen
from regtrace.regularizers import L1Method, L2Form
from regtrace.render.formats import OutputFormat

if TYPE_CHECKING:
    from regtrace.cli.emit import TextView
    from regtrace.engine.datarun import DataRunReport
    from regtrace.engine.optimizer_spec import OptimizerSpec
    from regtrace.engine.penalties import Vector
    from regtrace.engine.problem import FormulaGradient, Problem, RunOutcome
    from regtrace.engine.trajectory import RunReport
    from regtrace.render.jsonfmt import HasDict
    from regtrace.render.plotdata import PlotSpec

HELP = f"""N gradient steps under L2 and L1 (or elastic net), side by side.

The data gradient is fixed (--grad) or comes from the loss
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

--optimizer {OPTIMIZER_WORDS} runs that optimizer (PyTorch, Keras
or optax order, --convention) from a fresh state for each penalty, on a fixed --grad, a
--target, a table or a --loss-fn; --compare puts other optimizers' runs of the same penalty
beside it.

--out FILE saves the final weights (.npy/.npz: one array per penalty, or per optimizer with
--compare) or the run as --format json/csv prints it.
"""

EPILOG = """Examples:

  regtrace run    (the built-in example: w=2.5,-0.8,0.1, grad=-0.2,0.1,-0.05, 10 steps)

  regtrace run --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05 --lam 0.1 --lr 0.1 --steps 10

  regtrace run --target 3.5,2.1 --lam 0.5 --steps 40 --every 10 --l1-method proximal

  regtrace run --target 3.5,2.1 --lam 0.5 --steps 40 --plot

  regtrace run --exact --w 1/3,0.1 --grad 0.2,-0.05 --penalty l2,l1 --steps 3

  regtrace run --w @w.npy --grad @g.npy --steps 100 --format json > run.json

  regtrace run --w @w.npy --grad @g.npy --lam 0.01 --lr 0.1 --steps 100 --out result.npz

  regtrace run --loss-fn "(1 - w0)^2 + 100*(w1 - w0^2)^2" --w 0,0 --lr 0.001 --steps 1000

  regtrace run --data scores.csv --intercept --penalty l2,l1 --lam 0.1 --steps 200 --every 50

  regtrace run --target 3.5,2.1 --optimizer adamw --weight-decay 0.1 --steps 20 --penalty none

  regtrace run --target 3.5,2.1 --optimizer adam --compare momentum,sgd --penalty l2 --steps 20

  regtrace run --data scores.csv --optimizer adam --penalty l2 --steps 50 --out w.npy
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
    plot_scale: PlotScaleOpt = PlotScale.SHARED,
    optimizer: OptimizerOpt = None,
    compare: CompareOpt = None,
    convention: ConventionOpt = None,
    weight_decay: WeightDecayOpt = None,
    data: DataOpt = None,
    x: XOpt = None,
    y: YOpt = None,
    model: ModelOpt = Model.LINEAR,
    data_loss: DataLossOpt = None,
    intercept: InterceptOpt = False,
    out: OutOpt = None,
    exact: ExactOpt = False,
    force: ForceOpt = False,
    hyper: Mapping[str, str | bool | None] | None = None,
) -> None:
    """N gradient steps under L2 and L1 (or elastic net), side by side."""
    from regtrace.cli.dataoptions import DataOptions
    from regtrace.cli.emit import check_plot_options, emit, refuse_unused
    from regtrace.cli.inputs import ProblemOptions, one_penalty, resolve_problem
    from regtrace.cli.optimizer_options import OptimizerOptions
    from regtrace.cli.output import allow_replacing
    from regtrace.engine.problem import FormulaGradient, run_problem
    from regtrace.errors import RegtraceError

    allow_replacing(force)
    check_plot_options(output_format, plot, plot_file)
    refuse_unused(output_format, exact=exact, out=out, plot=plot, plot_file=plot_file)
    options = ProblemOptions(
        w=w, grad=grad, target=target, lam=lam, lr=lr, penalty=penalty, lam1=lam1, lam2=lam2,
        l2_form=l2_form.value, l1_method=l1_method.value, exact=exact,
        table=DataOptions(data, x, y, model, data_loss, intercept),
        optimizer=OptimizerOptions(
            optimizer=None if optimizer is None else optimizer.value,
            compare=compare,
            convention=None if convention is None else convention.value,
            weight_decay=weight_decay,
            hyper=hyper or {},
        ),
        loss_fn=loss_fn,
    )  # fmt: skip
    target_file = None
    if out is not None:
        from regtrace.cli.step import out_target

        target_file = out_target(out, options)
    problem = resolve_problem(options)
    _check_run_output_size(problem, steps, every, output_format)
    if exact and (plot or plot_file is not None):
        raise RegtraceError(
            "--exact prints exact numbers; a plot shows floats (leave out --exact for --plot "
            "or --plot-file)"
        )
    compared = problem.optimizer is not None and len(problem.optimizer.kinds) > 1
    if compared:
        one_penalty(
            problem,
            "with --compare give one penalty, the same for every optimizer: add --penalty l2 "
            "(or l1, elastic, none)",
        )
        if plot or plot_file is not None:
            raise RegtraceError(
                "--plot draws one run per penalty; with --compare use --format csv or json "
                "and plot the columns, or leave out --compare"
            )
    formula = problem.source if isinstance(problem.source, FormulaGradient) else None
    outcome = run_problem(problem, steps=steps, every=every)
    views = run_views(outcome, digits, exact=exact, formula=formula)
    if target_file is not None:
        shown, text = views.shown, views.text

        def saved(fmt: str) -> str:
            if fmt != "json":
                return text.csv()
            from regtrace.render.jsonfmt import to_json

            return to_json(shown)

        target_file.save(views.finals, saved)
    emit(
        views.shown,
        views.text,
        views.plot() if plot or plot_file is not None else None,
        output_format=output_format,
        plot=plot,
        plot_file=plot_file,
        plot_scale=plot_scale,
    )


@frozen
class RunViews:
    """What ``run`` writes: the JSON object, the text, the plot (made when asked for) and the
    final weights."""

    shown: HasDict
    text: TextView
    plot: Callable[[], PlotSpec]
    finals: dict[str, Vector]


@frozen
class _WithOptimizer:
    """A result's JSON with the optimizer's settings beside the inputs."""

    report: HasDict
    spec: OptimizerSpec

    def to_dict(self) -> dict[str, Any]:
        return {**self.report.to_dict(), "optimizer": self.spec.to_dict()}


def run_views(
    outcome: RunOutcome,
    digits: int,
    *,
    exact: bool = False,
    formula: FormulaGradient | None = None,
) -> RunViews:
    """The views of a run: plain or exact, on a table, with one optimizer or several; on a
    loss ``formula`` with its lines and ``L`` at each final ``w``."""
    views = _views(outcome, digits, exact)
    if formula is None:
        return views
    from dataclasses import replace

    from regtrace.render.formula import FormulaJson, FormulaText

    if len(outcome.runs) > 1:  # --compare: one run per optimizer, of the one penalty
        ends = [
            (s.kind.value, r.results[0].w_final)
            for r, s in zip(outcome.runs, outcome.specs, strict=True)
        ]
    else:
        ends = [(t.penalty.kind.value, t.w_final) for t in outcome.run.results]
    losses = {name: formula.loss_value(w) for name, w in ends}
    labels = {t.penalty.kind.value: t.penalty.kind.label for t in outcome.run.results}
    finals = tuple((labels.get(name, name), value) for name, value in losses.items())
    return replace(
        views,
        shown=FormulaJson(views.shown, formula.formula, losses),
        text=FormulaText(views.text, formula.formula, finals, digits),
    )


def _no_plot() -> PlotSpec:
    from regtrace.render.plotdata import PlotSpec

    return PlotSpec((), None)


def _run_plot(report: RunReport) -> Callable[[], PlotSpec]:
    """The run's picture, made when asked for (:mod:`regtrace.render.plotdata` loads then)."""

    def made() -> PlotSpec:
        from regtrace.render.plotdata import run_plot

        return run_plot(report)

    return made


def _data_run_plot(data: DataRunReport) -> Callable[[], PlotSpec]:
    """The picture of a run on a table, made when asked for."""

    def made() -> PlotSpec:
        from regtrace.render.plotdata import data_run_plot

        return data_run_plot(data)

    return made


def _views(outcome: RunOutcome, digits: int, exact: bool) -> RunViews:
    from regtrace.render.trajectory import RunText

    report = outcome.run
    finals = {t.penalty.kind.value: t.w_final for t in report.results}
    if len(outcome.runs) > 1:
        from regtrace.render.run_compare import CompareRunText, compare_runs

        compared = compare_runs(outcome.runs, outcome.specs)
        finals = {
            s.kind.value: r.results[0].w_final
            for r, s in zip(compared.runs, compared.specs, strict=True)
        }
        return RunViews(compared, CompareRunText(compared, digits), _no_plot, finals)
    spec = outcome.specs[0] if outcome.specs else None
    if spec is not None:
        from regtrace.render.optimizer_run import optimizer_run

        report = optimizer_run(report, spec)
    if outcome.data:
        from dataclasses import replace

        from regtrace.render.datarun import DataRunText

        data = replace(outcome.data[0], run=report)
        shown: HasDict = data if spec is None else _WithOptimizer(data, spec)
        return RunViews(shown, DataRunText(data, digits, spec), _data_run_plot(data), finals)
    if spec is not None:
        from regtrace.render.optimizer_run import OptimizerRunReport, OptimizerRunText

        return RunViews(
            OptimizerRunReport(report, spec),
            OptimizerRunText(report, digits, spec),
            _run_plot(report),
            finals,
        )
    if exact:  # --out saves the nearest float64 arrays, as step --exact does
        import numpy as np

        from regtrace.cli.run_exact import ExactJson

        nearest = {k: np.asarray(v, np.float64) for k, v in finals.items()}
        return RunViews(ExactJson(report), RunText(report, digits, exact=True), _no_plot, nearest)
    return RunViews(report, RunText(report, digits), _run_plot(report), finals)


def _check_run_output_size(
    problem: Problem, steps: int, every: int | None, output_format: OutputFormat
) -> None:
    """Refuse, before any work, a run whose kept rows would pass the output size limit (as
    text in JSON and CSV, which print every kept weight; else as the rows kept in memory)."""
    from regtrace.cli.output import check_output_size
    from regtrace.engine.trajectory import default_every, kept_steps

    n = len(problem.w)
    runs = len(problem.regularization.kinds)
    if problem.optimizer is not None:
        runs *= len(problem.optimizer.kinds)
    kept = kept_steps(steps, every or default_every(steps, n)) if steps >= 0 else ()
    check_output_size(
        len(kept) * n * runs,
        f"the run ({len(kept):,} kept steps x {n:,} weights)",
        "keep fewer steps with a larger --every (or leave it out)",
        text=output_format in (OutputFormat.JSON, OutputFormat.CSV),
    )
