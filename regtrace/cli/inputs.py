"""Option text to engine inputs: vectors, strengths, scalars and the penalty list.

Shared by every command that traces a step. Imported only when a command runs, because it
loads NumPy (``--help`` and ``--version`` must not).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from regtrace import examples
from regtrace.engine.penalties import PenaltyKind, Strength, Vector
from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_scalar, parse_vector, parse_vector_or_scalar


@dataclass(frozen=True)
class TraceInputs:
    """Everything a step needs, parsed and checked for form (the engine checks the math)."""

    w: Vector
    grad: Vector
    lam: Strength
    lr: float
    loss: float | None
    penalties: tuple[PenaltyKind, ...]
    lam1: Strength | None
    lam2: Strength | None
    builtin: bool
    target: Vector | None = None
    """With ``--target``: the data loss is ``1/2*||w - target||^2`` and ``grad`` is its
    gradient at the start, ``w - target``."""


_Choice = TypeVar("_Choice", bound=StrEnum | PenaltyKind)


def parse_choices(text: str, choices: type[_Choice], option: str, noun: str) -> list[_Choice]:
    """A comma (or space) list of ``choices`` values, in order, without repeats."""
    allowed = ", ".join(c.value for c in choices)
    words = [word.strip().lower() for word in text.replace(" ", ",").split(",") if word.strip()]
    if not words:
        raise RegtraceError(f"{option} is empty; choose from {allowed}")
    kinds: list[_Choice] = []
    for word in words:
        try:
            kind = choices(word)
        except ValueError:
            raise RegtraceError(
                f"{option}: unknown {noun} {word!r}; choose from {allowed}"
            ) from None
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def parse_penalties(text: str) -> tuple[PenaltyKind, ...]:
    """``l2,l1`` to penalty kinds, in order, without repeats."""
    return tuple(parse_choices(text, PenaltyKind, "--penalty", "penalty"))


def _check_one_stdin(**specs: str | None) -> None:
    readers = [f"--{name.replace('_', '-')}" for name, spec in specs.items() if spec == "-"]
    if len(readers) > 1:
        raise RegtraceError(
            f"{' and '.join(readers)} both read standard input; only one option can be '-', "
            "give the others inline or as @file"
        )


@dataclass(frozen=True)
class InputTexts:
    """The option texts of a traced step with the built-in example's filled in."""

    w: str
    grad: str
    lam: str
    lr: str
    loss: str | None
    builtin: bool


def option_texts(
    *, w: str | None, grad: str | None, lam: str | None, lr: str | None, loss: str | None
) -> InputTexts:
    """Check that ``--w``/``--grad`` come together; with neither, the blog's example."""
    if (w is None) != (grad is None):
        given, missing = ("--w", "--grad") if grad is None else ("--grad", "--w")
        raise RegtraceError(
            f"{given} needs {missing} too: give both (one value per weight), or neither "
            "for the built-in example"
        )
    builtin = w is None
    if builtin:
        w, grad = examples.BLOG_W, examples.BLOG_GRAD
        loss = examples.BLOG_LOSS if loss is None else loss
    assert w is not None and grad is not None  # narrowed above; for mypy
    return InputTexts(
        w=w,
        grad=grad,
        lam=examples.BLOG_LAM if lam is None else lam,
        lr=examples.BLOG_LR if lr is None else lr,
        loss=loss,
        builtin=builtin,
    )


def resolve(
    *,
    w: str | None,
    grad: str | None,
    lam: str | None,
    lr: str | None,
    loss: str | None,
    penalty: str,
    lam1: str | None = None,
    lam2: str | None = None,
    target: str | None = None,
) -> TraceInputs:
    """Parse the options of a traced step; with no ``--w``/``--grad``, the blog's example.

    With ``target`` (``run`` and ``sweep``) the gradient comes from ``1/2*||w - target||^2``
    instead of ``--grad``, and ``w`` starts at 0 unless given.
    """
    if target is not None:
        return _resolve_target(w, grad, target, lam, lr, penalty, lam1, lam2)
    texts = option_texts(w=w, grad=grad, lam=lam, lr=lr, loss=loss)
    _check_one_stdin(w=w, grad=grad, lam=lam, lam1=lam1, lam2=lam2)
    penalties = parse_penalties(penalty)
    return TraceInputs(
        w=parse_vector(texts.w, "--w"),
        grad=parse_vector(texts.grad, "--grad"),
        lam=parse_vector_or_scalar(texts.lam, "--lam"),
        lr=parse_scalar(texts.lr, "--lr"),
        loss=None if texts.loss is None else parse_scalar(texts.loss, "--loss"),
        penalties=penalties,
        lam1=None if lam1 is None else parse_vector_or_scalar(lam1, "--lam1"),
        lam2=None if lam2 is None else parse_vector_or_scalar(lam2, "--lam2"),
        builtin=texts.builtin,
    )


