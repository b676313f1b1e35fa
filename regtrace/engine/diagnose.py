"""Which common mistake reproduces a wrong answer? Each mistake is a variant update.

A variant is the step of DESIGN.md with one thing done the way students get it wrong; it is
computed exactly (fractions) on the same inputs, for the same quantity and number of steps,
and compared with the student's answer by the same rule as the grading
(:func:`regtrace.engine.grading.agrees`). The first variant, in the order of
:data:`MISTAKES`, that reproduces every wrong element is named in plain words.

Correct update (the seeds' convention, ``lambda`` form): ``penalty_grad = c*lam2*w +
lam1*sign(w)`` with ``c = 2`` (``c = 1`` in the ``half`` form), ``full_grad = g +
penalty_grad``, ``w_new = w - lr*full_grad``, ``penalty = lam1*sum|w| + c/2*lam2*sum(w^2)``.

Proximal L1 (soft-thresholding) is not diagnosed: its mistakes are of another kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from regtrace.engine.exact import exact_text
from regtrace.engine.grading import Mark, Written, agrees
from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind
from regtrace.regularizers import rule_for

VALUE_QUANTITIES = ("penalty", "loss")
_NAMED_MAX = 10  # a diagnosis names up to this many wrong elements one by one


@dataclass(frozen=True)
class Problem:
    """One step's inputs, exactly, with the strengths spelled out per weight."""

    w: tuple[Fraction, ...]
    grad: tuple[Fraction, ...]
    lam1: tuple[Fraction, ...]
    lam2: tuple[Fraction, ...]
    lr: Fraction
    loss: Fraction | None
    kind: PenaltyKind
    l2_form: L2Form
    l1_method: L1Method

    @property
    def coef(self) -> Fraction:
        """``c`` of the L2 gradient ``c*lam*w``: 2 (``lambda`` form) or 1 (``half``)."""
        return Fraction(2 if self.l2_form is L2Form.LAMBDA else 1)


@dataclass(frozen=True)
class Knobs:
    """How a variant computes the step; the defaults are the correct update."""

    swap_l2_coef: bool = False  # 2*lam*w <-> lam*w (and lam <-> lam/2 in the penalty)
    l1_sign_of_grad: bool = False  # lam*sign(dL/dw) instead of lam*sign(w)
    penalty_times: int = 1  # 0: left out; 2: counted twice
    lam_squared: bool = False  # lam multiplied in twice: lam*lam
    step_sign: int = -1  # +1: the step added instead of subtracted
    use_lr: bool = True  # False: w - full_grad
    swap_lr_lam: bool = False  # lr in the penalty term, lam as the step size


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def quantity_values(
    p: Problem, knobs: Knobs, quantity: str, steps: int = 1
) -> tuple[Fraction, ...]:
    """The ``quantity`` of ``steps`` updates (fixed data gradient) done the ``knobs`` way."""
    coef = 3 - p.coef if knobs.swap_l2_coef else p.coef
    lam1, lam2 = p.lam1, p.lam2
    rate = [p.lr] * len(p.w)
    if knobs.lam_squared:
        lam1, lam2 = tuple(x * x for x in lam1), tuple(x * x for x in lam2)
    if knobs.swap_lr_lam and p.kind is PenaltyKind.L1:
        rate, lam1 = list(lam1), (p.lr,) * len(p.w)
    elif knobs.swap_lr_lam and p.kind is PenaltyKind.L2:
        rate, lam2 = list(lam2), (p.lr,) * len(p.w)
    if not knobs.use_lr:
        rate = [Fraction(1)] * len(p.w)
    times = knobs.penalty_times
    w = p.w
    for _ in range(steps):
        sources = p.grad if knobs.l1_sign_of_grad else w
        pen = [
            times * (coef * b * x + a * _sign(s))
            for x, s, a, b in zip(w, sources, lam1, lam2, strict=True)
        ]
        full = [g + t for g, t in zip(p.grad, pen, strict=True)]
        step = [knobs.step_sign * r * f for r, f in zip(rate, full, strict=True)]
        if quantity in VALUE_QUANTITIES:
            value = times * sum(
                (a * abs(x) + coef / 2 * b * x * x for x, a, b in zip(w, lam1, lam2, strict=True)),
                Fraction(0),
            )
            if quantity == "loss":
                value += p.loss or 0
            return (value,)
        by_name = {"penalty-grad": pen, "full-grad": full, "step": step}
        if quantity in by_name:
            return tuple(by_name[quantity])
        w = tuple(x + d for x, d in zip(w, step, strict=True))
    return w


