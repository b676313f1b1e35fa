"""The only place that writes to the terminal: results to stdout, errors to stderr.

Pretty on a terminal; the same table uncoloured and at its natural width when piped
(httpie's habit: the environment decides, and tests choose it by what they pass).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

PIPE_WIDTH = 400  # a piped table is never wrapped to a guessed terminal width


class PipeClosed(Exception):
    """The reader of stdout went away (``regtrace ... | head -1``)."""


def write_text(text: str) -> None:
    """Write a finished text (JSON, CSV, Markdown) to stdout."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise PipeClosed from None


def terminal_width() -> int | None:
    """The terminal's width in columns, or ``None`` when stdout is not a terminal."""
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def write_renderable(renderable: RenderableType) -> None:
    """Print a Rich renderable: fitted to the terminal, or at natural width when piped."""
    from rich.console import Console

    is_tty = sys.stdout.isatty()
    console = Console(
        file=sys.stdout,
        highlight=False,
        width=None if is_tty else PIPE_WIDTH,
        no_color=not is_tty,
        force_terminal=is_tty,
    )
    try:
        with console.capture() as capture:
            console.print(renderable)
        text = capture.get()
        if not is_tty:
            text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise PipeClosed from None


def write_error(message: str) -> None:
    """One line on stderr: ``Error: <what is wrong and how to fix it>``."""
    one_line = " ".join(message.split())
    sys.stderr.write(f"Error: {one_line}\n")
    sys.stderr.flush()
