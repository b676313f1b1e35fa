"""The only place that writes: results to stdout, errors to stderr, ``--out`` files to disk.

Pretty on a terminal; the same table uncoloured and at its natural width when piped
(httpie's habit: the environment decides, and tests choose it by what they pass).
Files are written atomically: to a temporary file beside the target, renamed over it only
when complete, so an interrupted or failed run never leaves a partial or clobbered file.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from regtrace.errors import RegtraceError

if TYPE_CHECKING:
    from rich.console import RenderableType

PIPE_WIDTH = 400  # a piped table is never wrapped to a guessed terminal width
PIPE_HEIGHT = 25  # Rich pages nothing by height; it only needs one to trust the width


class PipeClosed(Exception):
    """The reader of stdout went away (``regtrace ... | head -1``)."""


def _write_stdout(text: str) -> None:
    """Write all of ``text`` to stdout, or raise :class:`PipeClosed` when the reader is gone.

    Under ``python -u`` / ``PYTHONUNBUFFERED`` the text layer writes straight to the raw file,
    and a pipe closed mid-write returns a short count instead of an error: the rest would be
    dropped in silence and the run would end 0. So the bytes go out in a loop until all are
    written; the write after a short one then fails with EPIPE, as it must.
    """
    try:
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a plain text stream (some test harnesses)
            sys.stdout.write(text)
            return
        data = memoryview(
            text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
        )
        while data:
            written = binary.write(data)
            data = data[len(data) if written is None else written :]
        binary.flush()
    except BrokenPipeError:
        raise PipeClosed from None


def write_text(text: str) -> None:
    """Write a finished text (JSON, CSV, Markdown) to stdout."""
    _write_stdout(text)


def is_terminal() -> bool:
    """Whether stdout is a terminal (tables are then fitted to its width)."""
    return sys.stdout.isatty()


def terminal_width() -> int | None:
    """The terminal's width in columns, or ``None`` when stdout is not a terminal."""
    if not is_terminal():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def write_renderable(renderable: RenderableType) -> None:
    """Print a Rich renderable: fitted to the terminal, or at natural width when piped."""
    from rich.console import Console

    width = terminal_width()
    is_tty = width is not None
    console = Console(
        file=sys.stdout,
        highlight=False,
        width=PIPE_WIDTH if width is None else width,
        height=PIPE_HEIGHT,  # with no height Rich takes a dumb terminal to be 80 wide
        no_color=not is_tty,
        force_terminal=is_tty,
    )
    with console.capture() as capture:
        console.print(renderable)
    text = capture.get()
    if not is_tty:
        text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    _write_stdout(text)


def write_error(message: str) -> None:
    """One line on stderr: ``Error: <what is wrong and how to fix it>``."""
    one_line = " ".join(message.split())
    sys.stderr.write(f"Error: {one_line}\n")
    sys.stderr.flush()


def _default_mode() -> int:
    """The mode a new file gets from ``open()`` (``0o666`` less the umask); mkstemp uses 0600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_file(path: Path, write: Callable[[BinaryIO], object], option: str = "--out") -> None:
    """Write ``path`` atomically: ``write`` fills a temporary file beside it, then
    ``os.replace`` renames it into place. On any failure (or Ctrl-C) the temporary file is
    removed and ``path`` is untouched; ``option`` names the option in error messages."""
    import tempfile  # only runs that write a file pay for it

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise RegtraceError(f"{option}: cannot write in '{path.parent}' ({exc.strerror})") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(_default_mode())
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise RegtraceError(f"{option}: cannot write '{path}' ({exc.strerror})") from None
        raise
