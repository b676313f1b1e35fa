"""Hypothesis properties of the parser, the number formatter and the engine."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace import step
from regtrace.parse.numbers import parse_vector
from regtrace.render.jsonfmt import to_json
from regtrace.render.numfmt import fmt

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
vectors = st.lists(finite, min_size=1, max_size=30)
separators = st.sampled_from([",", ", ", " ", "  ", "\t", " , "])


@given(vectors, separators)
def test_parse_round_trips_repr(values: list[float], sep: str) -> None:
    """Any finite floats written with repr() parse back to exactly the same floats."""
    assert parse_vector(sep.join(repr(v) for v in values), "--w").tolist() == values


@given(finite)
def test_fmt_at_17_digits_round_trips(x: float) -> None:
    """17 significant digits always identify a float64, so fmt(x, 17) reads back as x."""
    assert float(fmt(x, 17)) == x


@given(st.floats(min_value=-1e307, max_value=1e307), st.integers(min_value=1, max_value=17))
def test_fmt_is_a_plain_number(x: float, digits: int) -> None:
    """fmt gives a number a parser accepts, with no float noise past ``digits`` digits.

    (Near 1.8e308, rounding to few digits can overflow: 1.5e308 at 1 digit is 2e308.)
    """
    text = fmt(x, digits)
    assert float(text) == float(f"{x:.{digits}g}")
    assert parse_vector(text, "--w").tolist() == [float(text)]


@given(
    st.lists(
        st.floats(min_value=1e-100, max_value=1e100).map(float) | st.floats(-1e100, -1e-100),
        min_size=1,
        max_size=20,
    ),
    st.floats(min_value=1e-6, max_value=1.0),
    st.floats(min_value=1e-6, max_value=1.0),
)
def test_l2_with_zero_gradient_shrinks_toward_zero_without_crossing(
    w: list[float], lr: float, lam: float
) -> None:
    """g = 0 and 0 < 2*lr*lam < 1: w_new = w*(1 - 2*lr*lam), strictly nearer 0, same sign."""
    if not 2 * lr * lam < 1:
        return
    r = step(w, [0.0] * len(w), lam=lam, lr=lr, penalties=["l2"])["l2"]
    w_arr = np.array(w)
    assert np.all(np.abs(r.w_new) < np.abs(w_arr))
    assert np.all(np.sign(r.w_new) == np.sign(w_arr))


@given(
    st.lists(moderate, min_size=1, max_size=20).flatmap(
        lambda w: st.tuples(st.just(w), st.lists(moderate, min_size=len(w), max_size=len(w)))
    ),
    st.floats(min_value=0, max_value=10),
    st.floats(min_value=0, max_value=10),
    st.sampled_from(["subgradient", "proximal"]),
    st.sampled_from(["lambda", "half"]),
)
@settings(max_examples=150)
def test_update_identities(
    wg: tuple[list[float], list[float]], lam: float, lr: float, method: str, form: str
) -> None:
    """full_grad = g + penalty term; w_new = w - lr*full_grad (to rounding); JSON round-trips."""
    w, g = wg
    report = step(
        w,
        g,
        lam=lam,
        lr=lr,
        penalties=["l2", "l1", "elastic", "none"],
        l1_method=method,
        l2_form=form,
    )
    w_arr, g_arr = np.array(w), np.array(g)
    for r in report.results:
        assert np.array_equal(r.full_grad, g_arr + r.penalty_grad)
        scale = np.abs(w_arr) + lr * (np.abs(g_arr) + np.abs(r.penalty_grad)) + 1e-300
        assert np.all(np.abs(r.w_new - (w_arr - lr * r.full_grad)) <= 1e-12 * scale)
        if r.prox_input is not None:
            # soft-thresholding never crosses zero relative to v and never grows |v|
            assert np.all(np.sign(r.w_new) * np.sign(r.prox_input) >= 0)
            assert np.all(np.abs(r.w_new) <= np.abs(r.prox_input))
    assert json.loads(to_json(report)) == report.to_dict()


@given(
    # subnormal numbers carry no relative precision (5e-324 * 1.25 rounds to 5e-324 * 2), so
    # weights and strengths stay where lam*w^2 is a normal float (>= 1e-300 > 2.2e-308)
    st.lists(moderate.filter(lambda x: x == 0 or abs(x) >= 1e-100), min_size=1, max_size=10),
    st.floats(min_value=0, max_value=10).filter(lambda lam: lam == 0 or lam >= 1e-100),
)
def test_penalty_values(w: list[float], lam: float) -> None:
    """L2 value = lam*sum(w^2), L1 value = lam*sum(|w|), elastic = their sum, none = 0."""
    report = step(w, [0.0] * len(w), lam=lam, lr=0.1, penalties=["l2", "l1", "elastic", "none"])
    w_arr = np.array(w)
    l2, l1 = lam * float(np.sum(w_arr**2)), lam * float(np.sum(np.abs(w_arr)))
    assert np.isclose(report["l2"].penalty_value, l2, rtol=1e-12, atol=0)
    assert np.isclose(report["l1"].penalty_value, l1, rtol=1e-12, atol=0)
    assert np.isclose(report["elastic"].penalty_value, l1 + l2, rtol=1e-12, atol=0)
    assert report["none"].penalty_value == 0.0
