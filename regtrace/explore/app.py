"""The Textual app: three panes over one :class:`~regtrace.explore.state.ExploreState`.

Every key press makes a new state and redraws all three panes from the engine, so what a
pane shows is always the engine's answer for the ``lam`` and ``lr`` in the status line.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from regtrace.engine.polydata import SplitData, noisy_sine
from regtrace.engine.ridge import LambdaSweep, lambda_sweep, log_grid, ridge_score
from regtrace.errors import RegtraceError
from regtrace.explore.decay import decay_demo
from regtrace.explore.decay_pane import DecayPane
from regtrace.explore.edit import EditScreen
from regtrace.explore.export import export_trace
from regtrace.explore.state import LAM_RANGE, ExploreState
from regtrace.explore.sweep_pane import SweepPane
from regtrace.explore.trace_pane import TracePane
from regtrace.render.numfmt import fmt
from regtrace.render.step_text import Layout, Work, choose_layout

DEGREE = 9
SEED = 0
SWEEP_PER_DECADE = 8


def data_line(data: SplitData) -> str:
    """What the sweep fits, in one sentence."""
    return (
        f"Degree-{DEGREE} polynomial, ridge: min 1/(2n)*||Xw - y||^2 + lam*||w||^2 on "
        f"{data.x_train.size} training points of sin(pi*x) + noise (seed {SEED}), scored on "
        f"{data.x_val.size} validation points."
    )


HELP = """\
regtrace explore: the step trace, weight decay and a lambda sweep

