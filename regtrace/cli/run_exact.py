"""``regtrace run --exact`` and ``sweep --exact``: the JSON of an exact result.

The numbers are the nearest floats (JSON has no fractions), and ``"exact": true`` says the
tables were computed exactly. Loaded only with ``--exact``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regtrace.render.jsonfmt import HasDict


@dataclass(frozen=True)
class ExactJson:
    """A result's JSON, numbers as the nearest floats, plus ``"exact": true``."""

    report: HasDict

    def to_dict(self) -> dict[str, Any]:
        """The report's JSON with ``exact`` last, as ``step --exact`` writes it."""
        return {**self.report.to_dict(), "exact": True}
