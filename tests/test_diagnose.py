"""Each common mistake, fed the answer a student who makes it would write, is named.

Every wrong answer below is derived by hand from the mistaken formula (derivation in the
comment), never taken from the code. The built-in example: w = [2.5, -0.8, 0.1],
dL/dw = [-0.2, 0.1, -0.05], lam = 0.01, lr = 0.1; correct L2 update [2.515, -0.8084, 0.1048],
correct L1 update [2.519, -0.809, 0.104].
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace.engine.check import check
from regtrace.engine.diagnose import MISTAKES, Knobs, Problem, quantity_values
from regtrace.engine.exact import exact_step
from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind

W = [F("2.5"), F("-0.8"), F("0.1")]
G = [F("-0.2"), F("0.1"), F("-0.05")]


def grade(answer: str, **kw: object) -> tuple[bool, str | None, str | None]:
    """(correct, mistake key, message) for the anchor with keyword overrides."""
    args: dict[str, object] = {"lam": [F("0.01")], "lr": F("0.1"), "loss": F("1.2")}
    args.update(kw)
    result = check(W, G, answer=answer.split(","), **args)  # type: ignore[arg-type]
    d = result.diagnosis
    return result.correct, None if d is None else d.mistake, None if d is None else d.message


def test_l2_gradient_lam_w_instead_of_2_lam_w() -> None:
    """lam*w: penalty [0.025, -0.008, 0.001], full [-0.175, 0.092, -0.049],
    w_new = w - 0.1*full = [2.5175, -0.8092, 0.1049]."""
    correct, key, message = grade("2.5175,-0.8092,0.1049")
    assert (correct, key) == (False, "l2-coefficient")
    assert message is not None
    assert message.startswith("your answer matches the update with L2 gradient lam*w")
    assert "this problem uses lam*||w||^2, whose gradient is 2*lam*w" in message


def test_l2_gradient_2_lam_w_in_the_half_form() -> None:
    """The reverse: with --l2-form half the right update is [2.5175, -0.8092, 0.1049] (above);
    a student using 2*lam*w writes the built-in example's [2.515, -0.8084, 0.1048]."""
    correct, key, message = grade("2.515,-0.8084,0.1048", l2_form="half")
    assert (correct, key) == (False, "l2-coefficient")
    assert message is not None and "with L2 gradient 2*lam*w" in message


def test_l1_sign_of_the_gradient() -> None:
    """lam*sign(g) = 0.01*[-1, 1, -1]: full [-0.21, 0.11, -0.06],
    w_new = [2.5 + 0.021, -0.8 - 0.011, 0.1 + 0.006] = [2.521, -0.811, 0.106]."""
    correct, key, message = grade("2.521,-0.811,0.106", penalty="l1")
    assert (correct, key) == (False, "l1-sign-of-gradient")
    assert message is not None and "lam*sign(dL/dw), the sign of the gradient" in message


def test_penalty_left_out() -> None:
    """With lam = 0.1 (so the penalty shows at 3 digits): right is full = g + 0.2*w =
    [0.3, -0.06, -0.03], w_new = [2.47, -0.794, 0.103]; without the penalty full = g,
    w_new = [2.5 + 0.02, -0.8 - 0.01, 0.1 + 0.005] = [2.52, -0.81, 0.105].
    (At the built-in example's lam = 0.01 this answer rounds like the right one: 2.515 -> 2.52.)"""
    correct, key, _ = grade("2.52,-0.81,0.105", lam=[F("0.1")])
    assert (correct, key) == (False, "penalty-left-out")


def test_step_added() -> None:
    """w + lr*full = [2.5 - 0.015, -0.8 + 0.0084, 0.1 - 0.0048] = [2.485, -0.7916, 0.0952]."""
    correct, key, message = grade("2.485,-0.7916,0.0952")
    assert (correct, key) == (False, "step-added")
    assert message is not None and "the step was added" in message


