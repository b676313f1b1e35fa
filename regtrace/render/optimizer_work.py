"""An optimizer step as text: the update rule, every intermediate value, the notes.

The Rich table, Markdown and CSV of ``regtrace step --optimizer ...`` are views of the strings
built here (one page model, many formats), exactly as :mod:`regtrace.render.step_text` does for
plain SGD.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from regtrace.engine.frameworks import Convention, DecayMode, OptimizerKind
from regtrace.engine.optimizer_params import applies
from regtrace.engine.optimizers import OptimizerReport, OptimizerSpec, OptimizerStep
from regtrace.engine.penalties import PenaltyKind, Strength, Vector
from regtrace.render.numfmt import DEFAULT_DIGITS, fmt, fmt_signed, settled
from regtrace.render.optimizer_arith import arithmetic
from regtrace.render.step_text import (
    Grid,
    Layout,
    penalty_formula,
    strength_text,
    strengths_text,
    summary_tables,
    vector_text,
)

Getter = Callable[[OptimizerStep], Vector | None]


@dataclass(frozen=True)
class Row:
    """One quantity of the trace: its label, where to find it, and when it is shown."""

    key: str
    label: str
    get: Getter
    shown: Callable[[OptimizerStep], bool]
    signed: bool = False


def _always(_: OptimizerStep) -> bool:
    return True


def _has_penalty(r: OptimizerStep) -> bool:
    return r.penalty.kind is not PenaltyKind.NONE


def _coupled(r: OptimizerStep) -> bool:
    return r.spec.decay is DecayMode.COUPLED


def _decoupled(r: OptimizerStep) -> bool:
    return r.spec.decay is DecayMode.DECOUPLED


def _momentum(r: OptimizerStep) -> bool:
    return r.spec.has_momentum


def _adaptive(r: OptimizerStep) -> bool:
    return r.spec.kind.adaptive


def _second_moment(r: OptimizerStep) -> bool:
    return r.spec.kind.adaptive or r.spec.kind is OptimizerKind.RMSPROP


def _scaled(r: OptimizerStep) -> bool:
    """A per-weight denominator: Adam, RMSprop, Adagrad."""
    return r.denom is not None


def _kept(key: str) -> Callable[[OptimizerStep], bool]:
    def shown(r: OptimizerStep) -> bool:
        return getattr(r.state, key) is not None

    return shown


def _nesterov(r: OptimizerStep) -> bool:
    # Keras keeps no such vector: its Nesterov move is momentum*velocity - lr*g directly.
    return r.spec.kind is OptimizerKind.NESTEROV and r.spec.convention is not Convention.KERAS


ROWS: tuple[Row, ...] = (
    Row("grad", "dL/dw", lambda r: r.grad, _always),
    Row("penalty_grad", "Reg penalty term", lambda r: r.penalty_grad, _has_penalty),
    Row("decay_grad", "wd x w (coupled)", lambda r: r.decay_grad, _coupled),
    Row("full_grad", "g (optimizer input)", lambda r: r.full_grad, _always),
    Row("buf", "Momentum state", lambda r: r.state.buf, _momentum),
    Row("direction", "g + momentum x buf", lambda r: r.direction, _nesterov),
    Row("m", "m", lambda r: r.state.m, _adaptive),
    Row("v", "v", lambda r: r.state.v, _second_moment),
    Row("m_hat", "m_hat", lambda r: r.m_hat, _adaptive),
    Row("v_hat", "v_hat", lambda r: r.v_hat, _adaptive),
    Row("denom", "sqrt(v_hat)+eps", lambda r: r.denom, _scaled),
    Row("lr_eff", "lr/(sqrt(v_hat)+eps)", lambda r: r.lr_eff, _scaled),
    Row("optimizer_step", "Optimizer update", lambda r: r.optimizer_step, _always, True),
    Row("decay_step", "-lr x wd x w (decoupled)", lambda r: r.decay_step, _decoupled, True),
    Row("step", "Update (total)", lambda r: r.step, _always, True),
    Row("w_new", "New weight", lambda r: r.w_new, _always),
)
# The state of the newer transforms, shown (and given CSV columns) only where kept.
EXTRA_ROWS: tuple[Row, ...] = (
    Row("g_avg", "g_avg (centered)", lambda r: r.state.g_avg, _kept("g_avg")),
    Row("v_max", "v_max (AMSGrad)", lambda r: r.state.v_max, _kept("v_max")),
    Row("acc", "Sum of g^2", lambda r: r.state.acc, _kept("acc")),
)
_AFTER = {"g_avg": "v", "v_max": "v", "acc": "full_grad"}
ALL_ROWS: tuple[Row, ...] = tuple(
    row for base in ROWS for row in (base, *(x for x in EXTRA_ROWS if _AFTER[x.key] == base.key))
)
_GENERIC_LABELS = {"denom": "Denominator", "lr_eff": "lr/denominator"}


def update_rule(spec: OptimizerSpec) -> str:
    """The update in the framework's own form (see regtrace/engine/conventions.py)."""
    keras = spec.convention is Convention.KERAS
    optax = spec.convention is Convention.OPTAX
    match spec.kind:
        case OptimizerKind.SGD:
            rule = "w_new = w - lr x g"
        case OptimizerKind.MOMENTUM if keras:
            rule = "velocity = momentum x velocity - lr x g, w_new = w + velocity"
        case OptimizerKind.NESTEROV if keras:
            rule = (
                "velocity = momentum x velocity - lr x g, w_new = w + momentum x velocity - lr x g"
            )
        case OptimizerKind.MOMENTUM if optax:
            rule = "trace = g + momentum x trace (from 0), w_new = w - lr x trace"
        case OptimizerKind.NESTEROV if optax:
            rule = "trace = g + momentum x trace (from 0), w_new = w - lr x (g + momentum x trace)"
        case OptimizerKind.MOMENTUM:
            rule = (
                "buf = g on step 1, then momentum x buf + (1 - dampening) x g; w_new = w - lr x buf"
            )
        case OptimizerKind.NESTEROV:
            rule = (
                "buf = g on step 1, then momentum x buf + g; w_new = w - lr x (g + momentum x buf)"
            )
        case OptimizerKind.RMSPROP | OptimizerKind.ADAGRAD:
            rule = _scaled_rule(spec)
        case _ if keras:
            rule = (
                "m += (1-b1)(g - m), v += (1-b2)(g^2 - v), m_hat = m/(1-b1^t), "
                "v_hat = v/(1-b2^t), "
                "w_new = w - lr x sqrt(1-b2^t)/(1-b1^t) x m/(sqrt(v) + eps)"
            )
        case _:
            rule = (
                "m = b1 x m + (1-b1) x g, v = b2 x v + (1-b2) x g^2, "
                "m_hat = m/(1-b1^t), v_hat = v/(1-b2^t), w_new = w - lr x m_hat/(sqrt(v_hat) + eps)"
            )
    if spec.amsgrad:
        rule += (
            "; AMSGrad: v_max = max(v_max, v_hat) replaces v_hat"
            if optax
            else "; AMSGrad: v_max = max(v_max, v) replaces v"
        )
    return rule


