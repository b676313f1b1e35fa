"""Export the current trace as Markdown: the renderer of ``regtrace step --format markdown``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from regtrace.explore.state import ExploreState
from regtrace.render.markdown import page_markdown
from regtrace.render.step_text import Layout, Work, choose_layout, work_page

EXPORT_NAME = "regtrace-trace.md"


def trace_document(state: ExploreState, digits: int) -> str:
    """The trace as ``regtrace step --format markdown`` writes it, with the command that
    reproduces it as the caption."""
    report = state.report()
    layout = choose_layout(Layout.AUTO, report.w.size, len(report.results), full=True)
    command = "regtrace step " + " ".join(state.step_args()) + f" --digits {digits}"
    caption = f"Exported from regtrace explore. The same trace: {command}"
    return page_markdown(work_page(Work(report, digits=digits), layout, caption))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``:
    a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).replace(path)  # os.replace: atomic on POSIX and Windows
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_trace(state: ExploreState, digits: int, directory: Path) -> Path:
    """Write the current trace to ``directory/regtrace-trace.md``; return the path."""
    path = directory / EXPORT_NAME
    write_atomic(path, trace_document(state, digits))
    return path