def test_learning_rate_left_out() -> None:
    """w - full = [2.5 + 0.15, -0.8 - 0.084, 0.1 + 0.048] = [2.65, -0.884, 0.148]."""
    correct, key, _ = grade("2.65,-0.884,0.148")
    assert (correct, key) == (False, "learning-rate-left-out")


def test_lam_applied_twice() -> None:
    """lam*lam = 0.0001: penalty 2*0.0001*w = [0.0005, -0.00016, 0.00002], full =
    [-0.1995, 0.09984, -0.04998], w_new = [2.51995, -0.809984, 0.104998]."""
    correct, key, _ = grade("2.51995,-0.809984,0.104998")
    assert (correct, key) == (False, "lam-twice")


def test_penalty_counted_twice() -> None:
    """lam = 0.1, penalty doubled: 2*0.2*w = [1.0, -0.32, 0.04], full = [0.8, -0.22, -0.01],
    w_new = [2.5 - 0.08, -0.8 + 0.022, 0.1 + 0.001] = [2.42, -0.778, 0.101]."""
    correct, key, _ = grade("2.42,-0.778,0.101", lam=[F("0.1")])
    assert (correct, key) == (False, "penalty-twice")


def test_lr_and_lam_swapped() -> None:
    """lr 0.1 in the penalty, lam 0.01 as step: penalty 2*0.1*w = [0.5, -0.16, 0.02],
    full = [0.3, -0.06, -0.03], w_new = w - 0.01*full = [2.497, -0.7994, 0.1003]."""
    correct, key, message = grade("2.497,-0.7994,0.1003")
    assert (correct, key) == (False, "lr-lam-swapped")
    assert message is not None and "here lr = 0.1 and lam = 0.01" in message


def test_full_gradient_quantity() -> None:
    """--quantity full-grad with lam*w: g + 0.01*w = [-0.175, 0.092, -0.049]."""
    correct, key, _ = grade("-0.175,0.092,-0.049", quantity="full-grad")
    assert (correct, key) == (False, "l2-coefficient")


def test_penalty_value_half_convention() -> None:
    """--quantity penalty: lam/2*sum(w^2) = 0.005*6.9 = 0.0345 instead of 0.069."""
    correct, key, message = grade("0.0345", quantity="penalty")
    assert (correct, key) == (False, "l2-coefficient")
    assert message == (
        "your penalty matches the L2 penalty lam/2*||w||^2 (PyTorch weight_decay); "
        "this problem uses lam*||w||^2"
    )


def test_mistake_over_several_steps() -> None:
    """--steps 2 with lam*w, on w0 alone: 2.5 -> 2.5 - 0.1*(-0.2 + 0.025) = 2.5175 ->
    2.5175 - 0.1*(-0.2 + 0.025175) = 2.5175 + 0.0174825 = 2.5349825.
    (Right: 2.5 -> 2.515 -> 2.515 - 0.1*(-0.2 + 0.0503) = 2.52997.)"""
    result = check(
        [F("2.5")], [F("-0.2")], lam=[F("0.01")], lr=F("0.1"), answer=["2.5349825"], steps=2
    )
    assert result.expected == (F("2.52997"),)
    assert result.diagnosis is not None
    assert result.diagnosis.mistake == "l2-coefficient"
    assert result.diagnosis.message.endswith("(at each of the 2 steps)")


def test_only_the_wrong_element_is_named() -> None:
    """w0 and w2 right, w1 from lam*w (-0.8092): the message names w1."""
    correct, key, message = grade("2.515,-0.8092,0.1048")
    assert (correct, key) == (False, "l2-coefficient")
    assert message is not None and message.startswith("your w1 matches")


def test_no_diagnosis_when_nothing_fits() -> None:
    """An answer no variant produces gets no diagnosis."""
    assert grade("1,2,3")[:2] == (False, None)


def test_no_diagnosis_when_right() -> None:
    """A right answer has nothing to diagnose."""
    assert grade("2.515,-0.8084,0.1048") == (True, None, None)


