"""The engine: pure NumPy, arrays in, frozen results out. No Typer, Rich, files or terminals."""

from regtrace.engine.data import DataEval, DataLoss, DataProblem, Model
from regtrace.engine.fit import FitResult, fit, regularization_path
from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind
from regtrace.engine.step import StepReport, StepResult, apply_penalty, step

__all__ = [
    "DataEval",
    "DataLoss",
    "DataProblem",
    "FitResult",
    "L1Method",
    "L2Form",
    "Model",
    "Penalty",
    "PenaltyKind",
    "StepReport",
    "StepResult",
    "apply_penalty",
    "fit",
    "regularization_path",
    "step",
]
