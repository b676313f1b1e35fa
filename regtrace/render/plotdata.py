"""What a picture shows, as plain data: a title and panels of labelled (x, y) series.

The terminal plot (:mod:`regtrace.render.termplot`, plotext) and the file
(:mod:`regtrace.render.plotfile`, matplotlib) both draw a :class:`PlotSpec`, so they show the
same series, and tests check the series rather than pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from regtrace.engine.penalties import Penalty, Vector
from regtrace.engine.sweep import SweepReport
from regtrace.engine.trajectory import RunReport
from regtrace.frozen import frozen
from regtrace.render.numfmt import count_text, fmt
from regtrace.render.step_text import (
    INLINE_VECTOR_MAX,
    strength_text,
    strengths_text,
    vector_text,
)

if TYPE_CHECKING:
    from regtrace.engine.datarun import DataRunReport

MAX_SERIES = INLINE_VECTOR_MAX  # a picture of more weights than this is a blur: the first ones
TITLE_DIGITS = 4  # numbers in titles: short, the tables hold the full precision
LOG_SPAN = 100.0  # lam on a log axis once the largest swept lam is this many times the smallest

XScale = Literal["linear", "log", "symlog"]


@frozen
class Series:
    """One line: a weight's values against steps or ``lam``.

    ``level`` is where the line should end up (the fixed point or solution ``w*`` that the
    text prints), drawn as a dashed horizontal line in the series' colour.
    """

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    level: float | None = None


@frozen
class Panel:
    """One plot, e.g. the L2 trajectories.

    ``xscale`` is ``symlog`` when ``lam`` spans decades and includes 0 (a log axis has no 0):
    linear up to ``linthresh``, the smallest positive ``lam``, and logarithmic above.
    """

    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    xscale: XScale = "linear"
    linthresh: float | None = None
    level_label: str = "fixed point w*"


@frozen
class PlotSpec:
    """Panels side by side under one title.

    ``shared_y``: the panels use one y range, so the penalties compare at a glance
    (``--plot-scale own`` gives each panel its own).
    """

    panels: tuple[Panel, ...]
    note: str | None = None
    title: str | None = None
    shared_y: bool = True

    def y_range(self) -> tuple[float, float]:
        """The smallest and largest y of every series and level (for a shared axis)."""
        ys = [
            y
            for panel in self.panels
            for s in panel.series
            for y in (*s.y, *(() if s.level is None else (s.level,)))
        ]
        return (min(ys), max(ys)) if ys else (0.0, 1.0)


def _shown(n: int) -> tuple[range, str | None]:
    if n <= MAX_SERIES:
        return range(n), None
    return range(MAX_SERIES), f"the first {MAX_SERIES} of {n} weights are drawn"


def _num(x: float) -> str:
    return fmt(float(x), TITLE_DIGITS)


def _vector(v: Vector) -> str:
    return vector_text(v, _num)


def _lam(p: Penalty) -> str:
    return strengths_text(p, lambda s: strength_text(s, _num))


def _titles(penalties: Sequence[Penalty]) -> tuple[str, tuple[str, ...]]:
    """The strengths for the figure title when every panel has the same ones (``lam = 0.5``),
    else in each panel's title (``L2, lam = 0.5``, ``Elastic net, lam1 = ..., lam2 = ...``)."""
    lams = [_lam(p) for p in penalties]
    if len(set(lams)) == 1:
        return lams[0], tuple(p.kind.label for p in penalties)
    return "", tuple(
        f"{p.kind.label}, {lam}" if lam else p.kind.label
        for p, lam in zip(penalties, lams, strict=True)
    )


def _data_text(grad: Vector | None, target: Vector | None) -> list[str]:
    if target is not None:
        return [f"target = {_vector(target)}"]
    if grad is not None:
        return [f"dL/dw = {_vector(grad)} (fixed)"]
    return []


def run_plot(report: RunReport, solutions: Sequence[Vector] | None = None) -> PlotSpec:
    """Each weight against the step, one panel per penalty (L2 and L1 side by side).

    Each weight's fixed point (with a target) or ``solutions`` (``w*`` on a table) is drawn as
    a level line; the title gives the steps, ``lam``, ``lr`` and the target or gradient.
    """
    shown, note = _shown(report.w.size)
    x = tuple(float(k) for k in report.steps)
    lam, titles = _titles([t.penalty for t in report.results])
    ends = [t.fixed_point for t in report.results] if solutions is None else list(solutions)
    panels = tuple(
        Panel(
            title=title,
            xlabel="step",
            ylabel="w",
            series=tuple(
                Series(
                    f"w{i}",
                    x,
                    tuple(float(v) for v in t.weights[:, i]),
                    None if end is None else float(end[i]),
                )
                for i in shown
            ),
            level_label="fixed point w*" if solutions is None else "solution w*",
        )
        for t, title, end in zip(report.results, titles, ends, strict=True)
    )
    parts = [count_text(report.n_steps, "gradient step"), *([lam] if lam else [])]
    parts += [f"lr = {_num(report.lr)}", *_data_text(report.grad, report.target)]
    return PlotSpec(panels, note, ", ".join(parts))


def data_run_plot(report: DataRunReport) -> PlotSpec:
    """:func:`run_plot` of a run on a table, with each penalty's solution ``w*`` as levels."""
    spec = run_plot(report.run, [s.w_final for s in report.solutions])
    problem = report.problem
    data = f"{problem.model.value} model on {problem.y.size} rows"
    return replace(spec, title=f"{spec.title}, {data}")


def lam_scale(lams: Sequence[float]) -> tuple[XScale, float | None]:
    """``log`` when the ``lam`` values span decades (largest / smallest positive >= 100),
    ``symlog`` from the smallest positive value when 0 is among them, else ``linear``."""
    positive = [lam for lam in lams if lam > 0]
    if not positive or max(positive) < LOG_SPAN * min(positive):
        return "linear", None
    if len(positive) < len(lams):
        return "symlog", min(positive)
    return "log", None


def sweep_plot(report: SweepReport) -> PlotSpec:
    """Each final weight against ``lam``, one panel per penalty: the ridge and lasso paths."""
    shown, note = _shown(report.w.size)
    xscale, linthresh = lam_scale(report.lams)
    panels = []
    for kind in report.kinds:
        points = report.of(kind)
        x = tuple(p.lam for p in points)
        series = tuple(
            Series(f"w{i}", x, tuple(float(p.w_final[i]) for p in points)) for i in shown
        )
        ylabel = "w*" if report.path else "w_final"
        panels.append(Panel(kind.label, "lam", ylabel, series, xscale, linthresh))
    if report.path:
        parts = ["Regularization path w*(lam)"]
    else:
        parts = [f"Weights after {count_text(report.n_steps or 0, 'gradient step')} for each lam"]
        if report.lr is not None:
            parts.append(f"lr = {_num(report.lr)}")
        if report.target is not None or report.grad is not None:
            parts.append(f"w_0 = {_vector(report.w)}")
    parts += _data_text(report.grad, report.target)
    return PlotSpec(tuple(panels), note, ", ".join(parts))
