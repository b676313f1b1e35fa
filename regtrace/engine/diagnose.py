"""Which common mistake reproduces a wrong answer? Each mistake is a variant update.

A variant is the step (docs/design.md) with one thing done the way students get it wrong; it is
computed exactly (fractions) on the same inputs, for the same quantity and number of steps,
and compared with the student's answer by the same rule as the grading
(:func:`regtrace.engine.grading.agrees`). The first variant, in the order of
:data:`MISTAKES`, that reproduces every wrong element is named in plain words.

Correct update (the ``lambda`` form, ``lam*||w||^2``): ``penalty_grad = c*lam2*w +
lam1*sign(w)`` with ``c = 2`` (``c = 1`` in the ``half`` form), ``full_grad = g +
penalty_grad``, ``w_new = w - lr*full_grad``, ``penalty = lam1*sum|w| + c/2*lam2*sum(w^2)``.

Proximal L1 (soft-thresholding) is not diagnosed: its mistakes are of another kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction

from regtrace.engine.exact import exact_text
from regtrace.engine.grading import Mark, Written, agrees
from regtrace.engine.penalties import L1Method, L2Form, PenaltyKind
from regtrace.frozen import frozen
from regtrace.regularizers import rule_for

VALUE_QUANTITIES = ("penalty", "loss")
_NAMED_MAX = 10  # a diagnosis names up to this many wrong elements one by one


@frozen
class DataPart:
    """A table as the data gradient sees it: ``rows`` is the design (a trailing 1 for the
    bias when ``intercept``), ``loss`` a :class:`~regtrace.engine.data.DataLoss` word."""

    rows: tuple[tuple[Fraction, ...], ...]
    y: tuple[Fraction, ...]
    logistic: bool
    loss: str
    intercept: bool

    @property
    def n(self) -> int:
        """The number of rows."""
        return len(self.rows)


# ``s`` of dL/dw = s * X^T r for each way of writing the data loss; ``half-sse`` is the
# sum with the 2 of the square dropped (1/2*||Xw - y||^2), ``log-sum`` the logistic loss summed.
_DATA_SCALE: dict[str, Callable[[int], Fraction]] = {
    "half-mse": lambda n: Fraction(1, n),
    "mse": lambda n: Fraction(2, n),
    "sse": lambda n: Fraction(2),
    "half-sse": lambda n: Fraction(1),
    "log-loss": lambda n: Fraction(1, n),
    "log-sum": lambda n: Fraction(1),
}
_DATA_GRAD_WORDS = {
    "half-mse": "X^T (Xw - y) / n, the gradient of 1/(2n)*||Xw - y||^2",
    "mse": "2 X^T (Xw - y) / n, the gradient of the mean 1/n*||Xw - y||^2",
    "sse": "2 X^T (Xw - y), the gradient of the sum ||Xw - y||^2",
    "half-sse": "X^T (Xw - y), the gradient of 1/2*||Xw - y||^2",
    "log-loss": "X^T (p - y) / n, the gradient of the mean log-loss",
    "log-sum": "X^T (p - y), the gradient of the summed log-loss (no 1/n)",
}


@frozen
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
    data: DataPart | None = None
    """The table the data gradient ``grad`` comes from (``--data``/``--x --y``), if any."""

    @property
    def coef(self) -> Fraction:
        """``c`` of the L2 gradient ``c*lam*w``: 2 (``lambda`` form) or 1 (``half``)."""
        return Fraction(2 if self.l2_form is L2Form.LAMBDA else 1)


@frozen
class Knobs:
    """How a variant computes the step; the defaults are the correct update."""

    swap_l2_coef: bool = False  # 2*lam*w <-> lam*w (and lam <-> lam/2 in the penalty)
    l1_sign_of_grad: bool = False  # lam*sign(dL/dw) instead of lam*sign(w)
    penalty_times: int = 1  # 0: left out; 2: counted twice
    lam_squared: bool = False  # lam multiplied in twice: lam*lam
    step_sign: int = -1  # +1: the step added instead of subtracted
    use_lr: bool = True  # False: w - full_grad
    swap_lr_lam: bool = False  # lr in the penalty term, lam as the step size
    other_penalty: bool = False  # L1 for L2 and back; elastic with lam1 and lam2 swapped
    data_loss_used: str | None = None  # the data gradient scaled as this loss's (_DATA_SCALE)
    data_sign: int = 1  # -1: residual y - Xw (or y - p) instead of Xw - y
    bias_penalized: bool = False  # the intercept given the others' strength
    bias_left_out: bool = False  # predictions Xw without the intercept
    start: int = 1  # the step from which the mistake is made (earlier steps are right)
    prox_as_subgradient: bool = False  # proximal L1 asked; the subgradient step done
    prox_threshold_lam: bool = False  # soft-threshold by lam instead of lr*lam

    def merged(self, other: Knobs) -> Knobs | None:
        """Both mistakes at once, or ``None`` when they change the same thing."""
        base = Knobs()
        mine = {k: v for k, v in vars(self).items() if v != getattr(base, k)}
        theirs = {k: v for k, v in vars(other).items() if v != getattr(base, k)}
        if set(mine) & set(theirs):
            return None
        return replace(self, **theirs)


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def _data_grad(p: Problem, knobs: Knobs) -> tuple[Fraction, ...]:
    """The data gradient as the ``knobs`` compute it (``p.grad`` itself when right)."""
    d = p.data
    if d is None or (knobs.data_loss_used is None and knobs.data_sign == 1 and not
                     knobs.bias_left_out):  # fmt: skip
        return p.grad
    grad = p.grad
    if knobs.bias_left_out:
        w = (*p.w[:-1], Fraction(0))
        r = [sum((x * v for x, v in zip(row, w, strict=True)), Fraction(0)) - t
             for row, t in zip(d.rows, d.y, strict=True)]  # fmt: skip
        scale = _DATA_SCALE[d.loss](d.n)
        grad = tuple(
            scale * sum((row[j] * ri for row, ri in zip(d.rows, r, strict=True)), Fraction(0))
            for j in range(len(p.w))
        )
    factor = Fraction(knobs.data_sign)
    if knobs.data_loss_used is not None:
        factor *= _DATA_SCALE[knobs.data_loss_used](d.n) / _DATA_SCALE[d.loss](d.n)
    return tuple(factor * g for g in grad)


def _strengths(p: Problem, knobs: Knobs) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """``(lam1, lam2)`` per weight as the ``knobs`` use them."""
    lam1, lam2 = p.lam1, p.lam2
    if knobs.bias_penalized and p.data is not None and len(p.w) > 1:
        lam1, lam2 = (*lam1[:-1], lam1[-2]), (*lam2[:-1], lam2[-2])
    if knobs.other_penalty:
        lam1, lam2 = lam2, lam1
    if knobs.lam_squared:
        lam1, lam2 = tuple(x * x for x in lam1), tuple(x * x for x in lam2)
    return lam1, lam2


def quantity_values(
    p: Problem, knobs: Knobs, quantity: str, steps: int = 1
) -> tuple[Fraction, ...]:
    """The ``quantity`` of ``steps`` updates (fixed data gradient) done the ``knobs`` way;
    steps before ``knobs.start`` are done right."""
    if knobs.start > 1:
        before = quantity_values(p, Knobs(), "new-weight", min(steps, knobs.start - 1))
        if steps < knobs.start:
            return before
        rest = replace(knobs, start=1)
        return quantity_values(replace(p, w=before), rest, quantity, steps - knobs.start + 1)
    coef = 3 - p.coef if knobs.swap_l2_coef else p.coef
    lam1, lam2 = _strengths(p, knobs)
    grad = _data_grad(p, knobs)
    rate = [p.lr] * len(p.w)
    if knobs.swap_lr_lam and p.kind is PenaltyKind.L1:
        rate, lam1 = list(lam1), (p.lr,) * len(p.w)
    elif knobs.swap_lr_lam and p.kind is PenaltyKind.L2:
        rate, lam2 = list(lam2), (p.lr,) * len(p.w)
    if not knobs.use_lr:
        rate = [Fraction(1)] * len(p.w)
    times = knobs.penalty_times
    if quantity == "decay-factor":
        return tuple(
            1 + knobs.step_sign * times * coef * r * b for r, b in zip(rate, lam2, strict=True)
        )
    w = p.w
    for _ in range(steps):
        sources = grad if knobs.l1_sign_of_grad else w
        pen = [
            times * (coef * b * x + a * _sign(s))
            for x, s, a, b in zip(w, sources, lam1, lam2, strict=True)
        ]
        full = [g + t for g, t in zip(grad, pen, strict=True)]
        step = [knobs.step_sign * r * f for r, f in zip(rate, full, strict=True)]
        if quantity in VALUE_QUANTITIES:
            value = times * sum(
                (a * abs(x) + coef / 2 * b * x * x for x, a, b in zip(w, lam1, lam2, strict=True)),
                Fraction(0),
            )
            if quantity == "loss":
                value += p.loss or 0
            return (value,)
        by_name = {"data-grad": list(grad), "penalty-grad": pen, "full-grad": full, "step": step}
        if quantity in by_name:
            return tuple(by_name[quantity])
        if _has_l1(p) and p.l1_method is L1Method.PROXIMAL and not knobs.prox_as_subgradient:
            w = _prox_step(w, grad, lam1, lam2, coef, rate, times, knobs)
        else:
            w = tuple(x + d for x, d in zip(w, step, strict=True))
    return w


def _prox_step(
    w: tuple[Fraction, ...],
    grad: tuple[Fraction, ...],
    lam1: tuple[Fraction, ...],
    lam2: tuple[Fraction, ...],
    coef: Fraction,
    rate: Sequence[Fraction],
    times: int,
    knobs: Knobs,
) -> tuple[Fraction, ...]:
    """``v = w - lr*(g + c*lam2*w)``, then ``sign(v)*max(|v| - lr*lam1, 0)`` (the knobs' way)."""
    out = []
    for x, g, a, b, r in zip(w, grad, lam1, lam2, rate, strict=True):
        v = x + knobs.step_sign * r * (g + times * coef * b * x)
        t = times * a * (1 if knobs.prox_threshold_lam else r)
        out.append(_sign(v) * max(abs(v) - t, Fraction(0)))
    return tuple(out)


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


@frozen
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


def _say_other_penalty(p: Problem) -> str:
    grad = "2*lam*w" if p.l2_form is L2Form.LAMBDA else "lam*w"
    if p.kind is PenaltyKind.L2:
        return (
            "the update with the L1 term lam*sign(w) in place of the L2 gradient "
            f"{grad}: the L1 penalty was used where L2 was asked"
        )
    if p.kind is PenaltyKind.L1:
        return (
            f"the update with the L2 gradient {grad} in place of the L1 term lam*sign(w): "
            "the L2 penalty was used where L1 was asked"
        )
    return (
        "the elastic net with its two strengths swapped (lam1 on the squares, lam2 on |w|); "
        "lam1 multiplies |w| and lam2 multiplies w^2"
    )


_SUMMED = "summed over the rows where the loss is a mean (the 1/n left out)"
_AVERAGED = "averaged over the rows (divided by n) where the loss is a sum"
_NO_TWO = "without the 2 that the square brings down (d/dw of r^2 is 2*r*dr/dw)"
_REASONS = {
    ("mse", "half-mse"): _NO_TWO,
    ("sse", "half-sse"): _NO_TWO,
    ("half-mse", "mse"): "of the MSE 1/n*||Xw - y||^2 where the loss is 1/(2n)*||Xw - y||^2 "
    "(whose 1/2 cancels the 2 of the square)",
    ("mse", "sse"): _SUMMED,
    ("half-mse", "half-sse"): _SUMMED,
    ("half-mse", "sse"): _SUMMED + ", and with the 2 of the full square",
    ("mse", "half-sse"): _SUMMED + ", and " + _NO_TWO,
    ("sse", "mse"): _AVERAGED,
    ("sse", "half-mse"): _AVERAGED + ", and " + _NO_TWO,
    ("half-sse", "half-mse"): _AVERAGED,
    ("log-loss", "log-sum"): _SUMMED,
}


def _data_loss_mistake(used: str) -> Mistake:
    def applies(p: Problem) -> bool:
        return p.data is not None and (p.data.loss, used) in _REASONS

    def say(p: Problem) -> str:
        assert p.data is not None
        asked = p.data.loss
        return (
            f"the update with the data gradient {_REASONS[asked, used]}: "
            f"{_DATA_GRAD_WORDS[used]}; this problem's gradient is {_DATA_GRAD_WORDS[asked]}"
        )

    return Mistake(f"data-loss-{used}", Knobs(data_loss_used=used), applies, say)


def _say_residual_sign(p: Problem) -> str:
    if p.data is not None and p.data.logistic:
        return (
            "the update with the log-loss gradient's sign flipped, X^T (y - p)/n: that is the "
            "gradient of the log-likelihood (to climb); the loss's gradient is X^T (p - y)/n"
        )
    return (
        "the update with the residual's sign flipped, y - Xw instead of Xw - y: the data "
        "gradient came out negated; d/dw of (Xw - y)^2 is 2 X^T (Xw - y)"
    )


def _has_intercept(p: Problem) -> bool:
    return p.data is not None and p.data.intercept and len(p.w) > 1


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
    Mistake("other-penalty", Knobs(other_penalty=True), _penalized, _say_other_penalty),
    *(_data_loss_mistake(used) for used in _DATA_SCALE),
    Mistake(
        "proximal-as-subgradient",
        Knobs(prox_as_subgradient=True),
        lambda p: _has_l1(p) and p.l1_method is L1Method.PROXIMAL,
        lambda p: (
            "the subgradient step w - lr*(dL/dw + lam*sign(w)), which steps past 0; the "
            "proximal step soft-thresholds v = w - lr*dL/dw: sign(v)*max(|v| - lr*lam, 0)"
        ),
    ),
    Mistake(
        "threshold-without-lr",
        Knobs(prox_threshold_lam=True),
        lambda p: _has_l1(p) and p.l1_method is L1Method.PROXIMAL and p.lr != 1,
        lambda p: (
            "the update soft-thresholded by lam instead of lr*lam: the proximal step "
            "shrinks |v| by lr*lam"
        ),
    ),
    Mistake(
        "residual-sign",
        Knobs(data_sign=-1),
        lambda p: p.data is not None,
        _say_residual_sign,
    ),
    Mistake(
        "intercept-penalized",
        Knobs(bias_penalized=True),
        lambda p: _has_intercept(p) and _penalized(p),
        lambda p: (
            f"the update with the intercept w{len(p.w) - 1} penalized too; the bias is not "
            "regularized (its penalty term is 0)"
        ),
    ),
    Mistake(
        "intercept-left-out",
        Knobs(bias_left_out=True),
        lambda p: _has_intercept(p) and p.data is not None and not p.data.logistic,
        lambda p: (
            f"the update with the intercept w{len(p.w) - 1} left out of the predictions "
            "(Xw without the bias); every prediction includes it"
        ),
    ),
)


