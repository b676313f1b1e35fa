"""What a summary shows of a long vector: ``||w||_2``, ``||w||_1``, zeros and ``max |w|``.

All four come from one pass over the vector, :data:`STATS_CHUNK` elements at a time: each
chunk gives four partial results (:func:`chunk_partials`) that :func:`combine` adds up in
chunk order, so the answer does not depend on who computed which chunk (a big run computes
the partials of each chunk while the chunk is in cache, in several threads). Temporaries
are a chunk long (512 KB), never a whole 10^7-weight vector.

``||w||_2 = sqrt(sum(w_i^2))`` overflows float64 in ``sum(w_i^2)`` as soon as one weight
passes about 1.3e154 (and underflows to 0 below about 1e-154) although the norm itself is
a normal float. Then the vector is rescaled by its largest magnitude ``m``:
``||w||_2 = m * ||w/m||_2`` (the classic scaling of LAPACK's ``dnrm2``). A norm that truly
exceeds float64 is ``inf``.
"""

from __future__ import annotations

import math

import numpy as np

from regtrace.arrays import Vector
from regtrace.frozen import frozen

STATS_CHUNK = 1 << 16
"""Elements per chunk of the partial results (the same chunks give the same sums)."""

PARTS = 4
"""Partial results per chunk: sum of squares, sum of magnitudes, zeros, largest magnitude."""

_TINY = float(np.finfo(np.float64).tiny)


@frozen
class VectorStats:
    """The summary numbers of one vector."""

    l2: float
    """``sqrt(sum(w_i^2))`` without overflow on the way; ``inf`` only beyond float64."""
    l1: float
    """``sum(|w_i|)``; ``inf`` when the sum itself is beyond float64."""
    zeros: int
    """How many elements are exactly 0."""
    max_abs: float
    """``max(|w_i|)``."""


def chunk_partials(chunk: Vector, out: Vector, scratch: Vector | None = None) -> None:
    """Write the four partial results of ``chunk`` (at most :data:`STATS_CHUNK` long, not
    empty) into ``out``; ``scratch`` (at least as long) saves a temporary."""
    size = chunk.size
    buf = np.empty(size) if scratch is None else scratch[:size]
    with np.errstate(over="ignore", under="ignore"):
        np.abs(chunk, out=buf)
        out[1] = np.sum(buf)
        out[3] = np.max(buf)
        zeros = not np.min(buf) > 0  # count only when there may be one (count_nonzero is slow)
        # Not np.dot: BLAS would start threads of its own beside the run's (see parallel.py).
        np.multiply(chunk, chunk, out=buf)
        out[0] = np.sum(buf)
    out[2] = size - np.count_nonzero(chunk) if zeros else 0


def combine(partials: Vector, vector: Vector) -> VectorStats:
    """The stats of ``vector`` from its chunks' partial results (rows, in chunk order); the
    vector itself is read again only when its sum of squares over- or underflows."""
    squares = float(sum(float(x) for x in partials[:, 0]))
    largest = float(np.max(partials[:, 3]))
    l2 = math.sqrt(squares)
    if largest > 0 and not _TINY <= squares < math.inf and math.isfinite(largest):
        with np.errstate(under="ignore"):
            scaled = sum(
                float(np.dot(c, c))
                for c in (vector[i : i + STATS_CHUNK] / largest for i in _starts(vector.size))
            )
        l2 = largest * math.sqrt(scaled)
    elif not math.isfinite(largest):
        l2 = largest
    return VectorStats(
        l2=l2,
        l1=float(sum(float(x) for x in partials[:, 1])),
        zeros=int(sum(int(x) for x in partials[:, 2])),
        max_abs=largest,
    )


def _starts(size: int) -> range:
    return range(0, size, STATS_CHUNK)


def chunk_count(size: int) -> int:
    """How many chunks a vector of ``size`` elements has (at least one)."""
    return max(1, -(-size // STATS_CHUNK))


def block_partials(block: Vector, out: Vector, scratch: Vector | None = None) -> None:
    """The partial results of each chunk of ``block`` (which starts at a chunk boundary)
    into the rows of ``out``."""
    for index, start in enumerate(_starts(block.size)):
        chunk_partials(block[start : start + STATS_CHUNK], out[index], scratch)


def vector_stats(vector: Vector) -> VectorStats:
    """The summary numbers of ``vector`` (float64), in one pass."""
    partials = np.zeros((chunk_count(vector.size), PARTS))
    block_partials(vector, partials, np.empty(min(vector.size, STATS_CHUNK)))
    return combine(partials, vector)
