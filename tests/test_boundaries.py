"""Import boundaries, checked from the outside in fresh interpreters.

- ``regtrace --help`` and ``--version`` must not import NumPy (start-up is a feature:
  regtrace runs in shell loops).
- The engine is a library: importing and using it loads no Typer, Click or Rich
  (``regtrace/engine/ruff.toml`` bans the imports, this proves the result).
- The command line offers the library's own choices, never a copy of them.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CLI_LIBRARIES = ("typer", "click", "rich")


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter in a fresh process at the repository root."""
    env = {k: v for k, v in os.environ.items() if k != "REGTRACE_DEBUG"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )


def _imported(importtime_log: str) -> set[str]:
    """Module names from ``python -X importtime`` output (the last column of each line)."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_log.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize("flag", ["--help", "--version", "-V", "-h"])
def test_help_and_version_do_not_import_numpy(flag: str) -> None:
    """``python -X importtime -m regtrace --help`` lists no ``numpy`` module."""
    done = _python("-X", "importtime", "-m", "regtrace", flag)
    assert done.returncode == 0, done.stderr
    modules = _imported(done.stderr)
    assert "regtrace.cli" in modules  # the log is real: it saw our own modules
    assert not {m for m in modules if m.split(".")[0] == "numpy"}


def test_command_help_does_not_import_numpy() -> None:
    """``regtrace step --help`` is also answered without NumPy."""
    done = _python("-X", "importtime", "-m", "regtrace", "step", "--help")
    assert done.returncode == 0, done.stderr
    assert not {m for m in _imported(done.stderr) if m.split(".")[0] == "numpy"}


def test_version_does_not_import_rich() -> None:
    """``--version`` prints one line: it needs neither NumPy nor Rich."""
    done = _python("-X", "importtime", "-m", "regtrace", "--version")
    assert done.returncode == 0, done.stderr
    assert not {m for m in _imported(done.stderr) if m.split(".")[0] in ("numpy", "rich")}


ENGINE_USE = """
import sys
import regtrace.engine
from regtrace import step
report = step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1, loss=1.2)
report.to_dict()
print(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_engine_imports_no_cli_library() -> None:
    """Importing and running the engine loads no Typer, Click or Rich."""
    done = _python("-c", ENGINE_USE)
    assert done.returncode == 0, done.stderr
    top_level = set(done.stdout.split())
    assert "numpy" in top_level  # the probe ran the engine
    assert not top_level & set(CLI_LIBRARIES)


def test_parser_imports_no_cli_library() -> None:
    """The parser is library code too: no Typer, Click or Rich."""
    done = _python(
        "-c",
        "import sys, regtrace.parse.numbers; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))",
    )
    assert done.returncode == 0, done.stderr
    assert not set(done.stdout.split()) & set(CLI_LIBRARIES)


def _loaded(*args: str) -> set[str]:
    """The modules ``regtrace ARGS`` imports, its output piped (no COLUMNS: natural width)."""
    env = {k: v for k, v in os.environ.items() if k != "REGTRACE_DEBUG"} | {"COLUMNS": ""}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "regtrace", *args],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr  # 1: check found a wrong answer
    return _imported(done.stderr)


# What a command's default path never needs: the other commands, the optimizers (their
# option tables too), the loss formula, plots, exact numbers, tables from files, the file
# writer, JSON and CSV, the common-mistake search, and Rich itself (a piped table is plain
# text; the help screens and a terminal use Rich).
NOT_ON_A_PLAIN_PATH = {
    *("regtrace.cli.sweep", "regtrace.cli.conventions", "regtrace.cli.explore_cmd"),
    *("regtrace.engine.optimizer_params", "regtrace.engine.optimizers"),
    *("regtrace.engine.transforms", "regtrace.cli.optimizer_inputs"),
    *("sympy", "regtrace.engine.formula", "regtrace.parse.formula"),
    *("regtrace.render.plotdata", "regtrace.render.termplot", "plotext", "matplotlib"),
    *("fractions", "decimal", "regtrace.engine.exact", "regtrace.parse.exact"),
    *("regtrace.parse.table", "regtrace.engine.data", "csv"),
    *("regtrace.cli.outfile", "regtrace.render.outfile", "tempfile"),
    *("json", "regtrace.render.jsonfmt", "regtrace.engine.diagnose"),
    *("rich", "rich.console", "textual", "IPython", "importlib.metadata", "unicodedata"),
}
EXACT = {"fractions", "decimal", "regtrace.engine.exact", "regtrace.parse.exact"}
PLAIN_PATHS = {  # the command line, a module it must load, and what it must not load
    "step": (
        ["step"],
        "regtrace.engine.step",
        NOT_ON_A_PLAIN_PATH | {"regtrace.cli.run_cmd", "regtrace.cli.check"},
    ),
    "run": (
        ["run"],
        "regtrace.engine.trajectory",
        NOT_ON_A_PLAIN_PATH | {"regtrace.cli.step", "regtrace.cli.check", "regtrace.engine.sweep"},
    ),
    "check": (  # a right answer (nothing to diagnose), graded in exact fractions
        ["check", "--answer", "2.515,-0.8084,0.1048"],
        "regtrace.engine.check",
        (NOT_ON_A_PLAIN_PATH - EXACT) | {"regtrace.cli.step", "regtrace.cli.run_cmd"},
    ),
}
ON_THEIR_OWN_PATH = {  # the probe is real: each guarded kind of module does load when used
    "regtrace.engine.optimizer_params": ["step", "--optimizer", "adam"],
    "fractions": ["step", "--exact"],
    "regtrace.render.jsonfmt": ["step", "--format", "json"],
    "csv": ["step", "--format", "csv"],
    "regtrace.engine.diagnose": ["check", "--answer", "2.6,-0.8084,0.1048"],
    "regtrace.render.plotdata": ["run", "--steps", "3", "--plot"],
    "rich.console": ["step", "--help"],
}


