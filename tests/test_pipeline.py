"""Every command and mode through one problem description: the combinations that were
missing (an optimizer with ``--out``, a table with ``run --out``/``--optimizer``, ``check
--steps`` on a table, ``sweep --exact``, a per-weight ``sweep --lam``, ``run --compare``)
give the values derived by hand, and agree with the paths that existed before them.

The 3-row table used here: x = [1, 2, 3], y = [2, 3, 5] with an intercept, so the design is
``[[1, 1], [2, 1], [3, 1]]`` and the half-mse gradient is ``X^T (Xw - y) / 3``. At w = 0 the
residual is -y and the gradient is ``[-(2 + 6 + 15)/3, -(2 + 3 + 5)/3] = [-23/3, -10/3]``.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from regtrace.cli.inputs import ProblemOptions, resolve_problem
from regtrace.engine.problem import (
    FixedGradient,
    NumberType,
    QuadraticTarget,
    TableGradient,
)
from tests.conftest import invoke

TABLE = ["--x", "1; 2; 3", "--y", "2,3,5", "--intercept"]


def _json(args: list[str]) -> Any:
    result = invoke(args)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def _error(args: list[str]) -> str:
    result = invoke(args)
    assert result.code == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    return result.stderr


# ---- the one resolver -------------------------------------------------------------------


def test_resolver_builds_each_source_and_number_type() -> None:
    """A typed gradient, a target and a table each become their source; --exact reads the
    text as fractions (0.1 is exactly 1/10)."""
    typed = resolve_problem(ProblemOptions(w="1,2", grad="0.5,-1", lam="0.1", exact=True))
    assert isinstance(typed.source, FixedGradient)
    assert typed.numbers is NumberType.EXACT
    assert typed.w == [Fraction(1), Fraction(2)]
    assert typed.regularization.lam == [Fraction(1, 10)]
    assert typed.lr == Fraction(1, 10)  # the built-in example's lr

    target = resolve_problem(ProblemOptions(target="3,4", penalty="l2"))
    assert isinstance(target.source, QuadraticTarget)
    assert target.w.tolist() == [0.0, 0.0]
    loss, grad = target.source.evaluate(np.array([1.0, 1.0]))
    assert (loss, grad.tolist()) == (0.5 * (4 + 9), [-2.0, -3.0])

    from regtrace.cli.dataoptions import DataOptions

    table = resolve_problem(
        ProblemOptions(penalty="l2", table=DataOptions(None, "1; 2; 3", "2,3,5", intercept=True))
    )
    assert isinstance(table.source, TableGradient)
    assert table.regularization.lam.tolist() == [0.01, 0.0]  # the bias is not penalized
    _, grad = table.source.evaluate(table.w)
    np.testing.assert_allclose(grad, [-23 / 3, -10 / 3], rtol=1e-15)
    _, exact_grad = table.source.evaluate([Fraction(0), Fraction(0)])
    assert exact_grad == [Fraction(-23, 3), Fraction(-10, 3)]


# ---- step --optimizer --out -------------------------------------------------------------


def test_step_optimizer_out_saves_the_new_weights(tmp_path: Path) -> None:
    """Adam's first step moves each weight by lr*g/(|g| + eps), about lr against the sign of
    g: w = [1, 2], g = [0.1, 0.2], lr 0.1 -> about [0.9, 1.9]; the file holds it exactly as
    the JSON prints it."""
    args = ["step", "--optimizer", "adam", "--w", "1,2", "--grad", "0.1,0.2", "--lr", "0.1"]
    out = tmp_path / "w.npy"
    assert invoke([*args, "--out", str(out)]).code == 0
    saved = np.load(out)
    np.testing.assert_allclose(saved, [0.9, 1.9], atol=1e-6)
    printed = _json([*args, "--format", "json"])
    assert saved.tolist() == printed["results"][0]["w_new"]


def test_step_optimizer_compare_out_holds_one_array_per_optimizer(tmp_path: Path) -> None:
    """With --compare the .npz has one array per optimizer: SGD moves by lr*g exactly."""
    args = ["step", "-o", "adam", "--compare", "sgd", "--w", "1,2", "--grad", "0.1,0.2"]
    out = tmp_path / "w.npz"
    assert invoke([*args, "--out", str(out)]).code == 0
    with np.load(out) as saved:
        assert sorted(saved.files) == ["adam", "sgd"]
        np.testing.assert_allclose(saved["sgd"], [1 - 0.01, 2 - 0.02], rtol=1e-15)
    assert "2 optimizers are compared (adam, sgd); write .npz" in _error(
        [*args, "--out", str(tmp_path / "w.npy")]
    )


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(
    "args",
    [
        ["step", *TABLE, "-p", "l2"],
        ["step", *TABLE, "-p", "l2", "-o", "adam"],
        ["step", "-o", "adam", "--compare", "sgd", "--show-work"],
    ],
    ids=["table", "table-adam", "compare"],
)
def test_step_out_text_is_what_the_format_prints(tmp_path: Path, args: list[str], fmt: str) -> None:
    """A .json/.csv --out file holds exactly what --format json/csv prints (with the data
    part of a table step)."""
    out = tmp_path / f"step.{fmt}"
    assert invoke([*args, "--out", str(out)]).code == 0
    printed = invoke([*(a for a in args if a != "--show-work"), "--format", fmt]).stdout
    assert out.read_text(encoding="utf-8") == printed


# ---- run on a table: --out and --optimizer ----------------------------------------------


def test_run_on_a_table_saves_its_final_weights(tmp_path: Path) -> None:
    """One step from 0 with lr 0.1 under L2: the penalty term is 0 at w = 0, so
    w_1 = -0.1 x [-23/3, -10/3] = [23/30, 1/3]."""
    out = tmp_path / "w.npz"
    args = ["run", *TABLE, "--penalty", "l2", "--steps", "1", "--lr", "0.1"]
    assert invoke([*args, "--out", str(out)]).code == 0
    with np.load(out) as saved:
        np.testing.assert_allclose(saved["l2"], [23 / 30, 1 / 3], rtol=1e-15)
    text = tmp_path / "w.json"
    assert invoke([*args, "--out", str(text)]).code == 0
    assert text.read_text(encoding="utf-8") == invoke([*args, "--format", "json"]).stdout


def _chained_steps(optimizer: list[str], n: int) -> list[list[float]]:
    """``step --optimizer`` on the table ``n`` times, passing the state on by hand."""
    w = "0,0"
    state: list[str] = []
    trajectory = [[0.0, 0.0]]
    for k in range(1, n + 1):
        out = _json(["step", *TABLE, *optimizer, "--w", w, *state, "--format", "json"])
        result = out["results"][0]
        trajectory.append(result["w_new"])
        w = ",".join(repr(x) for x in result["w_new"])
        s = result["state"]
        state = ["--t", str(k + 1)]
        for name in ("m", "v", "buf"):
            if s[name] is not None:
                state += [f"--{name}", ",".join(repr(x) for x in s[name])]
    return trajectory


@pytest.mark.parametrize(
    "optimizer",
    [
        ["--optimizer", "adam", "--penalty", "l2", "--lam", "0.1"],
        ["--optimizer", "adamw", "--weight-decay", "0.05", "--penalty", "none"],
        ["--optimizer", "nesterov", "--momentum", "0.8", "--penalty", "l1", "--lam", "0.2"],
    ],
    ids=["adam", "adamw", "nesterov"],
)
def test_run_optimizer_on_a_table_equals_chained_steps(optimizer: list[str]) -> None:
    """``run --data --optimizer`` for 4 steps is ``step --data --optimizer`` 4 times, each
    with the previous ``w_new`` and state (--t/--m/--v/--buf)."""
    run = _json(["run", *TABLE, *optimizer, "--steps", "4", "--format", "json"])
    (result,) = run["results"]
    np.testing.assert_allclose(result["trajectory"], _chained_steps(optimizer, 4), rtol=1e-14)
    assert run["optimizer"]["optimizer"] == optimizer[1]
    assert "solutions" in run and run["data"]["n"] == 3


def test_run_adam_on_a_table_first_step_by_hand() -> None:
    """Adam's step 1 from 0 moves each weight by about lr: g = [-23/3, -10/3] -> [0.1, 0.1]."""
    run = _json(["run", *TABLE, "-o", "adam", "--penalty", "none", "--steps", "1",
                 "--format", "json"])  # fmt: skip
    np.testing.assert_allclose(run["results"][0]["w_final"], [0.1, 0.1], atol=1e-8)


