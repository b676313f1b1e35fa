"""The explorer driven by Textual's headless pilot: keys change lam and lr, the panes follow.

Numbers asserted here are derived by hand from docs/design.md's formulas (comments show how);
where a pane is compared with ``regtrace step --format json``, the CLI runs in-process on
the inputs the app shows.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TabbedContent

from regtrace.cli.explore_inputs import explore_state
from regtrace.explore.app import ExploreApp, HelpScreen
from regtrace.explore.decay import DecayDemo
from regtrace.explore.edit import EditScreen
from regtrace.explore.export import EXPORT_NAME
from regtrace.explore.state import ExploreState
from regtrace.explore.trace_pane import TraceTable
from tests.conftest import invoke

SIZE = (80, 24)


def builtin_state(**options: str) -> ExploreState:
    """The state `regtrace explore` starts in, with step's options."""
    return explore_state(**options)


def drive(
    app: ExploreApp,
    keys: list[str],
    check: Callable[[ExploreApp, Pilot[None]], Awaitable[None]],
    size: tuple[int, int] = SIZE,
) -> None:
    """Start ``app`` headless at ``size`` (80x24), press ``keys``, then run ``check``."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            await check(app, pilot)

    asyncio.run(main())


class RecordingApp(ExploreApp):
    """The app, keeping each notification it shows as (severity, message)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[tuple[str, str]] = []

    def notify(self, message: str, **kwargs: Any) -> None:
        self.notes.append((kwargs.get("severity", "information"), message))
        super().notify(message, **kwargs)


def table_cells(app: ExploreApp) -> dict[str, list[str]]:
    """The wide trace as {row label: [cells]} in the CLI's column order (w0 (L2), w0 (L1),
    w1 (L2), ...), read from the DataTables on screen: one, or one per penalty when the
    side-by-side table is too wide for the pane."""
    columns: dict[str, dict[str, str]] = {}
    for table in app.query(TraceTable):
        if not table.display:
            continue
        headers = [str(c.label) for c in table.ordered_columns]
        for k in range(table.row_count):
            label, *cells = (str(c) for c in table.get_row_at(k))
            for header, cell in zip(headers[1:], cells, strict=True):
                columns.setdefault(header, {})[label] = cell
    order = [p.label for p in app.state.penalties]

    def position(header: str) -> tuple[int, int]:  # "w1 (L2)" -> (1, 0)
        weight, penalty = header.split(" ")
        return int(weight[1:]), order.index(penalty.strip("()"))

    rows: dict[str, list[str]] = {}
    for header in sorted(columns, key=position):
        for label, cell in columns[header].items():
            rows.setdefault(label, []).append(cell)
    return rows


def text_of(app: ExploreApp, selector: str) -> str:
    """The plain text of a Static."""
    return str(app.query_one(selector, Static).render())


def test_starts_on_the_builtin_trace() -> None:
    """The Trace pane opens on the example's step, columns w0 (L2), w0 (L1), w1 (L2), ..."""
    captured: dict[str, list[str]] = {}

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        captured.update(table_cells(app))
        assert app.query_one(TabbedContent).active == "trace"
        assert "lam = 0.01   lr = 0.1" in text_of(app, "#status")

    drive(ExploreApp(builtin_state()), [], check)
    # w = [2.5, -0.8, 0.1], dL/dw = [-0.2, 0.1, -0.05], lam = 0.01, lr = 0.1.
    # L2 term 2*0.01*w = [0.05, -0.016, 0.002]; L1 term 0.01*sign(w) = [0.01, -0.01, 0.01].
    # Full gradient g + term: L2 [-0.15, 0.084, -0.048], L1 [-0.19, 0.09, -0.04].
    # Update -0.1*full; new weight w + update. Columns alternate L2, L1 per weight.
    assert captured == {
        "Reg penalty term": ["0.05", "0.01", "-0.016", "-0.01", "0.002", "0.01"],
        "Full gradient": ["-0.15", "-0.19", "0.084", "0.09", "-0.048", "-0.04"],
        "Update (-lr*grad)": ["+0.015", "+0.019", "-0.0084", "-0.009", "+0.0048", "+0.004"],
        "New weight": ["2.515", "2.519", "-0.8084", "-0.809", "0.1048", "0.104"],
    }