def _l2_names(p: Problem) -> tuple[str, str]:
    """(this problem's L2 convention, the other one), each with its gradient.

    PyTorch's ``weight_decay`` adds ``weight_decay * w`` to the gradient
    (pytorch/pytorch torch/optim/sgd.py, ``_single_tensor_sgd``:
    ``grad = grad.add(param, alpha=weight_decay)``): the gradient of ``lam/2*||w||^2``.
    """
    lam_form = "lam*||w||^2, whose gradient is 2*lam*w"
    half_form = "lam/2*||w||^2 (PyTorch weight_decay), whose gradient is lam*w"
    return (lam_form, half_form) if p.l2_form is L2Form.LAMBDA else (half_form, lam_form)


def _say_l2_coef(p: Problem) -> str:
    ours, theirs = _l2_names(p)
    other_grad = "lam*w" if p.l2_form is L2Form.LAMBDA else "2*lam*w"
    return (
        f"the update with L2 gradient {other_grad}: the {theirs.split(',')[0]} convention; "
        f"this problem uses {ours}"
    )


def _say_swap(p: Problem) -> str:
    lam = p.lam1 if p.kind is PenaltyKind.L1 else p.lam2
    lam_text = exact_text(lam[0]) if len(set(lam)) == 1 else "one per weight"
    return (
        "the update with lr and lam swapped (lr in the penalty term, lam as the step size); "
        f"here lr = {exact_text(p.lr)} and lam = {lam_text}"
    )


def _as_value(key: str, said: str, p: Problem) -> str:
    """A mistake said of the penalty value (``--quantity penalty|loss``), not of the update."""
    if key == "l2-coefficient":
        ours, theirs = _l2_names(p)
        return f"the L2 penalty {theirs.split(',')[0]}; this problem uses {ours.split(',')[0]}"
    return said.replace("the update", "the penalty value")


@dataclass(frozen=True)
class Mistake:
    """One common mistake: when it can happen, how it computes, and how to say it."""

    key: str
    knobs: Knobs
    applies: Callable[[Problem], bool]
    say: Callable[[Problem], str]


def _has_l2(p: Problem) -> bool:
    return rule_for(p.kind).l2_part


def _has_l1(p: Problem) -> bool:
    return rule_for(p.kind).l1_part


def _described(p: Problem) -> bool:
    """The variants are written for the ``|w|`` and ``w^2`` parts (or no penalty)."""
    return _has_l1(p) or _has_l2(p) or p.kind is PenaltyKind.NONE


def _penalized(p: Problem) -> bool:
    return p.kind is not PenaltyKind.NONE


def _single_strength(p: Problem) -> bool:
    return p.kind in (PenaltyKind.L1, PenaltyKind.L2)