# ---- check --steps on a table -----------------------------------------------------------


def _two_steps_by_hand() -> list[Fraction]:
    """Two L2 steps (lam 0.01 on the slope, none on the bias, lr 1/10) from 0, in fractions.

    Step 1: w = [23/30, 1/3]. Step 2: Xw = [11/10, 28/15, 79/30], residual
    Xw - y = [-27/30, -34/30, -71/30], gradient [(-27 - 68 - 213)/90, (-27 - 34 - 71)/90] =
    [-154/45, -22/15]; the slope's penalty term is 2 x 1/100 x 23/30.
    """
    w = [Fraction(23, 30), Fraction(1, 3)]
    r = [w[0] * x + w[1] - y for x, y in ((1, 2), (2, 3), (3, 5))]
    grad = [sum(ri * x for ri, x in zip(r, (1, 2, 3), strict=True)) / 3, sum(r) / 3]
    assert grad == [Fraction(-154, 45), Fraction(-22, 15)]
    full = [grad[0] + 2 * Fraction(1, 100) * w[0], grad[1]]
    return [w[0] - full[0] / 10, w[1] - full[1] / 10]


def test_check_steps_on_a_table_grades_the_n_step_answer() -> None:
    """``check --steps 2`` recomputes the data gradient at w_1: w_2 = [1.1073555..., 0.48]."""
    expected = _two_steps_by_hand()
    assert expected[1] == Fraction(12, 25)
    base = ["check", *TABLE, "--penalty", "l2", "--steps", "2"]
    right = _json([*base, "--answer", "1.1074,0.48", "--format", "json"])
    assert [m for m in right["marks"]] == ["right", "right"]
    assert right["results"][0]["expected"] == pytest.approx([float(x) for x in expected], rel=1e-15)
    assert right["grad"] == pytest.approx([-23 / 3, -10 / 3], rel=1e-15)  # at the start
    wrong = invoke([*base, "--answer", "0.7667,0.3333"])  # one step's answer
    assert wrong.code == 1
    assert "WRONG" in wrong.stdout


