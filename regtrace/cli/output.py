"""The only place that writes: results to stdout, errors to stderr, ``--out`` files to disk.

Pretty on a terminal; the same table uncoloured and at its natural width when piped
(httpie's habit: the environment decides, and tests choose it by what they pass).
Files are written atomically by :func:`write_file`, the one writer of every file regtrace
makes (``--out``, ``--plot-file``, the explorer's export): to a temporary file beside the
target, renamed over it only when complete, so an interrupted (Ctrl-C, SIGTERM, SIGHUP) or
failed run never leaves a partial or clobbered file. The new file gets the mode the user's
umask gives (as ``open()`` would), it never replaces a file regtrace read in the same run
(also one that came in on stdin), and it replaces a read-only file only when forced.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

from regtrace.errors import RegtraceError

TYPE_CHECKING = False  # typing and pathlib load only where used: --version writes through here
if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

    from rich.console import Console, RenderableType
    from rich.table import Table

PIPE_WIDTH = 400  # a piped table is never wrapped to a guessed terminal width
PIPE_HEIGHT = 25  # Rich pages nothing by height; it only needs one to trust the width


class PipeClosed(Exception):
    """The reader of stdout went away (``regtrace ... | head -1``)."""


def stdout_failed(exc: OSError) -> RegtraceError:
    """The error for a write to stdout that failed (``> /dev/full``, a full disk)."""
    return RegtraceError(
        f"cannot write to standard output ({exc.strerror or exc}); free space or redirect it"
    )


def _encode(text: str, encoding: str) -> bytes:
    """``text`` in the terminal's encoding; where it has no box drawing (an ASCII locale), the
    lines become ``-``, ``|`` and ``+`` and any other missing character ``?``."""
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        import unicodedata

        def ascii_for(ch: str) -> str:
            if ch.isascii():
                return ch
            name = unicodedata.name(ch, "")
            if name.startswith(("BOX DRAWINGS", "BRAILLE")):
                return "-" if "HORIZONTAL" in name else "|" if "VERTICAL" in name else "+"
            return "-" if name in ("MINUS SIGN", "EN DASH") else "?"

        plain = "".join(ascii_for(ch) for ch in text)
        try:
            return plain.encode(encoding, "replace")
        except LookupError:
            return plain.encode("ascii", "replace")


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
        data = memoryview(_encode(text, sys.stdout.encoding or "utf-8"))
        while data:
            written = binary.write(data)
            data = data[len(data) if written is None else written :]
        binary.flush()
    except BrokenPipeError:
        raise PipeClosed from None
    except OSError as exc:
        raise stdout_failed(exc) from None


def write_text(text: str) -> None:
    """Write a finished text (JSON, CSV, Markdown) to stdout."""
    _write_stdout(text)


def is_terminal() -> bool:
    """Whether stdout is a terminal (``False`` when it is closed or not a real file)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def color_wanted() -> bool:
    """Colour and other escapes only on a terminal that shows them: not with ``NO_COLOR``
    set, nor on ``TERM=dumb``."""
    return is_terminal() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def terminal_width() -> int | None:
    """The width to fit tables to: the terminal's, or ``COLUMNS`` when the user sets it (also
    when piped, e.g. ``COLUMNS=80 regtrace step > notes.txt``); ``None`` (natural width, no
    wrapping) for a pipe with no ``COLUMNS``."""
    import os

    given = os.environ.get("COLUMNS", "").strip()
    if given.isascii() and given.isdigit() and 0 < int(given) <= 10_000:
        return int(given)
    if not is_terminal():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def write_renderable(renderable: RenderableType) -> None:
    """Print a Rich renderable: fitted to the terminal, or at natural width when piped."""
    import io

    from rich.console import Console

    width = terminal_width()
    is_tty = width is not None
    console = Console(
        file=io.StringIO(),  # rendered here, written by _write_stdout (which names failures)
        highlight=False,
        width=PIPE_WIDTH if width is None else width,
        height=PIPE_HEIGHT,  # with no height Rich takes a dumb terminal to be 80 wide
        no_color=not color_wanted(),
        force_terminal=color_wanted(),
    )
    if is_tty:
        renderable = fit_to_width(renderable, console)
    with console.capture() as capture:
        console.print(renderable)
    text = capture.get()
    if not is_tty:
        text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    _write_stdout(text)


