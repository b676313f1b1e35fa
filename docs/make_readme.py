"""Write README.md from docs/README.template.md, filling each console block with real output.

Usage: ``.venv/bin/python docs/make_readme.py``. Every ``$ command`` line in a console block
is run in a shell at the repository root (``regtrace`` meaning ``python -m regtrace`` of this
checkout, with the fixed terminal settings the tests use) and its output is written under it.
tests/test_readme.py checks the result, so the README cannot drift from the tool.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {"COLUMNS": "100", "LINES": "40", "NO_COLOR": "1", "TERM": "dumb"}
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def run_shown(command: str) -> str:
    """The combined output of one README command, as the README shows it."""
    python = shlex.quote(sys.executable)
    shell_command = re.sub(r"(^|\| )regtrace\b", rf"\1{python} -m regtrace", command)
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        shell_command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    return (done.stdout + done.stderr).rstrip("\n")


def fill(match: re.Match[str]) -> str:
    """One console block with each command followed by its output."""
    lines: list[str] = []
    for line in match.group(1).splitlines():
        if line.startswith("$ "):
            lines += [line, run_shown(line[2:])]
    return "```console\n" + "\n".join(lines) + "\n```"


def main() -> None:
    """Regenerate README.md."""
    template = (ROOT / "docs" / "README.template.md").read_text(encoding="utf-8")
    (ROOT / "README.md").write_text(BLOCK.sub(fill, template), encoding="utf-8")


if __name__ == "__main__":
    main()
