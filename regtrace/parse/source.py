"""Where input text comes from: ``@file`` and ``-`` (stdin), read with limits and named bytes.

Every option that reads a file or standard input goes through :func:`read_bytes` /
:func:`read_text`, so the same promises hold for all of them:

- Only regular files are read after ``@``: a folder, a named pipe (FIFO), a device such as
  ``/dev/zero`` or a socket is refused with what it is, before anything is opened (a FIFO
  with no writer would wait forever).
- At most :data:`MAX_INPUT_BYTES` (256 MiB, or ``REGTRACE_MAX_INPUT_MB`` mebibytes) are read
  from any one file or from stdin; the check streams, so an endless stdin stops at the limit.
- Only one option may read stdin (``-``); a second one is told which option took it.
- Text is UTF-8; a byte-order mark at the start (what Excel writes) is skipped; a NUL byte,
  a byte that is not UTF-8 or a byte-order mark elsewhere is named with its position.
- Every file read and stdin are remembered (:func:`input_ids`), so the one file writer can
  refuse to replace an input, also one that came in through ``< file`` on stdin.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from regtrace.errors import RegtraceError

DEFAULT_MAX_INPUT_MB = 256
CHUNK = 1 << 20
SHOWN_CHARS = 40  # a token in an error message is cut to this many characters
BOM = "\ufeff"

_stdin_reader: list[str] = []  # the option that read stdin in this run
_input_ids: set[tuple[int, int]] = set()  # (device, inode) of every input read in this run


def max_input_bytes() -> int:
    """The reading limit in bytes: ``REGTRACE_MAX_INPUT_MB`` mebibytes, else 256 MiB."""
    text = os.environ.get("REGTRACE_MAX_INPUT_MB", "").strip()
    megabytes = int(text) if text.isascii() and text.isdigit() and int(text) > 0 else 0
    return (megabytes or DEFAULT_MAX_INPUT_MB) << 20


def reset() -> None:
    """Forget the inputs of an earlier run (``regtrace.cli.run`` calls this first)."""
    _stdin_reader.clear()
    _input_ids.clear()


def input_ids() -> frozenset[tuple[int, int]]:
    """``(st_dev, st_ino)`` of every file read so far in this run, stdin's file included."""
    return frozenset(_input_ids)


def remember_stdin() -> None:
    """Count the file behind stdin (``< in.csv``) as an input, whoever reads it."""
    try:
        info = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):  # closed or not a real file (tests)
        return
    if stat.S_ISREG(info.st_mode):
        _input_ids.add((info.st_dev, info.st_ino))


def shown(token: str) -> str:
    """``token`` quoted for an error message, cut to 40 characters plus its length; bytes a
    terminal cannot show become ``?`` (:func:`odd_character` names them)."""
    if len(token) <= SHOWN_CHARS:
        return _quoted(token)
    return f"{_quoted(token[:SHOWN_CHARS])}... ({len(token):,} characters)"


def visible(text: str) -> str:
    """``text`` with each character a terminal cannot show as ``?`` (named elsewhere)."""
    return "".join(
        ch if ch.isprintable() and not 0xD800 <= ord(ch) < 0xE000 else "?" for ch in text
    )


def _quoted(text: str) -> str:
    return f"'{visible(text)}'"


def odd_character(text: str) -> str | None:
    """What is wrong with the first character of ``text`` a number cannot hold, if any:
    a NUL, a byte-order mark, a byte that was not UTF-8, a full-width digit; ``None`` when
    every character is printable ASCII."""
    for k, ch in enumerate(text, start=1):
        code = ord(ch)
        if 32 <= code < 127 or ch in "\t\n\r":
            continue
        hint = "; write plain numbers"
        if ch == "\0":
            what = "a NUL byte"
        elif ch == BOM:
            what = "a byte-order mark (U+FEFF)"
        elif 0xDC80 <= code <= 0xDCFF:  # how Python keeps an undecodable byte of argv
            what = f"the byte 0x{code - 0xDC00:02x}, which is not UTF-8"
        elif 0xFF10 <= code <= 0xFF19:
            what, hint = f"the full-width digit {ch!r} (U+{code:04X})", "; type ASCII digits 0-9"
        else:
            import unicodedata  # only to name a character in an error

            name = unicodedata.name(ch, "").lower() or "a control character"
            what = f"{ch!r} (U+{code:04X}, {name})"
        return f"{what} at character {k}{hint}"
    return None