MISTAKES: tuple[Mistake, ...] = (
    Mistake("l2-coefficient", Knobs(swap_l2_coef=True), _has_l2, _say_l2_coef),
    Mistake(
        "l1-sign-of-gradient",
        Knobs(l1_sign_of_grad=True),
        _has_l1,
        lambda p: (
            "the update with L1 term lam*sign(dL/dw), the sign of the gradient; the "
            "L1 subgradient is lam*sign(w), the sign of the weight"
        ),
    ),
    Mistake(
        "penalty-left-out",
        Knobs(penalty_times=0),
        _penalized,
        lambda p: (
            "the update without the penalty term: the regularization gradient was left "
            "out; the full gradient is dL/dw + the penalty's gradient"
        ),
    ),
    Mistake(
        "step-added",
        Knobs(step_sign=1),
        lambda p: True,
        lambda p: (
            "w + lr x full gradient: the step was added; gradient descent subtracts it, "
            "w_new = w - lr x full gradient"
        ),
    ),
    Mistake(
        "learning-rate-left-out",
        Knobs(use_lr=False),
        lambda p: True,
        lambda p: (
            "the update without the learning rate, w - full gradient; the step is "
            "-lr x full gradient"
        ),
    ),
    Mistake(
        "lam-twice",
        Knobs(lam_squared=True),
        _penalized,
        lambda p: (
            "the update with lam applied twice (lam*lam in the penalty term); lam "
            "multiplies the penalty once"
        ),
    ),
    Mistake(
        "penalty-twice",
        Knobs(penalty_times=2),
        _penalized,
        lambda p: (
            "the update with the penalty counted twice (for example shrinking w by the "
            "decay factor and also adding the penalty's gradient); count it once"
        ),
    ),
    Mistake("lr-lam-swapped", Knobs(swap_lr_lam=True), _single_strength, _say_swap),
)


@dataclass(frozen=True)
class Diagnosis:
    """The mistake that reproduces the wrong elements, and what that variant gives."""

    mistake: str
    message: str
    values: tuple[Fraction, ...]


def _element_names(indices: Sequence[int], quantity: str) -> str:
    if quantity in VALUE_QUANTITIES:
        return f"your {quantity}"
    names = [f"w{i}" for i in indices]
    if len(names) > _NAMED_MAX:  # thousands of wrong elements: count them, name a few
        return f"your {len(names)} wrong elements ({', '.join(names[:3])}, ...)"
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"your {listed}"


def _restricted(p: Problem, indices: Sequence[int]) -> Problem:
    """The same problem on the weights at ``indices`` only."""

    def pick(values: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        return tuple(values[i] for i in indices)

    return replace(p, w=pick(p.w), grad=pick(p.grad), lam1=pick(p.lam1), lam2=pick(p.lam2))


def diagnose(
    p: Problem,
    quantity: str,
    answer: Sequence[Written],
    marks: Sequence[Mark],
    *,
    steps: int = 1,
    tol: Fraction | None = None,
) -> Diagnosis | None:
    """The first mistake in :data:`MISTAKES` reproducing every wrong element, or ``None``."""
    wrong = [i for i, mark in enumerate(marks) if mark is Mark.WRONG]
    if not wrong or not _described(p) or (_has_l1(p) and p.l1_method is L1Method.PROXIMAL):
        return None
    # A vector quantity is computed weight by weight, so the variants are first tried on the
    # wrong elements alone (a few of perhaps 10^5); only the one that reproduces them is
    # computed for every element. A variant equal to the correct update there cannot.
    probe, at = p, wrong
    if quantity not in VALUE_QUANTITIES and len(wrong) < len(p.w):
        probe, at = _restricted(p, wrong), list(range(len(wrong)))
    correct = quantity_values(probe, Knobs(), quantity, steps)
    for mistake in MISTAKES:
        if not mistake.applies(p):
            continue
        values = quantity_values(probe, mistake.knobs, quantity, steps)
        if values == correct:
            continue
        if all(agrees(values[j], answer[i], tol) for j, i in zip(at, wrong, strict=True)):
            if probe is not p:
                values = quantity_values(p, mistake.knobs, quantity, steps)
            everything = all(agrees(v, a, tol) for v, a in zip(values, answer, strict=True))
            who = "your answer" if everything else _element_names(wrong, quantity)
            verb = "matches" if everything or len(wrong) == 1 else "match"
            if quantity in VALUE_QUANTITIES:
                who, verb = f"your {quantity}", "matches"
            said = mistake.say(p)
            if quantity in VALUE_QUANTITIES:
                said = _as_value(mistake.key, said, p)
            suffix = f" (at each of the {steps} steps)" if steps > 1 else ""
            return Diagnosis(mistake.key, f"{who} {verb} {said}{suffix}", values)
    return None


__all__ = ["MISTAKES", "Diagnosis", "Knobs", "Mistake", "Problem", "diagnose", "quantity_values"]
