"""``regtrace run`` and ``regtrace sweep`` end to end: golden outputs, JSON, errors, plots."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import INPUTS, ROOT, invoke

EXAMPLE = ["--w", "2.5,-0.8,0.1", "--grad", "-0.2,0.1,-0.05", "--lam", "0.01", "--lr", "0.1"]
TARGETS = ["--target", "3.5,2.1,-0.4", "--w", "0,0,0"]

GOLDEN_CASES = {
    "run_builtin.txt": ["run"],
    "run_target_proximal.txt": [
        "run", *TARGETS, "--lam", "0.5", "--steps", "40", "--every", "10",
        "--l1-method", "proximal",
    ],
    "run_l1_subgradient_events.txt": [
        "run", "--w", "0.05,-0.003", "--grad", "0,0", "--lam", "0.1", "--steps", "7",
        "--penalty", "l1",
    ],
    "run_l1_proximal_events.txt": [
        "run", "--w", "0.05,-0.003", "--grad", "0,0", "--lam", "0.1", "--steps", "7",
        "--penalty", "l1,elastic", "--lam2", "0.5", "--l1-method", "proximal",
    ],
    "run_half_per_weight.txt": [
        "run", *EXAMPLE[:4], "--lam", "0.5,0,0.5", "--l2-form", "half", "--steps", "3",
        "--penalty", "l2",
    ],
    "run_many_weights.txt": [
        "run", "--w", f"@{INPUTS / 'w100.txt'}", "--grad", f"@{INPUTS / 'g100.txt'}",
        "--steps", "100", "--every", "25", "--lam", "0.5",
    ],
    "run_json.json": ["run", *EXAMPLE, "--steps", "2", "--format", "json"],
    "run_target_json.json": ["run", "--target", "1,-2", "--lam", "0.5", "--steps", "1",
                             "--format", "json"],
    "run_csv.csv": ["run", *EXAMPLE, "--steps", "3", "--format", "csv"],
    "run_markdown.md": ["run", *TARGETS, "--lam", "0.5", "--steps", "20", "--every", "10",
                        "--format", "markdown"],
    "run_plot.txt": ["run", "--target", "3.5,2.1", "--lam", "0.5", "--steps", "20", "--plot"],
    "sweep_builtin.txt": ["sweep", "--steps", "10"],
    "sweep_path_plot.txt": ["sweep", "--target", "3.5,2.1,-0.4", "--lams", "0.01:10:7",
                            "--plot"],
    "sweep_json.json": ["sweep", "--target", "3,-1", "--lams", "0,1,2", "--format", "json"],
    "sweep_csv.csv": ["sweep", *EXAMPLE[:4], "--steps", "10", "--lams", "0,1", "--format", "csv"],
    "sweep_markdown.md": ["sweep", "--target", "3,-1", "--lams", "0.5,2",
                          "--penalty", "l2,l1,elastic", "--format", "markdown"],
}  # fmt: skip


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden(name: str, golden: Callable[[str, str], None]) -> None:
    """Each command, format and option matches its reviewed golden file exactly."""
    args = [str(a).replace(str(ROOT) + "/", "") for a in GOLDEN_CASES[name]]
    result = invoke(args)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


def test_run_table_shows_the_hand_derived_numbers() -> None:
    """A compromise of two targets, t = [3.5, 2.1], lam = 0.5 (lambda form): the L2 fixed point is
    t/(1 + 2*0.5) = [1.75, 1.05] and the L1 one soft(t, 0.5) = [3, 1.6]; from 0 with
    lr = 0.1 the L2 error shrinks by 1 - 0.1*(1 + 1) = 0.8 per step, so after 10 steps
    w = 1.75*(1 - 0.8^10) = 1.5620951808 and 1.05*0.8926258176 = 0.93725710848."""
    out = invoke(["run", "--target", "3.5,2.1", "--lam", "0.5", "--steps", "10"]).stdout
    assert re.search(r"fixed point w\*\s+1\.75\s+1\.05\n", out)
    assert re.search(r"\n\s+10\s+1\.5620951808\s+0\.93725710848\n", out)
    assert "soft(target, lam) = sign(t) x max(|t| - lam, 0) = [3, 1.6]" in out
    assert "1 - lr x (1 + 2 x lam) = 1 - 0.1 x (1 + 2 x 0.5) = 0.8" in out


def test_sweep_table_is_the_example_loop_computed_right() -> None:
    """The built-in example's lam = 0 row is [2.7, -0.9, 0.15] (w_0 - 10*0.1*g), not its printed
    [2.7, -0.7, 0.15]; lam = 1 gives 0.35769803776 for w0 (a = 0.8, see the engine tests)."""
    out = invoke(["sweep", "--steps", "10", "--penalty", "l2"]).stdout
    assert re.search(r"L2\s+0\s+2\.7\s+-0\.9\s+0\.15\n", out)
    assert "0.35769803776" in out


def test_run_json_trajectory_follows_every() -> None:
    """--every 4 over 10 steps keeps steps 0, 4, 8, 10; w_k = 0.5^k for lr = 1, lam = 0.25."""
    args = ["--w", "1", "--grad", "0", "--lam", "0.25", "--lr", "1", "--steps", "10"]
    result = invoke(["run", *args, "--every", "4", "--penalty", "l2", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["kept_steps"] == [0, 4, 8, 10]
    assert data["results"][0]["trajectory"] == [[1.0], [0.5**4], [0.5**8], [0.5**10]]
    assert data["results"][0]["w_final"] == [0.5**10]


ERRORS = [
    (["run", "--w", "0,0", "--grad", "1,2", "--target", "1,2"],
     "--grad and --target both set the data gradient; use --grad for a fixed gradient or "
     "--target for the loss 1/2*||w - target||^2, not both"),
    (["run", "--w", "1,2,3", "--target", "1,2"],
     "w has 3 values but target has 2; give one target per weight"),
    (["run", "--lam", "20"],
     "the L2 run diverges from step 1: each step multiplies the distance to the fixed point "
     "by |1 - 2*lr*lam| = 3 > 1, so the weights grow without bound; use a smaller lr or lam"),
    (["run", "--w", "1e300", "--grad", "-1e300", "--lr", "1e7", "--steps", "40",
      "--penalty", "none"],
     "the none run overflows float64 at step 18 (a weight beyond 1.8e308 or NaN); "
     "use a smaller lr, lam or fewer steps"),
    (["run", "--steps", "-1"], "Invalid value for '--steps' / '-n': -1 is not in the range x>=0."),
    (["run", "--every", "0"], "Invalid value for '--every': 0 is not in the range x>=1."),
    (["run", "--target", "1,abc"], "--target, element 2: 'abc' is not a number"),
    (["run", "--plot", "--format", "json"],
     "--plot draws in the terminal and would break --format json; use --plot-file PATH for a "
     "picture beside the data"),
    (["run", "--plot-file", "out.gif"],
     "--plot-file 'out.gif': name a .png, .svg or .pdf file (the suffix picks the format)"),
    (["run", "--plot-file", "no/such/folder/x.svg"],
     "--plot-file 'no/such/folder/x.svg': folder 'no/such/folder' does not exist"),
    (["sweep", "--w", "1", "--grad", "0"],
     "a sweep with a fixed gradient needs steps (the weights after N steps); the "
     "regularization path without steps needs a target"),
    (["sweep", "--target", "1", "--lams", "0:1:3"],
     "--lams: a log-spaced range needs start and stop above 0 (got 0 and 1); list 0 "
     "separately, e.g. 0,0.01,0.1,1"),
    (["sweep", "--steps", "3", "--lams", "-1,2"],
     "lams must not be negative (got -1); use 0 for no penalty"),
    (["sweep", "--steps", "3", "--lams", "1,20"], "the L2 run diverges from step 1"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    """Every bad input: exit 2, nothing on stdout, one stderr line saying what to do."""
    result = invoke(args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {message}")


def test_help_mentions_examples() -> None:
    """Both commands document their options and examples."""
    for command in ("run", "sweep"):
        out = invoke([command, "--help"]).stdout
        assert "Examples:" in out
        assert "--plot-file" in out
    assert "--lams" in invoke(["sweep", "--help"]).stdout


# -- pictures ---------------------------------------------------------------------------------


def test_run_plot_holds_each_weight_against_the_step() -> None:
    """The run picture: one panel per penalty, one series per weight, x the kept steps and
    y that weight's trajectory (w_k = 0.5^k here: lr = 1, lam = 0.25, a = 0.5)."""
    from regtrace import run
    from regtrace.render.plotdata import run_plot

    spec = run_plot(run([1.0, -2.0], [0.0, 0.0], lam=0.25, lr=1.0, steps=3))
    assert [p.title for p in spec.panels] == ["L2", "L1"]
    l2 = spec.panels[0]
    assert [s.label for s in l2.series] == ["w0", "w1"]
    assert l2.series[0].x == (0.0, 1.0, 2.0, 3.0)
    assert l2.series[0].y == (1.0, 0.5, 0.25, 0.125)
    assert l2.series[1].y == (-2.0, -1.0, -0.5, -0.25)
    assert l2.xscale == "linear"