def test_check_steps_on_a_table_agrees_with_two_float_steps() -> None:
    """The graded value equals two ``step --data`` calls chained (within float rounding)."""
    first = _json(["step", *TABLE, "--penalty", "l2", "--format", "json"])
    w1 = ",".join(repr(x) for x in first["results"][0]["w_new"])
    second = _json(["step", *TABLE, "--penalty", "l2", "--w", w1, "--format", "json"])
    graded = invoke(["check", *TABLE, "--penalty", "l2", "--steps", "2", "--answer", "1,1",
                     "--format", "json"])  # fmt: skip
    assert graded.code == 1  # 1,1 is wrong
    expected = json.loads(graded.stdout)["results"][0]["expected"]
    np.testing.assert_allclose(second["results"][0]["w_new"], expected, rtol=1e-14)


# ---- sweep --exact and a per-weight --lam -----------------------------------------------


def test_sweep_exact_lands_on_zero() -> None:
    """Subgradient L1 at lam 0.5, lr 0.1 with no data gradient moves w by 0.05 a step:
    1 - 20 x 0.05 = 0 exactly (float arithmetic leaves -3.2e-16, which the float run
    settles to 0 as cancellation noise)."""
    args = ["sweep", "--w", "1", "--grad", "0", "--steps", "20", "--penalty", "l1",
            "--lams", "0.5"]  # fmt: skip
    exact = invoke([*args, "--exact", "--format", "csv"])
    assert exact.stdout == "penalty,lam,w0\nl1,0.5,0\n"
    floats = _json([*args, "--format", "json"])["results"][0]["w_final"][0]
    assert floats == 0.0
    data = _json([*args, "--exact", "--format", "json"])
    assert data["results"][0]["w_final"] == [0.0]
    assert data["exact"] is True


