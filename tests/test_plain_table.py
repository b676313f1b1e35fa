"""The piped table without Rich's console (regtrace/render/plain.py) is Rich's own text.

Checked three ways: random pages drawn both ways; every table-printing command line below run
both ways (the Rich path forced by turning the plain one off); and the cases the plain path
must leave to Rich (text Rich measures by its own tables, lines and titles that Rich wraps).
"""

from __future__ import annotations

import contextlib
import io
import os
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace.cli.output import PIPE_WIDTH, write_renderable
from regtrace.render import plain
from regtrace.render.page import Grid, Heading, Line, Page
from regtrace.render.plain import plain_page
from regtrace.render.table import page_renderable
from tests.conftest import INPUTS, invoke


def rich_text(page: Page) -> str:
    """What the command writes to a pipe when Rich draws ``page``."""
    out = io.StringIO()
    with mock.patch.dict(os.environ, {"COLUMNS": ""}), contextlib.redirect_stdout(out):
        write_renderable(page_renderable(page, None))
    return out.getvalue()


# Cells as the pages hold them: numbers, words, worked arithmetic "a - b = c" (drawn on two
# lines), spaces at either end, empty cells.
WORD = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=8)
TEXT = st.lists(WORD, max_size=4).map(" ".join)
CELL = st.one_of(
    TEXT,
    st.tuples(TEXT, TEXT).map(" = ".join),
    st.tuples(TEXT, TEXT, TEXT).map(" = ".join),
    TEXT.map(lambda t: f" {t}  "),
)


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    columns = draw(st.integers(1, 5))
    header = tuple(draw(st.lists(TEXT, min_size=columns, max_size=columns)))
    row = st.lists(CELL, min_size=columns, max_size=columns).map(tuple)
    rows = tuple(draw(st.lists(row, max_size=4)))
    title = draw(st.one_of(st.none(), st.just(""), TEXT))
    return Grid(title, header, rows)


BLOCK = st.one_of(grids(), CELL.map(Line), CELL.map(Heading))
PAGES = st.builds(
    Page,
    title=TEXT,
    blocks=st.lists(BLOCK, max_size=4).map(tuple),
    caption=st.one_of(st.none(), TEXT),
)


@settings(max_examples=300, deadline=None)
@given(PAGES)
def test_random_pages_print_as_rich_prints_them(page: Page) -> None:
    """Wherever the plain path answers, its text is Rich's, byte for byte."""
    text = plain_page(page, PIPE_WIDTH)
    if text is not None:
        assert text == rich_text(page)


@settings(max_examples=100, deadline=None)
@given(PAGES)
def test_the_plain_path_answers_for_ascii_pages_that_fit(page: Page) -> None:
    """It is not a path that never runs: short ASCII pages (the pages above, whose tables are
    at least as wide as their titles) are always drawn without Rich."""
    fitted = Page(
        page.title,
        tuple(
            Grid(None, b.header, b.rows) if isinstance(b, Grid) else b
            for b in page.blocks
            if not (isinstance(b, Grid) and not any(b.header))
        ),
        caption=page.caption,
    )
    assert plain_page(fitted, PIPE_WIDTH) is not None


def test_a_worked_cell_is_two_lines_and_numbers_align_right() -> None:
    """One hand-drawn table: the first column left, the others right, a rule under the
    header as wide as the table, blank top and bottom edges, the title above."""
    grid = Grid("Step", ("Quantity", "w0"), (("New weight", "2.5 - 0.1 = 2.4"), ("L", "7")))
    expected = (
        "T\n"
        "Step\n"
        "\n"
        " Quantity            w0\n"
        " " + "\N{BOX DRAWINGS HEAVY HORIZONTAL}" * 22 + "\n"
        " New weight   2.5 - 0.1\n"
        "                  = 2.4\n"
        " L                    7\n"
        "\n"
    )
    page = Page("T", (grid,))
    assert plain_page(page, PIPE_WIDTH) == expected
    assert rich_text(page) == expected


@pytest.mark.parametrize(
    "page",
    [
        Page("λ = 0.01", ()),  # Rich measures non-ASCII text by its own width tables
        Page("T", (Grid(None, ("a", "b"), (("1", "日本"),)),)),
        Page("T", (Line("x" * (PIPE_WIDTH + 1)),)),  # Rich wraps it
        Page("T", (Grid(None, ("a",), (("1" * PIPE_WIDTH,),)),)),  # wider than the console
        Page("T", (Grid("a title longer than the table", ("a", "b"), (("1", "2"),)),)),
        Page("T", (Line("tab\there"),)),  # Rich expands tabs
    ],
    ids=["unicode-title", "wide-characters", "long-line", "wide-table", "long-title", "tab"],
)
def test_what_only_rich_can_draw_is_left_to_rich(page: Page) -> None:
    assert plain_page(page, PIPE_WIDTH) is None


COMMANDS = [
    ["step"],
    ["step", "--show-work"],
    ["step", "--show-work", "--exact", "--w", "1/3,0.1", "--grad", "0.2,-0.05", "--penalty", "l2"],
    ["step", "--w", f"@{INPUTS / 'w6.txt'}", "--grad", f"@{INPUTS / 'g6.txt'}"],
    ["step", "--w", f"@{INPUTS / 'w100.txt'}", "--grad", f"@{INPUTS / 'g100.txt'}"],
    ["step", "--x", "1; 2; 3", "--y", "2,3,5", "--w", "1,0", "--intercept", "--show-work"],
    ["step", "--optimizer", "adam", "--compare", "adamw", "--weight-decay", "0.02"],
    ["step", "-o", "rmsprop", "--centered", "--show-work", "--penalty", "l2"],
    ["check", "--answer", "2.515,-0.8084,0.1048"],
    ["check", "--answer", "2.52,-0.81,0.1"],
    ["check", "--answer", "2.4,-0.7,0.1", "--steps", "2"],
    ["run"],
    ["run", "--steps", "30", "--target", "1,2", "--w", "0,0", "--penalty", "l1"],
    ["run", "--exact", "--steps", "3"],
    ["run", "--optimizer", "adam", "--compare", "sgd", "--steps", "5", "--penalty", "l2"],
    ["sweep", "--lams", "0,0.1,1", "--target", "1,2"],
    ["sweep", "--lams", "0,0.1,1", "--steps", "10"],
    ["conventions", "--lam", "0.01"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:3]) for a in COMMANDS])
def test_commands_print_what_rich_prints(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command's piped table, plain and with Rich forced: the same bytes."""
    answers: list[str | None] = []

    def spied(page: Page, width: int) -> str | None:
        answers.append(real(page, width))
        return answers[-1]

    real = plain.plain_page
    monkeypatch.setattr(plain, "plain_page", spied)
    quick = invoke(args)
    assert quick.code in (0, 1), quick.stderr
    assert answers and None not in answers  # the plain path drew it
    monkeypatch.setattr(plain, "plain_page", lambda page, width: None)
    assert invoke(args) == quick