def test_sweep_plot_is_the_path_on_a_log_axis() -> None:
    """The path picture: x the lams, y = t/(1 + 2*lam) for L2 and soft(t, lam) for L1 with
    t = 3: lam = 0.1 -> 2.5 and 2.9; lam = 10 -> 3/21 and 0. lam spanning 100x and more is on
    a log axis (symlog when 0 is swept too: a log axis has no 0); a narrow span stays linear."""
    from regtrace import sweep
    from regtrace.render.plotdata import sweep_plot

    spec = sweep_plot(sweep([0.0], target=[3.0], lams=[0.1, 10.0]))
    l2, l1 = spec.panels
    assert l2.xscale == l1.xscale == "log"
    assert l2.series[0].x == (0.1, 10.0)
    assert l2.series[0].y == pytest.approx((2.5, 3 / 21))
    assert l1.series[0].y == pytest.approx((2.9, 0.0))
    with_zero = sweep_plot(sweep([0.0], target=[3.0], lams=[0.0, 0.1, 10.0])).panels[0]
    assert (with_zero.xscale, with_zero.linthresh) == ("symlog", 0.1)
    for narrow in ([1.0, 4.0], [0.0, 1.0], [0.0, 0.02, 1.0]):  # 4x, only one positive, 50x
        assert sweep_plot(sweep([0.0], target=[3.0], lams=narrow)).panels[0].xscale == "linear"


