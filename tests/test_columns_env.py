"""``COLUMNS`` set by the user fits tables even when the output is piped; unset, a pipe gets
the natural width (nothing wrapped, for files and grep)."""

from __future__ import annotations

import pytest

from tests.conftest import invoke

VIEWS = [
    ["conventions", "--lam", "0.0005"],
    ["step"],
    ["step", "--show-work", "--penalty", "l2,l1,elastic"],
    ["check", "--w", "2.5,-0.8", "--grad", "-0.2,0.1", "--penalty", "l2", "--answer",
     "2.519,-0.809"],
    ["run", "--steps", "3"],
    ["sweep"],
]  # fmt: skip


@pytest.mark.parametrize("args", VIEWS, ids=lambda a: " ".join(a[:3]))
def test_columns_80_fits_a_pipe(args: list[str]) -> None:
    """At COLUMNS=80 every line of the table output is at most 80 characters."""
    shown = invoke(args, env={"COLUMNS": "80"})
    assert shown.code in (0, 1), shown.stderr
    widths = [len(line) for line in shown.stdout.splitlines()]
    assert max(widths) <= 80, max(widths)


def test_no_columns_keeps_the_natural_width() -> None:
    """Without COLUMNS a pipe gets the whole table on one line per row (the conventions
    table is wider than 80 columns at its natural width)."""
    shown = invoke(["conventions", "--lam", "0.0005"])
    assert max(len(line) for line in shown.stdout.splitlines()) > 80