def test_four_presses_of_plus_multiply_lam_by_ten() -> None:
    """``+`` x4 moves lam from 0.01 to 0.1 and the table is recomputed at once."""
    captured: dict[str, list[str]] = {}

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        assert app.state.lam == 0.1
        assert app.state.lr == 0.1
        captured.update(table_cells(app))

    drive(ExploreApp(builtin_state()), ["plus"] * 4, check)
    # lam = 0.1: L2 term 0.2*w = [0.5, -0.16, 0.02], full [0.3, -0.06, -0.03],
    # update -0.1*full = [-0.03, +0.006, +0.003], new [2.47, -0.794, 0.103].
    # L1 term [0.1, -0.1, 0.1], full [-0.1, 0 (0.1 - 0.1), 0.05], update [+0.01, 0, -0.005],
    # new [2.51, -0.8, 0.095].
    assert captured["Reg penalty term"] == ["0.5", "0.1", "-0.16", "-0.1", "0.02", "0.1"]
    assert captured["Full gradient"] == ["0.3", "-0.1", "-0.06", "0", "-0.03", "0.05"]
    assert captured["Update (-lr*grad)"] == ["-0.03", "+0.01", "+0.006", "0", "+0.003", "-0.005"]
    assert captured["New weight"] == ["2.47", "2.51", "-0.794", "-0.8", "0.103", "0.095"]


@pytest.mark.parametrize(
    ("keys", "lam"),
    [
        (["plus"], 0.01778),  # 0.01 * 10^(1/4) = 0.017782794100389..., 4 digits
        (["up", "right"], 0.03162),  # 0.01 * 10^(1/2)
        (["minus"] * 4, 0.001),
        (["down", "left", "minus", "plus"], 0.003162),  # three down, one up
        (["equals_sign"] * 8, 1.0),
    ],
)
def test_lam_keys(keys: list[str], lam: float) -> None:
    """``+``/``=``/up/right raise lam by 10^(1/4), ``-``/down/left lower it."""

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        assert app.state.lam == lam

    drive(ExploreApp(builtin_state()), keys, check)


def test_lam_goes_to_zero_below_its_range_and_comes_back() -> None:
    """From 1e-06 a press down is lam = 0 (no penalty: the terms vanish), a press up 1e-06."""
    seen: list[float] = []
    captured: dict[str, list[str]] = {}

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        seen.append(app.state.lam)
        captured.update(table_cells(app))
        await pilot.press("plus")
        seen.append(app.state.lam)

    drive(ExploreApp(builtin_state(lam="1e-6")), ["minus"], check)
    assert seen == [0.0, 1e-6]
    # lam = 0: no penalty term; the update is -0.1*g = [+0.02, -0.01, +0.005] for both.
    assert captured["Reg penalty term"] == ["0"] * 6
    assert captured["Update (-lr*grad)"] == ["+0.02", "+0.02", "-0.01", "-0.01"] + ["+0.005"] * 2


def test_lr_keys() -> None:
    """``]`` x4 makes lr 1 (x10): the built-in example's L2 update becomes -1 x full gradient."""
    captured: dict[str, list[str]] = {}

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        assert (app.state.lam, app.state.lr) == (0.01, 1.0)
        captured.update(table_cells(app))
        await pilot.press("left_square_bracket")
        assert app.state.lr == 0.5623  # 10^(-1/4) = 0.5623413251903491..., 4 digits

    drive(ExploreApp(builtin_state()), ["right_square_bracket"] * 4, check)
    # L2 full gradient [-0.15, 0.084, -0.048] (lam unchanged); update -1*full; new w + update.
    assert captured["Update (-lr*grad)"][0::2] == ["+0.15", "-0.084", "+0.048"]
    assert captured["New weight"][0::2] == ["2.65", "-0.884", "0.148"]


