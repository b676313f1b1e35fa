"""Every page of the docs is a transcript of the tool as it is.

Console blocks are transcripts: a line ``$ command`` followed by its exact output, as an
80-column terminal shows it (docs/make_readme.py writes them). Each command runs again here
and must print the same; the Python blocks run as doctests; docs/cli.md must be the current
``--help``. After a deliberate change of output, run ``python docs/make_readme.py``.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from docs.make_readme import BLOCK, WIDTH, cli_reference, pages, run_shown
from tests.conftest import ROOT

README = ROOT / "README.md"
PAGES = pages()


def transcripts(page: Path) -> list[tuple[str, str]]:
    """``(command, expected output)`` for every ``$`` line in a page's console blocks."""
    found: list[tuple[str, str]] = []
    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        command: str | None = None
        output: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            found.append((command, "\n".join(output)))
    return found


ALL = [
    (page.relative_to(ROOT).as_posix(), command, expected)
    for page in PAGES.values()
    for command, expected in transcripts(page)
]


@pytest.mark.parametrize(
    ("page", "command", "expected"), ALL, ids=[f"{p}: {c[:50]}" for p, c, _ in ALL]
)
def test_transcript(page: str, command: str, expected: str) -> None:
    """Each command on each page prints exactly the output shown under it."""
    assert run_shown(command) == expected.rstrip("\n")


@pytest.mark.parametrize("page", PAGES.values(), ids=lambda p: p.name)
def test_page_is_its_template(page: Path) -> None:
    """Outside the console blocks a page is its template, word for word: nobody edited the
    generated page by hand, and the template's edits were regenerated."""
    template = next(t for t, p in PAGES.items() if p == page)

    def prose(text: str) -> str:
        return BLOCK.sub("```console```", text)

    assert prose(page.read_text(encoding="utf-8")) == prose(template.read_text(encoding="utf-8"))


@pytest.mark.parametrize("template", PAGES.keys(), ids=lambda p: p.name)
def test_template_console_blocks_hold_only_commands(template: Path) -> None:
    """In a template a console block is commands alone (the generator adds the output), so
    a lost closing fence cannot swallow the prose and headings after it."""
    text = template.read_text(encoding="utf-8")
    assert text.count("```") % 2 == 0
    for block in BLOCK.findall(text):
        lines = [line for line in block.splitlines() if line.strip()]
        assert lines, "an empty console block"
        assert all(line.startswith("$ ") for line in lines), block


MACHINE_FORMAT = re.compile(r"--format (json|csv|markdown|latex)\b")


def too_wide(command: str, expected: str) -> list[str]:
    """Lines a person reads that are wider than the terminal. JSON, CSV, Markdown and LaTeX
    are for programs and documents, and an ``Error:`` line is one line by contract."""
    if MACHINE_FORMAT.search(command):
        return []
    return [
        line
        for line in expected.splitlines()
        if len(line) > WIDTH and not line.startswith(("Error: ", "{", "["))
    ]


def test_transcripts_fit_80_columns() -> None:
    """What a person reads fits the 80 columns the pages say they assume."""
    wide = {command: too_wide(command, expected) for _, command, expected in ALL}
    assert {command: lines for command, lines in wide.items() if lines} == {}


def test_errors_come_before_the_exit_status() -> None:
    """Output is in terminal order: an ``Error:`` line precedes the ``exit 2`` after it."""
    errors = [expected for _, command, expected in ALL if 'echo "exit $?"' in command]
    assert errors
    for expected in errors:
        lines = expected.splitlines()
        assert lines[-1].startswith("exit "), expected
        if lines[-1] == "exit 2":
            assert lines[-2].startswith("Error: "), expected


def test_cli_reference_is_current() -> None:
    """docs/cli.md is what ``--help`` prints today."""
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference()


def test_readme_is_short_and_starts_with_homework() -> None:
    """The README is a front page: about 150 lines, and how to check a homework answer is on
    its first screen (24 lines), with links to every docs page."""
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) <= 160
    assert any(line.startswith("$ regtrace check") for line in lines[:24])
    for page in [*PAGES.values(), ROOT / "docs" / "cli.md", ROOT / "docs" / "design.md"]:
        if page != README:
            assert f"(docs/{page.name})" in text, page.name


@pytest.mark.parametrize("page", PAGES.values(), ids=lambda p: p.name)
def test_python_examples(page: Path) -> None:
    """The library examples on the pages pass as doctests."""
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_pages_have_transcripts() -> None:
    """The pages are transcripts, not promises: each tutorial holds real commands."""
    for page in PAGES.values():
        if page.name != "conventions.md":
            assert len(transcripts(page)) >= 3, page.name


def test_links_between_pages_resolve() -> None:
    """Every relative link on a page names a file in the repository."""
    for page in [*PAGES.values(), ROOT / "docs" / "design.md"]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            assert (page.parent / target).exists(), f"{page.name}: {target}"
