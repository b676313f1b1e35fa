"""The engine: pure NumPy, arrays in, frozen results out. No Typer, Rich, files or terminals."""

from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind
from regtrace.engine.step import StepReport, StepResult, apply_penalty, step

__all__ = [
    "L1Method",
    "L2Form",
    "Penalty",
    "PenaltyKind",
    "StepReport",
    "StepResult",
    "apply_penalty",
    "step",
]
