"""Every example in README.md runs and prints what the README says (STYLE.md habit 8).

Console blocks are transcripts: a line ``$ command`` followed by its exact output. The
command runs in a shell at the repository root with ``regtrace`` meaning this checkout's
``python -m regtrace``; the Python blocks run as doctests.
"""

from __future__ import annotations

import doctest
import re

import pytest

from docs.make_readme import run_shown
from tests.conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def transcripts() -> list[tuple[str, str]]:
    """``(command, expected output)`` for every ``$`` line in the README's console blocks."""
    found: list[tuple[str, str]] = []
    for block in BLOCK.findall(README.read_text(encoding="utf-8")):
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


@pytest.mark.parametrize(("command", "expected"), transcripts(), ids=lambda v: v[:60])
def test_readme_transcript(command: str, expected: str) -> None:
    """Each README command prints exactly the output shown under it."""
    assert run_shown(command) == expected.rstrip("\n")


def test_readme_has_transcripts() -> None:
    """The README is a transcript, not a promise: it holds real commands."""
    assert len(transcripts()) >= 5


def test_readme_python_examples() -> None:
    """The library examples in the README pass as doctests."""
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_template_console_blocks_hold_only_commands() -> None:
    """In the template a console block is commands alone (the generator adds the output), so
    a lost closing fence cannot swallow the prose and headings after it."""
    template = (ROOT / "docs" / "README.template.md").read_text(encoding="utf-8")
    assert template.count("```") % 2 == 0
    for block in BLOCK.findall(template):
        lines = [line for line in block.splitlines() if line.strip()]
        assert lines, "an empty console block"
        assert all(line.startswith("$ ") for line in lines), block