@dataclass(frozen=True)
class ExactInputs:
    """The inputs of a traced step as exact fractions (``--exact`` and ``check``)."""

    w: list[Fraction]
    grad: list[Fraction]
    lam: list[Fraction]
    lr: Fraction
    loss: Fraction | None
    penalties: tuple[PenaltyKind, ...]
    lam1: list[Fraction] | None
    lam2: list[Fraction] | None
    builtin: bool


def resolve_exact(
    *,
    w: str | None,
    grad: str | None,
    lam: str | None,
    lr: str | None,
    loss: str | None,
    penalty: str,
    lam1: str | None = None,
    lam2: str | None = None,
) -> ExactInputs:
    """:func:`resolve` read exactly from the text typed (``0.1`` is ``1/10``; ``1/3`` works)."""
    from regtrace.parse.exact import parse_exact_scalar, parse_exact_vector

    texts = option_texts(w=w, grad=grad, lam=lam, lr=lr, loss=loss)
    _check_one_stdin(w=w, grad=grad, lam=lam, lam1=lam1, lam2=lam2)
    penalties = parse_penalties(penalty)
    return ExactInputs(
        w=parse_exact_vector(texts.w, "--w"),
        grad=parse_exact_vector(texts.grad, "--grad"),
        lam=parse_exact_vector(texts.lam, "--lam"),
        lr=parse_exact_scalar(texts.lr, "--lr"),
        loss=None if texts.loss is None else parse_exact_scalar(texts.loss, "--loss"),
        penalties=penalties,
        lam1=None if lam1 is None else parse_exact_vector(lam1, "--lam1"),
        lam2=None if lam2 is None else parse_exact_vector(lam2, "--lam2"),
        builtin=texts.builtin,
    )


def check_target_alone(grad: str | None, **stdin_options: str | None) -> None:
    """``--target`` sets the data gradient, so no ``--grad``; at most one option reads stdin."""
    if grad is not None:
        raise RegtraceError(
            "--grad and --target both set the data gradient; use --grad for a fixed gradient "
            "or --target for the loss 1/2*||w - target||^2, not both"
        )
    _check_one_stdin(**stdin_options)


def _resolve_target(
    w: str | None,
    grad: str | None,
    target: str,
    lam: str | None,
    lr: str | None,
    penalty: str,
    lam1: str | None,
    lam2: str | None,
) -> TraceInputs:
    """Inputs for the quadratic data loss ``1/2*||w - target||^2``: no ``--grad``."""
    import numpy as np

    from regtrace.engine.trajectory import check_data

    check_target_alone(grad, w=w, target=target, lam=lam, lam1=lam1, lam2=lam2)
    t_vec = parse_vector(target, "--target")
    w_vec = np.zeros_like(t_vec) if w is None else parse_vector(w, "--w")
    w_vec, _, checked = check_data(w_vec, None, t_vec)
    assert checked is not None  # check_data returns the target it was given; for mypy
    return TraceInputs(
        w=w_vec,
        grad=w_vec - checked,
        lam=parse_vector_or_scalar(examples.BLOG_LAM if lam is None else lam, "--lam"),
        lr=parse_scalar(examples.BLOG_LR if lr is None else lr, "--lr"),
        loss=None,
        penalties=parse_penalties(penalty),
        lam1=None if lam1 is None else parse_vector_or_scalar(lam1, "--lam1"),
        lam2=None if lam2 is None else parse_vector_or_scalar(lam2, "--lam2"),
        builtin=False,
        target=checked,
    )
