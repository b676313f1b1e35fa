"""``regtrace run --optimizer ...``: the run's text, headed by the optimizer that made it.

The trajectory tables are :class:`~regtrace.render.trajectory.RunText`'s; only the header
changes (the update rule is the optimizer's, not ``w - lr*(g + penalty term)``), and the JSON
gains the optimizer's settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from regtrace.engine.frameworks import DecayMode
from regtrace.engine.optimizer_spec import OptimizerSpec
from regtrace.engine.trajectory import RunReport
from regtrace.render.optimizer_work import decay_rule, hyper_parameters, update_rule
from regtrace.render.trajectory import RunText


@dataclass(frozen=True)
class OptimizerRunReport:
    """A run made by an optimizer: the trajectories and the optimizer's settings."""

    run: RunReport
    spec: OptimizerSpec

    def to_dict(self) -> dict[str, Any]:
        """The run's JSON (docs/design.md) with ``optimizer`` beside the inputs."""
        return {**self.run.to_dict(), "optimizer": self.spec.to_dict()}


@dataclass(frozen=True)
class OptimizerRunText(RunText):
    """A run's text whose header names the optimizer, its rule and its settings."""

    spec: OptimizerSpec | None = None

    def header(self) -> tuple[str, ...]:
        """The optimizer's update rule and settings in place of plain gradient descent's."""
        lines = list(super().header())
        if self.spec is None:
            return tuple(lines)
        s = self.spec
        lines[0] = (
            f"{self.report.n_steps} steps of {s.kind.label} ({s.convention.label} convention): "
            f"{update_rule(s)}; g = dL/dw + penalty term"
        )
        settings = hyper_parameters(s, self.n.strength)
        lines.insert(1, f"{s.kind.label} settings: {settings}; {decay_rule(s)}")
        if s.momentum_note is not None:
            lines.insert(2, f"Note: {s.momentum_note}")
        return tuple(lines)


def optimizer_run(report: RunReport, spec: OptimizerSpec) -> RunReport:
    """The run without what only holds for plain gradient descent.

    The per-step decay factor ``1 - 2*lr*lam`` is gradient descent's, so it goes. The fixed
    point ``w*`` (where ``dL/dw + penalty term = 0``) stays only without weight decay: a
    converging optimizer stops where the gradient it sees is 0, and a weight decay moves that
    point (coupled: ``+wd*w`` in the gradient; decoupled: outside it).
    """
    keep_fixed = spec.decay is DecayMode.NONE
    return replace(
        report,
        results=tuple(
            replace(t, factor=None, fixed_point=t.fixed_point if keep_fixed else None)
            for t in report.results
        ),
    )
