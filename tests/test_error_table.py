"""The docs' table of error messages is true: each example prints exactly its line.

The table lives in docs/scripting.md under "Exit codes" with the columns *what went wrong*,
*example* and *the one line on stderr*; this runs every example through the real CLI
(in-process, from the repository root) and compares the line, so the documented messages
cannot drift.
"""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT, invoke

PAGE = (ROOT / "docs" / "scripting.md").read_text(encoding="utf-8")
HEADER = "| what went wrong | example | the one line on stderr (exit 2) |"
CELL_SPLIT = re.compile(r"(?<!\\)\|")


def error_rows() -> list[tuple[str, str, str]]:
    """``(situation, command, message)`` for each row of the docs' error table."""
    table = PAGE.split(HEADER, 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.strip().splitlines()[1:]:  # skip the |---| line
        cells = [c.strip().replace("\\|", "|") for c in CELL_SPLIT.split(line)[1:-1]]
        situation, command, message = (c.strip("`") for c in cells)
        rows.append((situation, command, message))
    return rows


def test_the_table_is_there() -> None:
    """The docs document a good number of messages, not a token few."""
    assert len(error_rows()) >= 15


@pytest.mark.parametrize(("situation", "command", "message"), error_rows(), ids=lambda v: v)
def test_documented_error(
    monkeypatch: pytest.MonkeyPatch, situation: str, command: str, message: str
) -> None:
    """The example exits 2 with exactly the documented line on stderr and nothing on stdout."""
    monkeypatch.chdir(ROOT)
    program, *args = shlex.split(command)
    assert program == "regtrace"
    result = invoke(args)
    assert (result.code, result.stdout, result.stderr) == (2, "", message + "\n"), situation