def _scaled_rule(spec: OptimizerSpec) -> str:
    """RMSprop's and Adagrad's update in the framework's form."""
    keras = spec.convention is Convention.KERAS
    torch = spec.convention is Convention.TORCH
    if spec.kind is OptimizerKind.ADAGRAD:
        root = "(sqrt(sum) + eps)" if torch else "sqrt(sum + eps)"
        lr = "lr/(1 + (t-1) x lr_decay)" if torch else "lr"
        return f"sum = sum + g^2 (from initial_accumulator_value), w_new = w - {lr} x g/{root}"
    centered = spec.value("centered")
    inner = "v - g_avg^2" if centered else "v"
    root = f"(sqrt({inner}) + eps)" if torch else f"sqrt({inner} + eps)"
    rule = "v = rho x v + (1-rho) x g^2"
    if centered:
        rule += ", g_avg = rho x g_avg + (1-rho) x g"
    if spec.momentum == 0:
        return f"{rule}, w_new = w - lr x g/{root}"
    if keras:
        return f"{rule}, momentum = momentum x momentum + lr x g/{root}, w_new = w - momentum"
    if torch:
        return f"{rule}, buf = momentum x buf + g/{root}, w_new = w - lr x buf"
    return f"{rule}, trace = -lr x g/{root} + momentum x trace, w_new = w + trace"


