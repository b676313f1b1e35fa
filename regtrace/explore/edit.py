"""Edit the traced inputs in place: ``w`` and ``dL/dw``, parsed as ``--w`` and ``--grad`` are,
or a loss formula, parsed as ``--loss-fn`` is (then ``dL/dw`` comes from it)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from regtrace.engine.penalties import Vector
from regtrace.errors import RegtraceError
from regtrace.explore.state import ExploreState
from regtrace.parse.numbers import parse_vector
from regtrace.render.numfmt import fmt


def _as_text(values: Vector) -> str:
    """A vector as the comma list a user would type (12 significant digits)."""
    return ",".join(fmt(float(x)) for x in values)


def edited_state(
    state: ExploreState, w_text: str, grad_text: str, formula_text: str = ""
) -> ExploreState:
    """The state with new ``w`` and ``grad`` (or ``grad`` and the loss from the formula, when
    one is given), checked by the parsers and the engine."""
    for name, text in (("--w", w_text), ("--grad", grad_text)):
        if text.strip() == "-":  # the terminal is the app's: there is no stdin to read
            raise RegtraceError(f"{name}: '-' (stdin) cannot be read here; type the numbers")
    w = parse_vector(w_text, "--w")
    if formula_text.strip():
        new = replace(state, w=w).with_formula(formula_text.strip())
    else:
        grad = parse_vector(grad_text, "--grad")
        loss = None if state.loss_fn is not None else state.loss  # the formula's value goes
        new = replace(state, w=w, grad=grad, loss=loss, loss_fn=None, builtin=False)
    new.report()  # the engine's checks (lengths, overflow) before the app takes it
    return new


class EditScreen(ModalScreen[ExploreState | None]):
    """Two fields; Enter applies them, Esc leaves the inputs as they were."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    EditScreen { align: center middle; }
    EditScreen > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    EditScreen #edit-error { color: $error; height: auto; }
    """

    def __init__(self, state: ExploreState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        """A field for w, one for dL/dw, and a line for what is wrong."""
        with Vertical():
            yield Label("w (numbers like 2.5,-0.8,0.1, or @file)")
            yield Input(_as_text(self.state.w), id="edit-w")
            yield Label("dL/dw, one per weight")
            yield Input(_as_text(self.state.grad), id="edit-grad")
            yield Label("or a loss formula L(w), e.g. (w0 - 3)^2 + 2*w1^2 (empty: use dL/dw)")
            yield Input(self.state.loss_fn or "", id="edit-formula")
            yield Static(Text("Enter applies, Esc cancels.", style="dim"), id="edit-error")

    def on_input_submitted(self) -> None:
        """Enter in either field: apply both, or say what is wrong and stay open."""
        w_text = self.query_one("#edit-w", Input).value
        grad_text = self.query_one("#edit-grad", Input).value
        formula_text = self.query_one("#edit-formula", Input).value
        try:
            new = edited_state(self.state, w_text, grad_text, formula_text)
        except RegtraceError as exc:
            self.query_one("#edit-error", Static).update(Text(f"Error: {exc}"))
            return
        self.dismiss(new)

    def action_cancel(self) -> None:
        """Leave the inputs as they were."""
        self.dismiss(None)
