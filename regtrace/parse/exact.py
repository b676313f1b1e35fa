"""Text, ``@file`` and stdin to exact fractions, for ``--exact`` and for ``check``'s answers.

The same text as :mod:`regtrace.parse.numbers` accepts (commas and/or spaces, brackets, ``#``
comments and a CSV header in files, the Unicode minus), read token by token into
:class:`fractions.Fraction` so ``0.1`` is exactly ``1/10``; fractions such as ``1/3`` are
accepted too. A ``.npy`` file holds binary floats, not text: each is read as the shortest
decimal that round-trips (``repr``), which is what NumPy wrote when it was given ``0.1``.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TextIO

from regtrace.engine.exact import _EXACT_NUMBER, to_fraction
from regtrace.errors import RegtraceError

# The tokenizer of the float parser, so both paths read the same text the same way.
from regtrace.parse.numbers import (
    _LETTERS,
    _NUMBER,
    _UNICODE_MINUS,
    EXAMPLE,
    _split_line,
    _strip_brackets,
    file_text,
    not_a_number,
    read_file,
    stdin_text,
)
from regtrace.parse.source import regular_file, shown

MAX_EXACT_DIGITS = 1000
"""The most decimal digits an exact input number may have, its exponent counted (``1e-999``
has 1000): exact arithmetic on bigger numbers takes minutes, and no hand calculation needs it."""

_PARTS = re.compile(r"[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?", re.ASCII)


def check_size(token: str, where: str) -> None:
    """Refuse a number too big or too fine for exact arithmetic, before building it.

    Counts the digits the fraction would have: the mantissa's digits plus the exponent's
    size (``1e9999999`` would be a ten-million-digit integer), for each side of ``a/b``.
    """
    for part in token.strip().split("/"):
        match = _PARTS.fullmatch(part.strip())
        if match is None:
            continue  # not a number: the parser says so
        exp_text = match["exp"] or "0"
        if len(exp_text.lstrip("+-")) > 6:
            # a lower bound, with no int() of the exponent and a short number in the message
            digits = 10 ** min(len(exp_text.lstrip("+-0")) - 1, 12)
        else:
            digits = abs(int(exp_text))
        digits += len(match["int"]) + len(match["frac"] or "")
        if digits > MAX_EXACT_DIGITS:
            raise RegtraceError(
                f"{where}: {shown(token)} would be an exact number of {digits:,} or more "
                f"digits; exact arithmetic takes numbers of up to {MAX_EXACT_DIGITS:,} digits "
                "(the exponent counts); rescale the numbers"
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
        for tok in _split_line(line, where, len(found)):
            found.append(tok)
            _check_token(tok, f"{where}, element {len(found)}")
    if not found:
        where = f"{name} {source}" if source else name
        raise RegtraceError(f"{where} is empty; give at least one number, e.g. {EXAMPLE}")
    return found


def _check_token(token: str, where: str) -> None:
    """A token the exact parser can take: ASCII, and not too many digits."""
    if not token.isascii():
        raise not_a_number(token, token, where)
    if _EXACT_NUMBER.fullmatch(token) is None:
        raise RegtraceError(
            f"{where}: {shown(token)} is not a number; write decimals such as 2.5, -0.8, 1e-3 "
            "or fractions such as 1/3"
        )
    check_size(token, where)


def vector_tokens(spec: str, name: str, *, stdin: TextIO | None = None) -> list[str]:
    """The tokens of option ``name``: inline text, ``@path`` or ``-`` (stdin)."""
    stripped = spec.strip()
    if stripped == "-":
        text = stdin_text(name, stdin)
        if not text.strip():
            raise RegtraceError(f"{name} -: standard input is empty; pipe numbers in")
        return tokens(text, name, source="(stdin)")
    if stripped.startswith("@"):
        path = regular_file(stripped[1:], name)
        if path.suffix.lower() == ".npy":
            return [repr(float(x)) for x in read_file(stripped, name)]
        text = file_text(path, name)
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
    _check_token(text.strip().translate(_UNICODE_MINUS), name)
    return to_fraction(text, name)