def decay_rule(spec: OptimizerSpec) -> str:
    """Where the weight decay goes, in this framework."""
    match spec.decay:
        case DecayMode.NONE:
            return "no weight decay"
        case DecayMode.COUPLED:
            return "coupled L2: g = dL/dw + wd x w before the optimizer"
        case _ if spec.convention is Convention.KERAS:
            return "decoupled: w <- w - w x wd x lr before the update (Keras base optimizer)"
        case _ if spec.convention is Convention.OPTAX:
            return "decoupled: update += wd x w after scale_by_adam, then x (-lr)"
        case _:
            return "decoupled: w <- w x (1 - lr x wd) before the moments"


def hyper_parameters(spec: OptimizerSpec, num: Callable[[Strength], str]) -> str:
    """``betas 0.9, 0.999, eps 1e-8, weight_decay 0.02``: the settings in force."""
    parts: list[str] = []
    if spec.kind.has_momentum:
        parts.append(f"momentum {num(spec.momentum)}")
        if spec.convention is Convention.TORCH:
            parts.append(f"dampening {num(spec.dampening)}")
    if spec.kind.adaptive:
        parts.append(f"betas {num(spec.beta1)}, {num(spec.beta2)}, eps {num(spec.eps)}")
        if spec.amsgrad:
            parts.append("amsgrad")
    if spec.kind in (OptimizerKind.RMSPROP, OptimizerKind.ADAGRAD):
        shown = {
            f.name: getattr(q, f.name)
            for q in spec.params
            for f in fields(q)
            if applies(q, f.name, spec.convention)
        }
        for name, value in shown.items():
            if isinstance(value, bool):
                if value:
                    parts.append(name)
            else:
                parts.append(f"{name} {num(value)}")
    parts.append(f"weight_decay {num(spec.weight_decay)}")
    return ", ".join(parts)


