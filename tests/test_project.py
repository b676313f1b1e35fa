"""Project promises: README set-up commands, CI, version, documented commands."""

from __future__ import annotations

import re
import tomllib

import regtrace
from tests.conftest import ROOT, Invocation, invoke

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(
    (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
    for page in ("tutorial-students", "tutorial-teachers", "scripting", "conventions")
)


def setup_commands() -> list[str]:
    """The commands in the README's ``sh`` blocks under "Set up"."""
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_has_exactly_two_setup_commands() -> None:
    """One command runs the built-in example, one runs the whole test suite."""
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].endswith("regtrace step")
    assert commands[1].endswith("python -m pytest")
    assert all(c.startswith("python3 -m venv .venv && ") for c in commands)


def test_ci_runs_the_readme_test_command() -> None:
    """``.ci/run`` ends with the README's test command, verbatim, and runs nothing else."""
    lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert lines == [setup_commands()[1]]


def test_version_is_written_once() -> None:
    """``__version__`` is the one place the version is written: pyproject.toml takes it from
    there, and the installed metadata agrees."""
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "regtrace/__init__.py"
    assert regtrace.__version__ == version("regtrace")


def test_version_flag() -> None:
    """``regtrace --version`` prints the name and version and exits 0."""
    result = invoke(["--version"])
    assert result == Invocation(0, f"regtrace {regtrace.__version__}\n", "")


def test_every_command_has_help_with_examples() -> None:
    """Each command's ``--help`` works, and shows at least one example, and the README or a
    tutorial shows the command."""
    from regtrace.cli.app import app

    names = [c.name for c in app.registered_commands]
    assert "step" in names
    for name in names:
        assert name is not None
        result = invoke([name, "--help"])
        assert result.code == 0, result.stderr
        assert "Examples" in result.stdout
        assert f"regtrace {name}" in DOCS


def test_license_typed_marker_and_no_placeholder_url() -> None:
    """MIT as pyproject says, ``py.typed`` inside the package the wheel ships (hatch builds
    the ``regtrace`` directory whole), and no placeholder project URL."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert (ROOT / "regtrace" / "py.typed").is_file()
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["regtrace"]
    for name in ("pyproject.toml", "README.md"):
        assert "example.invalid" not in (ROOT / name).read_text(encoding="utf-8")
