"""Library results in a notebook: each public function's result displays the page of the
matching command, from the same writers, and is still the engine's result.

The kernel-level behaviour (what Jupyter shows) is in tests/test_notebook.py; here the
display hooks are called as IPython calls them, in-process.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import regtrace
from regtrace.engine.step import step as engine_step
from regtrace.notebook.display import Displayed, View
from regtrace.render.markdown import page_markdown
from regtrace.render.step_page import step_page
from tests.htmltext import cells as table_cells

EXAMPLE = ([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05])


def cells(result: Any) -> set[str]:
    html = result._repr_html_()
    assert html is not None
    return set(table_cells(html))


def problem() -> Any:
    """x = 1, 2, 3 against y = 2, 3, 5, with a bias."""
    return regtrace.DataProblem.build(
        [[1.0], [2.0], [3.0]], [2.0, 3.0, 5.0], intercept=True, feature_names=("hours",)
    )


def test_step_is_still_the_engine_result() -> None:
    """Same class family, same fields, same JSON: only display hooks are added."""
    report = regtrace.step(*EXAMPLE, lam=0.01, lr=0.1, loss=1.2)
    plain = engine_step(*EXAMPLE, lam=0.01, lr=0.1, loss=1.2)
    assert isinstance(report, regtrace.StepReport)
    assert report["l1"].loss == pytest.approx(1.2 + 0.01 * 3.4)
    assert report.to_dict() == plain.to_dict()
    assert regtrace.step.__doc__ == engine_step.__doc__  # help() shows the engine's doc


def test_every_format_is_the_page_the_command_writes() -> None:
    """The bundle holds HTML, Markdown, LaTeX and the terminal table, all of one page."""
    report = regtrace.step(*EXAMPLE, lam=0.01, lr=0.1, loss=1.2)
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/markdown", "text/latex", "text/plain"}
    assert bundle["text/markdown"] == page_markdown(step_page(report, full=False))
    assert "2.515" in bundle["text/plain"] and "-0.8084" in bundle["text/plain"]
    assert report._repr_latex_() == bundle["text/latex"]
    assert set(report._repr_mimebundle_(include=["text/html"])) == {"text/html"}
    assert "text/latex" not in report._repr_mimebundle_(exclude=["text/latex"])


def test_view_takes_the_command_options() -> None:
    """``show_work`` writes the arithmetic: the L2 term of w0 is 2 x 0.01 x 2.5 = 0.05."""
    report = regtrace.step(*EXAMPLE, lam=0.01, lr=0.1)
    view = report.view(show_work=True, layout="tall")
    assert isinstance(view, View)
    assert any("= 0.05" in c and "2.5" in c for c in cells(view))
    assert "= 0.05" not in " ".join(cells(report))


CASES: dict[str, tuple[Callable[[], Any], set[str]]] = {
    # one weight, lam = 0.25, lr = 1: each L2 step multiplies by 1 - 2 x 1 x 0.25 = 0.5
    "run": (
        lambda: regtrace.run([1.0], [0.0], lam=0.25, lr=1.0, steps=2, penalties=["l2"]),
        {"0.5", "0.25"},
    ),
    # target 3, lam 1: L2 minimiser 3 / (1 + 2) = 1; L1 soft-threshold 3 - 1 = 2
    "sweep": (lambda: regtrace.sweep([0.0], target=[3.0], lams=[1.0]), {"1", "2"}),
    # 2.5 - 0.1 x (-0.2 + 0.05) = 2.515, -0.8 - 0.1 x (0.1 - 0.016) = -0.8084, exactly
    "exact_step": (
        lambda: regtrace.exact_step(EXAMPLE[0], EXAMPLE[1], lam=0.01, lr=0.1, penalties=["l2"]),
        {"2.515", "-0.8084", "0.1048"},
    ),
    "check": (
        lambda: regtrace.check(*EXAMPLE, lam=0.01, lr=0.1, answer=[2.515, -0.8084, 0.1048]),
        {"right"},
    ),
    # Ridge's alpha is lam x n: 0.01 x 100 = 1
    "conventions": (lambda: regtrace.conventions(0.01, n_samples=100), {"1"}),
    # Adam's first step: m_hat = g, v_hat = g^2, so it moves by 0.1 x 0.2 / (0.2 + 1e-8)
    "optimizer_step": (
        lambda: regtrace.optimizer_step([2.5], [-0.2], lr=0.1),
        {"+0.099999995", "2.599999995"},
    ),
    # residuals -1, -1, -2 at w = 1, b = 0: dL/dw = -3, dL/db = -4/3; L2 step with lam 0.1
    # (bias not penalized): full gradient -3 + 0.2 = -2.8, w = 1 + 0.28, b = 0.133333333333
    "data_step": (
        lambda: regtrace.data_step(problem(), [1.0, 0.0], lam=0.1, lr=0.1, penalties=["l2"]),
        {"hours", "-2.8", "1.28", "0.133333333333"},
    ),
    # ridge on the table: (X^T X / n + 2 lam diag(1, 0)) w = X^T y / n with lam = 0 is the
    # least-squares line y = 1.5 x + 0.333333333333
    "run_data": (
        lambda: regtrace.run_data(problem(), steps=3, lam=0.0, penalties=["l2"]),
        {"1.5", "0.333333333333"},
    ),
    "sweep_data": (
        lambda: regtrace.sweep_data(problem(), lams=[0.0], penalties=["l2"]),
        {"1.5", "0.333333333333"},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_result_displays_its_numbers(name: str) -> None:
    make, expected = CASES[name]
    result = make()
    assert result.to_dict()  # the JSON contract is still there
    assert isinstance(result, Displayed)
    assert expected <= cells(result)


def test_check_takes_plain_numbers_as_written() -> None:
    """A float is the decimal it prints as: 0.1 is 1/10, so the step is exact."""
    floats = regtrace.check(*EXAMPLE, lam=0.01, lr=0.1, answer=[2.515, -0.8084, 0.1048])
    exact = regtrace.check(
        [Fraction("2.5"), Fraction("-0.8"), Fraction("0.1")],
        [Fraction("-0.2"), Fraction("0.1"), Fraction("-0.05")],
        lam=Fraction("0.01"),
        lr=Fraction("0.1"),
        answer=["2.515", "-0.8084", "0.1048"],
    )
    assert floats.correct and exact.correct
    assert (
        floats.expected
        == exact.expected
        == (Fraction("2.515"), Fraction("-0.8084"), Fraction("0.1048"))
    )


def test_plot_is_the_plot_file_figure() -> None:
    """``run.plot()`` draws each penalty's trajectories: w0 from 1 halving twice under L2."""
    pytest.importorskip("matplotlib")
    fig = regtrace.run([1.0], [0.0], lam=0.25, lr=1.0, steps=2, penalties=["l2"]).plot()
    (axes,) = fig.axes
    (line,) = [line for line in axes.get_lines() if line.get_label() == "w0"]
    assert np.allclose(line.get_ydata(), [1.0, 0.5, 0.25])
    assert axes.get_title() == "L2"
    sweep = regtrace.sweep([0.0], target=[3.0], lams=[1.0, 2.0]).plot()
    assert [ax.get_title() for ax in sweep.axes] == ["L2", "L1"]


