"""``regtrace explore`` on the command line: options, errors, the missing extra, import cost."""

from __future__ import annotations

import subprocess
import sys

import pytest

from regtrace.cli import explore as explore_cmd
from regtrace.cli.explore import INSTALL_HINT
from regtrace.explore.app import ExploreApp
from tests.conftest import ROOT, Invocation, invoke


def test_without_the_extra_one_line_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """With Textual not importable, one error line names the extra; exit status 2."""
    monkeypatch.setitem(sys.modules, "textual", None)  # `import textual` now raises ImportError
    result = invoke(["explore"])
    assert result == Invocation(
        2,
        "",
        "Error: regtrace explore needs the optional extra 'explore' (Textual); "
        "install it with: pip install 'regtrace[explore]'\n",
    )
    assert INSTALL_HINT in result.stderr


def test_the_app_starts_on_the_parsed_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """The options go through step's parser into the app's starting state, then it runs."""
    started: list[ExploreApp] = []
    monkeypatch.setattr(ExploreApp, "run", lambda self: started.append(self))
    monkeypatch.setattr(explore_cmd, "interactive", lambda: True)
    result = invoke(["explore", "--w", "1 -2", "--grad", "0.5,0.1", "--lam", "0.1", "--lr", "1e-1"])
    assert result == Invocation(0, "", "")
    (app,) = started
    assert app.state.w.tolist() == [1.0, -2.0]
    assert app.state.grad.tolist() == [0.5, 0.1]
    assert (app.state.lam, app.state.lr, app.state.loss, app.digits) == (0.1, 0.1, None, 6)
    assert app.state.builtin is False


def test_no_options_start_on_the_builtin_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain ``regtrace explore`` is the built-in example's step, with its base loss 1.2."""
    started: list[ExploreApp] = []
    monkeypatch.setattr(ExploreApp, "run", lambda self: started.append(self))
    monkeypatch.setattr(explore_cmd, "interactive", lambda: True)
    assert invoke(["explore", "--digits", "12"]).code == 0
    state = started[0].state
    assert (state.w.tolist(), state.grad.tolist()) == ([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05])
    assert (state.lam, state.lr, state.loss, started[0].digits) == (0.01, 0.1, 1.2, 12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--lam", "0.01,0,0.01"],
            "regtrace explore takes one --lam for all weights (its keys scale that one "
            "number); for one lam per weight use regtrace step",
        ),
        (
            ["--w", "1,2"],
            "--w needs --grad too: give both (one value per weight), or neither for the "
            "built-in example",
        ),
        (
            ["--w", "1,2", "--grad", "1"],
            "w has 2 values but grad has 1; give one gradient per weight",
        ),
        (["--lam", "-1"], "lam must not be negative; use 0 for no penalty"),
    ],
)
def test_bad_options_are_one_error_line(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    """Bad input is reported before the app starts, like ``step`` reports it."""
    monkeypatch.setattr(ExploreApp, "run", lambda self: pytest.fail("the app must not start"))
    assert invoke(["explore", *args]) == Invocation(2, "", f"Error: {message}\n")


def test_a_pipe_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped (as in the tests), the app does not start; the error points to step's formats."""
    monkeypatch.setattr(ExploreApp, "run", lambda self: pytest.fail("the app must not start"))
    assert invoke(["explore"]) == Invocation(
        2,
        "",
        "Error: regtrace explore is interactive and needs a terminal on stdin and stdout; "
        "for a trace in a file or a pipe use regtrace step --format markdown (or json, csv)\n",
    )


def _imports_textual(code: str) -> bool:
    """Whether running ``code`` in a fresh interpreter imports Textual."""
    probe = f"import sys\n{code}\nprint('textual' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize("argv", [["--help"], ["step"], ["explore", "--help"], ["--version"]])
def test_textual_stays_out_of_the_other_commands(argv: list[str]) -> None:
    """Only running the explorer loads Textual (about 190 ms of imports)."""
    assert not _imports_textual(f"from regtrace.cli import run\nrun({argv!r})")


def test_the_engine_and_the_apps_model_do_not_import_textual() -> None:
    """The ridge engine and the explorer's state, decay and plot modules are plain Python."""
    modules = ["engine.ridge", "explore.state", "explore.decay", "explore.plot"]
    assert not _imports_textual("\n".join(f"import regtrace.{m}" for m in modules))