@dataclass(frozen=True)
class OptimizerWork:
    """Text for one :class:`OptimizerReport` at a given precision."""

    report: OptimizerReport
    digits: int = DEFAULT_DIGITS
    show_work: bool = False
    times: str = "x"

    def num(self, x: float) -> str:
        """A number at this precision."""
        return fmt(float(x), self.digits)

    def strength(self, value: Strength) -> str:
        """A number, or a per-weight vector."""
        return strength_text(value, self.num)

    def vector(self, values: Vector) -> str:
        """A short vector in brackets, or its length when it is long."""
        return vector_text(values, self.num)

    def rows(self) -> list[Row]:
        """The quantities shown: those that apply to at least one optimizer."""
        return [row for row in ALL_ROWS if any(row.shown(r) for r in self.report.results)]

    def cell(self, result: OptimizerStep, row: Row, i: int) -> str:
        """One quantity for weight ``i``; blank when it does not apply to this optimizer."""
        value = self.value(result, row, i)
        if value is None:
            return ""
        text = fmt_signed(value, self.digits) if row.signed else self.num(value)
        if not self.show_work:
            return text
        work = arithmetic(result, row.key, i, self.num, self.times)
        return text if work is None else f"{work} = {text}"

    def value(self, result: OptimizerStep, row: Row, i: int) -> float | None:
        """One quantity for weight ``i`` as shown (``None`` where it does not apply): an
        update or new weight that is cancellation noise of ``w + step`` is 0."""
        values = row.get(result)
        if not row.shown(result) or values is None:
            return None
        value = float(values[i])
        w = abs(float(result.w[i]))
        if row.signed:
            value = settled(value, max(w, abs(float(result.full_grad[i]))))
        elif row.key == "w_new":
            value = settled(value, max(w, abs(float(result.step[i]))))
        return value

    def row_label(self, row: Row) -> str:
        """The label, naming the framework's momentum state when there is one."""
        if row.key in _GENERIC_LABELS and not all(
            r.spec.kind.adaptive for r in self.report.results if row.shown(r)
        ):
            return _GENERIC_LABELS[row.key]
        if row.key != "buf":
            return row.label
        names = dict.fromkeys(r.spec.buffer_name for r in self.report.results if _momentum(r))
        return " / ".join(names)

    def header_lines(self) -> list[str]:
        """What is traced: each optimizer's rule, settings and decay; then the inputs."""
        results = self.report.results
        names = " and ".join(r.spec.kind.label for r in results)
        side = ", side by side" if len(results) > 1 else ""
        convention = results[0].spec.convention.label
        lines = [f"One step of {names} ({convention} convention){side}"]
        for r in results:
            lines.append(f"{r.spec.kind.label}: {update_rule(r.spec)}")
            lines.append(
                f"{r.spec.kind.label} settings: {hyper_parameters(r.spec, self.strength)}; "
                f"{decay_rule(r.spec)}; step t = {r.t}"
            )
        first = results[0]
        if first.penalty.kind is not PenaltyKind.NONE:
            lines.append(f"Penalty {first.penalty.kind.label}: {penalty_formula(first.penalty)}")
        lines.append(self.inputs_line())
        return lines

    def inputs_line(self) -> str:
        """The inputs echoed in one line."""
        r = self.report
        parts = [f"w = {self.vector(r.w)}", f"dL/dw = {self.vector(r.grad)}"]
        pen = r.results[0].penalty
        if lams := strengths_text(pen, self.strength):
            parts.append(lams)
        parts.append(f"lr = {self.num(r.lr)}")
        if r.loss is not None:
            parts.append(f"L = {self.num(r.loss)}")
        return ", ".join(parts)

    def notes(self) -> list[str]:
        """Lines under the table: the loss, and what the conventions mean for these numbers."""
        lines: list[str] = []
        first = self.report.results[0]
        has_penalty = first.penalty.kind is not PenaltyKind.NONE
        if has_penalty and first.loss is not None and self.report.loss is not None:
            lines.append(
                f"Regularized loss: {self.num(self.report.loss)} + "
                f"{self.num(first.penalty_value)} = {self.num(first.loss)}"
            )
        for r in self.report.results:
            if r.spec.momentum_note is not None:
                lines.append(f"{r.spec.kind.label}: {r.spec.momentum_note}")
            if r.spec.kind.adaptive and r.spec.convention is Convention.KERAS:
                lines.append(
                    f"{r.spec.kind.label}: eps is 'epsilon hat', added to sqrt(v) before bias "
                    "correction, so in m_hat units the denominator is "
                    "sqrt(v_hat) + eps/sqrt(1-b2^t)"
                )
        for r in self.report.results:
            if r.spec.kind in (OptimizerKind.RMSPROP, OptimizerKind.ADAGRAD):
                where = "outside" if r.spec.convention is Convention.TORCH else "inside"
                lines.append(
                    f"{r.spec.kind.label} ({r.spec.convention.label}): eps is added {where} the "
                    "square root (PyTorch: sqrt(.) + eps; Keras and optax: sqrt(. + eps))"
                )
        kinds = {r.spec.kind for r in self.report.results}
        decays = {r.spec.decay for r in self.report.results}
        if any(k.adaptive for k in kinds) and DecayMode.COUPLED in decays:
            lines.append(
                "Coupled decay goes through Adam's m and v, so sqrt(v_hat) rescales it: weights "
                "with large gradients are barely decayed. Decoupled decay (AdamW) shrinks every "
                "weight by the same factor 1 - lr x wd."
            )
        for r in self.report.results:
            if r.spec.decay is DecayMode.COUPLED and r.spec.convention is Convention.TORCH:
                lines.append(
                    f"PyTorch {_torch_class(r.spec.kind)}(weight_decay=wd) adds "
                    "wd x w, the gradient of "
                    "wd/2 x ||w||^2: "
                    f"lam = wd/2 = {self.strength(_half(r.spec.weight_decay))} in the "
                    "lam x ||w||^2 form (see regtrace conventions)"
                )
                break
        return lines

    def wide_grid(self, results: Sequence[OptimizerStep] | None = None) -> Grid:
        """A column per weight and optimizer (all, or ``results``), a row per quantity."""
        results = self.report.results if results is None else tuple(results)
        n = self.report.w.size
        header = (
            "Quantity",
            *(f"w{i} ({r.spec.kind.label})" for i in range(n) for r in results),
        )
        rows = tuple(
            (self.row_label(row), *(self.cell(r, row, i) for i in range(n) for r in results))
            for row in self.rows()
            if any(row.shown(r) for r in results)
        )
        return Grid(None, header, rows)

    def split_wide(self) -> list[Grid]:
        """One side-by-side table per optimizer (a narrow terminal's wide layout)."""
        split = []
        for result in self.report.results:
            one = self.wide_grid([result])
            split.append(Grid(result.spec.kind.label, one.header, one.rows))
        return split

    def tall_grids(self) -> list[Grid]:
        """One table per optimizer, a row per weight."""
        grids = []
        for r in self.report.results:
            rows_shown = [row for row in self.rows() if row.shown(r)]
            header = ("i", "w", *(self.row_label(row) for row in rows_shown))
            body = tuple(
                (str(i), self.num(r.w[i]), *(self.cell(r, row, i) for row in rows_shown))
                for i in range(self.report.w.size)
            )
            grids.append(Grid(r.spec.kind.label, header, body))
        return grids

    def grids(self, layout: Layout) -> Sequence[Grid]:
        """The grids of a resolved layout."""
        if layout is Layout.WIDE:
            return [self.wide_grid()]
        if layout is Layout.SUMMARY:
            moves = [(r.spec.kind.label, r.step, r.w_new) for r in self.report.results]
            return summary_tables(self.report.w, moves, self.num, self.digits, "Optimizer")
        return self.tall_grids()