def describe(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file: ``None`` for a readable regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except NotADirectoryError:
        return "does not exist (a part of the path is a file, not a folder)"
    except PermissionError:
        return "cannot be read (permission denied)"
    except OSError as exc:
        if exc.errno == 36:  # ENAMETOOLONG
            return "has a name longer than the system allows"
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder; give a file"  # the caller adds where
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file; to stream numbers in, pipe them to -"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def regular_file(path_text: str, name: str, *, after: str = " after @") -> Path:
    """``path_text`` as a readable regular file, or an error saying what it is instead;
    ``after`` says where the path was written (``--data`` takes one without ``@``)."""
    if not path_text:
        raise RegtraceError(f"{name}: '@' needs a file name, e.g. {name} @weights.txt")
    path = Path(path_text)
    problem = describe(path)
    if problem is not None:
        if problem.startswith("does not"):
            problem = f"{problem}; check the path{after}"
            raise RegtraceError(f"{name}: file '{shown_path(path_text)}' {problem}")
        if problem.startswith("is a folder"):
            problem += after
        raise RegtraceError(f"{name}: '{shown_path(path_text)}' {problem}")
    return path


def shown_path(path_text: str) -> str:
    """A file name for a message, cut like a token when it is very long."""
    if len(path_text) <= 2 * SHOWN_CHARS:
        return visible(path_text)
    return f"{visible(path_text[:SHOWN_CHARS])}... ({len(path_text):,} characters)"


def _read_limited(handle: BinaryIO, where: str, limit: int) -> bytes:
    """All bytes of ``handle`` up to ``limit``; stops at the first NUL (not text).

    One growing buffer, so a refused input costs at most the limit and a chunk in memory.
    """
    data = bytearray()
    total = 0
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            break
        nul = chunk.find(b"\0")
        if nul >= 0:
            raise RegtraceError(
                f"{where} is not a text file; use .txt, .csv (numbers as text) or .npy "
                f"(a NUL byte at byte {total + nul + 1:,})"
            )
        total += len(chunk)
        if total > limit:
            raise RegtraceError(
                f"{where}: more than {limit >> 20} MiB; regtrace reads at most that much text "
                "(set REGTRACE_MAX_INPUT_MB for more, or save big vectors as .npy)"
            )
        data += chunk
    return bytes(data)


def decode(data: bytes, where: str) -> str:
    """UTF-8 text from ``data``; a leading byte-order mark is dropped, a bad byte named."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise RegtraceError(
            f"{where}: the byte 0x{bad:02x} at byte {exc.start + 1:,} is not UTF-8; save the "
            "file as UTF-8 text (or .npy)"
        ) from None
    text = text.removeprefix(BOM)
    inner = text.find(BOM)
    if inner >= 0:
        line = text.count("\n", 0, inner) + 1
        raise RegtraceError(
            f"{where}: a byte-order mark (U+FEFF) inside the text, on line {line}; only the "
            "start of a file may have one (were two files joined?)"
        )
    return text


def read_stdin(name: str) -> str:
    """Standard input as text, for option ``name``; only one option may read it."""
    if _stdin_reader and _stdin_reader[0] != name:
        raise RegtraceError(
            f"{name} -: standard input was already read by {_stdin_reader[0]}; only one "
            "option can read stdin, give the other one inline or as @file"
        )
    _stdin_reader.append(name)
    remember_stdin()
    where = f"{name} (stdin)"
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream (tests substitute one)
        text = sys.stdin.read()
        if len(text) > max_input_bytes():
            raise RegtraceError(f"{where}: more than {max_input_bytes() >> 20} MiB")
        return decode(text.encode("utf-8", "surrogateescape"), where)
    try:
        return decode(_read_limited(stream, where, max_input_bytes()), where)
    except OSError as exc:
        raise RegtraceError(f"{where}: cannot read standard input ({exc.strerror})") from None


def read_bytes(path: Path, name: str) -> bytes:
    """The bytes of the regular file ``path``, within the reading limit."""
    where = f"{name} @{shown_path(str(path))}"
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):  # replaced since the check
                raise RegtraceError(f"{where}: not a regular file")
            _input_ids.add((info.st_dev, info.st_ino))
            return _read_limited(handle, where, max_input_bytes())
    except OSError as exc:
        raise RegtraceError(f"{where}: cannot read the file ({exc.strerror})") from None


def read_text(path_text: str, name: str) -> str:
    """The text of the file ``path_text`` (checked to be a regular file) for ``name``."""
    path = regular_file(path_text, name)
    return decode(read_bytes(path, name), f"{name} @{shown_path(path_text)}")


def remember_file(path: Path) -> None:
    """Count ``path`` as an input (a memory-mapped ``.npy`` file is not read through here)."""
    try:
        info = path.stat()
    except OSError:
        return
    _input_ids.add((info.st_dev, info.st_ino))
