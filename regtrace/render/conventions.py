"""``regtrace conventions`` as grids (table and Markdown draw them) or plain lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from regtrace.engine.conventions import ConventionsReport, Equivalent
from regtrace.render.numfmt import DEFAULT_DIGITS, fmt
from regtrace.render.page import Grid, Layout, Page, trace_page

STEP_HEADER = ("Where", "Penalty as written", "L2 gradient", "Parameter", "From lam", "Value")
MINIMIZER_HEADER = ("Where", "Objective as written", "Equals", "Parameter", "From lam", "Value")


@dataclass(frozen=True)
class ConventionsText:
    """Text for a :class:`ConventionsReport` (the :class:`~regtrace.render.page.TraceText`
    protocol, so the trace renderers draw it)."""

    report: ConventionsReport
    digits: int = DEFAULT_DIGITS

    def _value(self, e: Equivalent) -> str:
        if e.value is None:
            return "needs --n-samples"
        return fmt(e.value, self.digits)

    def _grid(self, title: str, header: tuple[str, ...], rows: Sequence[Equivalent]) -> Grid:
        body = tuple(
            (e.where, e.written, e.relation, e.parameter, e.conversion, self._value(e))
            for e in rows
        )
        return Grid(title, header, body)

    def header_lines(self) -> list[str]:
        """The title and the strength being converted."""
        r = self.report
        source = r.source
        lines = [
            "One L2 strength in every convention, for L + lam*||w||^2 (gradient 2*lam*w)",
            *(
                []
                if source is None
                else [
                    f"{source.name} {source.parameter} = {fmt(source.value, self.digits)} is "
                    f"lam = {source.conversion} = {fmt(source.lam, self.digits)}"
                ]
            ),
            f"lam = {fmt(r.lam, self.digits)}"
            + (f", lam1 (L1 part) = {fmt(r.lam1, self.digits)}" if r.lam1 else "")
            + (f", n = {r.n_samples}" if r.n_samples is not None else ""),
        ]
        return lines

    def grids(self, layout: Layout) -> Sequence[Grid]:
        """Both tables (the layout does not change them)."""
        del layout
        return self.split_wide()

    def split_wide(self) -> list[Grid]:
        """The two tables."""
        r = self.report
        return [
            self._grid("Same step, for the same data loss L", STEP_HEADER, r.same_step),
            self._grid(
                "Same fitted w, for L = MSE = (1/n)*||y - Xw||^2",
                MINIMIZER_HEADER,
                r.same_minimizer,
            ),
        ]

    def csv(self) -> str:
        """The CSV text of the page."""
        from regtrace.render.csvfmt import page_csv

        return page_csv(self.page())

    def page(self, full: bool = True) -> Page:
        """Both tables; the CSV is one row per convention, naming its table (always built:
        a dozen rows)."""
        r = self.report
        rows = tuple(
            (table, e.where, e.written, e.relation, e.parameter, e.conversion, self._value(e))
            for table, group in (("same_step", r.same_step), ("same_minimizer", r.same_minimizer))
            for e in group
        )
        header = ("table", "where", "written", "relation", "parameter", "conversion", "value")
        return trace_page(self, Layout.TALL, csv=Grid(None, header, rows, math=False))

    def notes(self) -> list[str]:
        """What 'same' means, the bias, and a common slip."""
        return list(self.report.notes)
