"""Shared test helpers: run the real CLI in-process, and compare against golden files.

Golden files live in ``fixtures/golden/``; after a deliberate output change, regenerate them
with ``python -m pytest --update-golden`` and review the diff like code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regtrace.cli import run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GOLDEN = FIXTURES / "golden"
INPUTS = FIXTURES / "inputs"

# docs/design.md's JSON contract for one `step` result, in its order.
STEP_RESULT_KEYS = (
    "penalty",
    "lam",
    "penalty_value",
    "loss",
    "penalty_grad",
    "full_grad",
    "step",
    "w_new",
)

# Fixed settings, so output never depends on the machine running the tests: an empty COLUMNS
# leaves piped output at its natural width (the goldens); the docs' transcripts use an
# 80-column terminal (docs/make_readme.py).
TEST_ENV = {"COLUMNS": "", "LINES": "40", "NO_COLOR": "1", "TERM": "dumb"}


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the golden files from the current output."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite fixtures/golden/* from the current output (then review the diff)",
    )


@dataclass(frozen=True)
class Invocation:
    """What one run of ``regtrace`` did."""

    code: int
    stdout: str
    stderr: str


def invoke(
    args: Sequence[str], input: str | None = None, env: Mapping[str, str] | None = None
) -> Invocation:
    """Run ``regtrace ARGS`` in-process through the real entry point (not a piped TTY)."""
    runner = CliRunner()
    with runner.isolation(input=input, env={**TEST_ENV, **(env or {})}) as (out, err, _):
        code = run(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Invocation(int(code), out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def cli() -> Callable[..., Invocation]:
    """The in-process runner, as a fixture."""
    return invoke


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden(name, text)``: assert ``text`` equals ``fixtures/golden/<name>``."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; create it with pytest --update-golden"
        assert text == path.read_text(encoding="utf-8")

    return check
