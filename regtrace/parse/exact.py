"""Text, ``@file`` and stdin to exact fractions, for ``--exact`` and for ``check``'s answers.

The same text as :mod:`regtrace.parse.numbers` accepts (commas and/or spaces, brackets, ``#``
comments and a CSV header in files, the Unicode minus), read token by token into
:class:`fractions.Fraction` so ``0.1`` is exactly ``1/10``; fractions such as ``1/3`` are
accepted too. A ``.npy`` file holds binary floats, not text: each is read as the shortest
decimal that round-trips (``repr``), which is what NumPy wrote when it was given ``0.1``.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from regtrace.engine.exact import to_fraction
from regtrace.errors import RegtraceError

# The tokenizer of the float parser, so both paths read the same text the same way.
from regtrace.parse.numbers import (
    _LETTERS,
    _NUMBER,
    _UNICODE_MINUS,
    EXAMPLE,
    _split_line,
    _strip_brackets,
    read_file,
)


def tokens(text: str, name: str, *, source: str = "", allow_header: bool = False) -> list[str]:
    """The number tokens in ``text``, as written; ``source`` names a file or stdin."""
    text = _strip_brackets(text.translate(_UNICODE_MINUS))
    lines = [line.split("#", 1)[0] for line in text.splitlines()] if source else [text]
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    if allow_header and numbered and _LETTERS.search(numbered[0][1]):
        header = numbered[0][1].replace(",", " ").split()
        if not any(_NUMBER.fullmatch(tok) for tok in header):
            numbered = numbered[1:]
    found: list[str] = []
    for lineno, line in numbered:
        where = f"{name} {source}, line {lineno}" if source else name
        found.extend(_split_line(line, where, len(found)))
    if not found:
        where = f"{name} {source}" if source else name
        raise RegtraceError(f"{where} is empty; give at least one number, e.g. {EXAMPLE}")
    return found


def vector_tokens(spec: str, name: str, *, stdin: TextIO | None = None) -> list[str]:
    """The tokens of option ``name``: inline text, ``@path`` or ``-`` (stdin)."""
    stripped = spec.strip()
    if stripped == "-":
        text = (sys.stdin if stdin is None else stdin).read()
        if not text.strip():
            raise RegtraceError(f"{name} -: standard input is empty; pipe numbers in")
        return tokens(text, name, source="(stdin)")
    if stripped.startswith("@"):
        path = Path(stripped[1:])
        if path.suffix.lower() == ".npy":
            return [repr(float(x)) for x in read_file(stripped, name)]
        if not path.is_file():
            raise RegtraceError(f"{name}: file '{path}' does not exist; check the path after @")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RegtraceError(f"{name}: cannot read '{path}' as text ({exc})") from None
        return tokens(text, name, source=f"@{path}", allow_header=path.suffix.lower() == ".csv")
    if not stripped:
        raise RegtraceError(f"{name} is empty; give numbers such as {name} {EXAMPLE}")
    return tokens(spec, name)


def exact_values(found: list[str], name: str) -> list[Fraction]:
    """Each token as a fraction, errors naming the option and the element."""
    return [to_fraction(tok, f"{name}, element {k + 1}") for k, tok in enumerate(found)]


def parse_exact_vector(spec: str, name: str, *, stdin: TextIO | None = None) -> list[Fraction]:
    """A vector given to option ``name``, exactly."""
    return exact_values(vector_tokens(spec, name, stdin=stdin), name)


def parse_exact_scalar(text: str, name: str) -> Fraction:
    """A single number given to option ``name``, exactly."""
    if not text.strip():
        raise RegtraceError(f"{name} is empty; give a number, e.g. {name} 0.1")
    return to_fraction(text, name)