@frozen
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


def _as_factor(key: str, said: str, p: Problem) -> str:
    """A mistake said of the weight-decay factor ``1 - c*lr*lam`` (``--quantity decay-factor``)."""
    if key == "l2-coefficient":
        if p.l2_form is L2Form.LAMBDA:
            return (
                "the decay factor (1 - lr*lam), which belongs to lam/2*||w||^2 (PyTorch "
                "weight_decay); with lam*||w||^2 the gradient is 2*lam*w and the factor is "
                "(1 - 2*lr*lam)"
            )
        return (
            "the decay factor (1 - 2*lr*lam), which belongs to lam*||w||^2; with "
            "lam/2*||w||^2 (PyTorch weight_decay) the gradient is lam*w and the factor is "
            "(1 - lr*lam)"
        )
    return said.replace("the update", "the decay factor")


@frozen
class _Candidate:
    mistakes: tuple[Mistake, ...]
    knobs: Knobs
    values: tuple[Fraction, ...]
    count: int | None = None  # a different number of steps (the step-count slip)


def _phrase(c: _Candidate, p: Problem, quantity: str, *, lead: bool = True) -> str:
    parts = []
    for m in c.mistakes:
        said = m.say(p)
        if quantity in VALUE_QUANTITIES:
            said = _as_value(m.key, said, p)
        elif quantity == "decay-factor":
            said = _as_factor(m.key, said, p)
        parts.append(said)
    if len(parts) == 1:
        return parts[0]
    both = "; ".join(f"({k + 1}) {part}" for k, part in enumerate(parts))
    return f"two mistakes made together: {both}" if lead else both


