"""The one-``exp`` sigmoid, softplus and log-loss against 400-digit arithmetic (mpmath).

The references are the definitions, not the code's rewritten forms: ``p = 1/(1 + exp(-z))``,
``softplus(z) = log(1 + exp(z))`` and the log-loss ``-y log p - (1-y) log(1-p)``, evaluated
with 400 significant digits, enough to carry ``1 + exp(-800)`` and ``1 - p`` at ``z = 800``.
``z`` covers every float in ``[-800, 800]``: tiny, zero, subnormal, where ``exp(z)`` would
overflow (above 709.8) and where ``exp(-|z|)`` underflows (below -745.1). Floating-point
overflow, invalid operations and division by zero raise here (underflow to 0 is expected).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import mpmath
import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from regtrace.engine.data import DataProblem
from regtrace.engine.logistic import log_loss_terms, sigmoid, sigmoid_into, softplus

ULPS = 4
"""The documented bound. ``e = exp(-|z|)`` from NumPy's ``exp`` is within 1 ulp; in
``e/(1 + e)`` its relative error passes through at most 1.5 times and two roundings are added,
which stays under 4 ulp of the result; ``max(z, 0) + log1p(e)`` adds a sum of positive terms
to ``log1p``'s own error, within the same bound."""

Z = st.floats(min_value=-800.0, max_value=800.0, allow_nan=False)
ZS = st.lists(Z, min_size=1, max_size=8)
EXTREMES = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 36.8, -36.8, 709.8, -745.2, 800.0, -800.0]


@contextmanager
def strict_float() -> Iterator[None]:
    """Overflow, invalid operations (NaN) and division by zero raise FloatingPointError."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield


def exact_p(z: float) -> mpmath.mpf:
    with mpmath.workdps(400):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


def ulps(got: float, exact: mpmath.mpf) -> float:
    """``|got - exact|`` in units of the spacing of floats at ``exact``."""
    with mpmath.workdps(400):
        return float(abs(mpmath.mpf(float(got)) - exact) / np.spacing(abs(float(exact))))


@given(ZS)
@example(EXTREMES)
def test_sigmoid_within_bound(zs: list[float]) -> None:
    """sigmoid of an array, of each number alone and in place (the run's hot loop) are one
    value, within ULPS of 1/(1 + exp(-z))."""
    z = np.array(zs)
    with strict_float():
        p = sigmoid(z)
        in_place = sigmoid_into(z.copy(), np.empty_like(z))
        alone = [float(sigmoid(v)) for v in zs]
    assert in_place.tolist() == p.tolist() == alone
    for value, got in zip(zs, p.tolist(), strict=True):
        assert 0.0 <= got <= 1.0
        assert ulps(got, exact_p(value)) <= ULPS, value


@given(ZS)
@example(EXTREMES)
def test_softplus_within_bound(zs: list[float]) -> None:
    """softplus is within ULPS of log(1 + exp(z)), also where exp(z) overflows float64."""
    with strict_float():
        got = softplus(np.array(zs))
    for value, s in zip(zs, got.tolist(), strict=True):
        with mpmath.workdps(400):
            exact = mpmath.log(1 + mpmath.exp(mpmath.mpf(value)))
        assert ulps(s, exact) <= ULPS, value


@given(ZS, st.lists(st.sampled_from([0.0, 1.0]), min_size=8, max_size=8))
@example(EXTREMES, [1.0, 0.0] * 6)
def test_log_loss_terms_within_bound(zs: list[float], labels: list[float]) -> None:
    """Each row's log-loss is within ULPS of -y log p - (1-y) log(1-p), with no cancellation
    where the loss is tiny (y = 1 and z = 40: about 4e-18, not 0)."""
    y = np.array(labels[: len(zs)])
    with strict_float():
        terms, p = log_loss_terms(np.array(zs), y)
    assert p.tolist() == sigmoid(np.array(zs)).tolist()
    for value, label, got in zip(zs, y.tolist(), terms.tolist(), strict=True):
        q = exact_p(value)
        with mpmath.workdps(400):
            exact = -mpmath.log(q) if label else -mpmath.log(1 - q)
        assert ulps(got, exact) <= ULPS, (value, label)


@given(ZS, st.lists(st.sampled_from([0.0, 1.0]), min_size=8, max_size=8))
@example(EXTREMES, [0.0, 1.0] * 6)
def test_data_gradient_and_loss_within_bound(zs: list[float], labels: list[float]) -> None:
    """The logistic data problem at margins z (rows (z_i, 1), w = (1, 0), so Xw = z exactly):
    the hot loop's gradient X^T (p - y)/n and evaluate's mean log-loss agree with the exact
    values within the rounding of each row's p - y (ULPS of p, then one subtraction) and a
    sum of n products (the standard bound (n + 2) u sum |x r|); nothing is NaN or infinite."""
    n = len(zs)
    y = labels[:n]
    X = np.column_stack([zs, np.ones(n)])
    problem = DataProblem.build(X, y, model="logistic")
    w = np.array([1.0, 0.0])
    grad = np.empty(2)
    with strict_float():
        problem.gradient_into(w, grad)
    loss = problem.evaluate(w).loss
    assert np.all(np.isfinite(grad)) and np.isfinite(loss)
    u, tiny = 2.0**-53, 5e-324  # unit roundoff; the spacing of subnormals
    with mpmath.workdps(400):
        p = [exact_p(v) for v in zs]
        r = [q - label for q, label in zip(p, y, strict=True)]
        row_error = [
            ULPS * np.spacing(float(q)) + np.spacing(abs(float(ri)))
            for q, ri in zip(p, r, strict=True)
        ]
        for j, column in enumerate((zs, [1.0] * n)):
            products = [x * ri for x, ri in zip(column, r, strict=True)]
            exact = mpmath.fsum(products) / n
            carried = sum(abs(x) * e for x, e in zip(column, row_error, strict=True))
            summed = (n + 2) * (u * float(mpmath.fsum(abs(t) for t in products)) + tiny)
            assert float(abs(mpmath.mpf(grad[j]) - exact)) <= (carried + summed) / n, j
        losses = [
            -mpmath.log(q) if label else -mpmath.log(1 - q) for q, label in zip(p, y, strict=True)
        ]
        exact_loss = mpmath.fsum(losses) / n
        # Each term within ULPS (relative 2 ULPS u, or ULPS subnormal spacings), then n - 1
        # additions and the division.
        allowed = (2 * ULPS + n + 1) * u * exact_loss + ULPS * tiny
        assert abs(mpmath.mpf(loss) - exact_loss) <= allowed


def test_limits_and_nan() -> None:
    """+-inf give the limits; NaN stays NaN, with no floating-point warning; sigmoid(0) and
    softplus(0) are 1/2 and log 2 as rounded."""
    z = np.array([np.inf, -np.inf, np.nan, 0.0])
    with np.errstate(all="raise"):
        p = sigmoid(z)
        s = softplus(z)
    assert p[[0, 1, 3]].tolist() == [1.0, 0.0, 0.5] and np.isnan(p[2])
    assert s[[0, 1]].tolist() == [np.inf, 0.0] and np.isnan(s[2])
    assert s[3] == float(mpmath.log(2))
