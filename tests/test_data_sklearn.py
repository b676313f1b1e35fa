"""Converged solutions match scikit-learn's Ridge, Lasso, ElasticNet and LogisticRegression.

Each mapping from scikit-learn's ``alpha``/``C`` to our ``lam`` comes from the objective
written in scikit-learn's own source (scikit-learn/scikit-learn, read for 1.9.1):

- ``sklearn/linear_model/_ridge.py`` (Ridge docstring): ``||y - Xw||^2_2 + alpha * ||w||^2_2``.
  Ours with ``--data-loss sse`` and L2 in the lambda form is ``||Xw - y||^2 + lam ||w||^2``:
  ``lam = alpha``.
- ``sklearn/linear_model/_coordinate_descent.py`` (Lasso):
  ``(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * ||w||_1``; ours with half-mse and L1:
  ``lam = alpha``.
- the same file (ElasticNet): ``1 / (2 * n_samples) * ||y - Xw||^2_2 + alpha * l1_ratio *
  ||w||_1 + 0.5 * alpha * (1 - l1_ratio) * ||w||^2_2``; ours is
  ``1/(2n)||Xw - y||^2 + lam1 ||w||_1 + lam2 ||w||^2`` (lambda form), so
  ``lam1 = alpha * l1_ratio`` and ``lam2 = alpha * (1 - l1_ratio) / 2``.
- ``sklearn/linear_model/_logistic.py``: "the implemented logistic regression objective here
  is (unfortunately) C * sum(pointwise_loss) + penalty" with the L2 penalty
  ``0.5 * ||w||^2`` (``_linear_loss.py``: ``l2_penalty = 0.5 * l2_reg_strength * w @ w`` with
  ``l2_reg_strength = 1 / (C * sw_sum)`` after dividing by ``C n``). Divided by ``C n``:
  ``mean(log-loss) + 1/(2 C n) ||w||^2``; ours is ``mean(log-loss) + lam ||w||^2``, so
  ``lam = 1 / (2 C n)``.

With ``fit_intercept=True`` scikit-learn leaves the intercept unpenalized (centring for the
linear models, an unpenalized last coordinate for lbfgs), which is our ``--intercept``: the
bias is our last weight with strength 0. Solvers run to ``tol=1e-12``, as does our loop.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge

from regtrace.engine.data import DataProblem, exempt_bias
from regtrace.engine.fit import fit
from regtrace.engine.penalties import Penalty

N, P = 40, 3
TOL = 1e-6


def synthetic(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded features, a linear target with noise, and 0/1 labels from a noisy margin."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, P))
    y = X @ np.array([1.5, -2.0, 0.0]) + 0.7 + 0.3 * rng.normal(size=N)
    labels = (X @ np.array([1.0, -1.0, 0.5]) + 0.2 + 0.5 * rng.normal(size=N) > 0).astype(float)
    return X, y, labels


def sklearn_weights(model: object, intercept: bool) -> np.ndarray:
    """coef_ then intercept_, our order (bias last)."""
    coef = np.ravel(model.coef_)  # type: ignore[attr-defined]
    return np.append(coef, model.intercept_) if intercept else coef  # type: ignore[attr-defined]


def ours(problem: DataProblem, kind: str, **lams: float) -> np.ndarray:
    """Our loop to convergence, bias exempt from the penalty."""
    strengths = {k: exempt_bias(v, problem, k) for k, v in lams.items()}
    penalty = Penalty.build(kind, problem.n_weights, strengths.pop("lam", 0.0), **strengths)
    result = fit(problem, penalty, tol=1e-13, max_iter=200_000)
    assert result.converged
    return result.w_final


SEEDS = [0, 1, 2]
INTERCEPT = [False, True]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("intercept", INTERCEPT)
@pytest.mark.parametrize("alpha", [0.1, 3.0])
def test_ridge(seed: int, intercept: bool, alpha: float) -> None:
    """Ridge(alpha) is sse + lam ||w||^2 with lam = alpha."""
    X, y, _ = synthetic(seed)
    ref = Ridge(alpha=alpha, fit_intercept=intercept, tol=1e-12, solver="cholesky").fit(X, y)
    problem = DataProblem.build(X, y, loss="sse", intercept=intercept)
    w = ours(problem, "l2", lam=alpha)
    assert np.max(np.abs(w - sklearn_weights(ref, intercept))) < TOL


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("intercept", INTERCEPT)
@pytest.mark.parametrize("alpha", [0.05, 0.5])
def test_lasso(seed: int, intercept: bool, alpha: float) -> None:
    """Lasso(alpha) is half-mse + lam ||w||_1 with lam = alpha (exact zeros included)."""
    X, y, _ = synthetic(seed)
    ref = Lasso(alpha=alpha, fit_intercept=intercept, tol=1e-12, max_iter=1_000_000).fit(X, y)
    problem = DataProblem.build(X, y, loss="half-mse", intercept=intercept)
    w = ours(problem, "l1", lam=alpha)
    assert np.max(np.abs(w - sklearn_weights(ref, intercept))) < TOL


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("intercept", INTERCEPT)
@pytest.mark.parametrize(("alpha", "l1_ratio"), [(0.1, 0.3), (0.5, 0.8)])
def test_elastic_net(seed: int, intercept: bool, alpha: float, l1_ratio: float) -> None:
    """ElasticNet(alpha, l1_ratio): lam1 = alpha l1_ratio, lam2 = alpha (1 - l1_ratio) / 2."""
    X, y, _ = synthetic(seed)
    ref = ElasticNet(
        alpha=alpha, l1_ratio=l1_ratio, fit_intercept=intercept, tol=1e-12, max_iter=1_000_000
    ).fit(X, y)
    problem = DataProblem.build(X, y, loss="half-mse", intercept=intercept)
    w = ours(problem, "elastic", lam1=alpha * l1_ratio, lam2=alpha * (1 - l1_ratio) / 2)
    assert np.max(np.abs(w - sklearn_weights(ref, intercept))) < TOL


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("intercept", INTERCEPT)
@pytest.mark.parametrize("C", [0.5, 5.0])
def test_logistic_regression(seed: int, intercept: bool, C: float) -> None:
    """LogisticRegression(C) (l2, lbfgs) is mean log-loss + lam ||w||^2, lam = 1/(2 C n)."""
    X, _, labels = synthetic(seed)
    ref = LogisticRegression(C=C, fit_intercept=intercept, tol=1e-12, max_iter=100_000)
    ref.fit(X, labels)
    problem = DataProblem.build(X, labels, model="logistic", intercept=intercept)
    w = ours(problem, "l2", lam=1.0 / (2 * C * N))
    assert np.max(np.abs(w - sklearn_weights(ref, intercept))) < TOL


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("lam", "lam1"), [(0.05, 0.0), (0.02, 0.1)])
def test_conventions_table_conversion(seed: int, lam: float, lam1: float) -> None:
    """The ``conventions`` table's "same fitted w" rows, used as they are documented.

    For L = MSE (``--data-loss mse``) + lam1 ||w||_1 + lam ||w||^2 the table gives Ridge's
    alpha = n lam (when lam1 = 0) and ElasticNet's alpha = lam1/2 + lam, l1_ratio =
    lam1/(lam1 + 2 lam); fitting our loop and scikit-learn with those values gives one w.
    """
    from regtrace.engine.conventions import conventions

    X, y, _ = synthetic(seed)
    table = {e.where: e for e in conventions(lam, lam1=lam1, n_samples=N).same_minimizer}
    problem = DataProblem.build(X, y, loss="mse", intercept=True)
    if lam1 == 0:
        ours_w = ours(problem, "l2", lam=lam)
        alpha = table["sklearn Ridge"].value
        assert alpha is not None
        ref: object = Ridge(alpha=alpha, tol=1e-12, solver="cholesky").fit(X, y)
    else:
        ours_w = ours(problem, "elastic", lam1=lam1, lam2=lam)
        rows = conventions(lam, lam1=lam1, n_samples=N).same_minimizer
        alpha, l1_ratio = rows[2].value, rows[3].value  # the ElasticNet row and its l1_ratio
        assert alpha is not None and l1_ratio is not None
        ref = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=1_000_000)
        ref.fit(X, y)  # type: ignore[attr-defined]
    assert np.max(np.abs(ours_w - sklearn_weights(ref, True))) < TOL