MAX_TEXT_BYTES = 512 << 20
"""The most JSON or CSV (or kept run rows, in any format) regtrace builds: about 26 million
numbers at ~20 bytes each. Building such a text takes several times its size in memory."""
BYTES_PER_NUMBER = 20  # a float as JSON or CSV text, with its separator (12-24 measured)


def _mib(size: int) -> str:
    return f"{size / (1 << 30):.1f} GiB" if size >= 1 << 30 else f"{size >> 20} MiB"


def check_output_size(numbers: int, what: str, fix: str, *, text: bool = True) -> None:
    """Refuse, before any work, an output of ``numbers`` numbers past :data:`MAX_TEXT_BYTES`
    of text (``text``), or numbers kept in memory past as many numbers."""
    size = numbers * BYTES_PER_NUMBER
    if size <= MAX_TEXT_BYTES:
        return
    if text:
        raise RegtraceError(
            f"{what} would hold {numbers:,} numbers, about {_mib(size)} of text; regtrace "
            f"builds at most {_mib(MAX_TEXT_BYTES)}; {fix}"
        )
    most = MAX_TEXT_BYTES // BYTES_PER_NUMBER
    raise RegtraceError(
        f"{what} would keep {numbers:,} numbers, {_mib(numbers * 8)} in memory; regtrace keeps "
        f"at most {most:,}; {fix}"
    )


def fit_to_width(renderable: RenderableType, console: Console) -> RenderableType:
    """On a terminal too narrow for a table, stack the table instead of splitting numbers.

    Rich shrinks every column of a table wider than the terminal, and cuts numbers to do so.
    Such a table becomes, per value column, its header and one ``label: value`` line per row,
    which wrap between words only.
    """
    from rich.console import Group
    from rich.measure import Measurement
    from rich.table import Table

    if isinstance(renderable, Group):
        return Group(*(fit_to_width(part, console) for part in renderable.renderables))
    unbounded = console.options.update_width(10_000)  # a measure is capped at the width given
    if isinstance(renderable, Table) and (
        Measurement.get(console, unbounded, renderable).maximum > console.width
    ):
        return _stacked(renderable)
    return renderable


def _stacked(table: Table) -> RenderableType:
    """``table`` as a header line per value column, then ``label: value`` per row."""
    from rich.console import Group
    from rich.text import Text

    def plain(cell: object) -> str:
        text = cell.plain if isinstance(cell, Text) else str(cell)
        return " ".join(text.split())

    labels, *values = table.columns
    parts: list[RenderableType] = []
    if table.title is not None:
        parts.append(Text(plain(table.title), style="bold"))
    for column in values:
        parts.append(Text(plain(column.header), style="bold"))
        parts += [
            Text(f"  {plain(label)}: {plain(value)}")
            for label, value in zip(labels._cells, column._cells, strict=False)
        ]
    return Group(*parts)


LONG_WORD = 80  # a word of an error message longer than this is cut (a pasted megabyte)


def _cut(word: str) -> str:
    return word if len(word) <= LONG_WORD else f"{word[:40]}... ({len(word):,} characters)"


def named_escapes(message: str) -> str:
    """``message`` with the escapes of ``repr`` named: a value quoted with ``repr`` (Click
    does, and a few messages) shows a byte that was not UTF-8 as backslash ``udc80`` and a
    byte-order mark as backslash ``ufeff``; the first is named, as the readers of numbers
    do, any later one is ``?``."""
    import re

    seen: list[str] = []

    def named(match: re.Match[str]) -> str:  # the first is named, any later one is "?"
        seen.append(match[0])
        if len(seen) > 1:
            return "?"
        code = int(match[1] or match[2], 16)
        if 0xDC80 <= code <= 0xDCFF:
            return f"<the byte 0x{code - 0xDC00:02x}, not UTF-8>"
        if code == 0xFEFF:
            return "<a byte-order mark>"
        return f"<U+{code:04X}>"

    return re.sub(r"\\u([0-9a-f]{4})|\\x([0-9a-f]{2})", named, message)