def test_sweep_exact_path_and_runs_agree_with_floats() -> None:
    """The path at lam 1 for target [3, 0.5]: L2 [1, 1/6] (t/(1 + 2)), L1 [2, 0] (soft);
    and a 5-step sweep in fractions equals the float one to rounding."""
    path = invoke(["sweep", "--exact", "--target", "3,0.5", "--lams", "1", "--format", "csv"])
    assert path.stdout == "penalty,lam,w0,w1\nl2,1,1,1/6\nl1,1,2,0\n"

    def args(w: str, lams: str) -> list[str]:
        return ["sweep", "--target", "3,-0.5,0.2", "--w", w, "--steps", "5", "--lams", lams,
                "--format", "json"]  # fmt: skip

    exact = _json([*args("1/3,0,0", "0,1/10,2"), "--exact"])
    floats = _json(args("0.3333333333333333,0,0", "0,0.1,2"))
    for e, f in zip(exact["results"], floats["results"], strict=True):
        assert (e["penalty"], e["lam"]) == (f["penalty"], f["lam"])
        np.testing.assert_allclose(e["w_final"], f["w_final"], rtol=1e-14, atol=1e-16)


def test_sweep_per_weight_lam_scales_a_pattern() -> None:
    """--lam 1,0 leaves w1 unpenalized: the path is [3.5/(1 + 2 lam), 2.1]; a 1-step run
    from [1, 1] with no data gradient is [1 - 2 x 0.1 x lam, 1]."""
    path = _json(["sweep", "--target", "3.5,2.1", "--lam", "1,0", "--lams", "0.1,1",
                  "--penalty", "l2", "--format", "json"])  # fmt: skip
    assert path["lam_pattern"] == [1.0, 0.0]
    assert [r["lam"] for r in path["results"]] == [[0.1, 0.0], [1.0, 0.0]]
    np.testing.assert_allclose(path["results"][0]["w_final"], [3.5 / 1.2, 2.1], rtol=1e-15)
    np.testing.assert_allclose(path["results"][1]["w_final"], [3.5 / 3, 2.1], rtol=1e-15)
    run = _json(["sweep", "--w", "1,1", "--grad", "0,0", "--lam", "1,0", "--lams", "0.5",
                 "--steps", "1", "--lr", "0.1", "--penalty", "l2", "--format", "json"])  # fmt: skip
    assert run["results"][0]["w_final"] == pytest.approx([0.9, 1.0], rel=1e-15)
    exact = invoke(["sweep", "--exact", "--w", "1,1", "--grad", "0,0", "--lam", "1,0", "--lams",
                    "1/2", "--steps", "1", "--penalty", "l2", "--format", "csv"])  # fmt: skip
    assert exact.stdout == "penalty,lam,w0,w1\nl2,0.5,0.9,1\n"


def test_sweep_per_weight_lam_on_a_table_equals_the_intercept_default() -> None:
    """On a table with --intercept, --lam 1 (one per feature) is the pattern [1, 0]."""
    args = ["sweep", *TABLE, "--penalty", "l2", "--lams", "0.1,1", "--format", "json"]
    plain = _json(args)
    pattern = _json([*args, "--lam", "1,0"])
    assert [r["w_final"] for r in plain["results"]] == [r["w_final"] for r in pattern["results"]]


# ---- run --compare ----------------------------------------------------------------------


def test_run_compare_by_hand() -> None:
    """target [3.5, 2.1], lr 0.1, no penalty, 2 steps from 0. SGD: w_1 = [0.35, 0.21],
    w_2 = w_1 + 0.1 x (t - w_1) = [0.665, 0.399]. Momentum 0.9 (PyTorch): buf_1 = g_1, so
    w_1 is SGD's; buf_2 = 0.9 x g_1 + g_2 = [-6.3, -3.78], w_2 = [0.98, 0.588]."""
    out = _json(["run", "--target", "3.5,2.1", "-o", "sgd", "--compare", "momentum",
                 "--penalty", "none", "--steps", "2", "--format", "json"])  # fmt: skip
    assert [r["optimizer"] for r in out["results"]] == ["sgd", "momentum"]
    sgd, momentum = (r["trajectory"] for r in out["results"])
    np.testing.assert_allclose(sgd, [[0, 0], [0.35, 0.21], [0.665, 0.399]], rtol=1e-15)
    np.testing.assert_allclose(momentum, [[0, 0], [0.35, 0.21], [0.98, 0.588]], rtol=1e-15)
    assert [o["optimizer"] for o in out["optimizers"]] == ["sgd", "momentum"]


