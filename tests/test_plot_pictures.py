"""The pictures of ``run`` and ``sweep``: title, shared y range, the fixed point drawn as a
line, and a log lam axis, checked on the matplotlib figures and the plotext text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import invoke

pytest.importorskip("matplotlib")

TARGET_CASE = ["--target", "3.5,2.1", "--lam", "0.5", "--steps", "20"]


def _figure(spec: Any) -> Any:
    from regtrace.render.plotfile import figure

    return figure(spec)


def _levels(ax: Any) -> list[float]:
    """The y of each dashed horizontal line (the levels) in one axes, in drawing order."""
    return [float(line.get_ydata()[0]) for line in ax.get_lines() if line.get_linestyle() == "--"]


def test_run_figure_has_title_shared_scale_and_fixed_points() -> None:
    """t = [3.5, 2.1], lam = 0.5 (lambda form): the L2 fixed point is t/(1 + 2*0.5) =
    [1.75, 1.05], the L1 one soft(t, 0.5) = [3, 1.6]; each is a dashed line in its weight's
    colour, and both panels share one y range that holds the L1 level 3."""
    from regtrace import run
    from regtrace.render.plotdata import run_plot

    spec = run_plot(run([0.0, 0.0], target=[3.5, 2.1], lam=0.5, lr=0.1, steps=20))
    fig = _figure(spec)
    assert fig.get_suptitle() == "20 gradient steps, lam = 0.5, lr = 0.1, target = [3.5, 2.1]"
    l2, l1 = fig.axes
    assert [l2.get_title(), l1.get_title()] == ["L2", "L1"]
    assert _levels(l2) == pytest.approx([1.75, 1.05])
    assert _levels(l1) == pytest.approx([3.0, 1.6])
    assert l2.get_ylim() == l1.get_ylim()
    assert l2.get_ylim()[1] > 3.0  # the L2 panel shows the L1 level too: one scale
    for ax in (l2, l1):
        series = {line.get_label(): line.get_color() for line in ax.get_lines()}
        dashed = [line.get_color() for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert dashed == [series["w0"], series["w1"]]
    (legend,) = fig.legends  # one, under the panels: it covers no line
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels == ["w0", "w1", "fixed point w* (dashed)"]


def test_own_scale_fits_each_panel() -> None:
    """``shared_y`` off: the L2 panel ends near its own data (1.75), below the L1 level 3."""
    from dataclasses import replace

    from regtrace import run
    from regtrace.render.plotdata import run_plot

    spec = run_plot(run([0.0, 0.0], target=[3.5, 2.1], lam=0.5, lr=0.1, steps=20))
    l2, l1 = _figure(replace(spec, shared_y=False)).axes
    assert l2.get_ylim()[1] < 3.0 < l1.get_ylim()[1]


def test_different_strengths_go_in_the_panel_titles() -> None:
    """With L2 at lam = 0.5 and elastic at lam1 = 0.1, lam2 = 0.5 the strengths differ, so each
    panel names its own; the figure title keeps the steps, lr and gradient."""
    from regtrace import run
    from regtrace.render.plotdata import run_plot

    report = run([1.0], [0.5], lam=0.5, lr=0.05, steps=4, penalties=["l2", "elastic"], lam1=0.1)
    fig = _figure(run_plot(report))
    assert [ax.get_title() for ax in fig.axes] == [
        "L2, lam = 0.5",
        "Elastic, lam1 = 0.1, lam2 = 0.5",
    ]
    assert fig.get_suptitle() == "4 gradient steps, lr = 0.05, dL/dw = [0.5] (fixed)"
    assert _levels(fig.axes[0]) == []  # a fixed gradient has no fixed point in the text


def test_sweep_lam_axis_is_logarithmic_across_decades() -> None:
    """lam from 0.001 to 10 is drawn on a log axis; the default loop 0, 0.01, 0.1, 1 on a
    symlog axis (linear up to 0.01, where 0 sits); 0.5 to 2 stays linear."""
    from regtrace import sweep
    from regtrace.render.plotdata import sweep_plot

    path = _figure(sweep_plot(sweep([0.0], target=[3.0], lams=[0.001, 0.1, 10.0])))
    assert [ax.get_xscale() for ax in path.axes] == ["log", "log"]
    assert path.get_suptitle() == "Regularization path w*(lam), target = [3]"
    loop = sweep([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lams=[0, 0.01, 0.1, 1], steps=10)
    fig = _figure(sweep_plot(loop))
    assert [ax.get_xscale() for ax in fig.axes] == ["symlog", "symlog"]
    assert fig.axes[0].xaxis.get_transform().linthresh == 0.01
    assert fig.get_suptitle() == (
        "Weights after 10 gradient steps for each lam, lr = 0.1, w_0 = [2.5, -0.8, 0.1], "
        "dL/dw = [-0.2, 0.1, -0.05]\n(fixed)"
    )
    narrow = _figure(sweep_plot(sweep([0.0], target=[3.0], lams=[0.5, 2.0])))
    assert narrow.axes[0].get_xscale() == "linear"


def test_data_run_draws_the_solution() -> None:
    """Rows x = 1, 1 and y = 2, 2: L = 1/2*(w - 2)^2, so L2 at lam = 0.5 solves
    w - 2 + w = 0 (w* = 1) and L1 w - 2 + 0.5 = 0 (w* = 1.5)."""
    from regtrace.engine.data import DataProblem
    from regtrace.engine.datarun import run_data
    from regtrace.render.plotdata import data_run_plot

    problem = DataProblem.build([[1.0], [1.0]], [2.0, 2.0])
    report = run_data(problem, [0.0], steps=3, lam=0.5, lr=0.1)
    fig = _figure(data_run_plot(report))
    l2, l1 = fig.axes
    assert _levels(l2) == pytest.approx([1.0])
    assert _levels(l1) == pytest.approx([1.5])
    assert "solution w* (dashed)" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert fig.get_suptitle() == "3 gradient steps, lam = 0.5, lr = 0.1, linear model on 2 rows"


def test_plot_file_png_end_to_end(tmp_path: Path) -> None:
    """``run --plot-file x.png`` writes a PNG of two 5 x 4.6 inch panels at 100 dpi; the own
    scale gives another picture."""
    from matplotlib.image import imread

    shared, own = tmp_path / "shared.png", tmp_path / "own.png"
    assert invoke(["run", *TARGET_CASE, "--plot-file", str(shared)]).code == 0
    result = invoke(["run", *TARGET_CASE, "--plot-file", str(own), "--plot-scale", "own"])
    assert result.code == 0, result.stderr
    pixels = imread(shared)
    assert pixels.shape[:2] == (460, 1000)
    assert shared.read_bytes() != own.read_bytes()


def test_terminal_plot_has_title_and_levels() -> None:
    """``--plot`` starts with the figure's title, draws the levels and names them."""
    out = invoke(["run", *TARGET_CASE, "--plot"]).stdout
    plot = out.split("fixed point w* = ")[-1].split("\n", 1)[1]
    assert plot.startswith("20 gradient steps, lam = 0.5, lr = 0.1, target = [3.5, 2.1]\n")
    assert plot.rstrip().endswith("(horizontal lines: fixed point w*)")
    own = invoke(["run", *TARGET_CASE, "--plot", "--plot-scale", "own"]).stdout
    assert own != out  # each panel on its own y range


def test_plot_scale_rejects_other_words() -> None:
    """An unknown --plot-scale is a usage error naming the choices."""
    result = invoke(["run", "--plot", "--plot-scale", "both"])
    assert result.code == 2
    assert "shared" in result.stderr and "own" in result.stderr


def test_a_fixed_point_at_zero_is_drawn() -> None:
    """t = [3, 0.4], lam = 0.5: L1's fixed point soft(t, 0.5) = [2.5, 0]; the 0 is a level
    too (the lasso's exact zero), as is L2's t/2 = [1.5, 0.2]."""
    from regtrace import run
    from regtrace.render.plotdata import run_plot

    spec = run_plot(run([0.0, 0.0], target=[3.0, 0.4], lam=0.5, lr=0.1, steps=5))
    l2, l1 = _figure(spec).axes
    assert _levels(l2) == pytest.approx([1.5, 0.2])
    assert _levels(l1) == pytest.approx([2.5, 0.0])
