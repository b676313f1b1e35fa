"""What the explorer's panes show a reader: short knob values, no stale loss after an edit,
every path of the weight-decay chart visible in a y range fitted to it, labelled tables, and
the legend and keys kept at 60x20. Driven by Textual's headless pilot."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Footer, Input, Static

from regtrace.cli.explore_inputs import explore_state
from regtrace.explore.app import ExploreApp
from regtrace.explore.chart import Chart
from tests.test_explore_app import RecordingApp, drive, text_of


def chart_rows(app: ExploreApp) -> list[str]:
    """The decay chart as drawn now, one string per row."""
    return app.query_one("#decay-chart", Chart).render().plain.splitlines()


def test_status_line_shows_short_knob_values() -> None:
    """One press up from lam = 0.01 is 0.01*10^(1/4) = 0.0177827..., shown and traced as
    0.01778; one press of [ from lr = 0.1 is 0.05623. The trace uses the same numbers: its
    L2 term for w0 = 2.5 is 2*0.01778*2.5 = 0.0889."""
    seen: list[str] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        seen.append(text_of(app, "#status"))
        seen.append(text_of(app, "#trace-head"))

    drive(ExploreApp(explore_state()), ["plus", "left_square_bracket"], check)
    assert seen[0].startswith("lam = 0.01778   lr = 0.05623   ")
    assert "lam = 0.01778, lr = 0.05623" in seen[1]


def test_editing_w_drops_the_given_loss_and_the_penalties_follow() -> None:
    """The built-in L = 1.2 belongs to w = [2.5, -0.8, 0.1]. After w = [1, -2] the trace
    shows each penalty alone: L2 0.01 x (1 + 4) = 0.05, L1 0.01 x (1 + 2) = 0.03; a notice
    says why. Applying the same inputs again keeps a given loss."""
    notes: list[str] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        app.screen.query_one("#edit-w", Input).value = "1,-2"
        app.screen.query_one("#edit-grad", Input).value = "0.5,0.1"
        await pilot.press("enter")
        await pilot.pause()
        notes.append(text_of(app, "#trace-notes"))

    app = RecordingApp(explore_state())
    drive(app, ["i"], check)
    assert app.state.loss is None
    assert notes[0].splitlines()[:2] == [
        "L2 penalty: 0.01 x 5 = 0.05",
        "L1 penalty: 0.01 x 3 = 0.03",
    ]
    assert "1.2" not in notes[0]
    assert [message for _, message in app.notes] == [
        "The loss L = 1.2 was given for the old w and dL/dw; for the new ones the trace "
        "shows each penalty alone."
    ]

    async def unchanged(app: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("enter")
        await pilot.pause()
        notes.append(text_of(app, "#trace-notes"))

    same = RecordingApp(explore_state())
    drive(same, ["i"], unchanged)
    assert same.state.loss == 1.2 and same.notes == []
    assert notes[1].startswith("L2: 1.2 + 0.01 x 6.9 = 1.269")  # 6.25 + 0.64 + 0.01 = 6.9


def test_decay_chart_y_range_fits_the_paths() -> None:
    """lam = 0.01, lr = 0.1, w0 = 2.5: every path stays in [0, 2.5], so the axis runs from
    -0.125 to 2.625 (5% of the span beyond). At lam = 100 subgradient L1 jumps by
    lr*lam = 10: 2.5, -7.5, 2.5, ...: the axis holds [-7.5, 2.5] and 5% more: -8 to 3."""
    labels: list[tuple[str, str]] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        rows = chart_rows(app)
        labels.append((rows[0].split("┤")[0].strip(), rows[-3].split("┤")[0].strip()))
        await pilot.press(*["plus"] * 16)  # 0.01 * 10^4 = 100
        await pilot.pause()
        rows = chart_rows(app)
        labels.append((rows[0].split("┤")[0].strip(), rows[-3].split("┤")[0].strip()))
        bottom = rows[-3].split("┤")[1] if "┤" in rows[-3] else rows[-3]
        labels.append(("x at -7.5", str("x" in "".join(rows[-5:-2]) or "x" in bottom)))

    drive(ExploreApp(explore_state()), ["2"], check)
    assert labels[0] == ("2.62", "-0.125")
    assert labels[1] == ("3", "-8")
    assert labels[2] == ("x at -7.5", "True")  # not clipped any more


def test_every_decay_path_is_visible_or_marked_where_paths_meet() -> None:
    """At lam = 0.01 the two L1 methods agree (2.5 - 0.001*k never reaches 0), so their cells
    are '*' (paths meet); the L2 path (0.998^k * 2.5, down to 2.05) has its own marker. At
    lam = 10 (lr*lam = 1) they part: subgradient L1 goes 2.5, 1.5, 0.5, -0.5, 0.5, ... while
    proximal L1 stops at exactly 0, and L2 (factor 1 - 2 = -1) flips between 2.5 and -2.5:
    all three markers show. The legend names the meeting marker."""
    seen: list[str] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        seen.append("\n".join(chart_rows(app)))
        await pilot.press(*["plus"] * 12)  # lam = 0.01 * 10^3 = 10
        await pilot.pause()
        seen.append("\n".join(chart_rows(app)))
        seen.append(text_of(app, "#decay-legend"))

    drive(ExploreApp(explore_state()), ["2"], check)
    assert "•" in seen[0] and "*" in seen[0] and "x" not in seen[0] and "+" not in seen[0]
    assert all(marker in seen[1] for marker in "•x+")
    assert "* paths meet" in seen[2]


def test_60x20_keeps_the_legend_and_every_key() -> None:
    """At 60 columns and 20 rows the decay legend wraps instead of being cut, the L2 path is
    on the chart, and the footer holds every key inside the screen."""
    seen: list[Any] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        seen.append(text_of(app, "#decay-legend"))
        seen.append("\n".join(chart_rows(app)))
        legend = app.query_one("#decay-legend", Static)
        seen.append(legend.region.bottom <= app.query_one(Footer).region.y)
        keys = [k for k in app.query_one(Footer).query("FooterKey") if k.display]
        seen.append([str(k.description) for k in keys if k.region.right <= 60])

    drive(ExploreApp(explore_state()), ["2"], check, size=(60, 20))
    legend, chart, above_footer, keys = seen
    assert "• L2" in legend and "(w0 = 2.5, dL/dw = 0)" in legend
    assert "•" in chart
    assert above_footer
    assert keys == ["quit", "help", "lam", "lr", "export", "inputs"]


def test_tall_tables_keep_their_titles() -> None:
    """Five weights turn the trace: each table sits under its title, as in regtrace step."""
    titles: list[str] = []

    async def check(app: ExploreApp, pilot: Pilot[None]) -> None:
        for k in range(3):
            widget = app.query_one(f"#trace-title-{k}", Static)
            if widget.display:
                titles.append(str(widget.render()))

    drive(ExploreApp(explore_state(w="1,2,3,4,5", grad="0,0,0,0,0")), [], check)
    assert titles == ["L2, one row per weight", "L1, one row per weight"]
