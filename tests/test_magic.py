"""``%regtrace`` in-process: the words it passes on, its refusals, and text formats.

What a notebook shows (HTML, the picture, the error line in a real kernel) is checked in
tests/test_notebook.py.
"""

from __future__ import annotations

import json

import pytest

from regtrace.errors import RegtraceError
from regtrace.notebook.magic import arguments, regtrace_magic
from tests.conftest import invoke


def test_the_words_are_the_command_line() -> None:
    assert arguments("step --w '2.5, -0.8' --grad -0.2,0.1", None) == [
        "step",
        "--w",
        "2.5, -0.8",
        "--grad",
        "-0.2,0.1",
    ]


@pytest.mark.parametrize(
    ("line", "cell", "words"),
    [
        ("step --w -", None, "%%regtrace"),  # '-' with no body to read
        ("step --w 1 --grad 2", "1,2\n", "--data -"),  # a body that nothing reads
        ("explore", None, "terminal"),
        ("step --w '1", None, "quotes"),
    ],
)
def test_refusals_say_what_to_do(line: str, cell: str | None, words: str) -> None:
    with pytest.raises(RegtraceError, match=words):
        arguments(line, cell)


def test_an_empty_body_is_no_input() -> None:
    """``%%regtrace step`` with a blank cell is the plain command."""
    assert arguments("step", "\n  \n") == ["step"]


def test_json_prints_the_command_line_text(capsys: pytest.CaptureFixture[str]) -> None:
    """``--format json`` prints what the terminal prints."""
    regtrace_magic("step --penalty l2 --format json")
    printed = capsys.readouterr().out
    expected = invoke(["step", "--penalty", "l2", "--format", "json"])
    assert json.loads(printed) == json.loads(expected.stdout)


def test_cell_body_is_standard_input(capsys: pytest.CaptureFixture[str]) -> None:
    """The body is what ``-`` reads: the weights 1, 2, 3 for ``--w -``."""
    line = "step --w - --grad 0,0,0 --lam 0.5 --lr 1 --penalty l2 --format csv"
    regtrace_magic(line, "1\n2\n3\n")
    rows = capsys.readouterr().out.splitlines()
    # each L2 step is w - 1 x 2 x 0.5 x w = 0: every new weight 0
    header = rows[0].split(",")
    new = [row.split(",")[header.index("w_new")] for row in rows[1:]]
    assert new == ["0", "0", "0"]


def test_an_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    regtrace_magic("step --w 1,2 --grad 1")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "Error: w has 2 values but grad has 1; give one gradient per weight\n"


def test_plot_without_matplotlib_is_the_text_picture(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--plot`` where matplotlib is missing: the table, then the terminal's picture as text
    (not an error)."""
    pytest.importorskip("IPython")
    import IPython.display

    from regtrace.notebook import figures

    shown: list[object] = []

    def no_matplotlib(spec: object) -> None:
        raise RegtraceError("plot() needs matplotlib")

    monkeypatch.setattr(figures, "inline_figure", no_matplotlib)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    regtrace_magic("run --steps 3 --plot")
    captured = capsys.readouterr()
    assert len(shown) == 1 and "2.5" in shown[0]._repr_html_()  # type: ignore[attr-defined]
    assert "L2" in captured.out and "step" in captured.out
    assert captured.err == ""


def test_a_hostile_header_is_shown_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV column named ``<img src=x onerror=alert(1)>`` is a column name, not markup."""
    pytest.importorskip("IPython")
    import IPython.display

    from tests.htmltext import read

    shown: list[object] = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    body = "<img src=x onerror=alert(1)>,y\n1,2\n2,3\n"
    regtrace_magic("step --data - --w 0 --penalty l2", body)
    (view,) = shown
    html = view._repr_html_()  # type: ignore[attr-defined]
    reader = read(html)
    assert "img" not in reader.tags
    assert "<img src=x onerror=alert(1)>" in reader.cells
