"""regtrace: trace gradient-descent steps under L1, L2 and elastic-net regularization.

>>> from regtrace import step
>>> report = step([2.5, -0.8, 0.1], [-0.2, 0.1, -0.05], lam=0.01, lr=0.1, loss=1.2)
>>> round(report["l1"].loss, 10)
1.234

Names are imported on first use, so ``regtrace --help`` and ``--version`` never load NumPy.
The functions return results that display themselves in Jupyter (the same trace as the
terminal, as an HTML table); ``%load_ext regtrace`` adds the ``%regtrace`` magic.
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
    from regtrace.engine.check import CheckResult, Quantity
    from regtrace.engine.data import DataProblem
    from regtrace.engine.fit import fit
    from regtrace.engine.optimizers import OptimizerSpec, optimize
    from regtrace.engine.sweep import SweepReport
    from regtrace.engine.trajectory import RunReport, Trajectory
    from regtrace.errors import RegtraceError
    from regtrace.notebook.exact import check, exact_step
    from regtrace.notebook.reports import conventions, optimizer_step
    from regtrace.notebook.runs import run, run_data, sweep, sweep_data
    from regtrace.notebook.steps import data_step, step

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
    "data_step",
    "exact_step",
    "fit",
    "load_ipython_extension",
    "optimize",
    "optimizer_step",
    "run",
    "run_data",
    "step",
    "sweep",
    "sweep_data",
]

# Names from modules that `step` does not need (fractions, grading, runs, optimizers,
# conventions): imported only when asked.
_CHECK_NAMES = {
    "CheckResult": "regtrace.engine.check",
    "Quantity": "regtrace.engine.check",
    "OptimizerSpec": "regtrace.engine.optimizers",
    "optimize": "regtrace.engine.optimizers",
    "RunReport": "regtrace.engine.trajectory",
    "Trajectory": "regtrace.engine.trajectory",
    "SweepReport": "regtrace.engine.sweep",
    "DataProblem": "regtrace.engine.data",
    "fit": "regtrace.engine.fit",
}
# The functions whose results display themselves in a notebook.
_DISPLAYED = {
    "step": "regtrace.notebook.steps",
    "exact_step": "regtrace.notebook.exact",
    "data_step": "regtrace.notebook.steps",
    "run": "regtrace.notebook.runs",
    "sweep": "regtrace.notebook.runs",
    "run_data": "regtrace.notebook.runs",
    "sweep_data": "regtrace.notebook.runs",
    "check": "regtrace.notebook.exact",
    "conventions": "regtrace.notebook.reports",
    "optimizer_step": "regtrace.notebook.reports",
}


def __getattr__(name: str) -> Any:
    """Import public names lazily (PEP 562)."""
    if name == "RegtraceError":
        from regtrace.errors import RegtraceError

        return RegtraceError
    if name in _DISPLAYED or name in _CHECK_NAMES:
        from importlib import import_module

        return getattr(import_module(_DISPLAYED.get(name) or _CHECK_NAMES[name]), name)
    if name in __all__:
        from importlib import import_module

        from regtrace.engine import HOMES

        return getattr(import_module(HOMES[name]), name)
    raise AttributeError(f"module 'regtrace' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext regtrace``: register the ``%regtrace`` and ``%%regtrace`` magics.

    IPython is imported here, never by ``import regtrace``.
    """
    from regtrace.notebook.magic import register

    register(ipython)
