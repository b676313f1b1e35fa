"""The data engine on tiny tables whose numbers are worked out by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from regtrace.engine.data import DataProblem, exempt_bias
from regtrace.engine.fit import closed_form, fit, regularization_path, trajectory
from regtrace.engine.penalties import Penalty
from regtrace.engine.step import apply_penalty
from regtrace.errors import RegtraceError

# The 3-row table used throughout: x = [1, 2, 3], y = [2, 3, 5]; with --intercept the design
# is D = [[1, 1], [2, 1], [3, 1]] (bias last). At w = 1, b = 0: Xw = [1, 2, 3] and the
# residuals r = Xw - y = [-1, -1, -2], so ||r||^2 = 1 + 1 + 4 = 6.
X3 = [[1.0], [2.0], [3.0]]
Y3 = [2.0, 3.0, 5.0]
W3 = np.array([1.0, 0.0])


@pytest.mark.parametrize(
    ("loss", "value", "grad"),
    [
        # half-mse: 6/(2x3) = 1; X^T r / 3 = [(1x-1 + 2x-1 + 3x-2)/3, (-1 - 1 - 2)/3]
        #         = [-9/3, -4/3] = [-3, -4/3]
        ("half-mse", 1.0, [-3.0, -4.0 / 3.0]),
        # mse: 6/3 = 2; 2 X^T r / 3 = [-6, -8/3]
        ("mse", 2.0, [-6.0, -8.0 / 3.0]),
        # sse: 6; 2 X^T r = [2x(-9), 2x(-4)] = [-18, -8]
        ("sse", 6.0, [-18.0, -8.0]),
    ],
)
def test_linear_losses_by_hand(loss: str, value: float, grad: list[float]) -> None:
    """Each linear loss scaling gives the hand-computed loss and gradient."""
    problem = DataProblem.build(X3, Y3, loss=loss, intercept=True)
    ev = problem.evaluate(W3)
    assert ev.predictions.tolist() == [1.0, 2.0, 3.0]
    assert ev.residuals.tolist() == [-1.0, -1.0, -2.0]
    assert ev.loss == pytest.approx(value, abs=1e-15)
    assert ev.grad == pytest.approx(grad, abs=1e-15)


def test_logistic_by_hand() -> None:
    """Log-loss at w = 0 and at w = (ln 3, 0), worked out with exact sigmoids."""
    X = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    y = [1.0, 0.0, 1.0]
    problem = DataProblem.build(X, y, model="logistic")
    # w = 0: z = 0, p = 1/2 everywhere, L = ln 2; p - y = [-1/2, 1/2, -1/2],
    # X^T (p - y) / 3 = [(-1/2 - 1/2)/3, (1/2 - 1/2)/3] = [-1/3, 0].
    ev = problem.evaluate(np.zeros(2))
    assert ev.loss == pytest.approx(math.log(2), abs=1e-15)
    assert ev.grad == pytest.approx([-1.0 / 3.0, 0.0], abs=1e-15)
    # w = (ln 3, 0): z = [ln 3, 0, ln 3], p = [3/4, 1/2, 3/4] (sigmoid(ln 3) = 3/(3+1)),
    # L = (-ln(3/4) - ln(1/2) - ln(3/4))/3 = (2 ln(4/3) + ln 2)/3,
    # p - y = [-1/4, 1/2, -1/4], gradient [(-1/4 - 1/4)/3, (1/2 - 1/4)/3] = [-1/6, 1/12].
    ev = problem.evaluate(np.array([math.log(3), 0.0]))
    assert ev.predictions == pytest.approx([0.75, 0.5, 0.75], abs=1e-15)
    assert ev.loss == pytest.approx((2 * math.log(4 / 3) + math.log(2)) / 3, abs=1e-15)
    assert ev.grad == pytest.approx([-1.0 / 6.0, 1.0 / 12.0], abs=1e-15)


def test_logistic_is_stable_for_huge_margins() -> None:
    """z = +-800 would overflow exp(z): the loss is log(1 + e^z) - y z computed stably."""
    problem = DataProblem.build([[1.0], [1.0]], [1.0, 0.0], model="logistic")
    ev = problem.evaluate(np.array([800.0]))
    # Row 1: y = 1, z = 800: log(1 + e^800) - 800 = log(1 + e^-800), about 0.
    # Row 2: y = 0, z = 800: log(1 + e^800) = 800 + log(1 + e^-800), about 800. Mean: 400.
    assert ev.loss == pytest.approx(400.0)
    assert ev.predictions.tolist() == [1.0, 1.0]
    # gradient: ((1 - 1) + (1 - 0))/2 = 1/2
    assert ev.grad.tolist() == [0.5]


def test_ridge_closed_form_by_hand() -> None:
    """half-mse + lam w^2 (lambda form, bias free) with lam = 0.1 on the 3-row table.

    (D^T D / 3 + 2 diag(0.1, 0)) w = D^T y / 3 with D^T D = [[14, 6], [6, 3]] and
    D^T y = [23, 10]: row 2 gives 2w + b = 10/3, row 1 (14/3 + 1/5) w + 2b = 23/3, so
    (73/15 - 4) w = 23/3 - 20/3 = 1, w = 15/13 and b = 10/3 - 30/13 = 40/39.
    """
    problem = DataProblem.build(X3, Y3, intercept=True)
    penalty = Penalty.build("l2", 2, exempt_bias(0.1, problem, "lam"))
    exact = closed_form(problem, penalty)
    assert exact is not None
    assert exact == pytest.approx([15 / 13, 40 / 39], abs=1e-14)
    result = fit(problem, penalty, tol=1e-14)
    assert result.converged
    assert result.distance is not None and result.distance < 1e-12


def test_least_squares_without_penalty_by_hand() -> None:
    """No penalty: ordinary least squares, slope 3/2 and intercept 1/3.

    x has mean 2, y mean 10/3; sum (x - 2)(y - 10/3) = (-1)(-4/3) + 0 + (1)(5/3) = 3 and
    sum (x - 2)^2 = 2, so the slope is 3/2 and the intercept 10/3 - 3/2 x 2 = 1/3.
    """
    problem = DataProblem.build(X3, Y3, intercept=True)
    exact = closed_form(problem, Penalty.build("none", 2))
    assert exact == pytest.approx([1.5, 1 / 3], abs=1e-14)


def test_lasso_by_hand() -> None:
    """half-mse + lam |w| with a free bias, lam = 0.1, by centring.

    Centred x = [-1, 0, 1], y = [-4/3, -1/3, 5/3]; the derivative of
    1/6 sum (y_c - w x_c)^2 + lam |w| for w > 0 is (2w - 3)/3 + lam = 0, so
    w = 3/2 - 3 lam / 2 = 1.35 and b = 10/3 - 1.35 x 2 = 19/30.
    """
    problem = DataProblem.build(X3, Y3, intercept=True)
    penalty = Penalty.build("l1", 2, exempt_bias(0.1, problem, "lam"))
    result = fit(problem, penalty, tol=1e-14)
    assert result.converged
    assert result.w_final == pytest.approx([1.35, 19 / 30], abs=1e-10)
    assert result.closed_form is None


def test_lasso_reaches_exact_zero() -> None:
    """With lam = 1.5 the slope is exactly 0 and the bias is the mean of y.

    At w = 0 the smooth part's derivative is (2 x 0 - 3)/3 = -1, so 0 is optimal whenever
    lam >= 1 (the formula above, w = 3/2 (1 - lam), reaches 0 at lam = 1); the proximal step
    lands on exact 0, and the free bias is then mean(y) = 10/3.
    """
    problem = DataProblem.build(X3, Y3, intercept=True)
    penalty = Penalty.build("l1", 2, exempt_bias(1.5, problem, "lam"))
    result = fit(problem, penalty, tol=1e-14)
    assert result.w_final[0] == 0.0
    assert result.w_final[1] == pytest.approx(10 / 3, abs=1e-12)


def test_exempt_bias_shapes() -> None:
    """A scalar or one value per feature gets a 0 for the bias; a full vector is kept."""
    problem = DataProblem.build(X3, Y3, intercept=True)
    assert exempt_bias(0.1, problem, "lam").tolist() == [0.1, 0.0]  # type: ignore[union-attr]
    kept = exempt_bias(np.array([0.1, 0.2]), problem, "lam")
    assert kept.tolist() == [0.1, 0.2]  # type: ignore[union-attr]
    with pytest.raises(RegtraceError, match="lam has 3 values but the data has 1 features"):
        exempt_bias(np.array([0.1, 0.2, 0.3]), problem, "lam")
    assert exempt_bias(0.1, DataProblem.build(X3, Y3), "lam") == 0.1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"model": "logistic", "y": [1.0, 2.0, 0.0]},
            "logistic labels must be 0 or 1, but row 2 has 2; recode the target column as 0/1",
        ),
        (
            {"model": "logistic", "loss": "mse"},
            "--data-loss mse is for the linear model; the logistic model uses log-loss",
        ),
        ({"loss": "log-loss"}, "--data-loss log-loss is for the logistic model"),
        ({"y": [1.0, 2.0]}, "the data has 3 rows of features but 2 targets"),
        ({"X": [[1.0], [math.nan], [3.0]]}, "the data holds NaN or infinity"),
    ],
)
def test_bad_problems(kwargs: dict[str, object], message: str) -> None:
    """Each inconsistent table raises a RegtraceError that says what to fix."""
    args: dict[str, object] = {"X": X3, "y": [1.0, 0.0, 1.0], **kwargs}
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(RegtraceError) as info:
        DataProblem.build(X, y, **args)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_weight_count_must_match() -> None:
    """--w must have one value per feature, plus the bias with an intercept."""
    problem = DataProblem.build(X3, Y3, intercept=True)
    with pytest.raises(RegtraceError) as info:
        problem.evaluate(np.array([1.0]))
    assert str(info.value) == (
        "--w has 1 values but the data needs 2 (1 features + 1 bias (--intercept)); "
        "give one weight per feature, the bias last"
    )


def test_one_data_step_by_hand() -> None:
    """The traced step from the data gradient: L2, lam = 0.1 (bias free), lr = 0.1.

    dL/dw = [-3, -4/3] (above); penalty term [2 x 0.1 x 1, 0] = [0.2, 0];
    full gradient [-2.8, -4/3]; w_new = [1 + 0.28, 0 + 0.4/3] = [1.28, 2/15].
    """
    problem = DataProblem.build(X3, Y3, intercept=True)
    ev = problem.evaluate(W3)
    result = apply_penalty(
        W3, ev.grad, Penalty.build("l2", 2, exempt_bias(0.1, problem, "lam")), 0.1, ev.loss
    )
    assert result.w_new == pytest.approx([1.28, 2 / 15], abs=1e-15)
    # loss: data 1 + penalty 0.1 x 1^2 = 1.1
    assert result.loss == pytest.approx(1.1, abs=1e-15)


finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    X=arrays(np.float64, (5, 2), elements=finite),
    w=arrays(np.float64, (3,), elements=finite),
    y_bits=arrays(np.int8, (5,), elements=st.integers(0, 1)),
    model_loss=st.sampled_from(
        [("linear", "half-mse"), ("linear", "mse"), ("linear", "sse"), ("logistic", None)]
    ),
)
def test_gradient_matches_central_differences(
    X: np.ndarray, w: np.ndarray, y_bits: np.ndarray, model_loss: tuple[str, str | None]
) -> None:
    """dL/dw agrees with (L(w + h e_j) - L(w - h e_j)) / 2h for every model and loss."""
    model, loss = model_loss
    y = y_bits.astype(np.float64) if model == "logistic" else X @ [1.0, -2.0] + y_bits
    problem = DataProblem.build(X, y, model=model, loss=loss, intercept=True)
    grad = problem.evaluate(w).grad
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        numeric = (problem.loss_at(w + e) - problem.loss_at(w - e)) / (2 * h)
        # central differences are exact for the quadratic losses up to rounding, O(h^2) else
        assert numeric == pytest.approx(grad[j], abs=1e-5 * (1 + abs(grad[j])))


@settings(max_examples=40, deadline=None)
@given(
    X=arrays(np.float64, (6, 2), elements=st.floats(-2, 2)),
    lam=st.floats(0.05, 2.0),
    loss=st.sampled_from(["half-mse", "mse", "sse"]),
    form=st.sampled_from(["lambda", "half"]),
)
def test_gradient_descent_reaches_the_ridge_closed_form(
    X: np.ndarray, lam: float, loss: str, form: str
) -> None:
    """For any table, loss scaling and L2 form, the loop converges to the closed form."""
    y = X @ [0.5, -1.0] + 0.25
    problem = DataProblem.build(X, y, loss=loss, intercept=False)
    penalty = Penalty.build("l2", 2, lam, l2_form=form)
    result = fit(problem, penalty, tol=1e-13)
    assert result.converged
    assert result.distance is not None and result.distance < 1e-9


def test_two_steps_by_hand() -> None:
    """Two traced steps on the 3-row table, L2 lam = 0.1 on w only, lr = 0.1, in fractions.

    Step 1 (above): w = 32/25, b = 2/15. Step 2: residuals
    r = [32/25 + 2/15 - 2, 64/25 + 2/15 - 3, 96/25 + 2/15 - 5] = [-44, -23, -77]/75;
    dL/dw = (1x(-44) + 2x(-23) + 3x(-77))/75/3 = -321/225 = -107/75,
    dL/db = (-44 - 23 - 77)/225 = -16/25; penalty term 2 x 0.1 x 32/25 = 32/125;
    w = 32/25 - 0.1 x (-107/75 + 32/125) = 32/25 + 439/3750 = 5239/3750,
    b = 2/15 + 0.1 x 16/25 = 74/375.
    """
    problem = DataProblem.build(X3, Y3, intercept=True)
    penalty = Penalty.build("l2", 2, exempt_bias(0.1, problem, "lam"))
    path = trajectory(problem, penalty, W3, lr=0.1, steps=2)
    assert len(path) == 3
    assert path[0].tolist() == [1.0, 0.0]
    assert path[1] == pytest.approx([32 / 25, 2 / 15], abs=1e-15)
    assert path[2] == pytest.approx([5239 / 3750, 74 / 375], abs=1e-15)


def test_lasso_path_by_hand() -> None:
    """The lasso path of the 3-row table: w(lam) = 3/2 (1 - lam) until lam = 1, then 0;
    the free bias is 10/3 - 2 w (derivation in test_lasso_by_hand)."""
    problem = DataProblem.build(X3, Y3, intercept=True)
    lams = [0.0, 0.5, 1.0, 2.0]
    penalties = [Penalty.build("l1", 2, exempt_bias(lam, problem, "lam")) for lam in lams]
    results = regularization_path(problem, penalties, tol=1e-14)
    slopes = [r.w_final[0] for r in results]
    assert slopes == pytest.approx([1.5, 0.75, 0.0, 0.0], abs=1e-10)
    assert slopes[-1] == 0.0  # exactly, by soft-thresholding
    assert [r.w_final[1] for r in results] == pytest.approx(
        [10 / 3 - 3, 10 / 3 - 1.5, 10 / 3, 10 / 3], abs=1e-10
    )
