"""The engine: pure NumPy, arrays in, frozen results out. No Typer, Rich, files or terminals.

The names below load on first use, so that the NumPy-free modules (the choices in
:mod:`regtrace.engine.frameworks`, :mod:`regtrace.engine.optimizer_params`) can be imported
by the command line's ``--help`` without NumPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind
    from regtrace.engine.step import StepReport, StepResult, apply_penalty, step

HOMES = {  # each public name's module (``step`` is also the name of a submodule)
    "L1Method": "regtrace.engine.penalties",
    "L2Form": "regtrace.engine.penalties",
    "Penalty": "regtrace.engine.penalties",
    "PenaltyKind": "regtrace.engine.penalties",
    "StepReport": "regtrace.engine.step",
    "StepResult": "regtrace.engine.step",
    "apply_penalty": "regtrace.engine.step",
    "step": "regtrace.engine.step",
}


def __getattr__(name: str) -> Any:
    if name not in HOMES:
        raise AttributeError(f"module 'regtrace.engine' has no attribute {name!r}")
    return getattr(import_module(HOMES[name]), name)


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