def write_error(message: str) -> None:
    """One line on stderr: ``Error: <what is wrong and how to fix it>``; any word longer than
    80 characters is cut to its first 40 and its length, and a character a terminal cannot
    show (a NUL, a byte that was not UTF-8) becomes ``?``."""
    from regtrace.parse.source import visible

    one_line = visible(" ".join(_cut(word) for word in named_escapes(message).split()))
    sys.stderr.write(f"Error: {one_line}\n")
    sys.stderr.flush()


def _default_mode() -> int:
    """The mode a new file gets from ``open()`` (``0o666`` less the umask); mkstemp uses 0600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_force: list[bool] = []  # the run's --force, set once by the command


def allow_replacing(force: bool) -> None:
    """Record ``--force``: the run may replace read-only output files (never its inputs)."""
    _force[:] = [force]


MAX_NAME_BYTES = 255  # a file name (one path part) on Linux, macOS and Windows file systems


def check_target(path: Path, option: str, *, force: bool | None = None) -> None:
    """Refuse an output path that cannot or must not be written, before any work.

    The name must fit the file system, the folder must exist and be writable, the path must
    not be a folder, an input of this run (a file read after ``@`` or behind stdin), or a
    read-only file (unless ``force``, by default the run's ``--force``).
    """
    from regtrace.parse.source import input_ids, remember_stdin, shown_path

    shown = shown_path(str(path))
    if len(os.fsencode(path.name)) > MAX_NAME_BYTES:
        raise RegtraceError(
            f"{option} '{shown}': the file name is {len(os.fsencode(path.name)):,} bytes long; "
            f"file systems allow {MAX_NAME_BYTES}, choose a shorter name"
        )
    if path.is_dir():
        raise RegtraceError(f"{option} '{shown}' is a folder; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise RegtraceError(
            f"{option} '{shown}': folder '{parent}' does not exist; create it first"
        )
    if not os.access(parent, os.W_OK):
        raise RegtraceError(f"{option} '{shown}': folder '{parent}' is not writable")
    remember_stdin()
    try:
        info = path.stat()
    except OSError:
        return  # a new file
    if (info.st_dev, info.st_ino) in input_ids():
        raise RegtraceError(
            f"{option} '{shown}' is a file this run reads (after @ or on stdin); regtrace never "
            "overwrites its input, write the result to another file"
        )
    read_only = not info.st_mode & 0o222 or not os.access(path, os.W_OK)  # root passes access
    if read_only and not (any(_force) if force is None else force):
        raise RegtraceError(
            f"{option} '{shown}' is read-only; regtrace does not replace it unless you add "
            "--force (or choose another name)"
        )


def write_file(
    path: Path,
    write: Callable[[BinaryIO], object],
    option: str = "--out",
    *,
    force: bool | None = None,
) -> None:
    """Write ``path`` atomically: ``write`` fills a temporary file beside it, then
    ``os.replace`` renames it into place. On any failure (or Ctrl-C, SIGTERM, SIGHUP) the
    temporary file is removed and ``path`` is untouched; ``option`` names the option in error
    messages. :func:`check_target` runs first (again, since inputs may have been read since)."""
    import tempfile  # only runs that write a file pay for it

    check_target(path, option, force=force)
    # ".NAME.XXXXXXXX.part" must fit the name limit too; a long name gets a short temporary.
    prefix = f".{path.name}." if len(os.fsencode(path.name)) <= 240 else ".regtrace."
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=path.parent)
    except OSError as exc:
        raise RegtraceError(f"{option}: cannot write in '{path.parent}' ({exc.strerror})") from None
    from pathlib import Path

    tmp = Path(tmp_name)
    try:
        # No fsync: the rename alone keeps a partial file from ever taking the name (an
        # error, Ctrl-C or a full disk leaves the old file), which is the promise made; an
        # fsync would add its own disk wait (about 30 ms per 80 MB) to every big run.
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        tmp.chmod(_default_mode())
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise RegtraceError(f"{option}: cannot write '{path}' ({exc.strerror})") from None
        raise