def _torch_class(kind: OptimizerKind) -> str:
    """The PyTorch class whose weight_decay a coupled decay is."""
    if kind.adaptive:
        return "Adam"
    return kind.label if kind in (OptimizerKind.RMSPROP, OptimizerKind.ADAGRAD) else "SGD"


def _half(value: Strength) -> Strength:
    return value / 2 if isinstance(value, np.ndarray) else float(value) / 2


CSV_COLUMNS = ("optimizer", "convention", "t", "weight", "w", *(row.key for row in ROWS))


def _csv_rows(work: OptimizerWork) -> tuple[Row, ...]:
    """Every base quantity, then the newer transforms' state where one is kept."""
    extra = tuple(x for x in EXTRA_ROWS if any(x.shown(r) for r in work.report.results))
    return ROWS + extra


def optimizer_csv_columns(work: OptimizerWork) -> tuple[str, ...]:
    """The CSV header: :data:`CSV_COLUMNS`, then any newer state column."""
    return CSV_COLUMNS[:5] + tuple(row.key for row in _csv_rows(work))


def optimizer_csv_rows(work: OptimizerWork) -> list[list[str]]:
    """One row per optimizer and weight; a quantity that does not apply is left empty."""
    out: list[list[str]] = []
    for r in work.report.results:
        for i in range(work.report.w.size):
            cells = []
            for row in _csv_rows(work):
                value = work.value(r, row, i)
                cells.append("" if value is None else work.num(value))
            head = [r.spec.kind.value, r.spec.convention.value, str(r.t), str(i)]
            out.append([*head, work.num(r.w[i]), *cells])
    return out
