"""``run`` and ``sweep`` on a table: hand-derived numbers on the 3-row table, golden output,
errors, and the regularization path from the CLI against scikit-learn."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from regtrace.engine.data import DataProblem
from regtrace.engine.datarun import run_data, sweep_data
from tests.conftest import INPUTS, Invocation

Cli = Callable[..., Invocation]
Golden = Callable[[str, str], None]
STUDY = str(INPUTS / "study.csv")  # hours,score: (1, 2), (2, 3), (3, 5)

# The 3-row table with a free bias: D = [[1, 1], [2, 1], [3, 1]], y = [2, 3, 5],
# D^T D = [[14, 6], [6, 3]], D^T y = [23, 10] (derivations in tests/test_data_engine.py).
PROBLEM = DataProblem.build([[1.0], [2.0], [3.0]], [2.0, 3.0, 5.0], intercept=True)


def test_run_two_steps_and_solutions_by_hand() -> None:
    """Two L2 steps (lam 0.1, lr 0.1) from (1, 0), and w* for L2 and L1.

    Steps: (32/25, 2/15), then (5239/3750, 74/375) (tests/test_data_engine.py).
    L2 w*: (14/3 + 1/5) w + 2b = 23/3 and 2w + b = 10/3 give w = 15/13, b = 40/39.
    L1 w*: w = 3/2 (1 - lam) = 1.35, b = 10/3 - 2.7 = 19/30.
    """
    report = run_data(PROBLEM, [1.0, 0.0], steps=2, lam=0.1, lr=0.1, penalties=["l2", "l1"])
    l2 = report.run["l2"]
    assert l2.weights[1] == pytest.approx([32 / 25, 2 / 15], abs=1e-15)
    assert l2.weights[2] == pytest.approx([5239 / 3750, 74 / 375], abs=1e-15)
    assert l2.penalty.lam2.tolist() == [0.1, 0.0]  # type: ignore[union-attr]
    ridge, lasso = report.solutions
    assert ridge.closed_form is not None
    assert ridge.w_final == pytest.approx([15 / 13, 40 / 39], abs=1e-14)
    assert lasso.closed_form is None
    assert lasso.w_final == pytest.approx([1.35, 19 / 30], abs=1e-14)
    # distance after 2 steps: max(|5239/3750 - 15/13|, |74/375 - 40/39|) = 40/39 - 74/375
    assert report.distances()[0] == pytest.approx(40 / 39 - 74 / 375, abs=1e-14)


def test_long_run_reaches_the_solution() -> None:
    """With enough steps the run ends on w*: the distance shrinks below 1e-9."""
    report = run_data(PROBLEM, steps=3000, lam=0.1, lr=0.1, penalties=["l2", "l1"], every=3000)
    assert max(report.distances()) < 1e-9


def test_path_by_hand() -> None:
    """The ridge and lasso paths of the 3-row table.

    Ridge (lambda form): (14/3 + 2 lam) w + 2b = 23/3 with b = 10/3 - 2w gives
    (2/3 + 2 lam) w = 1: lam 0 -> 3/2, 0.5 -> 3/5, 1.5 -> 3/11 (b = 1/3, 32/15, 92/33).
    Lasso: w = 3/2 (1 - lam) for lam < 1, else 0: 3/2, 3/4, 0 (b = 1/3, 11/6, 10/3).
    """
    report = sweep_data(PROBLEM, lams=[0.0, 0.5, 1.5], penalties=["l2", "l1"]).sweep
    got = [p.w_final.tolist() for p in report.results]
    want = [
        [3 / 2, 1 / 3],
        [3 / 5, 32 / 15],
        [3 / 11, 92 / 33],
        [3 / 2, 1 / 3],
        [3 / 4, 11 / 6],
        [0.0, 10 / 3],
    ]
    for g, w in zip(got, want, strict=True):
        assert g == pytest.approx(w, abs=1e-13)
    assert got[-1][0] == 0.0  # exactly


def test_sweep_with_steps_is_the_run() -> None:
    """sweep --steps N at one lam ends where run N steps ends."""
    swept = sweep_data(PROBLEM, [1.0, 0.0], lams=[0.1], steps=2, lr=0.1, penalties=["l2"])
    assert swept.sweep.results[0].w_final == pytest.approx([5239 / 3750, 74 / 375], abs=1e-15)


GOLDEN_CASES = {
    "data_run.txt": [
        "run", "--data", STUDY, "--intercept", "--w", "1,0", "--penalty", "l2,l1",
        "--lam", "0.1", "--lr", "0.1", "--steps", "400", "--every", "100",
    ],
    "data_sweep.txt": [
        "sweep", "--data", STUDY, "--intercept", "--penalty", "l2,l1", "--lams", "0,0.5,1.5",
    ],
    "data_run_logistic.json": [
        "run", "--x", "1,0; 0,1; 1,1", "--y", "1,0,1", "--model", "logistic", "--penalty",
        "l2", "--lam", "0.05", "--lr", "1", "--steps", "2", "--format", "json",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden(cli: Cli, golden: Golden, name: str) -> None:
    """run and sweep on data match their reviewed golden files."""
    result = cli(GOLDEN_CASES[name])
    assert result.code == 0, result.stderr
    golden(name, result.stdout)


def test_logistic_run_first_step_by_hand(cli: Cli) -> None:
    """Logistic run, lr 1, lam 0.05: step 1 from w = 0 is -1 x ([-1/3, 0] + 0) = (1/3, 0).

    At w = 0 the gradient is [-1/3, 0] (tests/test_data_engine.py) and 2 x 0.05 x 0 = 0.
    """
    out = json.loads(cli(GOLDEN_CASES["data_run_logistic.json"]).stdout)
    assert out["results"][0]["trajectory"][1] == pytest.approx([1 / 3, 0.0], abs=1e-15)
    assert out["data"]["model"] == "logistic"
    assert out["solutions"]["l2"]["method"] == "converged_loop"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "--x", "1; 2", "--y", "1,2", "--target", "1"],
            "--target is a data loss of its own (1/2*||w - target||^2); leave it out with "
            "--data/--x/--y",
        ),
        (
            ["sweep", "--x", "1; 2", "--y", "1,2", "--grad", "1"],
            "--grad is computed from the data; leave it out, or leave out --data/--x/--y",
        ),
        (
            ["run", "--x", "1; 2", "--y", "1,2", "--w", "1,2"],
            "--w has 2 values but the data needs 1 (1 features); give one weight per feature",
        ),
    ],
)
def test_bad_run_options(cli: Cli, args: list[str], message: str) -> None:
    """Conflicting data options in run and sweep: one line, exit 2."""
    assert cli(args) == Invocation(2, "", f"Error: {message}\n")


def test_sweep_path_matches_scikit_learn(cli: Cli, tmp_path: Path) -> None:
    """``sweep --data`` (lasso and ridge paths) against scikit-learn's Lasso and Ridge.

    Mappings from scikit-learn's objectives (see tests/test_data_sklearn.py): Lasso(alpha) is
    half-mse + lam ||w||_1 with lam = alpha; Ridge(alpha) is sse + lam ||w||^2, lam = alpha.
    """
    from sklearn.linear_model import Lasso, Ridge

    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 3))
    y = X @ np.array([2.0, -1.0, 0.0]) + 0.5 + 0.2 * rng.normal(size=30)
    path = tmp_path / "table.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="a,b,c,y", comments="")
    alphas = [0.01, 0.1, 1.0]
    lams = ",".join(str(a) for a in alphas)
    for penalty, loss, model in (("l1", "half-mse", Lasso), ("l2", "sse", Ridge)):
        result = cli(
            ["sweep", "--data", str(path), "--intercept", "--penalty", penalty,
             "--data-loss", loss, "--lams", lams, "--format", "json"]
        )  # fmt: skip
        assert result.code == 0, result.stderr
        points = json.loads(result.stdout)["results"]
        for alpha, point in zip(alphas, points, strict=True):
            kwargs = {"max_iter": 1_000_000} if model is Lasso else {}
            ref = model(alpha=alpha, fit_intercept=True, tol=1e-12, **kwargs).fit(X, y)
            want = np.append(ref.coef_, ref.intercept_)
            assert np.max(np.abs(np.array(point["w_final"]) - want)) < 1e-6
