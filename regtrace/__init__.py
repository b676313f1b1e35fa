"""regtrace: trace gradient-descent steps under L1, L2 and elastic-net regularization.

>>> from regtrace import step
>>> report = step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1, loss=1.2)
>>> round(report["l1"].loss, 10)
1.234

Names are imported on first use, so ``regtrace --help`` and ``--version`` never load NumPy.
"""

from __future__ import annotations

from regtrace._early import quiet_ctrl_c_if_command

quiet_ctrl_c_if_command()  # first: the command's Ctrl-C handler, before anything else loads

# ``typing`` is not imported at run time (``--version`` answers in about two interpreter
# start-ups); type checkers read TYPE_CHECKING = False as True.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from regtrace.engine import L1Method, L2Form, Penalty, PenaltyKind, StepReport, StepResult
    from regtrace.engine.check import CheckResult, Quantity, check
    from regtrace.engine.conventions import conventions
    from regtrace.engine.data import DataProblem
    from regtrace.engine.exact import exact_step
    from regtrace.engine.fit import fit
    from regtrace.engine.optimizers import OptimizerSpec, optimize, optimizer_step
    from regtrace.engine.step import step
    from regtrace.engine.sweep import SweepReport, sweep
    from regtrace.engine.trajectory import RunReport, Trajectory, run
    from regtrace.errors import RegtraceError

# The one place the version is written (pyproject.toml reads it from here).
__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "DataProblem",
    "L1Method",
    "L2Form",
    "OptimizerSpec",
    "Penalty",
    "PenaltyKind",
    "Quantity",
    "RegtraceError",
    "RunReport",
    "StepReport",
    "StepResult",
    "SweepReport",
    "Trajectory",
    "__version__",
    "check",
    "conventions",
    "exact_step",
    "fit",
    "optimize",
    "optimizer_step",
    "run",
    "step",
    "sweep",
]

# Names from modules that `step` does not need (fractions, grading, runs, optimizers,
# conventions): imported only when asked.
_CHECK_NAMES = {
    "CheckResult": "regtrace.engine.check",
    "Quantity": "regtrace.engine.check",
    "check": "regtrace.engine.check",
    "exact_step": "regtrace.engine.exact",
    "OptimizerSpec": "regtrace.engine.optimizers",
    "optimize": "regtrace.engine.optimizers",
    "optimizer_step": "regtrace.engine.optimizers",
    "conventions": "regtrace.engine.conventions",
    "RunReport": "regtrace.engine.trajectory",
    "Trajectory": "regtrace.engine.trajectory",
    "run": "regtrace.engine.trajectory",
    "SweepReport": "regtrace.engine.sweep",
    "sweep": "regtrace.engine.sweep",
    "DataProblem": "regtrace.engine.data",
    "fit": "regtrace.engine.fit",
}


def __getattr__(name: str) -> Any:
    """Import public names lazily (PEP 562)."""
    if name == "RegtraceError":
        from regtrace.errors import RegtraceError

        return RegtraceError
    if name in _CHECK_NAMES:
        from importlib import import_module

        return getattr(import_module(_CHECK_NAMES[name]), name)
    if name in __all__:
        from importlib import import_module

        from regtrace.engine import HOMES

        return getattr(import_module(HOMES[name]), name)
    raise AttributeError(f"module 'regtrace' has no attribute {name!r}")
