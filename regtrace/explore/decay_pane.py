"""Pane 2, Weight decay: one weight over many steps under L2 and L1, with no data gradient.

Watch a single weight decay over steps with an adjustable lambda. The L2 weight follows
``w0 * (1 - 2*lr*lam)^k``; the pane names the factor and says when it turns negative (the
weight flips sign every step) or below -1 (it grows: divergence).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from regtrace.engine.penalties import L2Form
from regtrace.engine.step import step
from regtrace.explore.chart import Chart
from regtrace.explore.decay import DecayDemo, Regime
from regtrace.explore.plot import Axis, Series, chart, legend
from regtrace.render.step_text import Work

STYLES = (("•", "cyan"), ("x", "magenta"), ("+", "green"))
# Where two paths meet (the two L1 methods agree until the weight nears 0) the cell says so.
MEET = ("*", "bold")
Y_PAD = 0.05  # the y range reaches this fraction of the data's span beyond it


def y_range(values: list[float]) -> tuple[float, float]:
    """The y axis for the paths drawn: their lowest and highest values and 0 (where the
    weight decays to), a little beyond.

    >>> y_range([2.5, 2.0, 0.0])
    (-0.125, 2.625)
    >>> y_range([0.0])
    (-1.0, 1.0)
    """
    lo, hi = min(0.0, *values), max(0.0, *values)
    if hi == lo:
        return lo - 1.0, hi + 1.0
    pad = (hi - lo) * Y_PAD
    return lo - pad, hi + pad


def factor_line(demo: DecayDemo, l2_form: L2Form, digits: int) -> str:
    """The decay factor with its arithmetic, from the trace renderer (same text as ``step``)."""
    report = step([demo.w0], [0.0], lam=demo.lam, lr=demo.lr, penalties=["l2"], l2_form=l2_form)
    line = Work(report, digits=digits).decay_line(report.results[0])
    assert line is not None  # an L2 result always has a decay factor
    return line


def regime_text(demo: DecayDemo, l2_form: L2Form, digits: int) -> Text:
    """What the factor does to the weight, with the ``lam`` where the behaviour changes."""
    from regtrace.render.numfmt import fmt

    c = l2_form.coef
    # factor = 1 - c*lr*lam: negative past lam = 1/(c*lr), below -1 past lam = 2/(c*lr).
    turns = ""
    if demo.lr > 0:
        neg, div = fmt(1 / (c * demo.lr), digits), fmt(2 / (c * demo.lr), digits)
        turns = f" At lr = {fmt(demo.lr, digits)}: oscillation from lam > {neg}, "
        turns += f"divergence from lam > {div}."
    steps = demo.steps
    messages = {
        Regime.NONE: ("No decay: lam or lr is 0, the weight stays put.", "bold"),
        Regime.DECAY: (
            f"Positive factor: the L2 weight shrinks by the same fraction every step "
            f"(after {steps} steps: {fmt(float(demo.paths[0].values[-1]), digits)}).",
            "green",
        ),
        Regime.OSCILLATE: (
            "Negative factor: the L2 weight flips sign every step (oscillation), still shrinking.",
            "bold yellow",
        ),
        Regime.STALL: ("Factor -1: the L2 weight flips sign forever at full size.", "bold red"),
        Regime.DIVERGE: (
            "Factor below -1: the L2 weight flips sign and GROWS every step: divergence. "
            "Lower lam or lr.",
            "bold red",
        ),
    }
    message, style = messages[demo.regime]
    if demo.paths[0].refused is not None:  # regtrace run refuses it: so does the chart
        message += " regtrace run refuses it; the chart leaves it out."
    text = Text(message, style=style)
    text.append(turns)
    return text


class DecayPane(Vertical):
    """The factor, what it does, the chart of three paths and its legend."""

    DEFAULT_CSS = """
    DecayPane #decay-factor, DecayPane #decay-regime { height: auto; }
    DecayPane #decay-legend { height: auto; }
    """

    def compose(self) -> ComposeResult:
        """Factor line, regime line, chart, legend."""
        yield Static(id="decay-factor")
        yield Static(id="decay-regime")
        yield Chart(id="decay-chart")
        yield Static(id="decay-legend")

    demo: DecayDemo | None = None
    """What the pane shows now (tests read it)."""

    def show(self, demo: DecayDemo, l2_form: L2Form, digits: int) -> None:
        """Redraw for a new ``lam`` or ``lr``."""
        self.demo = demo
        self.query_one("#decay-factor", Static).update(Text(factor_line(demo, l2_form, digits)))
        self.query_one("#decay-regime", Static).update(regime_text(demo, l2_form, digits))
        series = [
            Series(
                p.label if p.refused is None else f"{p.label} (diverges)",
                list(range(len(p.values))),
                p.values.tolist(),
                mark,
                style,
            )
            for p, (mark, style) in zip(demo.paths, STYLES, strict=True)
        ]
        steps = demo.steps
        low, high = y_range([float(v) for p in demo.paths for v in p.values])
        x_axis, y_axis = Axis(0, max(steps, 1)), Axis(low, high)
        self.query_one("#decay-chart", Chart).draw(
            lambda width, height: chart(series, width, height, x_axis, y_axis, overlap=MEET)
        )
        key = legend(series)
        key.append("   ")
        key.append(MEET[0], style=MEET[1])
        key.append(" paths meet")
        key.append(f"   (w0 = {demo.w0:g}, dL/dw = 0)", style="dim")
        self.query_one("#decay-legend", Static).update(key)