@pytest.mark.parametrize(
    "keys",
    [[], ["plus"] * 3, ["minus"] * 9, ["right_square_bracket"] * 2 + ["plus"] * 5],
)
def test_the_trace_pane_equals_regtrace_step_json(keys: list[str]) -> None:
    """Every cell on screen is the CLI's JSON number for the same inputs, to 12 digits."""
    state: list[ExploreState] = []
    captured: dict[str, list[str]] = {}

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        state.append(app.state)
        captured.update(table_cells(app))

    drive(ExploreApp(builtin_state(), digits=12), keys, check)
    done = invoke(["step", *state[0].step_args(), "--format", "json"])
    assert done.code == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    labels = {
        "penalty_grad": "Reg penalty term",
        "full_grad": "Full gradient",
        "step": "Update (-lr*grad)",
        "w_new": "New weight",
    }
    for key, label in labels.items():
        # Columns are weight-major: w0 (L2), w0 (L1), w1 (L2), ...
        expected = [results[p][key][i] for i in range(3) for p in range(2)]
        shown = [float(cell) for cell in captured[label]]
        for got, want in zip(shown, expected, strict=True):
            # The table shows 12 significant digits and prints rounding noise as 0.
            assert got == pytest.approx(want, rel=1e-11, abs=1e-13)


def test_explore_takes_steps_flags() -> None:
    """``--w --grad --lam --lr`` set the trace the app starts on."""
    captured: dict[str, list[str]] = {}

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        captured.update(table_cells(app))

    drive(ExploreApp(builtin_state(w="1,-2", grad="0.5,0.1", lam="0.1", lr="0.5")), [], check)
    # L2: term 0.2*w = [0.2, -0.4], full [0.7, -0.3], update -0.5*full = [-0.35, +0.15],
    # new [0.65, -1.85]. L1: term [0.1, -0.1], full [0.6, 0], update [-0.3, 0], new [0.7, -2].
    assert captured["New weight"] == ["0.65", "0.7", "-1.85", "-2"]
    assert captured["Update (-lr*grad)"] == ["-0.35", "-0.3", "+0.15", "0"]


@pytest.mark.parametrize(
    ("presses", "factor", "verdict"),
    [
        # lam 0.01: 1 - 2*0.1*0.01 = 0.998, the weight shrinks.
        (0, "= 1 - 2x0.1x0.01 = 0.998", "Positive factor"),
        # 11 presses: lam = 0.01*10^(11/4) at 4 digits = 5.623: 1 - 0.2*5.623 = -0.1246
        (11, "= 1 - 2x0.1x5.623 = -0.1246", "Negative factor: the L2 weight flips sign every step"),
        # 12 presses: lam = 10: 1 - 2*0.1*10 = -1.
        (12, "= 1 - 2x0.1x10 = -1", "Factor -1"),
        # 13 presses: lam = 17.78: 1 - 2*0.1*17.78 = 1 - 3.556 = -2.556 < -1.
        (13, "= 1 - 2x0.1x17.78 = -2.556", "Factor below -1: the L2 weight flips sign and GROWS"),
    ],
)
def test_decay_pane_names_the_factor_and_its_regime(
    presses: int, factor: str, verdict: str
) -> None:
    """The Weight decay pane shows 1 - 2*lr*lam and calls out oscillation and divergence."""

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        assert app.query_one(TabbedContent).active == "decay"
        line = text_of(app, "#decay-factor")
        assert line.startswith("L2 weight-decay factor (1 - 2*lr*lam) = ")
        assert line.endswith(factor)
        regime = text_of(app, "#decay-regime")
        assert regime.startswith(verdict)
        # Oscillation past lam = 1/(2*0.1) = 5, divergence past lam = 2/(2*0.1) = 10.
        assert "oscillation from lam > 5, divergence from lam > 10." in regime

    drive(ExploreApp(builtin_state()), ["2"] + ["plus"] * presses, check)


def test_sweep_pane_names_the_best_lam_and_follows_the_current_one() -> None:
    """The Lambda sweep pane names the best validation lam and judges the current one."""
    texts: list[str] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        texts.append(text_of(app, "#sweep-text"))
        await pilot.press(*["minus"] * 12)  # lam 1e-5
        texts.append(text_of(app, "#sweep-text"))
        await pilot.press(*["plus"] * 20)  # lam 1
        texts.append(text_of(app, "#sweep-text"))

    app = ExploreApp(builtin_state())
    drive(app, ["3"], check)
    best = app.sweep.best_lam
    assert f"Best validation lam ~ {best:.2g}" in texts[0]
    assert "lam = 0.01: train MSE" in texts[0]
    assert "lam = 0.00001:" in texts[1] and "too small, overfitting" in texts[1]
    assert "lam = 1:" in texts[2] and "too large, underfitting" in texts[2]


