"""One problem description: what a command computes, as one frozen value.

A :class:`Problem` says where the data gradient comes from (a :class:`GradientSource`: a
fixed vector, the quadratic target ``1/2*||w - target||^2``, a data table, a loss formula), the
regularization (:class:`Regularization`: the penalties and their strengths), the update rule
(plain gradient descent, or an :class:`OptimizerUpdate`), the number type (float64 or exact
fractions) and the starting state (``w``, ``lr``, an optimizer's state). The command line
builds one from its options (:func:`regtrace.cli.inputs.resolve_problem`); the functions at
the end of this module (:func:`step_problem`, :func:`run_problem`, :func:`sweep_problem`,
:func:`check_problem`) are the engine calls that take it. The keyword functions of the
library (:func:`regtrace.step`, :func:`regtrace.run`, ...) stay as they are.

A new gradient source is a class with ``evaluate(w) -> (loss or None, grad)``, ``describe()``
and ``to_dict()``; the engine calls need no change for it when it also offers
``gradient_into(w, out)`` (the in-place form the float loop uses).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind, Vector
from regtrace.errors import RegtraceError
from regtrace.frozen import frozen

if TYPE_CHECKING:  # the optimizer engine loads only with an optimizer (start-up time)
    from fractions import Fraction

    from regtrace.engine.check import CheckResult
    from regtrace.engine.check_optimizer import OptimizerCheck
    from regtrace.engine.data import DataEval, DataProblem
    from regtrace.engine.datarun import DataRunReport, DataSweepReport
    from regtrace.engine.formula import FormulaLoss, FormulaPoint
    from regtrace.engine.frameworks import Convention, OptimizerKind
    from regtrace.engine.optimizer_spec import OptimizerSpec, OptimizerState
    from regtrace.engine.optimizers import OptimizerReport
    from regtrace.engine.step import StepReport
    from regtrace.engine.sweep import SweepReport
    from regtrace.engine.trajectory import RunReport


class NumberType(StrEnum):
    """How the arithmetic is done."""

    FLOAT = "float64"
    EXACT = "exact"


Numbers = Any
"""A vector of the problem's number type: a float64 array, or a list of fractions."""


def _floats(values: Numbers) -> list[float]:
    return [float(v) for v in values]


def _exact(values: Numbers) -> bool:
    """Fractions: a list, or the object arrays the exact engine computes with."""
    return not isinstance(values, np.ndarray) or values.dtype == object


