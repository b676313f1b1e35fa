"""One weight over many steps under L2 and L1: a weight-decay demo.

With no data gradient (``dL/dw = 0``) only the penalty moves the weight, so the L2 weight
is multiplied by the decay factor ``1 - 2*lr*lam`` at every step (the weight-decay
update): ``w_k = w_0 * (1 - 2*lr*lam)^k``. L1 by subgradient moves it by
``lr*lam`` towards 0 each step and then chatters around 0; L1 by soft-thresholding stops at
exactly 0. The paths come from :func:`regtrace.engine.trajectory.run`, the engine of
``regtrace run``, so a path that engine refuses (a factor below -1 diverges) is refused
here too, with its message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from regtrace.engine.penalties import L1Method, L2Form, Penalty, PenaltyKind, Vector
from regtrace.engine.trajectory import run
from regtrace.errors import RegtraceError

DEFAULT_STEPS = 100


class Regime(StrEnum):
    """What the L2 decay factor does to a weight, step after step."""

    NONE = "none"  # factor 1: no decay
    DECAY = "decay"  # 0 <= factor < 1: shrinks towards 0 without changing sign
    OSCILLATE = "oscillate"  # -1 < factor < 0: flips sign every step, still shrinking
    STALL = "stall"  # factor -1: flips sign forever at the same size
    DIVERGE = "diverge"  # factor < -1: flips sign and grows


def regime(factor: float) -> Regime:
    """Classify the decay factor ``1 - 2*lr*lam``.

    >>> [regime(f).value for f in (1.0, 0.998, 0.0, -0.5, -1.0, -3.0)]
    ['none', 'decay', 'decay', 'oscillate', 'stall', 'diverge']
    """
    if factor >= 1:
        return Regime.NONE
    if factor >= 0:
        return Regime.DECAY
    if factor > -1:
        return Regime.OSCILLATE
    if factor == -1:
        return Regime.STALL
    return Regime.DIVERGE


@dataclass(frozen=True)
class Path:
    """One weight's values, step 0 first; only ``w0`` when the engine refused the run."""

    label: str
    values: Vector
    refused: str | None = None
    """The engine's reason, e.g. ``the L2 run diverges from step 1: ...``."""


def weight_path(
    w0: float,
    lam: float,
    lr: float,
    steps: int,
    label: str,
    *,
    penalty: PenaltyKind,
    l2_form: L2Form = L2Form.LAMBDA,
    l1_method: L1Method = L1Method.SUBGRADIENT,
) -> Path:
    """``w0`` after 0, 1, ..., ``steps`` penalty-only steps (``dL/dw = 0``) of ``regtrace run``."""
    try:
        report = run(
            [w0],
            [0.0],
            steps=steps,
            every=1,
            lam=lam,
            lr=lr,
            penalties=[penalty],
            l2_form=l2_form,
            l1_method=l1_method,
        )
    except RegtraceError as exc:  # diverges or overflows: nothing to draw past the start
        return Path(label, np.array([w0]), refused=str(exc))
    return Path(label, report.results[0].weights[:, 0].copy())


@dataclass(frozen=True)
class DecayDemo:
    """The three paths of the demo and the L2 decay factor."""

    w0: float
    lam: float
    lr: float
    steps: int
    factor: float
    paths: tuple[Path, ...]

    @property
    def regime(self) -> Regime:
        """What the L2 factor does (see :class:`Regime`)."""
        return regime(self.factor)


def decay_demo(
    w0: float, lam: float, lr: float, steps: int = DEFAULT_STEPS, l2_form: L2Form = L2Form.LAMBDA
) -> DecayDemo:
    """L2, L1 (subgradient) and L1 (proximal) paths of one weight with no data gradient."""
    factor = Penalty.build(PenaltyKind.L2, 1, lam, l2_form=l2_form).decay_factor(lr)
    assert isinstance(factor, float)  # one strength for the one weight
    paths = (
        weight_path(w0, lam, lr, steps, "L2", penalty=PenaltyKind.L2, l2_form=l2_form),
        weight_path(w0, lam, lr, steps, "L1 subgradient", penalty=PenaltyKind.L1),
        weight_path(
            w0, lam, lr, steps, "L1 proximal", penalty=PenaltyKind.L1, l1_method=L1Method.PROXIMAL
        ),
    )
    return DecayDemo(w0, lam, lr, steps, factor, paths)


__all__ = ["DEFAULT_STEPS", "DecayDemo", "Path", "Regime", "decay_demo", "regime", "weight_path"]
