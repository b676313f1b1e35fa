"""The test command also runs the linters and the strict type-checker (README promise)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "."],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "."],
    "mypy strict": [sys.executable, "-m", "mypy", "--strict", "regtrace"],
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_tool_is_clean(name: str) -> None:
    """``ruff check``, ``ruff format --check`` and ``mypy --strict regtrace`` report nothing."""
    done = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
