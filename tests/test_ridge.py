"""The ridge closed form and the lambda sweep (regtrace/engine/ridge.py, polydata.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace.engine.polydata import noisy_sine, poly_features
from regtrace.engine.ridge import lambda_sweep, log_grid, mse, ridge_fit, ridge_score
from regtrace.errors import RegtraceError


def test_ridge_on_the_identity_design() -> None:
    """X = I (n = 2), y = [2, 4], lam = 0.25: (I/2 + 2*0.25*I) w = y/2, so w = y/2 = [1, 2]."""
    w = ridge_fit(np.eye(2), np.array([2.0, 4.0]), 0.25)
    assert w.tolist() == pytest.approx([1.0, 2.0], abs=1e-12)
    # MSE = mean((w - y)^2) = mean([1, 4]) = 2.5 (the penalty is not part of the error).
    assert mse(np.eye(2), np.array([2.0, 4.0]), w) == pytest.approx(2.5)


def test_ridge_with_one_feature() -> None:
    """X = [1, 2, 3]^T, y = [1, 2, 3], lam = 1: X^T X/n = 14/3, X^T y/n = 14/3, so
    w = (14/3) / (14/3 + 2) = 14/20 = 0.7."""
    X = np.array([[1.0], [2.0], [3.0]])
    assert ridge_fit(X, np.array([1.0, 2.0, 3.0]), 1.0).tolist() == pytest.approx([0.7])


def test_lam_zero_is_least_squares() -> None:
    """With lam = 0 and as many points as coefficients, the fit interpolates: error 0."""
    x = np.array([-1.0, 0.0, 1.0])
    y = np.array([3.0, 1.0, 2.0])
    X = poly_features(x, 2)
    # Through (-1, 3), (0, 1), (1, 2): c0 = 1, c1 = (2 - 3)/2 = -0.5, c2 = (2 + 3)/2 - 1 = 1.5.
    assert ridge_fit(X, y, 0.0).tolist() == pytest.approx([1.0, -0.5, 1.5])
    assert mse(X, y, ridge_fit(X, y, 0.0)) == pytest.approx(0.0, abs=1e-24)


def test_the_gradient_of_the_objective_vanishes_at_the_fit() -> None:
    """At w, X^T (X w - y)/n + 2*lam*w = 0 (the stated convention, half-MSE + lam*||w||^2)."""
    data = noisy_sine(seed=3)
    X = poly_features(data.x_train, 9)
    for lam in (1e-4, 0.1, 10.0):
        w = ridge_fit(X, data.y_train, lam)
        grad = X.T @ (X @ w - data.y_train) / len(data.y_train) + 2 * lam * w
        assert np.abs(grad).max() < 1e-9


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_training_error_never_falls_as_lam_grows(seed: int) -> None:
    """More penalty never fits the training set better (ridge's data error is monotone)."""
    sweep = lambda_sweep(noisy_sine(seed=seed), log_grid(1e-6, 1e2, 2), 9)
    assert np.all(np.diff(sweep.train_mse) >= -1e-9)


def test_the_demo_data_gives_the_textbook_u_shaped_curve() -> None:
    """Seed 0: validation error is high at both ends and lowest in between, where lam usually
    lands (1e-4 to 1e-2); training error is lowest at the smallest lam."""
    sweep = lambda_sweep(noisy_sine(seed=0), log_grid(1e-6, 1e2, 8), 9)
    best = sweep.best_index
    assert 0 < best < len(sweep.lams) - 1
    assert 1e-4 <= sweep.best_lam <= 1e-2
    assert sweep.val_mse[0] > 2 * sweep.val_mse[best] < sweep.val_mse[-1]
    assert sweep.train_mse[0] < sweep.train_mse[best] < sweep.train_mse[-1]
    assert sorted(sweep.to_dict()) == ["best_lam", "degree", "lam", "train_mse", "val_mse"]


def test_noisy_sine_is_reproducible_and_split() -> None:
    """The same seed gives the same points; 12 training and 40 validation points in [-1, 1]."""
    a, b = noisy_sine(seed=0), noisy_sine(seed=0)
    assert a.x_train.tolist() == b.x_train.tolist() and a.y_val.tolist() == b.y_val.tolist()
    assert (a.x_train.size, a.x_val.size) == (12, 40)
    assert np.all(np.abs(np.concatenate([a.x_train, a.x_val])) <= 1)
    assert noisy_sine(seed=1).x_train.tolist() != a.x_train.tolist()


def test_ridge_score_fits_on_train_and_scores_both() -> None:
    """The score is the fit on the training points, measured on each set."""
    data = noisy_sine(seed=0)
    score = ridge_score(data, 0.01, 3)
    X_val = poly_features(data.x_val, 3)
    assert score.val_mse == mse(X_val, data.y_val, score.w)
    assert (
        score.w.tolist() == ridge_fit(poly_features(data.x_train, 3), data.y_train, 0.01).tolist()
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ridge_fit(np.eye(2), np.ones(2), -1.0), "lam must be a finite, non-negative"),
        (lambda: log_grid(1.0, 0.1, 4), "a log grid needs 0 < lo < hi"),
        # Two points, four coefficients, no penalty: X^T X has rank 2, the solve is singular.
        (
            lambda: ridge_fit(poly_features(np.array([0.0, 1.0]), 3), np.ones(2), 0.0),
            "the ridge system is singular at this lam",
        ),
        (lambda: poly_features(np.ones(2), -1), "the polynomial degree must be 0 or more"),
        (lambda: noisy_sine(n_train=0), "the data set needs at least one training"),
        (lambda: noisy_sine(noise=float("nan")), "noise must be a finite, non-negative"),
    ],
)
def test_bad_arguments(call: object, message: str) -> None:
    """The engine refuses impossible requests with a message."""
    assert callable(call)
    with pytest.raises(RegtraceError, match=message):
        call()