Keys
  + or up/right arrow     lam up by 10^(1/4) (four presses: x10)
  - or down/left arrow    lam down by 10^(1/4); below 1e-06 it goes to 0
  ]  /  [                 lr up / down by 10^(1/4)
  1  2  3                 Trace, Weight decay, Lambda sweep
  i                       edit w and dL/dw, or a loss formula (Enter applies, Esc
                          cancels); a loss L given for the old w is dropped
  e                       export the trace as Markdown (regtrace-trace.md, here)
  ?                       this help          q   quit

Panes
  Trace: one step of regtrace step for these inputs, L2 and L1 side by side.
  Weight decay: one weight, no data gradient, 100 steps. L2 multiplies it by
    1 - 2*lr*lam each step: negative means it flips sign, below -1 it grows.
    * marks where two paths meet (the two L1 methods agree until w nears 0).
  Lambda sweep: train and validation error against lam; small lam overfits,
    large lam underfits, the best validation lam is named.

Press Esc, ? or q to close."""


KNOB_ACTIONS = frozenset(
    {"lam_up", "lam_down", "lr_up", "lr_down", "export", "edit", "pane", "help"}
)


class HelpScreen(ModalScreen[None]):
    """The keys and what each pane shows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        """The help text in a scrollable box."""
        with VerticalScroll():
            yield Static(Text(HELP))

    def action_close(self) -> None:
        """Back to the app."""
        self.dismiss(None)


class ExploreApp(App[None]):
    """``regtrace explore``: Trace, Weight decay and Lambda sweep."""

    TITLE = "regtrace explore"
    ENABLE_COMMAND_PALETTE = False  # every action has a key in the footer
    # The tabs fill the screen between the status line and the footer, so that each chart
    # gets the rows its pane's text leaves (1fr) and its legend stays on screen.
    CSS = """
    #status { height: 1; background: $boost; padding: 0 1; }
    TabbedContent, ContentSwitcher, TabPane { height: 1fr; }
    TabPane { padding: 0 1; }
    DecayPane, SweepPane { height: 1fr; }
    """
    # Arrows are priority bindings: they always move lam, whatever has focus.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "quit"),
        Binding("question_mark", "help", "help", key_display="?"),
        # One footer entry per knob ("+/- lam"), so every key fits a 60-column footer.
        Binding("plus,equals_sign", "lam_up", "lam", key_display="+/-"),
        Binding("minus", "lam_down", "lam down", show=False),
        Binding("up,right", "lam_up", "lam up", show=False, priority=True),
        Binding("down,left", "lam_down", "lam down", show=False, priority=True),
        Binding("right_square_bracket", "lr_up", "lr", key_display="]/["),
        Binding("left_square_bracket", "lr_down", "lr down", show=False),
        Binding("e", "export", "export"),
        Binding("i", "edit", "inputs"),
        Binding("1", "pane('trace')", "trace", show=False),
        Binding("2", "pane('decay')", "decay", show=False),
        Binding("3", "pane('sweep')", "sweep", show=False),
    ]

    def __init__(
        self, state: ExploreState, *, digits: int = 6, export_dir: Path | None = None
    ) -> None:
        super().__init__()
        self.state = state
        self.digits = digits
        self.export_dir = export_dir
        # Wide: one grid; tall: one per penalty; summary: one more. Edits can change layout.
        self.n_grids = len(state.penalties) + 1
        self.data: SplitData = noisy_sine(seed=SEED)
        self.sweep: LambdaSweep = lambda_sweep(
            self.data, log_grid(*LAM_RANGE, SWEEP_PER_DECADE), DEGREE
        )

    def compose(self) -> ComposeResult:
        """Status line, the three panes as tabs, the key footer."""
        yield Static(id="status")
        with TabbedContent(initial="trace"):
            with TabPane("1 Trace", id="trace"):
                yield TracePane(self.n_grids, id="trace-pane")
            with TabPane("2 Weight decay", id="decay"):
                yield DecayPane(id="decay-pane")
            with TabPane("3 Lambda sweep", id="sweep"):
                yield SweepPane(id="sweep-pane")
        yield Footer()

    def on_mount(self) -> None:
        """Draw the starting state."""
        self.redraw()

    def redraw(self) -> None:
        """Recompute every pane from the engine for the current state."""
        s, d = self.state, self.digits
        status = f"lam = {fmt(s.lam)}   lr = {fmt(s.lr)}   (+/- lam, [/] lr, ? help)"
        self.query_one("#status", Static).update(Text(status))
        trace = self.query_one("#trace-pane", TracePane)
        try:
            report = s.report()
        except RegtraceError as exc:  # e.g. a step that overflows at a large lr
            trace.show_error(str(exc))
        else:
            n, p = report.w.size, len(report.results)
            layout = choose_layout(Layout.AUTO, n, p, full=False)
            trace.show(Work(report, digits=d), layout)
        demo = decay_demo(float(s.w[0]), s.lam, s.lr, l2_form=s.l2_form)
        self.query_one("#decay-pane", DecayPane).show(demo, s.l2_form, d)
        current = ridge_score(self.data, s.lam, DEGREE)
        self.query_one("#sweep-pane", SweepPane).show(self.sweep, current, data_line(self.data))

    def _set(self, state: ExploreState) -> None:
        self.state = state
        self.redraw()

    def action_lam_up(self) -> None:
        """lam one step up (x 10^(1/4))."""
        self._set(self.state.lam_up())

    def action_lam_down(self) -> None:
        """lam one step down."""
        self._set(self.state.lam_down())

    def action_lr_up(self) -> None:
        """lr one step up."""
        self._set(self.state.lr_up())

    def action_lr_down(self) -> None:
        """lr one step down."""
        self._set(self.state.lr_down())

    def action_pane(self, pane: str) -> None:
        """Show one pane."""
        self.query_one(TabbedContent).active = pane

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a dialog is open its keys are its own: the arrows move the text cursor."""
        return not (action in KNOB_ACTIONS and isinstance(self.screen, ModalScreen))

    def action_edit(self) -> None:
        """Edit w and dL/dw in a dialog; the panes follow when it is applied."""
        before = self.state

        def apply(state: ExploreState | None) -> None:
            if state is None:
                return
            edited = state.after_edit(before)
            if edited.loss != state.loss:
                self.notify(
                    f"The loss L = {fmt(before.loss or 0.0)} was given for the old w and "
                    "dL/dw; for the new ones the trace shows each penalty alone.",
                    title="Loss unknown",
                    markup=False,
                )
            self._set(edited)

        self.push_screen(EditScreen(self.state), apply)

    def action_help(self) -> None:
        """The help screen."""
        self.push_screen(HelpScreen())

    def action_export(self) -> None:
        """Write the trace as Markdown beside the user (atomically) and say where."""
        directory = self.export_dir if self.export_dir is not None else Path.cwd()
        try:
            path = export_trace(self.state, self.digits, directory)
        except (OSError, RegtraceError) as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        self.notify(f"Trace written to {path}", title="Exported", markup=False)