class GradientSource(Protocol):
    """Where the data-loss gradient ``dL/dw`` comes from."""

    name: ClassVar[str]

    def evaluate(self, w: Numbers) -> tuple[Any | None, Numbers]:
        """``(L, dL/dw)`` at ``w`` (``L`` is ``None`` when the source has no loss value)."""
        ...

    def describe(self) -> str:
        """The data loss in words, for headers and messages."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """The source for JSON: ``{"source": name, ...}``."""
        ...


@frozen
class FixedGradient:
    """A gradient typed in (``--grad``), the same at every step; ``loss`` is ``L`` at the
    start when typed (``--loss``)."""

    grad: Numbers
    loss: Any | None = None
    name: ClassVar[str] = "grad"

    def evaluate(self, w: Numbers) -> tuple[Any | None, Numbers]:
        """The typed gradient, whatever ``w`` is."""
        return self.loss, self.grad

    def describe(self) -> str:
        """The fixed gradient in words."""
        return "a fixed data gradient dL/dw"

    def to_dict(self) -> dict[str, Any]:
        """``grad`` (and ``loss``) as JSON numbers."""
        loss = None if self.loss is None else float(self.loss)
        return {"source": self.name, "grad": _floats(self.grad), "loss": loss}


@frozen
class QuadraticTarget:
    """The data loss ``1/2*||w - target||^2`` (``--target``): gradient ``w - target``."""

    target: Numbers
    name: ClassVar[str] = "target"

    def evaluate(self, w: Numbers) -> tuple[Any | None, Numbers]:
        """``(1/2*||w - t||^2, w - t)`` in the number type of ``w``."""
        if _exact(w):
            from fractions import Fraction

            r = [a - b for a, b in zip(w, self.target, strict=True)]
            return sum((x * x for x in r), Fraction(0)) / 2, r
        residual = np.asarray(w - self.target, dtype=np.float64)
        return 0.5 * float(residual @ residual), residual

    def gradient_into(self, w: Vector, out: Vector) -> None:
        """``w - target`` into ``out`` (the run's in-place form)."""
        np.subtract(w, self.target, out=out)

    def describe(self) -> str:
        """The quadratic loss in words."""
        return "L = 1/2 x ||w - target||^2"

    def to_dict(self) -> dict[str, Any]:
        """``target`` as JSON numbers."""
        return {"source": self.name, "target": _floats(self.target)}


@frozen
class TableGradient:
    """The loss of a linear or logistic model on a table (``--data``, ``--x``/``--y``)."""

    data: DataProblem
    name: ClassVar[str] = "data"

    def evaluate(self, w: Numbers) -> tuple[Any | None, Numbers]:
        """``(L, dL/dw)`` at ``w``: in floats, or exactly for a list of fractions (see
        :mod:`regtrace.engine.exactdata`)."""
        if _exact(w):
            from regtrace.engine.exactdata import exact_gradient

            grad, loss = exact_gradient(self.data, list(w))
            return loss, grad
        ev = self.data.evaluate(w)
        return ev.loss, ev.grad

    def evaluation(self, w: Vector) -> DataEval:
        """Everything the data part of a traced step shows (predictions, residuals...)."""
        return self.data.evaluate(w)

    def gradient_into(self, w: Vector, out: Vector) -> None:
        """The data gradient into ``out`` (the run's in-place form)."""
        self.data.gradient_into(w, out)

    def describe(self) -> str:
        """The model and its loss."""
        return f"{self.data.model.value} model, L = {self.data.loss.formula}"

    def to_dict(self) -> dict[str, Any]:
        """The model, as ``data`` in the run's JSON."""
        return {"source": self.name, **self.data.describe()}


@frozen
class FormulaGradient:
    """A data loss typed as a formula (``--loss-fn``): ``L(w)`` and ``dL/dw`` from its exact
    partial derivatives, compiled once for floats and evaluated in fractions when exact."""

    formula: FormulaLoss
    name: ClassVar[str] = "formula"

    def evaluate(self, w: Numbers) -> tuple[Any | None, Numbers]:
        """``(L, dL/dw)`` at ``w``: floats (an error where not finite), or exact fractions (an
        error where ``dL/dw`` is irrational; ``L`` is ``None`` then)."""
        if _exact(w):
            return self.formula.exact(list(w))
        value, grad = self.formula.evaluate(w)
        return value, grad

    def evaluation(self, w: Numbers) -> FormulaPoint:
        """Everything the formula part of a traced step shows: ``L`` and ``dL/dw`` at ``w``."""
        from regtrace.engine.formula import FormulaPoint

        loss, grad = self.evaluate(w)
        return FormulaPoint(self.formula, list(w), loss, list(grad))

    def loss_value(self, w: Numbers) -> Any | None:
        """``L(w)`` alone (``None`` where an exact value is irrational): at a run's end."""
        if _exact(w):
            return self.formula.exact_loss(list(w))
        return self.formula.loss_at(w)

    def gradient_into(self, w: Vector, out: Vector) -> None:
        """``dL/dw`` into ``out`` (the run's in-place form): one compiled NumPy call."""
        self.formula.gradient_into(w, out)

    def describe(self) -> str:
        """The formula as typed."""
        return f"L(w) = {self.formula.formula.text}"

    def to_dict(self) -> dict[str, Any]:
        """The formula's texts: as typed, SymPy's form and each partial derivative."""
        return {"source": self.name, **self.formula.to_dict()}


@frozen
class Regularization:
    """The penalties compared and their strengths (one value or one per weight).

    Strengths are floats (or float64 arrays), or lists of fractions for exact arithmetic.
    """

    kinds: tuple[PenaltyKind, ...]
    lam: Any
    lam1: Any | None = None
    lam2: Any | None = None
    l2_form: L2Form = L2Form.LAMBDA
    l1_method: L1Method = L1Method.SUBGRADIENT

    def scaled(self, factor: float) -> Regularization:
        """Every strength times ``factor`` (a sweep over a per-weight pattern)."""

        def times(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, list):
                from fractions import Fraction

                return [Fraction(factor) * v for v in value]
            return value * factor

        return replace(self, lam=times(self.lam), lam1=times(self.lam1), lam2=times(self.lam2))

    def keywords(self) -> dict[str, Any]:
        """The keywords the library's step/run/sweep functions take for these penalties."""
        return {
            "penalties": self.kinds,
            "lam1": self.lam1,
            "lam2": self.lam2,
            "l2_form": self.l2_form,
            "l1_method": self.l1_method,
        }


@frozen
class GradientDescent:
    """Plain (sub)gradient descent, ``w <- w - lr*(dL/dw + penalty term)``, or proximal L1."""

    name: ClassVar[str] = "gd"


@frozen
class OptimizerSettings:
    """An optimizer's hyper-parameters as given (``None``: the framework's default).

    ``hyper`` maps each hyper-parameter's name (``momentum``, ``beta1``, ``centered``, ...: the
    fields of :mod:`regtrace.engine.optimizer_params`) to its value.
    """

    hyper: Mapping[str, float | bool | None] = field(default_factory=dict)
    weight_decay: float | Vector | None = None

    def keywords(self) -> dict[str, Any]:
        """As keywords of :func:`regtrace.engine.optimizers.optimizer_step`."""
        return {**self.hyper, "weight_decay": self.weight_decay}


@frozen
class OptimizerUpdate:
    """One optimizer (``kinds[0]``), or several side by side, in one framework's order."""

    kinds: tuple[OptimizerKind, ...]
    convention: Convention
    settings: OptimizerSettings
    state: OptimizerState
    """The state before the first step (``--t``, ``--buf``, ``--m``, ``--v``)."""
    name: ClassVar[str] = "optimizer"

    def spec(self, kind: OptimizerKind, lr: float, n: int) -> OptimizerSpec:
        """The settings of one optimizer, each given only the options it has."""
        from regtrace.engine.optimizer_spec import OptimizerSpec
        from regtrace.engine.optimizers import _applicable

        keywords = self.settings.keywords()
        decay = keywords.pop("weight_decay")
        return OptimizerSpec.build(
            kind,
            self.convention,
            lr=lr,
            n=n,
            **_applicable(list(self.kinds), kind, keywords),
            weight_decay=decay,
        )


UpdateChoice = GradientDescent | OptimizerUpdate


@frozen
class Problem:
    """What to compute: the data gradient, the penalties, the update, the numbers, the start."""

    source: GradientSource
    regularization: Regularization
    w: Numbers
    lr: Any
    update: UpdateChoice = field(default_factory=GradientDescent)
    numbers: NumberType = NumberType.FLOAT
    example: bool = False
    """The inputs are the built-in example (the views say so)."""

    @property
    def exact(self) -> bool:
        """Whether the arithmetic is in exact fractions."""
        return self.numbers is NumberType.EXACT

    @property
    def optimizer(self) -> OptimizerUpdate | None:
        """The optimizer update, or ``None`` for plain gradient descent."""
        return self.update if isinstance(self.update, OptimizerUpdate) else None

    @property
    def table(self) -> DataProblem | None:
        """The data table the gradient comes from, if it does."""
        return self.source.data if isinstance(self.source, TableGradient) else None

    @property
    def target(self) -> Numbers | None:
        """The target of the quadratic loss, if that is the source."""
        return self.source.target if isinstance(self.source, QuadraticTarget) else None


@frozen
class StepOutcome:
    """One step of a problem: the report and, on a table, the data part at ``w`` (with a loss
    formula, ``formula``: ``L`` and its partial derivatives at ``w``)."""

    report: StepReport | OptimizerReport
    data: DataEval | None = None
    formula: FormulaPoint | None = None


def step_problem(problem: Problem) -> StepOutcome:
    """One step: plain gradient descent (float or exact) or each optimizer's, side by side."""
    reg = problem.regularization
    data = None
    formula = None
    loss: Any
    grad: Any
    if isinstance(problem.source, TableGradient) and not problem.exact:
        data = problem.source.evaluation(problem.w)
        loss, grad = data.loss, data.grad
    elif isinstance(problem.source, FormulaGradient):
        formula = problem.source.evaluation(problem.w)
        loss, grad = formula.value, formula.grad
    else:
        loss, grad = problem.source.evaluate(problem.w)
    if isinstance(problem.source, QuadraticTarget):
        loss = None  # the typed-in step shows L only when the user gave it
    opt = problem.optimizer
    if opt is not None:
        from regtrace.engine.optimizers import optimizer_step

        report: StepReport | OptimizerReport = optimizer_step(
            problem.w,
            grad,
            optimizers=opt.kinds,
            state=opt.state,
            convention=opt.convention,
            lr=problem.lr,
            loss=loss,
            penalty=reg.kinds[0],
            lam=reg.lam,
            lam1=reg.lam1,
            lam2=reg.lam2,
            l2_form=reg.l2_form,
            **opt.settings.keywords(),
        )
    elif problem.exact:
        from regtrace.engine.exact import exact_step

        report = exact_step(problem.w, grad, lam=reg.lam, lr=problem.lr, loss=loss,
                            **reg.keywords())  # fmt: skip
    else:
        from regtrace.engine.step import step

        report = step(problem.w, grad, lam=reg.lam, lr=problem.lr, loss=loss, **reg.keywords())
    return StepOutcome(report, data, formula)


@frozen
class RunOutcome:
    """A run of a problem: one :class:`RunReport` per optimizer (one for plain gradient
    descent), and on a table the solution ``w*`` beside each."""

    runs: tuple[RunReport, ...]
    specs: tuple[OptimizerSpec, ...] = ()
    data: tuple[DataRunReport, ...] = ()

    @property
    def run(self) -> RunReport:
        """The (first) run."""
        return self.runs[0]


def run_problem(problem: Problem, *, steps: int, every: int | None = None) -> RunOutcome:
    """``steps`` steps under each penalty (with ``--compare``: under each optimizer)."""
    reg = problem.regularization
    if problem.exact:
        if problem.optimizer is not None or problem.table is not None:
            raise RegtraceError("exact runs take a fixed gradient or a target, with plain sgd")
        from regtrace.engine.exactrun import exact_run

        grad, target, gradient = _exact_data(problem)
        report = exact_run(problem.w, grad, target=target, steps=steps, every=every,
                           lam=reg.lam, lr=problem.lr, gradient=gradient,
                           **reg.keywords())  # fmt: skip
        return RunOutcome((report,))
    from regtrace.engine.trajectory import RuleFactory, gradient_descent

    opt = problem.optimizer
    if opt is None:
        return _run_with(problem, gradient_descent, steps, every, ())
    from regtrace.engine.optimizers import optimizer_rules

    outcomes = []
    for kind in opt.kinds:
        spec = problem_spec(problem, kind)
        rule: RuleFactory = optimizer_rules(spec)
        outcomes.append(_run_with(problem, rule, steps, every, (spec,)))
    return RunOutcome(
        tuple(o.run for o in outcomes),
        tuple(s for o in outcomes for s in o.specs),
        tuple(d for o in outcomes for d in o.data),
    )


def _exact_data(problem: Problem) -> tuple[Numbers | None, Numbers | None, Any]:
    """The exact engine's ``(grad, target, gradient)``: a fixed gradient, the target, or
    (any other source) the gradient recomputed at each step's weights."""
    source = problem.source
    if isinstance(source, FixedGradient):
        return source.grad, None, None
    if isinstance(source, QuadraticTarget):
        return None, source.target, None
    from regtrace.engine.exact import exact_vector

    def gradient(w: Any) -> Any:
        return exact_vector(list(source.evaluate(list(w))[1]))

    return None, None, gradient


def _float_gradient(source: GradientSource) -> Any:
    """The in-place gradient a float run calls at each step: the source's ``gradient_into``
    when it has one, else its ``evaluate``."""

    def evaluated(w: Vector, out: Vector) -> None:
        out[...] = source.evaluate(w)[1]

    return getattr(source, "gradient_into", evaluated)


def problem_spec(problem: Problem, kind: OptimizerKind) -> OptimizerSpec:
    """The optimizer spec of one optimizer of the problem."""
    opt = problem.optimizer
    assert opt is not None
    return opt.spec(kind, problem.lr, len(problem.w))


def _run_with(
    problem: Problem,
    rule: Any,
    steps: int,
    every: int | None,
    specs: tuple[OptimizerSpec, ...],
) -> RunOutcome:
    reg = problem.regularization
    if isinstance(problem.source, TableGradient):
        from regtrace.engine.datarun import run_data

        data = run_data(problem.source.data, problem.w, steps=steps, every=every, lam=reg.lam,
                        lr=problem.lr, rule=rule, **reg.keywords())  # fmt: skip
        return RunOutcome((data.run,), specs, (data,))
    if not isinstance(problem.source, (FixedGradient, QuadraticTarget)):
        return RunOutcome((_run_any_source(problem, rule, steps, every),), specs)
    from regtrace.engine.trajectory import run

    target = problem.target
    grad = None if target is not None else problem.source.evaluate(problem.w)[1]
    report = run(problem.w, grad, target=target, steps=steps, every=every, lam=reg.lam,
                 lr=problem.lr, rule=rule, **reg.keywords())  # fmt: skip
    return RunOutcome((report,), specs)


def _run_any_source(problem: Problem, rule: Any, steps: int, every: int | None) -> RunReport:
    """A run whose gradient is the source's at every step (``gradient_into`` when the source
    has it, else ``evaluate``): what a new kind of source gets without code of its own."""
    from regtrace.engine.step import as_vector, check_lr
    from regtrace.engine.trajectory import (
        RunReport,
        _check_steps,
        build_penalties,
        default_every,
        run_penalty,
    )

    reg = problem.regularization
    gradient = _float_gradient(problem.source)
    w = as_vector(problem.w, "w")
    lr = check_lr(problem.lr)
    _check_steps(steps, every)
    chosen = default_every(steps, w.size) if every is None else every
    built = build_penalties(
        reg.kinds, w.size, reg.lam, reg.lam1, reg.lam2, reg.l2_form, reg.l1_method
    )
    runs = tuple(run_penalty(w, None, None, p, lr, steps, chosen, rule, gradient) for p in built)
    return RunReport(w, None, None, lr, steps, chosen, runs)


def sweep_problem(
    problem: Problem, *, lams: Sequence[Any], steps: int | None
) -> SweepReport | DataSweepReport:
    """Final weights per penalty and ``lam``; each ``lam`` scales the strengths' pattern.

    ``lams`` are floats, or fractions for an exact problem.

    A one-number strength (the usual case) is ``lam`` itself; a per-weight ``--lam`` such as
    ``1,0`` (a bias left unpenalized) is multiplied by each ``lam``.
    """
    reg = problem.regularization
    if isinstance(problem.source, TableGradient):
        if problem.exact:
            raise RegtraceError("exact sweeps take a fixed gradient or a target")
        from regtrace.engine.datarun import sweep_data

        return sweep_data(problem.source.data, problem.w, lams=lams, steps=steps,
                          lr=problem.lr, pattern=reg.lam, **reg.keywords())  # fmt: skip
    moving = not isinstance(problem.source, (FixedGradient, QuadraticTarget))
    if moving and steps is None:
        raise RegtraceError(
            f"sweep on {problem.source.describe()} needs --steps: the weights after N steps "
            "are shown per lam (the regularization path is drawn for --target and tables)"
        )
    if problem.exact:
        from regtrace.engine.exactrun import exact_sweep

        grad, target, gradient = _exact_data(problem)
        return exact_sweep(problem.w, grad, target=target, lams=lams, steps=steps,
                           lr=problem.lr, pattern=reg.lam, gradient=gradient,
                           **reg.keywords())  # fmt: skip
    from regtrace.engine.sweep import sweep

    target = problem.target
    if moving:
        return sweep(problem.w, lams=lams, steps=steps, lr=problem.lr, pattern=reg.lam,
                     gradient=_float_gradient(problem.source), **reg.keywords())  # fmt: skip
    grad = None if target is not None else problem.source.evaluate(problem.w)[1]
    return sweep(problem.w, grad, lams=lams, target=target, steps=steps, lr=problem.lr,
                 pattern=reg.lam, **reg.keywords())  # fmt: skip


def check_problem(
    problem: Problem,
    *,
    answer: Sequence[str],
    quantity: str,
    steps: int,
    tol: Fraction | None,
) -> CheckResult:
    """Grade ``answer`` for the problem's one penalty, exactly (the data loss and gradient,
    on a table or a formula, recomputed at every step; a table also lets the data-loss
    mistakes be replayed and its data part be worked)."""
    from regtrace.engine.check import check

    reg = problem.regularization
    loss, grad = problem.source.evaluate(problem.w)
    source = problem.source
    gradient = None
    if not isinstance(source, FixedGradient):

        def gradient(w: Sequence[Fraction]) -> tuple[Fraction | None, list[Fraction]]:
            loss, grad = source.evaluate(list(w))
            return loss, list(grad)

    return check(
        problem.w,
        grad,
        lam=reg.lam,
        lr=problem.lr,
        answer=answer,
        loss=loss,
        penalty=reg.kinds[0],
        lam1=reg.lam1,
        lam2=reg.lam2,
        l2_form=reg.l2_form,
        l1_method=reg.l1_method,
        quantity=quantity,
        steps=steps,
        tol=tol,
        gradient=gradient,
        data=problem.table,
    )


def check_optimizer_problem(
    problem: Problem, *, answer: Sequence[str], steps: int, tol: Fraction | None
) -> OptimizerCheck:
    """Grade ``answer`` (the new weights) after ``steps`` updates of the problem's optimizer,
    in float64 (the data gradient, on a table, recomputed at every step)."""
    from regtrace.engine.check_optimizer import OptimizerProblem, check_optimizer
    from regtrace.engine.penalties import Penalty

    opt = problem.optimizer
    if opt is None:
        raise RegtraceError("grading an optimizer's step needs an optimizer (--optimizer)")
    reg = problem.regularization
    loss, grad = problem.source.evaluate(problem.w)
    penalty = Penalty.build(reg.kinds[0], len(problem.w), reg.lam, lam1=reg.lam1,
                            lam2=reg.lam2, l2_form=reg.l2_form)  # fmt: skip
    optimizer_problem = OptimizerProblem(
        w=problem.w,
        grad=np.asarray(grad, dtype=np.float64),
        spec=problem_spec(problem, opt.kinds[0]),
        penalty=penalty,
        state=opt.state,
        loss=None if loss is None else float(loss),
        gradient=_later_gradient(problem),
    )
    return check_optimizer(optimizer_problem, answer, steps=steps, tol=tol)


def _later_gradient(problem: Problem) -> Callable[[Any], Any] | None:
    """``dL/dw`` at a later step's weights, or ``None`` when the gradient is fixed."""
    source = problem.source
    if isinstance(source, FixedGradient):
        return None

    def gradient(w: Any) -> Any:
        return source.evaluate(w)[1]

    return gradient


__all__ = [
    "FixedGradient",
    "FormulaGradient",
    "GradientDescent",
    "GradientSource",
    "NumberType",
    "OptimizerSettings",
    "OptimizerUpdate",
    "Problem",
    "QuadraticTarget",
    "Regularization",
    "RunOutcome",
    "StepOutcome",
    "TableGradient",
    "check_optimizer_problem",
    "check_problem",
    "run_problem",
    "step_problem",
    "sweep_problem",
]
