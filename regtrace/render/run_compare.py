"""``regtrace run --optimizer X --compare Y``: several optimizers' runs of one penalty.

Each run is drawn by :class:`~regtrace.render.optimizer_run.OptimizerRunText` (its table
titled by the optimizer instead of the penalty); the JSON is the first run's ``run`` keys
with one ``results`` entry per optimizer, each naming its ``optimizer``, and the settings of
all of them under ``optimizers``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from regtrace.engine.optimizer_spec import OptimizerSpec
from regtrace.engine.trajectory import RunReport
from regtrace.render.csvfmt import grid as csv_grid
from regtrace.render.csvfmt import page_csv
from regtrace.render.numfmt import DEFAULT_DIGITS
from regtrace.render.optimizer_run import OptimizerRunText, optimizer_run
from regtrace.render.page import Grid, Page, text_page


@dataclass(frozen=True)
class CompareRunReport:
    """One run per optimizer, same start, same penalty."""

    runs: tuple[RunReport, ...]
    specs: tuple[OptimizerSpec, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``run`` keys of the first run; ``results`` holds every optimizer's."""
        out = self.runs[0].to_dict()
        out["optimizer"] = self.specs[0].to_dict()
        out["optimizers"] = [s.to_dict() for s in self.specs]
        out["results"] = [
            {**t.to_dict(), "optimizer": s.kind.value}
            for run, s in zip(self.runs, self.specs, strict=True)
            for t in run.results
        ]
        return out


def compare_runs(runs: tuple[RunReport, ...], specs: tuple[OptimizerSpec, ...]) -> CompareRunReport:
    """The runs without what only holds for plain gradient descent (see ``optimizer_run``)."""
    kept = tuple(optimizer_run(r, s) for r, s in zip(runs, specs, strict=True))
    return CompareRunReport(kept, specs)


@dataclass(frozen=True)
class CompareRunText:
    """Text for one :class:`CompareRunReport`: a header per optimizer, a table each."""

    report: CompareRunReport
    digits: int = DEFAULT_DIGITS

    def _texts(self) -> tuple[OptimizerRunText, ...]:
        return tuple(
            OptimizerRunText(r, self.digits, s)
            for r, s in zip(self.report.runs, self.report.specs, strict=True)
        )

    def page(self, full: bool = True) -> Page:
        """Each optimizer's rule and settings, the shared inputs, a table per optimizer;
        without ``full``, no CSV table (the terminal)."""
        texts = self._texts()
        header: list[str] = []
        for text in texts:
            first, settings, *_ = text.header()
            header += [first, settings]
        header += list(texts[0].header()[2:])
        grids = tuple(
            replace(text.grid(t), title=text.spec.kind.label)
            for text in texts
            if text.spec is not None
            for t in text.report.results
        )
        each = [text.notes() for text in texts]
        shared = [line for line in each[0] if all(line in other for other in each[1:])]
        notes = [
            f"{text.spec.kind.label}: {line}"
            for text, lines in zip(texts, each, strict=True)
            if text.spec is not None
            for line in lines
            if line not in shared
        ]
        csv = self.csv_table() if full else None
        return text_page(tuple(header), grids, (*shared, *notes), csv=csv)

    def csv(self) -> str:
        """The CSV text of :meth:`csv_table`."""
        return page_csv(self.page())

    def csv_table(self) -> Grid:
        """One row per optimizer and kept step: ``optimizer, penalty, step, w0, ...``."""
        size = self.report.runs[0].w.size
        header = ("optimizer", "penalty", "step", *(f"w{i}" for i in range(size)))
        rows = []
        for text in self._texts():
            assert text.spec is not None
            for t in text.report.results:
                for k, w in zip(t.steps, t.weights, strict=True):
                    cells = (text.n.num(x) for x in w)
                    rows.append((text.spec.kind.value, t.penalty.kind.value, str(k), *cells))
        return csv_grid(header, rows)


__all__ = ["CompareRunReport", "CompareRunText", "compare_runs"]
