"""Text, ``@file`` and stdin (``-``) to float64 arrays, with errors a user can act on.

A vector is written ``2.5,-0.8,0.1`` (commas and/or spaces, optionally in brackets, as NumPy
prints it; the Unicode minus that web pages use is read as ``-``), ``@path`` to a ``.txt``,
``.csv`` or ``.npy`` file, or ``-`` to read standard input. Every failure raises
:class:`~regtrace.errors.RegtraceError` naming the option, the bad token and its position.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TextIO

import numpy as np

from regtrace.arrays import Vector as Vector
from regtrace.errors import RegtraceError
from regtrace.parse.source import (
    decode,
    odd_character,
    read_bytes,
    read_stdin,
    regular_file,
    remember_file,
    shown,
)

EXAMPLE = "2.5,-0.8,0.1"
# Each digit can be matched one way only, so a long bad token fails in linear time.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_LETTERS = re.compile(r"[A-Za-z_]")
_UNICODE_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_FAST_PATH_CHARS = 20_000  # above this, let NumPy convert and only re-scan on failure


def parse_number(token: str, where: str) -> float:
    """One finite float from ``token``; ``where`` names it in errors (``--w, element 2``)."""
    text = token.strip().translate(_UNICODE_MINUS)
    if _NON_FINITE.fullmatch(text):
        raise RegtraceError(
            f"{where}: {shown(token)} is not finite; NaN and infinity are not allowed"
        )
    if not _NUMBER.fullmatch(text):
        raise not_a_number(token, text, where)
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise RegtraceError(
            f"{where}: {shown(token)} overflows float64 (the largest is about 1.8e308); "
            "rescale your numbers"
        )
    return value


def not_a_number(token: str, text: str, where: str) -> RegtraceError:
    """The error for a token that is not a number, naming an odd character in it."""
    odd = odd_character(text)
    if odd is not None:
        return RegtraceError(f"{where}: {shown(token)} holds {odd}")
    hint = " (fractions such as 1/3 need --exact)" if "/" in text else ""
    return RegtraceError(
        f"{where}: {shown(token)} is not a number; write numbers such as 2.5, -0.8 or 1e-3{hint}"
    )


def parse_scalar(text: str, name: str) -> float:
    """A single number given to option ``name``."""
    if not text.strip():
        raise RegtraceError(f"{name} is empty; give a number, e.g. {name} 0.1")
    return parse_number(text, name)


def _split_line(line: str, where: str, first: int) -> list[str]:
    """Tokens of one line; an empty element between commas is an error."""
    pieces = line.split(",")
    tokens: list[str] = []
    for piece in pieces:
        words = piece.split()
        if not words and len(pieces) > 1:
            position = first + len(tokens) + 1
            raise RegtraceError(
                f"{where}: empty element at position {position} in {shown(line.strip())}; "
                "remove the extra comma or fill in the number"
            )
        tokens.extend(words)
    return tokens


def _strip_brackets(text: str) -> str:
    stripped = text.strip()
    if len(stripped) >= 2 and (stripped[0], stripped[-1]) in (("[", "]"), ("(", ")")):
        return stripped[1:-1]
    return stripped


def parse_text(text: str, name: str, *, source: str = "", allow_header: bool = False) -> Vector:
    """Parse the numbers in ``text`` (one line or many) for option ``name``.

    ``source`` names where the text came from (a file or stdin) and turns positions into
    line numbers; ``allow_header`` skips a first line of column names (CSV).
    """
    text = _strip_brackets(text.translate(_UNICODE_MINUS))
    lines = [line.split("#", 1)[0] for line in text.splitlines()] if source else [text]
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    if allow_header and numbered and _LETTERS.search(numbered[0][1]):
        header_tokens = numbered[0][1].replace(",", " ").split()
        if not any(_NUMBER.fullmatch(tok) for tok in header_tokens):
            numbered = numbered[1:]
    if not numbered:
        where = f"{name} {source}" if source else name
        raise RegtraceError(f"{where} is empty; give at least one number, e.g. {EXAMPLE}")
    if len(text) > _FAST_PATH_CHARS:
        fast = _fast_parse(numbered)
        if fast is not None:
            return fast
    values: list[float] = []
    shape: set[int] = set()
    for lineno, line in numbered:
        where = f"{name} {source}, line {lineno}" if source else name
        tokens = _split_line(line, where, len(values))
        shape.add(len(tokens))
        for tok in tokens:
            values.append(parse_number(tok, f"{where}, element {len(values) + 1}"))
    if len(numbered) > 1 and len(shape) == 1 and min(shape) > 1:
        raise RegtraceError(
            f"{name} {source} holds a table of {len(numbered)} rows and {min(shape)} columns; "
            "a vector is one row or one column"
        )
    return np.array(values, dtype=np.float64)


def _fast_parse(numbered: list[tuple[int, str]]) -> Vector | None:
    """Convert a large, well-formed text in C; ``None`` sends it to the slow path for errors."""
    joined = "\n".join(line for _, line in numbered)
    if "_" in joined or re.search(r",\s*,|^\s*,|,\s*$", joined, re.MULTILINE):
        return None
    row_lengths = {len(line.replace(",", " ").split()) for _, line in numbered}
    if len(numbered) > 1 and len(row_lengths) == 1 and min(row_lengths) > 1:
        return None
    try:
        arr = np.array(joined.replace(",", " ").split(), dtype=np.float64)
    except ValueError:
        return None
    return arr if np.all(np.isfinite(arr)) else None


_NPY_MAGIC = b"\x93NUMPY"
_SAVE_FLOATS = "save a float array, e.g. numpy.save(path, w.astype(float))"
_WHAT_DTYPE_HOLDS = {
    "c": "complex numbers",
    "U": "text",
    "S": "bytes",
    "M": "dates",
    "m": "time spans",
    "V": "records with fields",
}


def _open_npy(path: Path, name: str) -> Vector:
    """Memory-map a ``.npy`` file (read-only), never unpickling anything.

    Mapping means a big float64 file is paged in as the engine reads it, not copied.
    """
    where = f"{name} @{path}"
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(_NPY_MAGIC))
    except OSError as exc:
        raise RegtraceError(f"{name}: cannot read '{path}' ({exc.strerror})") from None
    if magic != _NPY_MAGIC:
        raise RegtraceError(
            f"{where}: not a .npy file (it does not start with NumPy's header); "
            "write it with numpy.save, or use .txt/.csv for numbers as text"
        )
    try:
        arr: Vector = np.load(path, allow_pickle=False, mmap_mode="r")
    except ValueError as exc:
        if "Python objects" in str(exc) or "allow_pickle" in str(exc):
            raise RegtraceError(
                f"{where}: the file holds Python objects (dtype object); {_SAVE_FLOATS}"
            ) from None
        if "mmap length" in str(exc):
            raise RegtraceError(
                f"{where}: the file is shorter than its header says (cut off while being "
                "written or copied?); save it again"
            ) from None
        raise RegtraceError(f"{where}: the .npy header is damaged; save the file again") from None
    except (OSError, EOFError) as exc:
        raise RegtraceError(f"{where}: not a readable .npy file ({exc})") from None
    return arr


def _load_npy(path: Path, name: str) -> Vector:
    """A 1-D float64 vector from a ``.npy`` file; a float64 file stays memory-mapped.

    Integers and booleans are converted (NumPy calls the cast safe); complex numbers, text,
    dates and records are refused, since no float stands for them without losing something.
    """
    where = f"{name} @{path}"
    arr = _open_npy(path, name)
    kind = arr.dtype.kind
    if kind in _WHAT_DTYPE_HOLDS:
        raise RegtraceError(
            f"{where}: the file holds {_WHAT_DTYPE_HOLDS[kind]} (dtype {arr.dtype}), "
            f"not real numbers; {_SAVE_FLOATS}"
        )
    if kind not in "fiub":
        raise RegtraceError(f"{where}: dtype {arr.dtype} is not numbers; {_SAVE_FLOATS}")
    if arr.ndim != 1:
        shape = "a single number without a shape" if arr.ndim == 0 else f"shape {arr.shape}"
        raise RegtraceError(
            f"{where}: the array has {shape}; a vector must be one-dimensional "
            "(save it with numpy.ravel or numpy.atleast_1d)"
        )
    if arr.size == 0:
        raise RegtraceError(f"{where} is empty; give at least one number")
    with np.errstate(over="ignore"):  # a longdouble beyond float64: reported just below
        out = arr if arr.dtype == np.float64 else arr.astype(np.float64)
    finite = np.isfinite(out)
    if not finite.all():
        bad = int(np.flatnonzero(~finite)[0])
        if kind == "f" and np.isfinite(arr[bad]):  # e.g. a longdouble beyond float64
            raise RegtraceError(
                f"{where}: element {bad + 1} overflows float64 (the largest is about 1.8e308); "
                "rescale your numbers"
            )
        raise RegtraceError(f"{where}: element {bad + 1} is {out[bad]}; every value must be finite")
    return out


def read_file(spec: str, name: str) -> Vector:
    """``spec`` is ``@path``: read a vector from a text, CSV or NumPy file."""
    path = regular_file(spec[1:], name)
    if path.suffix.lower() == ".npy":
        remember_file(path)
        return _load_npy(path, name)
    text = file_text(path, name)
    return parse_text(text, name, source=f"@{path}", allow_header=path.suffix.lower() == ".csv")


def file_text(path: Path, name: str) -> str:
    """The text of a vector file (UTF-8); a NumPy file under another name is said to be one."""
    data = read_bytes(path, name)
    if data.startswith(_NPY_MAGIC):
        raise RegtraceError(
            f"{name}: '{path}' is a NumPy .npy file; name it with the .npy extension"
        )
    return decode(data, f"{name} @{path}")


def stdin_text(name: str, stdin: TextIO | None = None) -> str:
    """Standard input for option ``name`` (``stdin`` replaces it in tests)."""
    if stdin is not None:
        return stdin.read()
    return read_stdin(name)


def parse_vector(spec: str, name: str, *, stdin: TextIO | None = None) -> Vector:
    """A vector given to option ``name``: inline text, ``@path``, or ``-`` for stdin."""
    stripped = spec.strip()
    if stripped == "-":
        text = stdin_text(name, stdin)
        if not text.strip():
            raise RegtraceError(
                f"{name} -: standard input is empty; pipe numbers in, "
                f"e.g. echo {EXAMPLE} | regtrace step {name} - ..."
            )
        return parse_text(text, name, source="(stdin)")
    if stripped.startswith("@"):
        return read_file(stripped, name)
    if not stripped:
        raise RegtraceError(f"{name} is empty; give numbers such as {name} {EXAMPLE}")
    return parse_text(spec, name)


def parse_vector_or_scalar(spec: str, name: str, *, stdin: TextIO | None = None) -> float | Vector:
    """A strength: one number for every weight, or a vector with one per weight."""
    vec = parse_vector(spec, name, stdin=stdin)
    inline = not spec.strip().startswith("@") and spec.strip() != "-"
    return float(vec[0]) if vec.size == 1 and inline else vec
