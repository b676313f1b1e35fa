"""The trace as a LaTeX fragment for teachers: ``tabular`` tables with the arithmetic.

Plain LaTeX2e (no packages): paste it into a document body. Every piece of text goes
through :func:`escape`, so ``_``, ``%``, ``&``, ``^`` or ``|`` in a label cannot break the
document; the multiplication sign of the worked arithmetic is ``$\\times$``.
"""

from __future__ import annotations

from collections.abc import Sequence

from regtrace.render.work import Grid, Layout, TraceText

TIMES = "\u00d7"
"""The multiplication sign :class:`Work` is asked to write; :func:`escape` makes it ``\\times``."""

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "|": r"\textbar{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    TIMES: r"$\times$",
}


def escape(text: str) -> str:
    """``text`` safe in LaTeX's text mode (``--`` stays two hyphens, not an en dash)."""
    return "".join(_SPECIAL.get(ch, ch) for ch in text).replace("--", "-{}-")


def grid_latex(grid: Grid) -> str:
    """One :class:`Grid` as a ``tabular``: first column left, numbers right-aligned."""
    spec = "l" + "r" * (len(grid.header) - 1)
    lines = []
    if grid.title:
        lines += [rf"\noindent\textbf{{{escape(grid.title)}}}\\", ""]
    lines += [rf"\begin{{tabular}}{{{spec}}}", r"\hline"]
    lines.append(" & ".join(escape(h) for h in grid.header) + r" \\")
    lines.append(r"\hline")
    lines += [" & ".join(escape(c) for c in row) + r" \\" for row in grid.rows]
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines)


def itemize(lines: Sequence[str]) -> str:
    """Lines as an ``itemize`` list (nothing for no lines)."""
    if not lines:
        return ""
    items = [rf"  \item {escape(line)}" for line in lines]
    return "\n".join([r"\begin{itemize}", *items, r"\end{itemize}"])


def page_latex(
    lines: list[str], grids: Sequence[Grid], notes: list[str], caption: str | None = None
) -> str:
    """A bold first line, the other lines as a list, the tables, then the notes as a list."""
    head, *rest = lines
    parts = [
        "% regtrace: paste into a LaTeX document body (no packages needed)",
        rf"\noindent\textbf{{{escape(head)}}}",
        itemize(rest),
    ]
    parts += [grid_latex(grid) for grid in grids]
    parts.append(itemize(notes))
    if caption:
        parts.append(rf"\noindent\emph{{{escape(caption)}}}")
    return "\n\n".join(part for part in parts if part) + "\n"


def trace_latex(work: TraceText, layout: Layout, caption: str | None = None) -> str:
    """The whole trace: what is computed, the inputs, the table(s), then the notes."""
    return page_latex(work.header_lines(), work.grids(layout), work.notes(), caption)
