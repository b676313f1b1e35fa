"""The HTML writer of the page model, read back with a real HTML parser."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from regtrace.render.html import page_html
from regtrace.render.page import Grid, Heading, Line, Page
from regtrace.render.step_page import step_page
from tests.htmltext import read


def example_page() -> Page:
    from regtrace import step

    report = step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1, loss=1.2)
    return step_page(report, full=True)


def test_the_example_numbers_are_cells() -> None:
    """Under L2, w0 = 2.5 - 0.1 x (-0.2 + 2x0.01x2.5) = 2.515 and w1 = -0.8 - 0.1 x
    (0.1 + 2x0.01x(-0.8)) = -0.8084; under L1, w0 = 2.5 - 0.1 x (-0.2 + 0.01) = 2.519."""
    reader = read(page_html(example_page()))
    new_weight = next(row for row in reader.rows if row[0] == "New weight")
    assert new_weight == ["New weight", "2.515", "2.519", "-0.8084", "-0.809", "0.1048", "0.104"]


def test_rows_are_the_page_rows() -> None:
    """Every table is the page's grid, header and rows, cell for cell."""
    page = example_page()
    reader = read(page_html(page))
    expected = [list(g.header) for g in page.grids()] + [
        list(row) for g in page.grids() for row in g.rows
    ]
    assert sorted(reader.rows) == sorted(expected)


def test_worked_arithmetic_breaks_before_the_result() -> None:
    """A worked cell keeps both halves whole and puts ``= value`` on its own line."""
    page = Page("t", (Grid(None, ("q", "w0"), (("x", "2.5 - 0.1x(-0.15) = 2.515"),)),))
    html = page_html(page)
    assert "2.5 - 0.1x(-0.15)</span><br><span" in html
    assert read(html).rows[1] == ["x", "2.5 - 0.1x(-0.15)= 2.515"]


HOSTILE = st.lists(
    st.sampled_from([*"<>&\"'/=ab `*_|\\", "<script>", "&amp;", "</td>", "&#60;"]), max_size=8
).map("".join)


@given(HOSTILE, HOSTILE, HOSTILE, HOSTILE)
def test_any_text_is_shown_as_written(title: str, line: str, header: str, cell: str) -> None:
    """Markup in a feature name or a line is text: no tag but the writer's own, and the
    parser gives back exactly the text given."""
    page = Page(
        title,
        (Line(line, formula=True), Heading(header), Grid(header, (header, "w0"), ((cell, cell),))),
        caption=line,
    )
    reader = read(page_html(page))
    assert set(reader.tags) <= {"div", "table", "caption", "thead", "tbody", "tr", "th", "td"} | {
        "span",
        "br",
    }
    text = "".join(reader.text)
    for piece in (title, line, header, cell):
        assert piece in text
    assert reader.rows[-1] == [cell, cell]


COLOUR = re.compile(
    r"(?:^|;)\s*(background(?:-color)?|color|border(?:-[a-z]+)*-?(?:color)?)\s*:\s*([^;]+)"
)


def test_colours_are_inherited_for_light_and_dark_themes() -> None:
    """No colour of its own: text inherits, rules are the text colour, no background but
    transparent, so a dark theme's light text stays readable."""
    styles = read(page_html(example_page())).styles
    assert styles
    allowed = {"inherit", "transparent", "currentcolor"}
    for style in styles:
        for prop, value in COLOUR.findall(style):
            if prop == "border-collapse":
                continue
            words = set(re.findall(r"[a-z]+", value.lower())) - {"px", "solid", "in", "srgb"}
            words -= {"color", "mix"}  # color-mix(in srgb, currentColor 35%, transparent)
            assert words <= allowed, (prop, value)
    assert not re.search(r"#[0-9a-f]{3,6}\b|rgba?\(|:\s*(?:white|black)\b", " ".join(styles), re.I)
