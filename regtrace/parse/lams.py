"""``--lams``: the strengths a sweep visits, as a list or a log-spaced range.

``0,0.01,0.1,1`` (or ``@file``/``-``, as any vector) is taken as written; ``a:b:n`` means
``n`` values from ``a`` to ``b`` spaced evenly on a log scale (``numpy.geomspace``), so
``1e-4:1:5`` is ``1e-4, 1e-3, 1e-2, 1e-1, 1``.
"""

from __future__ import annotations

import numpy as np

from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_number, parse_vector
from regtrace.parse.source import shown

MAX_LAMS = 10_000


def parse_lams(text: str, name: str = "--lams") -> tuple[float, ...]:
    """The strengths in ``text``: a list, or ``start:stop:count`` log-spaced."""
    if ":" not in text:
        return tuple(float(x) for x in parse_vector(text, name))
    parts = text.split(":")
    if len(parts) != 3:
        raise RegtraceError(
            f"{name}: {shown(text)} is not a range; write start:stop:count, e.g. 1e-4:1:9"
        )
    start = parse_number(parts[0], f"{name} start")
    stop = parse_number(parts[1], f"{name} stop")
    count_text = parts[2].strip()
    whole = count_text.isascii() and count_text.isdigit() and len(count_text) <= 6
    if not whole or not 1 <= int(count_text) <= MAX_LAMS:
        raise RegtraceError(
            f"{name}: the count {shown(count_text)} must be a whole number from 1 to {MAX_LAMS}"
        )
    if start <= 0 or stop <= 0:
        raise RegtraceError(
            f"{name}: a log-spaced range needs start and stop above 0 (got {start:g} and "
            f"{stop:g}); list 0 separately, e.g. 0,0.01,0.1,1"
        )
    count = int(count_text)
    if count == 1:
        return (start,)
    return tuple(float(x) for x in np.geomspace(start, stop, count))