def test_plot_draws_only_the_first_weights_of_many() -> None:
    """Past 8 weights the picture keeps the first 8 and says so."""
    from regtrace import run
    from regtrace.render.plotdata import run_plot

    spec = run_plot(run([1.0] * 20, [0.0] * 20, steps=2))
    assert len(spec.panels[0].series) == 8
    assert spec.note == "the first 8 of 20 weights are drawn"


def test_terminal_plot_has_titles_legend_and_axis_labels() -> None:
    """plotext draws both panels with their titles, series labels and x label."""
    out = invoke(["run", "--target", "3.5,2.1", "--lam", "0.5", "--steps", "5",
                  "--plot"]).stdout  # fmt: skip
    plot = out.split("fixed point w* = ")[-1]
    for text in ("L2", "L1", "w0", "w1", "step", "**", "++"):
        assert text in plot
    assert "\x1b[" not in out  # no colour codes when piped


def test_plot_file_svg_and_png(tmp_path: Path) -> None:
    """--plot-file writes a real SVG or PNG, atomically (no temporary file left beside it)."""
    pytest.importorskip("matplotlib")
    for name, magic in (("path.svg", b"<?xml"), ("path.png", b"\x89PNG")):
        target = tmp_path / name
        result = invoke(["sweep", "--target", "3,-1", "--lams", "0.1:10:5", "--plot-file",
                         str(target)])  # fmt: skip
        assert result.code == 0, result.stderr
        assert target.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["path.png", "path.svg"]


def test_matplotlib_figure_holds_the_series() -> None:
    """The matplotlib figure has one axes per panel and one line per series, same data."""
    pytest.importorskip("matplotlib")
    from regtrace import run
    from regtrace.render.plotdata import run_plot
    from regtrace.render.plotfile import figure

    spec = run_plot(run([1.0, -2.0], [0.0, 0.0], lam=0.25, lr=1.0, steps=3))
    fig = figure(spec)
    assert [ax.get_title() for ax in fig.axes] == ["L2", "L1"]
    for ax, panel in zip(fig.axes, spec.panels, strict=True):
        lines = {line.get_label(): line for line in ax.get_lines()}
        for series in panel.series:
            assert tuple(lines[series.label].get_xdata()) == series.x
            assert tuple(lines[series.label].get_ydata()) == series.y
        assert ax.get_xlabel() == "step"


def test_plot_file_without_matplotlib_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without the extra: one line naming the install command, exit 2, no file, no output."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    target = tmp_path / "x.png"
    result = invoke(["run", "--plot-file", str(target)])
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == ("Error: --plot-file needs matplotlib: pip install 'regtrace[plot]'\n")
    assert not target.exists()


def test_plot_libraries_load_only_when_asked() -> None:
    """A plain run never imports plotext or matplotlib (start-up time); --plot loads plotext."""
    import subprocess

    code = (
        "import sys, io, contextlib\n"
        "from regtrace.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(sys.argv[1:])\n"
        "print('plotext' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    for args, expected in ((["run"], "False False"), (["run", "--plot"], "True False")):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
            timeout=60,
        )  # fmt: skip
        assert done.stdout.strip() == expected, done.stderr