def test_export_writes_the_trace_as_markdown(tmp_path: Path) -> None:
    """``e`` writes the trace, as ``regtrace step --format markdown`` does, to a file."""

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.pause()

    app = RecordingApp(builtin_state(), export_dir=tmp_path)
    drive(app, ["plus"] * 4, check)
    path = tmp_path / EXPORT_NAME
    assert app.notes == [("information", f"Trace written to {path}")]
    written = path.read_text(encoding="utf-8")
    cli = invoke(["step", *app.state.step_args(), "--format", "markdown", "--digits", "6"])
    body, caption = written.rstrip("\n").rsplit("\n\n", 1)
    assert body + "\n" == cli.stdout
    assert caption.startswith("_Exported from regtrace explore. The same trace: regtrace step ")
    assert "--lam 0.1 --lr 0.1" in caption
    assert list(tmp_path.iterdir()) == [path]  # the temporary file was renamed, not left


def test_export_failure_is_a_notification(tmp_path: Path) -> None:
    """A directory that cannot be written is reported in the app, not a crash."""

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.pause()

    app = RecordingApp(builtin_state(), export_dir=tmp_path / "missing")
    drive(app, [], check)
    ((severity, message),) = app.notes
    assert severity == "error"
    assert message.startswith("Export failed: ") and "missing" in message


def test_help_opens_and_closes_and_q_quits() -> None:
    """``?`` shows the keys; Esc closes them; ``q`` ends the app."""

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running

    drive(ExploreApp(builtin_state()), ["question_mark"], check)


def test_pane_keys() -> None:
    """``1``, ``2``, ``3`` switch between the panes."""
    seen: list[str] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        for key in ("3", "2", "1"):
            await pilot.press(key)
            seen.append(app.query_one(TabbedContent).active)

    drive(ExploreApp(builtin_state()), [], check)
    assert seen == ["sweep", "decay", "trace"]


def test_inputs_are_edited_in_place() -> None:
    """``i`` opens the fields; Enter applies new w and dL/dw and the table follows."""
    captured: dict[str, list[str]] = {}

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, EditScreen)
        # Typing arrows in the field moves its cursor: lam stays where it was.
        await pilot.press("left", "right")
        assert app.state.lam == 0.01
        app.screen.query_one("#edit-w", Input).value = "1,-2"
        app.screen.query_one("#edit-grad", Input).value = "0.5 0.1"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
        captured.update(table_cells(app))

    app = ExploreApp(builtin_state())
    drive(app, ["i"], check)
    assert app.state.w.tolist() == [1.0, -2.0] and app.state.grad.tolist() == [0.5, 0.1]
    # lam = 0.01, lr = 0.1. L2 term 0.02*w = [0.02, -0.04], full [0.52, 0.06],
    # update [-0.052, -0.006], new [0.948, -2.006]. L1 term [0.01, -0.01], full [0.51, 0.09],
    # update [-0.051, -0.009], new [0.949, -2.009].
    assert captured["New weight"] == ["0.948", "0.949", "-2.006", "-2.009"]
    assert captured["Update (-lr*grad)"] == ["-0.052", "-0.051", "-0.006", "-0.009"]


def _refused_edit(field: str, value: str) -> tuple[ExploreApp, list[str]]:
    """Type ``value`` into the edit dialog's ``field``, press Enter, read the error the dialog
    shows, then leave it with Esc."""
    errors: list[str] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        app.screen.query_one(f"#{field}", Input).value = value
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        errors.append(str(app.screen.query_one("#edit-error", Static).render()))
        await pilot.press("escape")
        await pilot.pause()

    app = ExploreApp(builtin_state())
    drive(app, ["i"], check)
    return app, errors


def test_a_bad_edit_says_why_and_keeps_the_inputs() -> None:
    """A value the parser refuses is shown in the dialog; Esc leaves the old inputs."""
    app, errors = _refused_edit("edit-grad", "1,2")
    assert errors == ["Error: w has 3 values but grad has 2; give one gradient per weight"]
    assert app.state.w.tolist() == [2.5, -0.8, 0.1]


