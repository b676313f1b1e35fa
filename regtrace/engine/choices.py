"""The engine's named choices that the command line offers as they are (``--model``,
``--data-loss``, ``--quantity``), in a module without NumPy: ``regtrace --help`` imports
them and stays fast. The models and losses are described in :mod:`regtrace.engine.data`;
what each quantity of a step is, in :mod:`regtrace.engine.check`.
"""

from __future__ import annotations

from enum import StrEnum


class Model(StrEnum):
    """``--model`` words."""

    LINEAR = "linear"
    LOGISTIC = "logistic"


class DataLoss(StrEnum):
    """``--data-loss`` words; ``log-loss`` is the logistic model's only loss."""

    HALF_MSE = "half-mse"
    MSE = "mse"
    SSE = "sse"
    LOG_LOSS = "log-loss"

    @property
    def formula(self) -> str:
        """The loss as the output names it."""
        return {
            "half-mse": "1/(2n) * ||Xw - y||^2",
            "mse": "1/n * ||Xw - y||^2",
            "sse": "||Xw - y||^2",
            "log-loss": "mean(-y*log(p) - (1-y)*log(1-p)), p = sigmoid(Xw)",
        }[self.value]

    @property
    def grad_formula(self) -> str:
        """Its gradient as the output names it."""
        return {
            "half-mse": "X^T (Xw - y) / n",
            "mse": "2 X^T (Xw - y) / n",
            "sse": "2 X^T (Xw - y)",
            "log-loss": "X^T (p - y) / n",
        }[self.value]

    def scale(self, n: int) -> float:
        """``s`` in ``dL/dw = s * X^T r``: ``1/n``, ``2/n``, ``2`` or ``1/n``."""
        return {"half-mse": 1.0 / n, "mse": 2.0 / n, "sse": 2.0, "log-loss": 1.0 / n}[self.value]


class Quantity(StrEnum):
    """What the answer is; the values are the CLI's ``--quantity`` words."""

    NEW_WEIGHT = "new-weight"
    FULL_GRAD = "full-grad"
    PENALTY_GRAD = "penalty-grad"
    STEP = "step"
    LOSS = "loss"
    PENALTY = "penalty"
    DECAY_FACTOR = "decay-factor"

    @property
    def field(self) -> str:
        """The :class:`~regtrace.engine.step.StepResult` field holding it."""
        return {
            "new-weight": "w_new",
            "full-grad": "full_grad",
            "penalty-grad": "penalty_grad",
            "step": "step",
            "loss": "loss",
            "penalty": "penalty_value",
            "decay-factor": "decay_factor",
        }[self.value]

    @property
    def is_vector(self) -> bool:
        """One value per weight (``False``: a single number)."""
        return self not in (Quantity.LOSS, Quantity.PENALTY)

    @property
    def words(self) -> str:
        """In a sentence: ``new weights``, ``loss``."""
        return {
            "new-weight": "new weights",
            "full-grad": "full gradients",
            "penalty-grad": "penalty terms",
            "step": "updates",
            "loss": "loss",
            "penalty": "penalty",
            "decay-factor": "weight-decay factors",
        }[self.value]


__all__ = ["DataLoss", "Model", "Quantity"]
