"""The engine: pure NumPy, arrays in, frozen results out. No Typer, Rich, files or terminals."""

from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind
from regtrace.engine.step import StepReport, StepResult, apply_penalty, step
from regtrace.engine.sweep import SweepReport, sweep
from regtrace.engine.trajectory import RunReport, Trajectory, run

__all__ = [
    "L1Method",
    "L2Form",
    "Penalty",
    "PenaltyKind",
    "RunReport",
    "StepReport",
    "StepResult",
    "SweepReport",
    "Trajectory",
    "apply_penalty",
    "run",
    "step",
    "sweep",
]
