"""Pane 3, Lambda sweep: training and validation error of a ridge fit against ``lam``.

Tuning lambda: a degree-9 polynomial on a few
noisy points. Too small a ``lam`` fits the noise (low training error, high validation
error: overfitting); too large a ``lam`` flattens the fit (both high: underfitting); the
validation curve is U-shaped and its lowest point names the ``lam`` to choose.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from regtrace.engine.ridge import LambdaSweep, RidgeScore
from regtrace.explore.chart import Chart
from regtrace.explore.plot import Axis, Series, chart, legend
from regtrace.render.numfmt import fmt

TRAIN_STYLE = ("•", "cyan")
VAL_STYLE = ("o", "magenta")
BEST_STYLE = ("◆", "bold green")
SWEEP_DIGITS = 3  # errors of a noisy fit: three digits say all there is to say


def describe(sweep: LambdaSweep, current: RidgeScore, data_line: str) -> Text:
    """The data, the errors at the current ``lam``, and the best validation ``lam``."""

    def x(value: float) -> str:
        return fmt(value, SWEEP_DIGITS)

    best = sweep.best_index
    text = Text(data_line + "\n", style="dim")
    text.append(f"lam = {fmt(current.lam)}: ", style="bold")
    text.append(f"train MSE {x(current.train_mse)}, validation MSE {x(current.val_mse)}")
    if current.lam == 0:
        text.append(" (lam = 0 is off the log axis)")
    elif current.lam < sweep.best_lam / 10**0.5:
        text.append(": too small, overfitting", style="yellow")
    elif current.lam > sweep.best_lam * 10**0.5:
        text.append(": too large, underfitting", style="yellow")
    else:
        text.append(": near the best", style="green")
    text.append("\n")
    text.append(BEST_STYLE[0], style=BEST_STYLE[1])
    text.append(" Best validation lam ")
    text.append(f"~ {x(sweep.best_lam)}", style="bold green")
    text.append(
        f" (validation MSE {x(float(sweep.val_mse[best]))}, "
        f"train MSE {x(float(sweep.train_mse[best]))})"
    )
    return text


class SweepPane(Vertical):
    """What the curves show, the chart of both errors on log axes, and its legend."""

    DEFAULT_CSS = """
    SweepPane #sweep-text { height: auto; }
    SweepPane #sweep-legend { height: 1; }
    """

    def compose(self) -> ComposeResult:
        """Text, chart, legend."""
        yield Static(id="sweep-text")
        yield Chart(id="sweep-chart")
        yield Static(id="sweep-legend")

    def show(self, sweep: LambdaSweep, current: RidgeScore, data_line: str) -> None:
        """Redraw with the marker at the current ``lam``."""
        self.query_one("#sweep-text", Static).update(describe(sweep, current, data_line))
        lams, best = sweep.lams.tolist(), sweep.best_index
        series = [
            Series("train MSE", lams, sweep.train_mse.tolist(), *TRAIN_STYLE),
            Series("validation MSE", lams, sweep.val_mse.tolist(), *VAL_STYLE),
            Series("best", [sweep.best_lam], [float(sweep.val_mse[best])], *BEST_STYLE),
        ]
        errors = [*sweep.train_mse.tolist(), *sweep.val_mse.tolist()]
        # Whole decades around the errors, so the log axis reads 0.01 ... 1.
        lo = 10.0 ** math.floor(math.log10(min(errors)))
        hi = 10.0 ** math.ceil(math.log10(max(errors)))
        x_axis, y_axis = Axis(lams[0], lams[-1], log=True), Axis(lo, hi, log=True)
        marker = current.lam if current.lam > 0 else None
        self.query_one("#sweep-chart", Chart).draw(
            lambda width, height: chart(series, width, height, x_axis, y_axis, vline=marker)
        )
        key = legend(series)
        key.append("   ")
        key.append("│", style="bold yellow")
        key.append(" current lam   (log axes)")
        self.query_one("#sweep-legend", Static).update(key)
