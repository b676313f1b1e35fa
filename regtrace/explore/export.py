"""Export the current trace as Markdown: the renderer of ``regtrace step --format markdown``."""

from __future__ import annotations

import shlex
from pathlib import Path

from regtrace.cli.output import write_file
from regtrace.explore.state import ExploreState
from regtrace.render.markdown import page_markdown
from regtrace.render.step_text import Layout, Work, choose_layout, work_page

EXPORT_NAME = "regtrace-trace.md"


def trace_document(state: ExploreState, digits: int) -> str:
    """The trace as ``regtrace step --format markdown`` writes it, with the command that
    reproduces it as the caption."""
    report = state.report()
    layout = choose_layout(Layout.AUTO, report.w.size, len(report.results), full=True)
    command = shlex.join(["regtrace", "step", *state.step_args(), "--digits", str(digits)])
    caption = f"Exported from regtrace explore. The same trace: {command}"
    return page_markdown(work_page(Work(report, digits=digits), layout, caption))


def export_trace(state: ExploreState, digits: int, directory: Path) -> Path:
    """Write the current trace to ``directory/regtrace-trace.md``; return the path."""
    path = directory / EXPORT_NAME
    text = trace_document(state, digits)
    write_file(path, lambda handle: handle.write(text.encode("utf-8")), option="export")
    return path