def _fits(
    values: Sequence[Fraction],
    answer: Sequence[Written],
    wrong: Sequence[int],
    tol: Fraction | None,
) -> bool:
    return all(agrees(values[i], answer[i], tol) for i in wrong)


def _first_departure(p: Problem, knobs: Knobs, steps: int) -> int:
    """The first step after which the ``knobs`` weights differ from the right ones."""
    for k in range(1, steps + 1):
        if quantity_values(p, knobs, "new-weight", k) != quantity_values(
            p, Knobs(), "new-weight", k
        ):
            return k
    return steps


SEARCH_WORK = 300_000
"""The most weight updates the search for a mistake replays (runs x steps x weights): about
ten seconds on long runs of 2000-digit fractions. A search cut short says so."""
STEP_SEARCH_MAX = 60
"""Up to this many steps, a mistake made from a later step on is looked for too."""
CANDIDATES_SHOWN = 3
"""When several pairs of mistakes fit, this many are listed."""


def diagnose(
    p: Problem,
    quantity: str,
    answer: Sequence[Written],
    marks: Sequence[Mark],
    *,
    steps: int = 1,
    tol: Fraction | None = None,
) -> Diagnosis | None:
    """The mistake reproducing every wrong element, or ``None``.

    One mistake is tried first, in the order of :data:`MISTAKES` (the first that fits is
    named); then two at once, named together when one pair fits and said honestly as
    candidates when several do. With ``steps > 1`` a mistake made from a later step on, and
    a different number of steps, are tried too, and the step where the answer departs is said.
    """
    wrong = [i for i, mark in enumerate(marks) if mark is Mark.WRONG]
    proximal = _has_l1(p) and p.l1_method is L1Method.PROXIMAL
    if not wrong or not _described(p) or (proximal and quantity != "new-weight"):
        return None
    # Without a table each weight's update is its own, so the slips are first tried on the
    # wrong elements alone (a few of perhaps 10^5); only the one named is then computed for
    # every element. A variant equal to the right update there cannot reproduce them.
    if p.data is None and quantity not in VALUE_QUANTITIES and len(wrong) < len(p.w):
        probe = _restricted(p, wrong)
        found = _search(probe, quantity, [answer[i] for i in wrong], range(len(wrong)), tol, steps)
    else:
        found = _search(p, quantity, answer, wrong, tol, steps)
    if found is None or isinstance(found, Diagnosis):
        return found
    best, others, alternatives = found
    if len(wrong) < len(p.w) and p.data is None and quantity not in VALUE_QUANTITIES:
        full = quantity_values(p, best.knobs, quantity, best.count or steps)
        best = replace(best, values=full)
    diagnosis = _say(p, quantity, answer, wrong, tol, steps, best, others)
    if not alternatives:
        return diagnosis
    also = "; ".join(_phrase(c, p, quantity) for c in alternatives)
    return replace(
        diagnosis,
        message=f"{diagnosis.message}. On these numbers "
        + ("another mistake gives" if len(alternatives) == 1 else "other mistakes give")
        + f" the same answer, so it may be one of those instead: {also}",
    )


