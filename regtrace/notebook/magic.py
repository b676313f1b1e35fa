"""``%regtrace`` and ``%%regtrace``: the command line, word for word, in a notebook.

``%regtrace step --w 2.5,-0.8,0.1 --grad -0.2,0.1,-0.05`` runs the same command as the
terminal (:func:`regtrace.cli.run`, so every option, default and error message is the
command line's) and displays its table as HTML, with ``--plot`` the picture inline. Other
formats (``--format json``, ``csv``, ...) print their text. An error is the command line's
one ``Error: ...`` line on stderr, never a traceback.

``%%regtrace`` reads the cell body as standard input: the body is what an option given as
``-`` reads, e.g. a CSV table for ``--data -`` or numbers for ``--w -``.
"""

from __future__ import annotations

import io
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from regtrace.errors import RegtraceError

if TYPE_CHECKING:
    from regtrace.render.page import Page
    from regtrace.render.plotdata import PlotSpec

TERMINAL_ONLY = {"explore": "regtrace explore is a terminal app; run it in a terminal"}


def show(page: Page, spec: PlotSpec | None) -> None:
    """Display a command's page as HTML (and its picture, for ``--plot``)."""
    from IPython.display import display

    from regtrace.notebook.display import View

    display(View(page))  # type: ignore[no-untyped-call]
    if spec is None:
        return
    from regtrace.notebook import figures

    try:
        display(figures.inline_figure(spec))  # type: ignore[no-untyped-call]
    except RegtraceError:  # no matplotlib: the terminal's picture, as text
        from regtrace.cli.emit import TERMINAL_PLOT_WIDTH
        from regtrace.cli.output import write_text
        from regtrace.render.termplot import terminal_plot

        write_text(terminal_plot(spec, TERMINAL_PLOT_WIDTH, color=False))


@contextmanager
def _stdin(text: str) -> Iterator[None]:
    """``sys.stdin`` reads ``text`` for the duration."""
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def arguments(line: str, cell: str | None) -> list[str]:
    """The command's words; refuses input that has nowhere to go, or no input to read."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise RegtraceError(f"cannot split the command line ({exc}); check the quotes") from None
    command = next((w for w in words if not w.startswith("-")), None)
    if command in TERMINAL_ONLY:
        raise RegtraceError(TERMINAL_ONLY[command])
    reads = "-" in words
    if cell is None and reads:
        raise RegtraceError(
            "'-' reads the cell body: start the cell with %%regtrace and put the input "
            "(numbers, or a CSV table) on the lines below"
        )
    if cell is not None and cell.strip() and not reads:
        raise RegtraceError(
            "the cell body is input for an option given as '-', and none is: add --data - "
            "for a CSV table, or e.g. --w - for numbers"
        )
    return words


def regtrace_magic(line: str, cell: str | None = None) -> None:
    """``%regtrace COMMAND [OPTIONS]``; ``%%regtrace`` with the cell body as standard input."""
    from regtrace.cli import run
    from regtrace.cli.emit import SHOW
    from regtrace.cli.output import write_error

    try:
        words = arguments(line, cell)
    except RegtraceError as exc:
        write_error(str(exc))
        return
    token = SHOW.set(show)
    try:
        with _stdin(cell or ""):
            run(words)
    finally:
        SHOW.reset(token)


def register(ipython: Any) -> None:
    """Register ``%regtrace`` and ``%%regtrace`` with a running IPython."""
    ipython.register_magic_function(regtrace_magic, magic_kind="line_cell", magic_name="regtrace")
