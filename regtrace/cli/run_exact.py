"""``regtrace run --exact``: the run read exactly from the text typed, shown exactly.

The inputs are :func:`regtrace.cli.inputs.resolve_exact`'s (``0.1`` is ``1/10``, ``1/3`` is
accepted), or for ``--target`` the target read the same way; the engine is
:func:`regtrace.engine.exactrun.exact_run`; the text is the float run's
:class:`~regtrace.render.trajectory.RunText` with exact numbers. Loaded only with ``--exact``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from regtrace import examples
from regtrace.cli.inputs import ExactInputs, check_target_alone, parse_penalties, resolve_exact
from regtrace.cli.options import OutputFormat
from regtrace.engine.trajectory import RunReport
from regtrace.errors import RegtraceError
from regtrace.parse.exact import parse_exact_scalar, parse_exact_vector

if TYPE_CHECKING:
    from regtrace.cli.outfile import OutTarget


@dataclass(frozen=True)
class ExactRunJson:
    """The run's JSON (docs/design.md), numbers as the nearest floats, plus ``"exact": true``."""

    report: RunReport

    def to_dict(self) -> dict[str, Any]:
        """``RunReport.to_dict()`` with ``exact`` last, as ``step --exact`` writes it."""
        return {**self.report.to_dict(), "exact": True}


def refuse(*, optimizer: bool, table: bool, plot: bool, plot_file: str | None) -> None:
    """One line naming what ``--exact`` cannot do, before any work."""
    if optimizer:
        raise RegtraceError(
            "--exact works with plain gradient descent only; an optimizer's sqrt(v_hat) is "
            "not rational"
        )
    if table:
        raise RegtraceError(
            "--exact works with a typed --grad or --target; with --data/--x/--y the data "
            "gradient is computed in floating point (leave out --exact)"
        )
    if plot or plot_file is not None:
        raise RegtraceError(
            "--exact prints exact numbers; a plot shows floats (leave out --exact for --plot "
            "or --plot-file)"
        )


def _target_inputs(
    *,
    w: str | None,
    grad: str | None,
    target: str,
    lam: str | None,
    lr: str | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
) -> tuple[ExactInputs, list[Fraction]]:
    """``--target`` read exactly; ``w`` starts at 0 unless given (as the float path)."""
    check_target_alone(grad, w=w, target=target, lam=lam, lam1=lam1, lam2=lam2)
    t = parse_exact_vector(target, "--target")
    w0 = [Fraction(0)] * len(t) if w is None else parse_exact_vector(w, "--w")
    inputs = ExactInputs(
        w=w0,
        grad=[],
        lam=parse_exact_vector(examples.EXAMPLE_LAM if lam is None else lam, "--lam"),
        lr=parse_exact_scalar(examples.EXAMPLE_LR if lr is None else lr, "--lr"),
        loss=None,
        penalties=parse_penalties(penalty),
        lam1=None if lam1 is None else parse_exact_vector(lam1, "--lam1"),
        lam2=None if lam2 is None else parse_exact_vector(lam2, "--lam2"),
        builtin=False,
    )
    return inputs, t


def exact_run_report(
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
) -> RunReport:
    """The options as typed, read exactly, run exactly."""
    from regtrace.engine.exactrun import exact_run

    t: list[Fraction] | None = None
    if target is not None:
        inputs, t = _target_inputs(
            w=w, grad=grad, target=target, lam=lam, lr=lr, penalty=penalty, lam1=lam1, lam2=lam2
        )
    else:
        inputs = resolve_exact(
            w=w, grad=grad, lam=lam, lr=lr, loss=None, penalty=penalty, lam1=lam1, lam2=lam2
        )
    return exact_run(
        inputs.w,
        None if t is not None else inputs.grad,
        target=t,
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


def emit_exact_run(
    report: RunReport,
    *,
    output_format: OutputFormat,
    digits: int,
    target_file: OutTarget | None,
) -> None:
    """Write the exact run in its format (no plot: refused above), and ``--out``: arrays as
    the nearest float64 (as ``step --exact`` saves them), JSON and CSV as printed."""
    from regtrace.cli.emit import emit
    from regtrace.render.plotdata import PlotSpec
    from regtrace.render.trajectory import RunText

    shown, text = ExactRunJson(report), RunText(report, digits, exact=True)
    if target_file is not None:
        import numpy as np

        from regtrace.render.jsonfmt import to_json

        target_file.save(
            {t.penalty.kind.value: np.asarray(t.w_final, np.float64) for t in report.results},
            lambda fmt: to_json(shown) if fmt == "json" else text.csv(),
        )
    emit(
        shown,
        text,
        PlotSpec((), None),
        output_format=output_format,
        plot=False,
        plot_file=None,
    )
