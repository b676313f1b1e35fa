"""The trace as CSV: one row per penalty and weight ("long" form, ready for a spreadsheet).

``lam_l1`` and ``lam_l2`` are the strengths of the ``|w|`` and ``w^2`` parts at that weight;
numbers are rounded to ``--digits`` like the table (JSON keeps full float64 precision).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from regtrace.render.work import QUANTITIES, Work, item

COLUMNS = (
    "penalty",
    "weight",
    "w",
    "grad",
    "lam_l1",
    "lam_l2",
    *QUANTITIES,
    "penalty_value",
    "loss",
)


def trace_csv(work: Work) -> str:
    """Every weight under every penalty, one row each, with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    report, num = work.report, work.num
    for r in report.results:
        loss = "" if r.loss is None else num(r.loss)
        for i in range(report.w.size):
            writer.writerow(
                [
                    r.penalty.kind.value,
                    i,
                    num(report.w[i]),
                    num(report.grad[i]),
                    num(item(r.penalty.lam1, i)),
                    num(item(r.penalty.lam2, i)),
                    *(num(getattr(r, q)[i]) for q in QUANTITIES),
                    num(r.penalty_value),
                    loss,
                ]
            )
    return out.getvalue()


CHECK_COLUMNS = ("element", "answer", "expected", "mark")


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A header row and rows as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
