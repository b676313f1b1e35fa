"""``run`` and ``sweep`` on a table as text: the ordinary run/sweep views, with the model and
loss named in the header and the regularized solution ``w*`` beside the run.

The tables come from :class:`~regtrace.render.trajectory.RunText` and
:class:`~regtrace.render.sweep.SweepText` (one source for every format); only what is about
the data is added here: the loss formula, the ``w*`` row, how ``w*`` was found (the closed
form ``(s X^T X + c diag(lam)) w = s X^T y`` for linear L2, else the converged loop) and how
far the run ended from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from regtrace.engine.data import DataProblem
from regtrace.engine.datarun import DataRunReport, DataSweepReport
from regtrace.engine.frameworks import DecayMode
from regtrace.engine.optimizer_spec import OptimizerSpec
from regtrace.engine.penalties import L2Form, Penalty
from regtrace.render.csvfmt import page_csv
from regtrace.render.numfmt import DEFAULT_DIGITS, count_text
from regtrace.render.page import Page, text_page
from regtrace.render.step_text import Grid
from regtrace.render.sweep import SweepText
from regtrace.render.trajectory import Numbers, RunText


def data_line(problem: DataProblem) -> str:
    """``Data: linear model on 3 rows (hours -> score), L = 1/(2n) * ||Xw - y||^2, ...``."""
    names = ", ".join(problem.feature_names)
    bias = f"; bias w{problem.n_weights - 1} not penalized" if problem.intercept else ""
    return (
        f"Data: {problem.model.value} model on {problem.n} rows ({names} -> "
        f"{problem.target_name}{bias}), L = {problem.loss.formula}, "
        f"dL/dw = {problem.loss.grad_formula}"
    )


def closed_form_text(problem: DataProblem, penalty: Penalty) -> str:
    """The linear system of the ridge solution in this loss scaling and L2 form."""
    s = {"half-mse": "X^T X / n", "mse": "2 X^T X / n", "sse": "2 X^T X"}[problem.loss.value]
    rhs = {"half-mse": "X^T y / n", "mse": "2 X^T y / n", "sse": "2 X^T y"}[problem.loss.value]
    if not penalty.has_l2:
        return f"{s} w = {rhs}"
    c = "2 " if penalty.l2_form is L2Form.LAMBDA else ""
    return f"({s} + {c}diag(lam)) w = {rhs}"


@dataclass(frozen=True)
class DataRunText:
    """Text for one :class:`DataRunReport`."""

    report: DataRunReport
    digits: int = DEFAULT_DIGITS
    spec: OptimizerSpec | None = None
    """The optimizer that made the run (``run --optimizer``), or ``None`` for plain GD."""

    @property
    def _run(self) -> RunText:
        if self.spec is not None:
            from regtrace.render.optimizer_run import OptimizerRunText

            return OptimizerRunText(self.report.run, self.digits, self.spec)
        return RunText(self.report.run, self.digits)

    def header(self) -> tuple[str, ...]:
        """The run's header with the data line after the update rule."""
        first, *rest = self._run.header()
        return (first, data_line(self.report.problem), *rest)

    def grid(self, i: int) -> Grid:
        """The run of penalty ``i``, then its solution ``w*``."""
        run, solution = self.report.run.results[i], self.report.solutions[i]
        grid = self._run.grid(run)
        row = ("solution w*", *Numbers(self.digits).cells(solution.w_final))
        return Grid(grid.title, grid.header, (*grid.rows, row))

    def notes(self) -> tuple[str, ...]:
        """How each ``w*`` was found and how far the run ended from it, then the run's notes."""
        n, problem = Numbers(self.digits), self.report.problem
        lines = []
        for s, d in zip(self.report.solutions, self.report.distances(), strict=True):
            label = s.penalty.kind.label
            if s.closed_form is not None:
                how = f"closed form {closed_form_text(problem, s.penalty)}"
            else:
                method = "proximal gradient" if s.penalty.has_l1 else "gradient descent"
                how = f"{method} run to convergence ({s.iterations} steps)"
            lines.append(f"{label}: w* by the {how}; max |w_N - w*| = {n.num(d)}")
        if self.spec is not None and self.spec.decay is not DecayMode.NONE:
            lines.append(
                "w* minimises L + penalty; the optimizer's weight decay moves the point its "
                "run converges to away from w*"
            )
        return (*lines, *self._run.notes())

    def csv(self) -> str:
        """The CSV text of :meth:`csv_table`."""
        return page_csv(self.page())

    def page(self, full: bool = True) -> Page:
        """Everything every format shows; without ``full``, no CSV table (the terminal)."""
        grids = tuple(self.grid(i) for i in range(len(self.report.solutions)))
        csv = self.csv_table() if full else None
        return text_page(self.header(), grids, self.notes(), csv=csv)

    def csv_table(self) -> Grid:
        """The run's CSV (one row per penalty and kept step)."""
        return self._run.csv_table()


@dataclass(frozen=True)
class DataSweepText:
    """Text for one :class:`DataSweepReport`."""

    report: DataSweepReport
    digits: int = DEFAULT_DIGITS

    @property
    def _sweep(self) -> SweepText:
        return SweepText(self.report.sweep, self.digits)

    def header(self) -> tuple[str, ...]:
        """What is swept, on which data."""
        r = self.report.sweep
        if r.path:
            first = "Regularization path: the minimiser w* of L + penalty for each lam"
        else:
            first = (
                f"Final weights after {count_text(r.n_steps or 0, 'gradient step')} for each lam"
            )
        return (first, data_line(self.report.problem), *self._sweep.header()[1:])

    def notes(self) -> tuple[str, ...]:
        """How ``w*`` is found on the path."""
        if not self.report.sweep.path:
            return ()
        return (
            "w* by the closed form for linear L2 (and no penalty); otherwise by proximal "
            "gradient to convergence, warm-started from the previous lam (as lasso_path does)",
        )

    def csv(self) -> str:
        """The CSV text of :meth:`csv_table`."""
        return page_csv(self.page())

    def page(self, full: bool = True) -> Page:
        """Everything every format shows; without ``full``, no CSV table (the terminal)."""
        csv = self.csv_table() if full else None
        return text_page(self.header(), (self._sweep.grid(),), self.notes(), csv=csv)

    def csv_table(self) -> Grid:
        """One row per penalty and ``lam``."""
        return self._sweep.csv_table()


__all__ = ["DataRunText", "DataSweepText", "closed_form_text", "data_line"]
