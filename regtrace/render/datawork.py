"""The data part of a trace as text: the table with predictions, the data loss, its gradient.

A view of one :class:`~regtrace.engine.data.DataEval`; the table, Markdown and JSON of a data
step all come from the same object. With ``show_work`` the gradient is written out with the
numbers substituted into ``X^T (Xw - y) / n`` (a sum over the rows for each weight).
"""

from __future__ import annotations

from dataclasses import dataclass

from regtrace.engine.data import DataEval, DataLoss, Model
from regtrace.engine.penalties import Vector
from regtrace.render.numfmt import DEFAULT_DIGITS, fmt, paren
from regtrace.render.step_text import Grid

SHOW_ROWS = 20  # a table longer than this shows its first rows and says how many there are
WORK_ROWS = 8  # sums over more rows than this are not written out term by term


@dataclass(frozen=True)
class DataWork:
    """Text for one :class:`DataEval` at a given precision, with or without arithmetic."""

    data: DataEval
    digits: int = DEFAULT_DIGITS
    show_work: bool = False
    times: str = "x"

    def num(self, x: float) -> str:
        """A number at this precision."""
        return fmt(float(x), self.digits)

    def vector(self, values: Vector) -> str:
        """A vector in brackets."""
        return "[" + ", ".join(self.num(v) for v in values) + "]"

    @property
    def _logistic(self) -> bool:
        return self.data.problem.model is Model.LOGISTIC

    @property
    def _work(self) -> bool:
        return self.show_work and self.data.problem.n <= WORK_ROWS

    def header_lines(self) -> list[str]:
        """The model, the loss and its gradient by formula."""
        prob = self.data.problem
        bias = f", bias w{prob.n_weights - 1} not penalized" if prob.intercept else ""
        return [
            f"Data: {prob.model.value} model on {prob.n} rows{bias}",
            f"Data loss {prob.loss.value}: L = {prob.loss.formula}, "
            f"dL/dw = {prob.loss.grad_formula}",
        ]

    def _dot(self, row: int) -> str:
        """``1x0.5 + 2x1`` for row ``row`` of the design (a 1 for the bias) times ``w``."""
        p, x = self.times, self.num
        design, w = self.data.problem.design, self.data.w
        return " + ".join(f"{x(design[row, j])}{p}{paren(x(w[j]))}" for j in range(w.size))

    def grid(self) -> Grid:
        """One row per sample: features, target, then ``Xw`` and ``Xw - y`` (or ``p``)."""
        prob = self.data.problem
        header = ["row", *prob.feature_names, prob.target_name]
        header += ["z = Xw", "p = sigmoid(z)", "p - y"] if self._logistic else ["Xw", "Xw - y"]
        rows = []
        for i in range(min(prob.n, SHOW_ROWS)):
            z = self.num(self.data.z[i])
            if self._work:
                z = f"{self._dot(i)} = {z}"
            cells = [str(i + 1), *(self.num(v) for v in prob.X[i]), self.num(prob.y[i]), z]
            if self._logistic:
                cells.append(self.num(self.data.predictions[i]))
            cells.append(self.num(self.data.residuals[i]))
            rows.append(tuple(cells))
        title = None if prob.n <= SHOW_ROWS else f"first {SHOW_ROWS} of {prob.n} rows"
        return Grid(title, tuple(header), tuple(rows))

    def loss_line(self) -> str:
        """``L = 1/(2x3) x (1^2 + ...) = ...``; the sum is written out with ``show_work``."""
        prob, p, x = self.data.problem, self.times, self.num
        value = x(self.data.loss)
        if self._logistic:
            if not self._work:
                return f"L = mean(log(1 + exp(z)) - y*z) = {value}"
            terms = " + ".join(
                f"(log(1 + exp({x(z)})) - {x(y)}{p}{paren(x(z))})"
                for z, y in zip(self.data.z, prob.y, strict=True)
            )
            return f"L = ({terms})/{prob.n} = {value}"
        squares = (
            "(" + " + ".join(f"{paren(x(r))}^2" for r in self.data.residuals) + ")"
            if self._work
            else "||Xw - y||^2"
        )
        factor = {
            DataLoss.HALF_MSE: f"1/(2{p}{prob.n}) {p} ",
            DataLoss.MSE: f"1/{prob.n} {p} ",
            DataLoss.SSE: "",
        }[prob.loss]
        return f"L = {factor}{squares} = {value}"

    def grad_lines(self) -> list[str]:
        """``dL/dw`` as a vector, or one line per weight with the rows' terms substituted."""
        prob, p, x = self.data.problem, self.times, self.num
        r_name = "(p - y)" if self._logistic else "(Xw - y)"
        if not self._work:
            return [f"dL/dw = {prob.loss.grad_formula} = {self.vector(self.data.grad)}"]
        two = "2" + p if prob.loss in (DataLoss.MSE, DataLoss.SSE) else ""
        div = "" if prob.loss is DataLoss.SSE else f"/{prob.n}"
        lines = [f"dL/dw = {prob.loss.grad_formula}, row by row: sum of x_ij {p} {r_name}_i"]
        for j, name in enumerate(prob.weight_names):
            column = prob.design[:, j]
            terms = " + ".join(
                f"{x(c)}{p}{paren(x(r))}" for c, r in zip(column, self.data.residuals, strict=True)
            )
            label = f"w{j} (bias)" if name == "b" else f"w{j}"
            lines.append(f"dL/d{label} = {two}({terms}){div} = {x(self.data.grad[j])}")
        return lines

    def notes(self) -> list[str]:
        """Every line under the data table."""
        return [self.loss_line(), *self.grad_lines()]

    def page(self) -> tuple[list[str], list[Grid], list[str]]:
        """Header lines, the one grid and the notes: what every page renderer takes."""
        return self.header_lines(), [self.grid()], self.notes()


__all__ = ["DataWork"]
