"""Any result with a ``to_dict()`` as JSON: stable keys, numbers as numbers, full precision."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any, Protocol


class HasDict(Protocol):
    """A result object that knows its JSON contract."""

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data."""
        ...


def _number(value: Any) -> float:
    """An exact value (``--exact``) as the JSON number nearest to it (correctly rounded)."""
    if isinstance(value, Fraction):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json(result: HasDict, **extra: Any) -> str:
    """``result.to_dict()`` (plus ``extra`` top-level keys) as indented JSON with a newline."""
    data = result.to_dict()
    data.update(extra)
    return json.dumps(data, indent=2, allow_nan=False, default=_number) + "\n"
