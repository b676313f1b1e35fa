"""The summary numbers of long vectors: ||w||2, ||w||1, zeros and max |w| in one pass.

References are computed independently: ``math.fsum`` and ``math.hypot`` (correctly rounded
or nearly so, no overflow) over Python floats.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from regtrace import run
from regtrace.engine.vecstats import STATS_CHUNK, vector_stats

finite = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 300), elements=finite))
def test_stats_agree_with_exact_sums(v: np.ndarray) -> None:
    """Each number is within a few ulps per element of the exactly rounded answer, also
    where the squares overflow (1e300^2) or underflow (1e-200^2)."""
    got = vector_stats(v)
    values = [float(x) for x in v]
    assert got.max_abs == max(abs(x) for x in values)
    assert got.zeros == sum(1 for x in values if x == 0)
    l1 = math.fsum(abs(x) for x in values)
    assert got.l1 == pytest.approx(l1, rel=v.size * 2.3e-16, abs=0.0) or (
        math.isinf(got.l1) and l1 > 1.7976931348623157e308
    )
    assert got.l2 == pytest.approx(math.hypot(*values), rel=(v.size + 2) * 2.3e-16, abs=0.0)


def test_stats_work_over_several_chunks() -> None:
    """Chunks, the ragged last one included, add up to the whole-vector answers."""
    rng = np.random.default_rng(3)
    v = rng.standard_normal(3 * STATS_CHUNK + 5)
    v[::97] = 0.0
    v[-1] = -9.5  # the largest magnitude sits in the ragged last chunk
    got = vector_stats(v)
    assert got.l1 == pytest.approx(math.fsum(np.abs(v).tolist()), rel=1e-13)
    assert got.l2 == pytest.approx(math.sqrt(math.fsum((v * v).tolist())), rel=1e-13)
    assert got.max_abs == 9.5
    assert got.zeros == len(range(0, v.size, 97))


def test_the_l2_norm_survives_overflow_and_underflow_of_the_squares() -> None:
    """||(3e200, 4e200)||2 = 5e200 though 3e200^2 overflows; ||(3e-200, 4e-200)||2 =
    5e-200 though 3e-200^2 underflows to 0; a norm beyond float64 is inf."""
    for scale in (1e200, 1e-200):
        v = np.zeros(STATS_CHUNK + 2)
        v[0], v[-1] = 3 * scale, -4 * scale
        assert vector_stats(v).l2 == pytest.approx(5 * scale, rel=1e-15)
    assert vector_stats(np.full(4, 1e308)).l2 == math.inf
    assert vector_stats(np.full(4, 1e308)).l1 == math.inf


@pytest.mark.parametrize("penalties", [["l2"], ["l1"], ["elastic"]])
def test_a_big_run_computes_the_stats_of_its_rows_on_the_way(penalties: list[str]) -> None:
    """The summary a big run computes chunk by chunk, while it steps, is that of its rows."""
    rng = np.random.default_rng(5)
    n = 2 * STATS_CHUNK + 7
    w, g = rng.standard_normal(n), 0.1 * rng.standard_normal(n)
    w[:50] = 0.0
    t = run(w, g, lam=0.05, lr=0.1, steps=7, every=3, penalties=penalties).results[0]
    assert t.stats is not None and len(t.stats) == len(t.steps) == 4
    for row, stats in zip(t.weights, t.stats, strict=True):
        assert stats == vector_stats(row)
