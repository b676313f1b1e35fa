"""Properties of formula losses: for random polynomials, the compiled float gradient agrees
with the exact one, and the exact one with a central difference of the exact loss."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace.engine.formula import formula_loss

NUMBER = st.integers(-5, 5).map(str)
WEIGHT = st.integers(0, 2).map(lambda i: f"w{i}")


def _combine(parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(parts, st.sampled_from(["+", "-", "*"]), parts).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(parts, st.integers(0, 2)).map(lambda t: f"{t[0]}^{t[1]}"),
        parts.map(lambda p: f"-{p}"),
    )


POLYNOMIAL = st.recursive(st.one_of(NUMBER, WEIGHT), _combine, max_leaves=6).map(
    lambda text: f"{text} + 0*w0 + 0*w1 + 0*w2"  # every weight named, whatever was drawn
)
POINT = st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=8), min_size=3, max_size=3)


@settings(max_examples=40, deadline=None)
@given(POLYNOMIAL, POINT)
def test_float_gradient_matches_exact(text: str, w: list[Fraction]) -> None:
    loss = formula_loss(text, 3)
    value, grad = loss.exact(w)
    evaluated = loss.evaluate(np.array([float(v) for v in w]))
    assert value is not None
    scale = 1 + abs(float(value)) + max(abs(float(g)) for g in grad)
    assert abs(evaluated.loss - float(value)) <= 1e-9 * scale
    assert np.allclose(evaluated.grad, [float(g) for g in grad], rtol=1e-9, atol=1e-9 * scale)


@settings(max_examples=40, deadline=None)
@given(POLYNOMIAL, POINT)
def test_exact_gradient_is_the_derivative(text: str, w: list[Fraction]) -> None:
    """The symmetric difference (L(w + h e_i) - L(w - h e_i)) / 2h, in exact fractions, differs
    from the derivative of a polynomial by O(h^2) times its third derivative: with degree at
    most 2^5 (exponents 0..2, at most 6 leaves) and |w| <= 3, below 1e-6 at h = 1e-12."""
    loss = formula_loss(text, 3)
    _, grad = loss.exact(w)
    h = Fraction(1, 10**12)
    for i in range(3):
        up = [v + (h if k == i else 0) for k, v in enumerate(w)]
        down = [v - (h if k == i else 0) for k, v in enumerate(w)]
        hi, lo = loss.exact_loss(up), loss.exact_loss(down)
        assert hi is not None and lo is not None
        assert abs((hi - lo) / (2 * h) - grad[i]) < Fraction(1, 10**6) * (1 + abs(grad[i]))