def test_data_step_json_is_the_command_line_json() -> None:
    """``data_step(...).to_dict()`` is ``regtrace step --data ... --format json``."""
    import json

    from tests.conftest import invoke

    result = regtrace.data_step(problem(), [1.0, 0.0], lam=0.1, lr=0.1, penalties=["l2"])
    args = ["step", "--x", "1; 2; 3", "--y", "2,3,5", "--intercept", "--w", "1,0"]
    done = invoke([*args, "--lam", "0.1", "--lr", "0.1", "--penalty", "l2", "--format", "json"])
    assert result.to_dict() == json.loads(done.stdout)


def test_ipython_terminal_shows_the_table() -> None:
    """IPython's pretty printer (its terminal, and ``text/plain``) gives the terminal table."""
    pretty = pytest.importorskip("IPython.lib.pretty")
    report = regtrace.step(*EXAMPLE, lam=0.01, lr=0.1, loss=1.2)
    text = pretty.pretty(report)
    assert text == str(report.view())
    assert "New weight" in text and "2.515" in text and "1.2 + 0.01 x 3.4 = 1.234" in text


NBCONVERT_PREAMBLE = (
    "\\documentclass[11pt]{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{amsmath}\n"
    "\\usepackage{longtable}\n\\usepackage{array}\n\\usepackage{calc}\n"
)
"""nbconvert's LaTeX template as far as tables go: no tabularx (its booktabs, not in
texlive-latex-base, is left out: the fragments use no booktabs command)."""


def test_latex_is_offered_only_where_an_exporter_compiles_it(tmp_path: Path) -> None:
    """``nbconvert --to pdf`` prefers ``text/latex``: every LaTeX a result offers compiles in
    nbconvert's preamble; the worked arithmetic needs tabularx, so it offers none (the
    exporter then takes the Markdown)."""
    report = regtrace.step(*EXAMPLE, lam=0.01, lr=0.1, loss=1.2)
    worked = report.view(show_work=True)
    assert worked._repr_latex_() is None
    assert "text/latex" not in worked._repr_mimebundle_()
    assert "text/markdown" in worked._repr_mimebundle_()
    results = [report, *(make() for make, _ in CASES.values())]
    bodies = [latex for r in results if (latex := r._repr_latex_()) is not None]
    assert bodies[0] == report._repr_latex_() and len(bodies) > 3
    engine = shutil.which("pdflatex")
    if engine is None:
        pytest.skip("no pdflatex: install texlive-latex-base")
    doc = tmp_path / "nb.tex"
    body = "\n\\clearpage\n".join(bodies)
    doc.write_text(f"{NBCONVERT_PREAMBLE}\\begin{{document}}\n{body}\n\\end{{document}}\n")
    done = subprocess.run(
        [engine, "-interaction=nonstopmode", "-halt-on-error", doc.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
