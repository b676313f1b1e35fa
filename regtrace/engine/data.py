"""The data part of the loss: a model on a table ``X``, ``y`` gives ``L(w)`` and ``dL/dw``.

Models and losses (``r = Xw - y`` the residuals, ``n`` the number of rows):

- ``linear`` with ``half-mse`` (default): ``L = 1/(2n) * ||Xw - y||^2``, ``dL/dw = X^T r / n``
  (scikit-learn's Lasso and ElasticNet, ``sklearn/linear_model/_coordinate_descent.py``).
- ``linear`` with ``mse``: ``L = 1/n * ||Xw - y||^2``, ``dL/dw = 2 X^T r / n``.
- ``linear`` with ``sse``: ``L = ||Xw - y||^2``, ``dL/dw = 2 X^T r`` (scikit-learn's Ridge,
  ``sklearn/linear_model/_ridge.py``).
- ``logistic`` with ``log-loss``: ``p = sigmoid(Xw)``, labels 0/1,
  ``L = mean(log(1 + exp(z)) - y*z)`` with ``z = Xw`` (the mean of
  ``-y log p - (1-y) log(1-p)``, written so it never overflows), ``dL/dw = X^T (p - y) / n``.

With ``intercept`` a column of ones is appended to ``X``: the bias is the LAST weight (as in
scikit-learn's ``_logistic.py``, coefficients then intercept) and is never penalized.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from regtrace.arrays import Matrix
from regtrace.engine.choices import DataLoss, Model
from regtrace.engine.logistic import log_loss_terms, sigmoid_into
from regtrace.engine.noise import settled_array
from regtrace.engine.penalties import Strength, Vector
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen


@frozen
class DataEval:
    """The data loss at one ``w``: predictions, residuals, loss and gradient."""

    problem: DataProblem
    w: Vector
    z: Vector
    """``Xw`` (with the bias column when there is an intercept)."""
    predictions: Vector
    """``Xw`` for the linear model, ``p = sigmoid(Xw)`` for the logistic one."""
    residuals: Vector
    """``Xw - y``, or ``p - y``: what the gradient sums over."""
    loss: float
    grad: Vector

    def to_dict(self) -> dict[str, Any]:
        """JSON: the model and loss by name, then ``z = Xw``, the predictions (``z`` or
        ``p``), the residuals (``Xw - y`` or ``p - y``), the data loss and its gradient."""
        return {
            "model": self.problem.model.value,
            "data_loss": self.problem.loss.value,
            "intercept": self.problem.intercept,
            "n": self.problem.n,
            "z": self.z.tolist(),
            "predictions": self.predictions.tolist(),
            "residuals": self.residuals.tolist(),
            "loss": self.loss,
            "grad": self.grad.tolist(),
        }


@dataclass(frozen=True, eq=False)
class DataProblem:
    """A table, a model and a loss; ``design`` is ``X`` with the bias column if any."""

    X: Matrix
    y: Vector
    model: Model
    loss: DataLoss
    intercept: bool
    design: Matrix
    feature_names: tuple[str, ...]
    target_name: str

    @classmethod
    def build(
        cls,
        X: Matrix | list[list[float]],
        y: Vector | list[float],
        *,
        model: Model | str = Model.LINEAR,
        loss: DataLoss | str | None = None,
        intercept: bool = False,
        feature_names: tuple[str, ...] | None = None,
        target_name: str = "y",
    ) -> DataProblem:
        """Check a table against a model: shapes, finiteness, 0/1 labels, a loss that fits."""
        try:
            model = Model(model)
            loss = DataLoss(loss) if loss is not None else None
        except ValueError as exc:
            raise RegtraceError(str(exc)) from None
        X_arr = np.ascontiguousarray(X, dtype=np.float64)  # a table's view: one copy, fast
        y_arr = np.asarray(y, dtype=np.float64).reshape(-1)
        if X_arr.ndim != 2 or X_arr.size == 0:
            raise RegtraceError("the data has no rows; give at least one row of features")
        if X_arr.shape[0] != y_arr.size:
            raise RegtraceError(
                f"the data has {X_arr.shape[0]} rows of features but {y_arr.size} targets; "
                "give one target per row"
            )
        if not (np.all(np.isfinite(X_arr)) and np.all(np.isfinite(y_arr))):
            raise RegtraceError("the data holds NaN or infinity; every value must be finite")
        if model is Model.LOGISTIC:
            if loss is None:
                loss = DataLoss.LOG_LOSS
            if loss is not DataLoss.LOG_LOSS:
                raise RegtraceError(
                    f"--data-loss {loss.value} is for the linear model; "
                    "the logistic model uses log-loss"
                )
            bad = np.flatnonzero((y_arr != 0) & (y_arr != 1))
            if bad.size:
                k = int(bad[0])
                raise RegtraceError(
                    f"logistic labels must be 0 or 1, but row {k + 1} has {y_arr[k]:g}; "
                    "recode the target column as 0/1"
                )
        elif loss is None:
            loss = DataLoss.HALF_MSE
        elif loss is DataLoss.LOG_LOSS:
            raise RegtraceError(
                "--data-loss log-loss is for the logistic model; use --model logistic"
            )
        p = X_arr.shape[1]
        names = feature_names or tuple(f"x{j}" for j in range(p))
        if len(names) != p:
            raise RegtraceError(f"{len(names)} feature names for {p} features")
        design = np.hstack([X_arr, np.ones((X_arr.shape[0], 1))]) if intercept else X_arr
        return cls(X_arr, y_arr, model, loss, intercept, design, names, target_name)

    def describe(self) -> dict[str, Any]:
        """The model in JSON: ``model``, ``data_loss``, ``intercept``, ``n``, ``features``."""
        return {
            "model": self.model.value,
            "data_loss": self.loss.value,
            "intercept": self.intercept,
            "n": self.n,
            "features": list(self.feature_names),
        }

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.X.shape[0])

    @property
    def n_weights(self) -> int:
        """Features, plus one for the bias with an intercept."""
        return int(self.design.shape[1])

    @property
    def weight_names(self) -> tuple[str, ...]:
        """The feature names, and ``b`` for the bias."""
        return self.feature_names + (("b",) if self.intercept else ())

    def check_w(self, w: Vector) -> None:
        """``w`` has one weight per feature (and one more for the bias)."""
        if w.size != self.n_weights:
            p = self.X.shape[1]
            want = f"{p} features + 1 bias (--intercept)" if self.intercept else f"{p} features"
            raise RegtraceError(
                f"--w has {w.size} values but the data needs {self.n_weights} ({want}); "
                "give one weight per feature" + (", the bias last" if self.intercept else "")
            )

    def evaluate(self, w: Vector) -> DataEval:
        """Predictions, residuals, the data loss and its gradient at ``w``; a residual or
        gradient element that is cancellation noise of an exact 0 is 0 (the hot loop,
        :meth:`gradient_into`, keeps the float64 values as computed)."""
        self.check_w(w)
        with np.errstate(over="ignore", invalid="ignore"):
            z = self.design @ w
            if self.model is Model.LOGISTIC:
                # log(1 + e^z) - y z is -y log p - (1-y) log(1-p) without log(0) or exp overflow.
                terms, preds = log_loss_terms(z, self.y)
                residuals = preds - self.y
                loss = float(np.mean(terms))
            else:
                preds = z
                residuals = settled_array(z - self.y, np.maximum(np.abs(z), np.abs(self.y)))
                sq = float(residuals @ residuals)
                loss = {"half-mse": sq / (2 * self.n), "mse": sq / self.n, "sse": sq}[
                    self.loss.value
                ]
            grad = self.loss.scale(self.n) * settled_array(
                self.design.T @ residuals, np.abs(self.design.T) @ np.abs(residuals)
            )
        if not (np.isfinite(loss) and np.all(np.isfinite(grad))):
            raise RegtraceError(
                "the data loss or its gradient overflows float64; rescale the data or use "
                "smaller weights"
            )
        return DataEval(self, w, z, preds, residuals, loss, np.asarray(grad, dtype=np.float64))

    def gradient_into(self, w: Vector, out: Vector) -> None:
        """Write ``dL/dw`` at ``w`` into ``out`` (no loss, no checks: the hot loop of ``run``;
        an overflow shows up as inf/NaN in ``out`` for the caller to catch). The row-sized
        intermediates live in two buffers kept with the problem, so nothing is allocated per
        step (and two threads must not share one problem's hot loop)."""
        residuals, work = self._rows
        np.matmul(self.design, w, out=residuals)
        if self.model is Model.LOGISTIC:
            sigmoid_into(residuals, work)
        np.subtract(residuals, self.y, out=residuals)
        np.matmul(self.design.T, residuals, out=out)
        np.multiply(self.loss.scale(self.n), out, out=out)

    @cached_property
    def _rows(self) -> tuple[Vector, Vector]:
        """Two scratch vectors of one element per row, for :meth:`gradient_into`."""
        return np.empty(self.n), np.empty(self.n)

    def loss_at(self, w: Vector) -> float:
        """Only the data loss (for finite-difference checks and line searches)."""
        return self.evaluate(w).loss

    def gradient(self, w: Vector) -> Vector:
        """``dL/dw`` at ``w`` alone (the loops toward ``w*``): the same numbers as
        :meth:`evaluate`'s gradient without computing the loss, and the same error if the
        gradient overflows."""
        out = np.empty(self.n_weights)
        with np.errstate(over="ignore", invalid="ignore"):
            self.gradient_into(w, out)
        if not np.all(np.isfinite(out)):
            raise RegtraceError(
                "the data loss or its gradient overflows float64; rescale the data or use "
                "smaller weights"
            )
        return out

    def lipschitz(self) -> float:
        """A bound on the curvature of ``L``: ``s * ||X||_2^2`` (``/4`` for the logistic);
        computed once per problem (an SVD of the table), shared by every penalty's solve."""
        return self._lipschitz

    @cached_property
    def _lipschitz(self) -> float:
        sigma = float(np.linalg.norm(self.design, 2))
        factor = 0.25 if self.model is Model.LOGISTIC else 1.0
        return factor * self.loss.scale(self.n) * sigma**2

    @cached_property
    def gram(self) -> Matrix:
        """``X^T X`` of the design, computed once and shared by the closed-form solves."""
        return np.asarray(self.design.T @ self.design, dtype=np.float64)

    @cached_property
    def design_y(self) -> Vector:
        """``X^T y`` of the design, computed once."""
        return np.asarray(self.design.T @ self.y, dtype=np.float64)


def exempt_bias(strength: Strength, problem: DataProblem, name: str) -> Strength:
    """One strength for the features, with 0 for the bias when there is an intercept.

    A scalar or one value per feature gets a trailing 0 (the bias is never penalized, as in
    scikit-learn); ``n_weights`` values are taken as given.
    """
    if not problem.intercept:
        return strength
    p = problem.X.shape[1]
    if isinstance(strength, np.ndarray):
        if strength.size == problem.n_weights:
            return strength
        if strength.size != p:
            raise RegtraceError(
                f"{name} has {strength.size} values but the data has {p} features; "
                f"give one {name}, one per feature, or one per weight with the bias last"
            )
        return np.append(strength, 0.0)
    return np.append(np.full(p, float(strength)), 0.0)


__all__ = ["DataEval", "DataLoss", "DataProblem", "Matrix", "Model", "exempt_bias"]