@pytest.mark.parametrize("kind", list(PenaltyKind))
@pytest.mark.parametrize("form", list(L2Form))
def test_default_knobs_are_the_engine(kind: PenaltyKind, form: L2Form) -> None:
    """The variants' calculator with no mistake gives exactly the exact engine's step, so a
    named mistake differs from the right update only by that mistake."""
    lam, lr, zero = F("0.03"), F("0.1"), F(0)
    lam1 = lam if kind in (PenaltyKind.L1, PenaltyKind.ELASTIC) else zero
    lam2 = lam if kind in (PenaltyKind.L2, PenaltyKind.ELASTIC) else zero
    p = Problem(
        tuple(W), tuple(G), (lam1,) * 3, (lam2,) * 3, lr, F("1.2"), kind, form, L1Method.SUBGRADIENT
    )
    r = exact_step(W, G, lam=[lam], lr=lr, loss=F("1.2"), penalties=[kind], l2_form=form)[kind]
    assert quantity_values(p, Knobs(), "new-weight") == tuple(r.w_new)
    assert quantity_values(p, Knobs(), "full-grad") == tuple(r.full_grad)
    assert quantity_values(p, Knobs(), "loss") == (r.loss,)


def test_every_mistake_has_a_test_above() -> None:
    """The list of mistakes is the one this file tests, one test each."""
    assert [m.key for m in MISTAKES] == [
        "l2-coefficient",
        "l1-sign-of-gradient",
        "penalty-left-out",
        "step-added",
        "learning-rate-left-out",
        "lam-twice",
        "penalty-twice",
        "lr-lam-swapped",
        # tested in test_diagnose_more.py:
        "other-penalty",
        "data-loss-half-mse",
        "data-loss-mse",
        "data-loss-sse",
        "data-loss-half-sse",
        "data-loss-log-loss",
        "data-loss-log-sum",
        "proximal-as-subgradient",
        "threshold-without-lr",
        "residual-sign",
        "intercept-penalized",
        "intercept-left-out",
    ]


small = st.integers(-50, 50).map(lambda n: F(n, 10))


@settings(max_examples=60, deadline=None)
@given(
    w=st.lists(small, min_size=1, max_size=3),
    data=st.data(),
    lam=st.integers(1, 30).map(lambda n: F(n, 100)),
    lr=st.integers(1, 9).map(lambda n: F(n, 10)),
    kind=st.sampled_from(["l2", "l1", "elastic", "none"]),
    form=st.sampled_from(["lambda", "half"]),
)
def test_each_variant_answer_is_diagnosed(
    w: list[F], data: st.DataObject, lam: F, lr: F, kind: str, form: str
) -> None:
    """Whatever the problem, an answer computed by a mistaken update (written exactly, as
    fractions) is wrong and diagnosed as a mistake giving exactly those values where they
    are wrong (an earlier mistake in the list may coincide with it on this problem)."""
    g = data.draw(st.lists(small, min_size=len(w), max_size=len(w)))
    base = check(w, g, lam=[lam], lr=lr, answer=["0"] * len(w), penalty=kind, l2_form=form)
    pen = base.penalty
    problem = Problem(
        w=tuple(w),
        grad=tuple(g),
        lam1=(F(pen.lam1),) * len(w),
        lam2=(F(pen.lam2),) * len(w),
        lr=lr,
        loss=None,
        kind=pen.kind,
        l2_form=pen.l2_form,
        l1_method=L1Method.SUBGRADIENT,
    )
    for mistake in MISTAKES:
        if not mistake.applies(problem):
            continue
        values = quantity_values(problem, mistake.knobs, "new-weight")
        if values == base.expected:
            continue
        answer = [f"{v.numerator}/{v.denominator}" for v in values]
        result = check(w, g, lam=[lam], lr=lr, answer=answer, penalty=kind, l2_form=form)
        assert not result.correct
        assert result.diagnosis is not None, mistake.key
        wrong = [i for i, v in enumerate(values) if v != base.expected[i]]
        assert [result.diagnosis.values[i] for i in wrong] == [values[i] for i in wrong]
