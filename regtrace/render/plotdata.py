"""What a picture shows, as plain data: panels of labelled (x, y) series.

The terminal plot (:mod:`regtrace.render.termplot`, plotext) and the file
(:mod:`regtrace.render.plotfile`, matplotlib) both draw a :class:`PlotSpec`, so they show the
same series, and tests check the series rather than pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from regtrace.engine.sweep import SweepReport
from regtrace.engine.trajectory import RunReport
from regtrace.render.step_text import INLINE_VECTOR_MAX

MAX_SERIES = INLINE_VECTOR_MAX  # a picture of more weights than this is a blur: the first ones


@dataclass(frozen=True)
class Series:
    """One line: a weight's values against steps or ``lam``."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]


@dataclass(frozen=True)
class Panel:
    """One plot, e.g. the L2 trajectories."""

    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    xlog: bool = False


@dataclass(frozen=True)
class PlotSpec:
    """Panels side by side."""

    panels: tuple[Panel, ...]
    note: str | None = None


def _shown(n: int) -> tuple[range, str | None]:
    if n <= MAX_SERIES:
        return range(n), None
    return range(MAX_SERIES), f"the first {MAX_SERIES} of {n} weights are drawn"


def run_plot(report: RunReport) -> PlotSpec:
    """Each weight against the step, one panel per penalty (L2 and L1 side by side)."""
    shown, note = _shown(report.w.size)
    x = tuple(float(k) for k in report.steps)
    panels = tuple(
        Panel(
            title=t.penalty.kind.label,
            xlabel="step",
            ylabel="w",
            series=tuple(
                Series(f"w{i}", x, tuple(float(v) for v in t.weights[:, i])) for i in shown
            ),
        )
        for t in report.results
    )
    return PlotSpec(panels, note)


def sweep_plot(report: SweepReport) -> PlotSpec:
    """Each final weight against ``lam``, one panel per penalty: the ridge and lasso paths.

    ``lam`` is on a log axis when every swept value is above 0 (a log axis has no 0).
    """
    shown, note = _shown(report.w.size)
    xlog = all(lam > 0 for lam in report.lams)
    panels = []
    for kind in report.kinds:
        points = report.of(kind)
        x = tuple(p.lam for p in points)
        series = tuple(
            Series(f"w{i}", x, tuple(float(p.w_final[i]) for p in points)) for i in shown
        )
        panels.append(Panel(kind.label, "lam", "w*" if report.path else "w_final", series, xlog))
    return PlotSpec(tuple(panels), note)