@pytest.mark.parametrize("name", list(PLAIN_PATHS))
def test_a_plain_command_loads_only_what_it_uses(name: str) -> None:
    """Start-up pays only for what a command line uses: ``regtrace step``, ``run`` and a right
    ``check`` load none of the modules of other commands, options or formats."""
    args, engine, unused = PLAIN_PATHS[name]
    modules = _loaded(*args)
    assert engine in modules  # the log is real: the command ran
    assert not modules & unused
    assert not {m for m in modules if m.split(".")[0] == "rich"}


@pytest.mark.parametrize("module", list(ON_THEIR_OWN_PATH))
def test_the_guarded_modules_load_on_their_own_path(module: str) -> None:
    assert module in _loaded(*ON_THEIR_OWN_PATH[module])


def test_a_run_builds_only_its_own_command() -> None:
    """``app_for`` keeps just the named command (Typer converts every registered signature
    on each call); help, no command and unknown commands get the whole app."""
    from regtrace.cli import app_for
    from regtrace.cli.app import app

    assert [c.name for c in app_for(["step", "--w", "1", "--grad", "2"]).registered_commands] == [
        "step"
    ]
    assert [c.name for c in app_for(["-V", "run"]).registered_commands] == ["run"]
    assert len(app.registered_commands) > 1  # the full app is untouched
    for args in ([], ["--help"], ["nope"], ["--version"]):
        assert app_for(args) is app


def _step_options(args: list[str]) -> set[str]:
    """The options of ``step`` as Typer builds the command for the command line ``args``."""
    import typer.main

    from regtrace.cli import app_for

    group = typer.main.get_command(app_for(args))
    return {o for p in group.commands["step"].params for o in p.opts}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "built"),
    [
        (["step"], False),
        (["step", "--w", "2.5,-0.8", "--grad", "-0.2,0.1", "--lam=0.1"], False),
        (["step", "-o", "adam", "--compare", "adamw"], False),  # the command's own options
        (["step", "--optimizer", "sgd", "--momentum", "0.9"], True),
        (["step", "-o", "adam", "--t", "2", "--m=1,2", "--v", "1,2"], True),
        (["step", "--momentm", "0.9"], True),  # a typo: the full list, for "did you mean"
        (["step", "--help"], True),
        (["step", "-h"], True),
    ],
)
def test_optimizer_options_are_built_for_the_command_lines_that_use_them(
    args: list[str], built: bool
) -> None:
    """Typer gets the twenty optimizer options only when the command line can need them."""
    options = _step_options(args)
    assert {"--w", "--optimizer", "--compare"} <= options
    assert ({"--momentum", "--beta1", "--buf", "--m", "--v-max"} <= options) is built
    assert ("--momentum" in options) is built


def _enums(package: str) -> dict[str, frozenset[str]]:
    """Every ``StrEnum`` defined in the modules of ``package``: name -> its values."""
    import importlib
    import pkgutil
    from enum import StrEnum

    found: dict[str, frozenset[str]] = {}
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            enum = isinstance(value, type) and issubclass(value, StrEnum)
            if enum and value.__module__ == info.name:
                found[f"{info.name}.{name}"] = frozenset(m.value for m in value)
    return found


def test_the_command_line_mirrors_no_choice_of_the_library() -> None:
    """The CLI offers the engine's and renderer's own enums: no CLI enum repeats the values
    of one of theirs (a copy would drift). The CLI's own are only its own choices."""
    library = {
        **_enums("regtrace.engine"),
        **_enums("regtrace.render"),
        **_enums("regtrace.regularizers"),
    }
    cli = _enums("regtrace.cli")
    assert set(cli) == {"regtrace.cli.options.PlotScale"}
    for name, values in cli.items():
        twins = [other for other, theirs in library.items() if theirs & values]
        assert not twins, (name, twins)


NOTEBOOK_USE = """
import sys
import regtrace
report = regtrace.step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1)
report._repr_mimebundle_()
regtrace.run([1.0], [0.0], steps=2)._repr_html_()
print(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_display_hooks_import_no_ipython() -> None:
    """Results display themselves with plain methods: ``import regtrace`` and drawing every
    format load no IPython (only ``%load_ext regtrace`` does)."""
    done = _python("-c", NOTEBOOK_USE)
    assert done.returncode == 0, done.stderr
    top_level = set(done.stdout.split())
    assert "regtrace" in top_level and "rich" in top_level  # the probe drew the table
    assert not top_level & {"IPython", "ipykernel", "matplotlib"}


def test_command_line_imports_no_ipython() -> None:
    """``regtrace step`` and ``run --format markdown`` never load IPython."""
    for args in (["step"], ["run", "--steps", "3", "--format", "markdown"]):
        done = _python("-X", "importtime", "-m", "regtrace", *args)
        assert done.returncode == 0, done.stderr
        modules = _imported(done.stderr)
        assert "regtrace.cli" in modules
        assert not {m for m in modules if m.split(".")[0] in ("IPython", "ipykernel")}


def test_notebook_layer_is_above_the_engine() -> None:
    """The engine and the renderers never import the notebook layer (it imports them)."""
    for folder in ("engine", "render", "parse"):
        for path in (ROOT / "regtrace" / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "regtrace.notebook" not in text, path