def test_more_weights_turn_the_table() -> None:
    """Five weights: one table per penalty with a row per weight (the CLI's tall layout)."""
    shown: list[bool] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        shown.extend(t.display for t in app.query(TraceTable))
        first = app.query_one("#trace-grid-0", TraceTable)
        # L2 on w = 1..5, g = 0: new weight w - 0.1*2*0.01*w = 0.998*w.
        shown.append(str(first.get_row_at(4)[-1]) == "4.99")

    state = builtin_state(w="1,2,3,4,5", grad="0,0,0,0,0")
    drive(ExploreApp(state), [], check)
    assert shown == [True, True, False, True]


def test_a_trace_too_wide_for_80_columns_splits_per_penalty() -> None:
    """The built-in example's trace fits side by side; at lam = 0.01778 the cells need more
    room than 80 columns and the pane shows one table per penalty, as the CLI does."""
    visible: list[int] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        visible.append(sum(t.display for t in app.query(TraceTable)))
        await pilot.press("plus")
        visible.append(sum(t.display for t in app.query(TraceTable)))

    drive(ExploreApp(builtin_state()), [], check)
    assert visible == [1, 2]


@pytest.mark.parametrize("presses", [0, 8, 11])
def test_the_decay_pane_draws_regtrace_run(presses: int) -> None:
    """The three paths the pane draws are ``regtrace run --grad 0 --every 1`` (JSON), per
    penalty and L1 method, for the app's lam and lr."""
    from regtrace.explore.decay_pane import DecayPane

    state: list[ExploreState] = []
    shown: list[DecayDemo] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        state.append(app.state)
        demo = app.query_one(DecayPane).demo
        assert demo is not None
        shown.append(demo)

    drive(ExploreApp(builtin_state()), ["2"] + ["plus"] * presses, check)
    s, demo = state[0], shown[0]
    base = ["run", "--w", "2.5", "--grad", "0", "--lam", repr(s.lam), "--lr", repr(s.lr)]
    base += ["--steps", "100", "--every", "1", "--format", "json"]
    runs = [
        ["--penalty", "l2"],
        ["--penalty", "l1", "--l1-method", "subgradient"],
        ["--penalty", "l1", "--l1-method", "proximal"],
    ]
    for path, extra in zip(demo.paths, runs, strict=True):
        done = invoke([*base, *extra])
        assert done.code == 0, done.stderr
        trajectory = json.loads(done.stdout)["results"][0]["trajectory"]
        assert path.values.tolist() == [row[0] for row in trajectory]


def test_a_loss_formula_is_edited_in_place() -> None:
    """``i``, a formula and Enter: dL/dw and L come from it at w (as step --loss-fn)."""

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        app.screen.query_one("#edit-w", Input).value = "1,1"
        app.screen.query_one("#edit-formula", Input).value = "(w0 - 3)^2 + 2*w1^2"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)

    app = ExploreApp(builtin_state())
    drive(app, ["i"], check)
    # dL/dw0 = 2*(1 - 3) = -4, dL/dw1 = 4*1 = 4; L = 4 + 2 = 6.
    assert app.state.grad.tolist() == [-4.0, 4.0] and app.state.loss == 6.0
    assert app.state.step_args()[:4] == ["--w", "1.0,1.0", "--loss-fn", "(w0 - 3)^2 + 2*w1^2"]


def test_exported_command_of_a_formula_runs_in_a_shell() -> None:
    """The export's caption names a command a shell runs as it is: the formula quoted."""
    import shlex

    from markdown_it import MarkdownIt

    from regtrace.explore.export import trace_document

    state = explore_state(w="1,1", grad=None, lam="0.1", lr=None, loss=None, penalty="l2",
                          l2_form="lambda", l1_method="subgradient",
                          loss_fn="(w0 - 3)^2 + 2*w1^2")  # fmt: skip
    caption = trace_document(state, 6).rstrip("\n").rsplit("\n\n", 1)[1]
    shown = MarkdownIt("commonmark").renderInline(caption)
    command = shown.removeprefix("<em>").split("The same trace: ", 1)[1].removesuffix("</em>")
    assert "'(w0 - 3)^2 + 2*w1^2'" in command
    assert shlex.split(command) == ["regtrace", "step", *state.step_args(), "--digits", "6"]


def test_a_bad_formula_says_why_in_the_dialog() -> None:
    app, errors = _refused_edit("edit-formula", "w0.__class__")
    assert errors[0].startswith("Error: --loss-fn: '.' at character 3 is not allowed")
    assert app.state.loss_fn is None
