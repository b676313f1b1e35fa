"""Any result with a ``to_dict()`` as JSON: stable keys, numbers as numbers, full precision."""

from __future__ import annotations

import json
from typing import Any, Protocol


class HasDict(Protocol):
    """A result object that knows its JSON contract."""

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data."""
        ...


def to_json(result: HasDict, **extra: Any) -> str:
    """``result.to_dict()`` (plus ``extra`` top-level keys) as indented JSON with a newline."""
    data = result.to_dict()
    data.update(extra)
    return json.dumps(data, indent=2, allow_nan=False) + "\n"
