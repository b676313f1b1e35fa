"""How a trace is laid out (``--layout``); imports no NumPy, so the CLI's options use it."""

from __future__ import annotations

from enum import StrEnum


class Layout(StrEnum):
    """How the trace is laid out: weights as columns, as rows, or summarised."""

    AUTO = "auto"
    WIDE = "wide"
    TALL = "tall"
    SUMMARY = "summary"