def test_run_compare_equals_separate_runs() -> None:
    """Each optimizer's run in a comparison is the run of that optimizer alone."""
    base = ["run", "--target", "1,-2", "--penalty", "l2", "--lam", "0.1", "--steps", "6",
            "--format", "json"]  # fmt: skip
    compared = _json([*base, "-o", "adam", "--compare", "nesterov,adamw"])
    for entry in compared["results"]:
        alone = _json([*base, "-o", entry["optimizer"]])["results"][0]
        assert entry["trajectory"] == alone["trajectory"]


def test_run_compare_csv_has_an_optimizer_column() -> None:
    result = invoke(["run", "--target", "1", "-o", "sgd", "--compare", "adam", "-p", "none",
                     "--steps", "1", "--lr", "0.5", "--format", "csv"])  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0] == "optimizer,penalty,step,w0"
    assert lines[1:3] == ["sgd,none,0,0", "sgd,none,1,0.5"]
    assert lines[3].startswith("adam,none,0,0")


# ---- no option accepted and ignored -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["step", "-o", "adam", "--exact"], "--exact works with plain gradient descent only"),
        (["run", "-o", "adam", "--exact"], "--exact works with plain gradient descent only"),
        (["sweep", "--exact", "--x", "1;2", "--y", "1,2"], "--exact works with a typed --grad"),
        (["sweep", "--exact", "--target", "1", "--lams", "1e-3:1:3"], "log-spaced range is not"),
        (["sweep", "--exact", "--target", "1", "--plot"], "a plot shows floats"),
        (["sweep", "--target", "1", "--lr", "0.5"], "--lr sets up a run"),
        (["sweep", "--target", "1", "--w", "0.5"], "--w sets up a run"),
        (["step", "--model", "logistic"], "--model describes the model of a table"),
        (["run", "--intercept"], "--intercept describes the model of a table"),
        (["sweep", "--target", "1", "--data-loss", "mse"], "--data-loss describes the model"),
        (["run", "-o", "sgd", "--compare", "adam", "-p", "l2", "--plot"], "with --compare use"),
        (["run", "-o", "sgd", "--compare", "adam"], "with --compare give one penalty"),
        (["sweep", "--target", "1,2", "--lam", "1,0,1"], "lam has 3 values but w has 2"),
        (["step", "-p", "l2", "--lam1", "0.5"], "--lam1 set the elastic net's L1 and L2 parts"),
        (["run", "-p", "l1", "--l2-form", "half"], "--l2-form half sets the L2 penalty's form"),
        (["sweep", "--target", "1", "-p", "l2", "--l1-method", "proximal"], "add l1 or elastic"),
        (["check", "--answer", "1,1,1", "-p", "none", "--lam2", "1"], "--lam2 set the elastic"),
    ],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_options_that_cannot_apply_are_refused(args: list[str], message: str) -> None:
    """Each combination is one line on stderr and exit 2, never silently ignored."""
    assert message in _error(args)


# ---- a new kind of gradient source ------------------------------------------------------


class _Square:
    """L = ||w||^2, dL/dw = 2w: a source the engine has never seen (only ``evaluate``)."""

    name = "square"

    def evaluate(self, w: Any) -> tuple[Any, Any]:
        return float(w @ w), 2 * w

    def describe(self) -> str:
        return "L = ||w||^2"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.name}


def test_a_new_source_runs_and_steps_through_the_same_engine_calls() -> None:
    """lr 0.25 with no penalty: w <- w - 0.25 x 2w = w/2, so [1, -4] -> [0.5, -2] -> [0.25, -1];
    under L2 at lam 0.25 the factor is 1 - 0.25 x (2 + 2 x 0.25) = 0.375."""
    from regtrace.engine.penalties import PenaltyKind
    from regtrace.engine.problem import Problem, Regularization, run_problem, step_problem

    problem = Problem(
        source=_Square(),
        regularization=Regularization((PenaltyKind.NONE, PenaltyKind.L2), lam=0.25),
        w=np.array([1.0, -4.0]),
        lr=0.25,
    )
    outcome = run_problem(problem, steps=2)
    none, l2 = outcome.run.results
    assert none.weights.tolist() == [[1.0, -4.0], [0.5, -2.0], [0.25, -1.0]]
    assert l2.w_final.tolist() == [0.375**2, -4 * 0.375**2]
    stepped = step_problem(problem).report
    assert stepped.results[1].w_new.tolist() == [0.375, -1.5]
    assert stepped.loss == 17.0
