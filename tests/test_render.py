"""Renderers as pure functions: number formatting, cells, layouts and terminal fitting."""

from __future__ import annotations

import pytest

from regtrace import step
from regtrace.render.numfmt import fmt, fmt_signed, paren
from regtrace.render.step_text import Layout, Work, choose_layout
from regtrace.render.table import fitted_grids

EXAMPLE = step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1, loss=1.2)


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (2.5149999999999997, 12, "2.515"),  # 2.5 - 0.1*(-0.15) in float64
        (0.10400000000000001, 12, "0.104"),  # 0.1 - 0.1*(-0.04) in float64
        (-0.0, 12, "0"),
        (1e-5, 12, "0.00001"),  # a person writes decimals down to 1e-6
        (1.5e-9, 12, "1.5e-9"),
        (123456789.0, 4, "123500000"),
        (1e20, 12, "1e20"),
        (1 / 3, 4, "0.3333"),
        (2.5001995, 12, "2.5001995"),  # no digits lost at the default precision
    ],
)
def test_fmt(x: float, digits: int, text: str) -> None:
    """Numbers as a person writes them: rounded, no trailing zeros, no float noise."""
    assert fmt(x, digits) == text


def test_signed_and_paren() -> None:
    """Updates carry their sign (as the example's table); negatives in arithmetic get brackets."""
    assert fmt_signed(0.015) == "+0.015"
    assert fmt_signed(-0.0084) == "-0.0084"
    assert fmt_signed(0.0) == "0"
    assert paren("-0.8") == "(-0.8)" and paren("2.5") == "2.5"


def test_cancellation_noise_shows_as_zero() -> None:
    """-0.03 + 2x0.01x1.5 is 0 in arithmetic; float64 may leave ~1e-18, shown as 0."""
    report = step([1.5], [-0.03], lam=0.01, lr=0.1, penalties=["l2"])
    work = Work(report, show_work=True)
    assert work.cell(report["l2"], 0, "full_grad") == "-0.03 + 0.03 = 0"


def test_choose_layout() -> None:
    """Few weights side by side, more as rows, thousands summarised (terminal only)."""
    assert choose_layout(Layout.AUTO, 3, 2, full=False) is Layout.WIDE
    assert choose_layout(Layout.AUTO, 3, 4, full=False) is Layout.TALL  # 12 columns
    assert choose_layout(Layout.AUTO, 5, 1, full=False) is Layout.TALL
    assert choose_layout(Layout.AUTO, 5000, 2, full=False) is Layout.SUMMARY
    assert choose_layout(Layout.AUTO, 5000, 2, full=True) is Layout.TALL
    assert choose_layout(Layout.SUMMARY, 3, 2, full=True) is Layout.TALL


def test_wide_table_splits_per_penalty_when_the_terminal_is_narrow() -> None:
    """The side-by-side table fits 80 columns; with the arithmetic it splits per penalty."""
    plain = fitted_grids(Work(EXAMPLE), Layout.WIDE, 80)
    assert len(plain) == 1 and len(plain[0].header) == 7
    worked = fitted_grids(Work(EXAMPLE, show_work=True), Layout.WIDE, 80)
    assert [g.title for g in worked] == ["L2", "L1"]
    assert worked[0].header == ("Quantity", "w0 (L2)", "w1 (L2)", "w2 (L2)")
    piped = fitted_grids(Work(EXAMPLE, show_work=True), Layout.WIDE, None)
    assert len(piped) == 1


def test_loss_and_decay_lines() -> None:
    """The lines under the table, with the built-in example's arithmetic."""
    work = Work(EXAMPLE)
    assert work.loss_line(EXAMPLE["l2"]) == "L2: 1.2 + 0.01 x 6.9 = 1.269"
    assert work.loss_line(EXAMPLE["l1"]) == "L1: 1.2 + 0.01 x 3.4 = 1.234"
    assert work.decay_line(EXAMPLE["l2"]) == (
        "L2 weight-decay factor (1 - 2*lr*lam) = 1 - 2x0.1x0.01 = 0.998"
    )
    assert work.decay_line(EXAMPLE["l1"]) is None
    elastic = step([2.5, -0.8, 0.1], [0, 0, 0], lam=0.01, lr=0.1, penalties=["elastic"])
    # the built-in example: 0.01 x 3.4 + 0.01 x 6.9 = 0.034 + 0.069 = 0.103
    assert Work(elastic).loss_line(elastic["elastic"]) == (
        "Elastic penalty: 0.01 x 3.4 + 0.01 x 6.9 = 0.103"
    )