def _restricted(p: Problem, indices: Sequence[int]) -> Problem:
    """The same problem (no table) on the weights at ``indices`` only."""

    def pick(values: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        return tuple(values[i] for i in indices)

    return replace(p, w=pick(p.w), grad=pick(p.grad), lam1=pick(p.lam1), lam2=pick(p.lam2))


_Found = tuple[_Candidate, Sequence[_Candidate], Sequence[_Candidate]]
"""The best candidate, the other pairs said with it, and single slips that also fit."""


def _search(
    p: Problem,
    quantity: str,
    answer: Sequence[Written],
    wrong: Sequence[int],
    tol: Fraction | None,
    steps: int,
) -> _Found | Diagnosis | None:
    """The candidates of :func:`diagnose`, in its order of preference; a :class:`Diagnosis`
    saying so when the search for later-step and paired mistakes would pass the work limit."""
    correct = quantity_values(p, Knobs(), quantity, steps)
    usable = [m for m in MISTAKES if m.applies(p)]
    singles = []
    for mistake in usable:
        values = quantity_values(p, mistake.knobs, quantity, steps)
        if values != correct:
            singles.append(_Candidate((mistake,), mistake.knobs, values))
    found = [c for c in singles if _fits(c.values, answer, wrong, tol)]
    if steps > 1 and quantity == "new-weight":
        found += _step_counts(p, answer, wrong, tol, steps)
    if found:
        # A variant that is the written numbers exactly beats one that only rounds to them.
        found.sort(key=lambda c: not all(c.values[i] == answer[i].value for i in wrong))
        return found[0], (), found[1:CANDIDATES_SHOWN]
    per_run = max(1, steps * len(p.w))
    affordable = SEARCH_WORK // per_run
    starts = range(2, min(steps, STEP_SEARCH_MAX) + 1) if quantity == "new-weight" else range(0)
    pair_runs = len(usable) * (len(usable) - 1) // 2
    if len(starts) * len(usable) + pair_runs > affordable:
        return Diagnosis(
            "not-searched",
            f"not every common mistake was tried: replaying them on {steps:,} steps of "
            f"{len(p.w):,} weights passes the search limit; check fewer steps to find the mistake",
            (),
        )
    if steps > 1 and quantity == "new-weight":
        for start in starts:
            for mistake in usable:
                knobs = replace(mistake.knobs, start=start)
                values = quantity_values(p, knobs, quantity, steps)
                if values != correct and _fits(values, answer, wrong, tol):
                    return _Candidate((mistake,), knobs, values), (), ()
    pairs: list[_Candidate] = []
    seen_values: set[tuple[Fraction, ...]] = {c.values for c in singles} | {correct}
    for i, first in enumerate(usable):
        for second in usable[i + 1 :]:
            both = first.knobs.merged(second.knobs)
            if both is None:
                continue
            values = quantity_values(p, both, quantity, steps)
            if values in seen_values or not _fits(values, answer, wrong, tol):
                continue
            pairs.append(_Candidate((first, second), both, values))
    if not pairs:
        return None
    return pairs[0], pairs[1:CANDIDATES_SHOWN], ()


def _say(
    p: Problem,
    quantity: str,
    answer: Sequence[Written],
    wrong: Sequence[int],
    tol: Fraction | None,
    steps: int,
    best: _Candidate,
    others: Sequence[_Candidate],
) -> Diagnosis:
    everything = all(agrees(v, a, tol) for v, a in zip(best.values, answer, strict=True))
    who = "your answer" if everything else _element_names(wrong, quantity)
    verb = "matches" if everything or len(wrong) == 1 else "match"
    if quantity in VALUE_QUANTITIES or (quantity == "decay-factor" and len(answer) == 1):
        who, verb = f"your {quantity.replace('-', ' ')}", "matches"
    key = "+".join(m.key for m in best.mistakes)
    if others:
        options = [best, *others]
        listed = " OR ".join(f"[{_phrase(c, p, quantity, lead=False)}]" for c in options)
        message = (
            f"{who} {verb} more than one pair of mistakes made together, and the numbers "
            f"cannot tell which: {listed}"
        )
        return Diagnosis(key, message, best.values)
    said = _phrase(best, p, quantity)
    message = f"{who} {verb} {said}"
    if steps > 1 and best.mistakes[0].key != "step-count":
        if best.knobs.start > 1:
            done = (
                "Step 1 is" if best.knobs.start == 2 else f"Steps 1 to {best.knobs.start - 1} are"
            )
            message += (
                f". {done} right; your answer first departs at step {best.knobs.start}, "
                "where this mistake begins"
            )
        else:
            depart = _first_departure(p, best.knobs, steps)
            message += f" (at each of the {steps} steps"
            message += ")" if depart == 1 else f"; it first changes the weights at step {depart})"
    return Diagnosis(key, message, best.values)


def _constant(text: str) -> Callable[[Problem], str]:
    return lambda p: text


def _step_counts(
    p: Problem, answer: Sequence[Written], wrong: Sequence[int], tol: Fraction | None, steps: int
) -> list[_Candidate]:
    """The right update done a different number of times (one step too few or too many)."""
    right = quantity_values(p, Knobs(), "new-weight", steps)
    counts = dict.fromkeys((steps - 1, steps + 1, *range(1, min(2 * steps, STEP_SEARCH_MAX) + 1)))
    found = []
    for count in counts:
        if count < 1 or count == steps:
            continue
        values = quantity_values(p, Knobs(), "new-weight", count)
        if values != right and _fits(values, answer, wrong, tol):
            how = {steps - 1: "one step too few", steps + 1: "one step too many"}
            said = (
                f"the weights after {count} step{'s' if count != 1 else ''}, not {steps}: "
                f"every update is right, but {how.get(count, 'a different number of steps')}"
            )
            mistake = Mistake("step-count", Knobs(), lambda p: True, _constant(said))
            found.append(_Candidate((mistake,), Knobs(), values, count))
    return found


__all__ = [
    "MISTAKES",
    "DataPart",
    "Diagnosis",
    "Knobs",
    "Mistake",
    "Problem",
    "diagnose",
    "quantity_values",
]
