"""Grade an answer to an optimizer step (``regtrace check --optimizer ...``) and name the mistake.

The right step is the optimizer engine's (:func:`regtrace.engine.optimizers.optimizer_update`,
the frameworks' own order of operations). Adam's ``sqrt`` is not rational, so the expected
value is that float rounded to 15 significant digits (far below any written answer, and the
exact decimal where the true answer is one, e.g. 0.9485 for SGD). Each mistake is the same
engine call with one thing changed (another optimizer, convention, state or setting), or,
where no setting expresses it (Adam without bias correction, eps inside the square root),
the engine's moments put together the mistaken way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from regtrace.engine.diagnose import Diagnosis
from regtrace.engine.frameworks import Convention, DecayMode, OptimizerKind
from regtrace.engine.grading import Mark, Written, agrees, grade
from regtrace.engine.optimizer_spec import OptimizerSpec, OptimizerState
from regtrace.engine.optimizers import OptimizerReport, OptimizerStep, optimizer_update
from regtrace.engine.penalties import Penalty, PenaltyKind, Vector
from regtrace.engine.trajectory import settle_noise
from regtrace.errors import RegtraceError

Steps = Callable[[Vector], tuple[Vector, OptimizerStep]]


def _settled(w_new: Vector, before: Vector) -> Vector:
    """``w_new`` with the cancellation noise of ``before + step`` set to 0 (a run's rule):
    ``0.3 - 0.1 x 3`` is 0, not -5.6e-17, to grade against and to step on from."""
    out = np.array(w_new, dtype=np.float64)
    settle_noise(out, before)
    return out


def as_decimal(x: float) -> Fraction:
    """A float to 15 significant digits: rounding noise off, the true decimal kept."""
    return Fraction(f"{x:.15g}")


@dataclass(frozen=True)
class OptimizerProblem:
    """One optimizer problem: the start, the data gradient, and how.

    ``grad`` is ``dL/dw`` at ``w``; with ``gradient`` (a data table) each later step
    recomputes it at that step's weights, otherwise it stays fixed.
    """

    w: Vector
    grad: Vector
    spec: OptimizerSpec
    penalty: Penalty
    state: OptimizerState
    loss: float | None = None
    gradient: Callable[[Vector], Vector] | None = None

    def grad_at(self, k: int, w: Vector) -> Vector:
        """``dL/dw`` at step ``k`` (0 first), taken at ``w``."""
        return self.grad if self.gradient is None or k == 0 else self.gradient(w)


def run_steps(
    p: OptimizerProblem,
    steps: int,
    spec: OptimizerSpec | None = None,
    penalty: Penalty | None = None,
    state: OptimizerState | None = None,
    finish: Callable[[OptimizerStep], Vector] | None = None,
) -> list[Vector]:
    """The weights after each of ``steps`` updates (``finish`` recombines a step's parts)."""
    spec = p.spec if spec is None else spec
    penalty = p.penalty if penalty is None else penalty
    state = p.state if state is None else state
    w, out = p.w, []
    for k in range(steps):
        result = optimizer_update(w, p.grad_at(k, w), spec, penalty, state)
        w = _settled(result.w_new if finish is None else finish(result), w)
        state = result.state
        out.append(w)
    return out


def _no_bias_correction(r: OptimizerStep) -> Vector:
    assert r.state.m is not None and r.state.v is not None
    move = r.spec.lr * r.state.m / (np.sqrt(r.state.v) + r.spec.eps)
    return np.asarray(r.w + r.decay_step - move, dtype=np.float64)


def _eps_inside(r: OptimizerStep) -> Vector:
    assert r.m_hat is not None and r.v_hat is not None
    move = r.spec.lr * r.m_hat / np.sqrt(r.v_hat + r.spec.eps)
    return np.asarray(r.w + r.decay_step - move, dtype=np.float64)


def _decay_without_lr(r: OptimizerStep) -> Vector:
    return np.asarray(r.w_new - r.decay_step + r.decay_step / r.spec.lr, dtype=np.float64)


@dataclass(frozen=True)
class OptMistake:
    """One mistake: when it applies, the weights it gives after each step, its words."""

    key: str
    applies: Callable[[OptimizerProblem], bool]
    trajectory: Callable[[OptimizerProblem, int], list[Vector]]
    say: Callable[[OptimizerProblem], str]


def _kind(*kinds: OptimizerKind) -> Callable[[OptimizerProblem], bool]:
    return lambda p: p.spec.kind in kinds


def _lr_inside(p: OptimizerProblem, steps: int) -> list[Vector]:
    """``v = beta*v + lr*g, w -= v`` from the given buffer: Keras' velocity is ``-v``, so
    this is Keras' rule started from ``-buf`` (and PyTorch's from ``-velocity`` for the
    reverse)."""
    assert p.state.buf is not None
    other = Convention.KERAS if p.spec.convention is not Convention.KERAS else Convention.TORCH
    return run_steps(
        p, steps, spec=replace(p.spec, convention=other), state=replace(p.state, buf=-p.state.buf)
    )


def _say_lr_inside(p: OptimizerProblem) -> str:
    if p.spec.convention is Convention.KERAS:
        return (
            "the update with the velocity treated as PyTorch's buffer (lr applied to it "
            "again: w -= lr*(momentum*buf + g)); Keras' velocity already holds lr: "
            "v = momentum*v - lr*g, w += v"
        )
    return (
        "the update with momentum written as v = momentum*v + lr*g, w -= v (lr inside the "
        "buffer, the other common convention); PyTorch keeps lr outside: "
        "buf = momentum*buf + g, w -= lr*buf"
    )


def _other_decay_kind(p: OptimizerProblem) -> OptimizerKind:
    return OptimizerKind.ADAMW if p.spec.kind is OptimizerKind.ADAM else OptimizerKind.ADAM


def _say_decay_kind(p: OptimizerProblem) -> str:
    if p.spec.decay is DecayMode.COUPLED:
        return (
            "the update with the weight decay decoupled (AdamW: w -= lr*wd*w outside the "
            "moments); Adam's weight_decay is coupled: wd*w is added to the gradient and goes "
            "through m and v"
        )
    return (
        "the update with the weight decay coupled (Adam's weight_decay: wd*w added to the "
        "gradient, through m and v); AdamW decouples it: w -= lr*wd*w outside the moments"
    )


def _has_decay(p: OptimizerProblem) -> bool:
    return p.spec.decay is not DecayMode.NONE


OPT_MISTAKES: tuple[OptMistake, ...] = (
    OptMistake(
        "momentum-lr-inside",
        lambda p: p.spec.kind is OptimizerKind.MOMENTUM and p.state.buf is not None,
        _lr_inside,
        _say_lr_inside,
    ),
    OptMistake(
        "nesterov-look-ahead-left-out",
        _kind(OptimizerKind.NESTEROV),
        lambda p, n: run_steps(p, n, spec=replace(p.spec, kind=OptimizerKind.MOMENTUM)),
        lambda p: (
            "plain momentum: the Nesterov look-ahead was left out; Nesterov steps along "
            "g + momentum*buf (the gradient plus the buffer's next move), not buf alone"
        ),
    ),
    OptMistake(
        "adam-bias-correction-left-out",
        _kind(OptimizerKind.ADAM, OptimizerKind.ADAMW),
        lambda p, n: run_steps(p, n, finish=_no_bias_correction),
        lambda p: (
            "the update without Adam's bias correction, lr*m/(sqrt(v) + eps); Adam divides "
            "first: m_hat = m/(1 - beta1^t), v_hat = v/(1 - beta2^t), "
            "step lr*m_hat/(sqrt(v_hat) + eps)"
        ),
    ),
    OptMistake(
        "eps-inside-sqrt",
        _kind(OptimizerKind.ADAM, OptimizerKind.ADAMW),
        lambda p, n: run_steps(p, n, finish=_eps_inside),
        lambda p: (
            "the update with eps inside the square root, m_hat/sqrt(v_hat + eps); the "
            "frameworks add it outside: m_hat/(sqrt(v_hat) + eps)"
        ),
    ),
    OptMistake(
        "decay-coupling",
        lambda p: p.spec.kind in (OptimizerKind.ADAM, OptimizerKind.ADAMW) and _has_decay(p),
        lambda p, n: run_steps(p, n, spec=replace(p.spec, kind=_other_decay_kind(p))),
        _say_decay_kind,
    ),
    OptMistake(
        "decoupled-decay-without-lr",
        lambda p: p.spec.decay is DecayMode.DECOUPLED and p.spec.lr != 0,
        lambda p, n: run_steps(p, n, finish=_decay_without_lr),
        lambda p: (
            "the update with the decoupled decay w -= wd*w, without lr; the frameworks "
            "shrink by lr*wd: w -= lr*wd*w"
        ),
    ),
    OptMistake(
        "weight-decay-doubled",
        lambda p: p.spec.decay is DecayMode.COUPLED,
        lambda p, n: run_steps(p, n, spec=replace(p.spec, weight_decay=2 * p.spec.weight_decay)),
        lambda p: (
            "the update with 2*wd*w added to the gradient (the gradient of wd*||w||^2); "
            "weight_decay adds wd*w, the gradient of wd/2*||w||^2"
        ),
    ),
    OptMistake(
        "penalty-left-out",
        lambda p: p.penalty.kind is not PenaltyKind.NONE,
        lambda p, n: run_steps(p, n, penalty=Penalty.build(PenaltyKind.NONE, p.w.size)),
        lambda p: (
            "the update without the penalty's gradient; the optimizer sees "
            "g = dL/dw + the penalty's gradient"
        ),
    ),
    OptMistake(
        "learning-rate-left-out",
        lambda p: p.spec.lr != 1,
        lambda p, n: run_steps(p, n, spec=replace(p.spec, lr=1.0)),
        lambda p: "the update without the learning rate (lr taken as 1)",
    ),
    OptMistake(
        "step-added",
        lambda p: True,
        lambda p, n: run_steps(p, n, spec=replace(p.spec, lr=-p.spec.lr)),
        lambda p: "the step added instead of subtracted: the optimizer moves against its input",
    ),
)


@dataclass(frozen=True)
class OptimizerCheck:
    """The verdict on an optimizer answer; ``report`` is the (last) right step, traced."""

    report: OptimizerReport
    start: Vector
    grad: Vector
    """``dL/dw`` at ``start``."""
    steps: int
    tol: Fraction | None
    answer: tuple[Written, ...]
    expected: tuple[Fraction, ...]
    marks: tuple[Mark, ...]
    diagnosis: Diagnosis | None
    trajectory: tuple[Vector, ...]
    moving: bool = False
    """The data gradient is recomputed at each step's weights (a table over several steps)."""

    @property
    def correct(self) -> bool:
        """Every element right."""
        return all(mark is Mark.RIGHT for mark in self.marks)

    @property
    def spec(self) -> OptimizerSpec:
        """The optimizer graded."""
        return self.report.results[0].spec

    def to_dict(self) -> dict[str, Any]:
        """Inputs echoed, the optimizer, the marks, and ``results`` as plain ``check``'s."""
        r = self.report.results[0]
        return {
            "command": "check",
            "w": self.start.tolist(),
            "grad": self.grad.tolist(),
            "lr": self.spec.lr,
            "penalty": r.penalty.kind.value,
            "lam": r.penalty.lam_json(),
            **self.spec.to_dict(),
            "quantity": "new-weight",
            "steps": self.steps,
            "tol": None if self.tol is None else float(self.tol),
            "marks": [mark.value for mark in self.marks],
            "results": [
                {
                    "correct": self.correct,
                    "expected": [float(x) for x in self.expected],
                    "answer": [float(a.value) for a in self.answer],
                    "diagnosis": None if self.diagnosis is None else self.diagnosis.message,
                }
            ],
        }


def _fits(
    values: Vector, answer: Sequence[Written], wrong: Sequence[int], tol: Fraction | None
) -> bool:
    return all(
        math.isfinite(float(values[i])) and agrees(as_decimal(float(values[i])), answer[i], tol)
        for i in wrong
    )


def diagnose_optimizer(
    p: OptimizerProblem,
    answer: Sequence[Written],
    marks: Sequence[Mark],
    steps: int,
    tol: Fraction | None,
) -> Diagnosis | None:
    """The first mistake in :data:`OPT_MISTAKES` whose weights reproduce every wrong element."""
    wrong = [i for i, mark in enumerate(marks) if mark is Mark.WRONG]
    if not wrong:
        return None
    right = run_steps(p, steps)
    for mistake in OPT_MISTAKES:
        if not mistake.applies(p):
            continue
        try:
            with np.errstate(all="ignore"):
                path = mistake.trajectory(p, steps)
        except RegtraceError:
            continue  # the mistaken update overflows: it cannot be what was written
        final = path[-1]
        same = [
            as_decimal(float(a)) == as_decimal(float(b))
            for a, b in zip(final, right[-1], strict=True)
        ]
        if all(same) or not _fits(final, answer, wrong, tol):
            continue
        everything = _fits(final, answer, range(len(answer)), tol)
        names = [f"w{i}" for i in wrong]
        who = "your answer" if everything else "your " + " and ".join(names)
        verb = "matches" if everything or len(wrong) == 1 else "match"
        message = f"{who} {verb} {mistake.say(p)}"
        if steps > 1:
            depart = next(
                k + 1
                for k, (a, b) in enumerate(zip(path, right, strict=True))
                if any(
                    as_decimal(float(x)) != as_decimal(float(y)) for x, y in zip(a, b, strict=True)
                )
            )
            message += (
                f" (at each of the {steps} steps; it first changes the weights at step {depart})"
            )
        values = tuple(as_decimal(float(x)) for x in final)
        return Diagnosis(mistake.key, message, values)
    return None


def check_optimizer(
    problem: OptimizerProblem,
    answer: Sequence[str],
    *,
    steps: int = 1,
    tol: Fraction | None = None,
) -> OptimizerCheck:
    """Grade ``answer`` (the new weights as written) after ``steps`` optimizer updates."""
    n = problem.w.size
    if steps < 1:
        raise RegtraceError("--steps must be at least 1")
    if tol is not None and tol < 0:
        raise RegtraceError("--tol must not be negative")
    if len(answer) != n:
        plural = "" if len(answer) == 1 else "s"
        raise RegtraceError(
            f"--answer has {len(answer)} value{plural} but the new weights need one per "
            f"weight ({n})"
        )
    written = tuple(Written.parse(t, f"--answer, element {k + 1}") for k, t in enumerate(answer))
    w, state, loss = problem.w, problem.state, problem.loss
    trajectory = [w]
    for k in range(steps):
        if k > 0 and problem.gradient is not None:
            loss = None  # the loss at the start does not belong to a later step
        grad = problem.grad_at(k, w)
        last = optimizer_update(w, grad, problem.spec, problem.penalty, state, loss)
        w, state = _settled(last.w_new, w), last.state
        trajectory.append(w)
    report = OptimizerReport(w=last.w, grad=grad, lr=problem.spec.lr, loss=loss, results=(last,))
    expected = tuple(as_decimal(float(x)) for x in w)
    marks = tuple(grade(e, a, tol) for e, a in zip(expected, written, strict=True))
    return OptimizerCheck(
        report=report,
        start=problem.w,
        grad=problem.grad,
        steps=steps,
        tol=tol,
        answer=written,
        expected=expected,
        marks=marks,
        diagnosis=diagnose_optimizer(problem, written, marks, steps, tol),
        trajectory=tuple(trajectory),
        moving=problem.gradient is not None and steps > 1,
    )


__all__ = [
    "OPT_MISTAKES",
    "OptMistake",
    "OptimizerCheck",
    "OptimizerProblem",
    "as_decimal",
    "check_optimizer",
    "diagnose_optimizer",
    "run_steps",
]
