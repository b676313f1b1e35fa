"""N gradient steps under each penalty: the trajectory ``w_0, w_1, ..., w_N``.

The data gradient is either fixed (``grad``) or comes from the quadratic data loss
``L = 1/2 * ||w - target||^2`` with gradient ``w - target`` (the data pulls toward
``target``, the penalty toward 0). Each step is the update of :mod:`regtrace.engine.step`,
``w <- w - lr*(g + penalty_grad)``, or with proximal L1
``w <- soft(w - lr*(g + l2_grad), lr*lam1)``.

The seam for optimizers
-----------------------
:func:`run` never does arithmetic on the weights itself. For each penalty it asks a
:data:`RuleFactory` for an :class:`UpdateRule` and calls ``rule(w, g)`` once per step, where
``w`` is the weight vector to change **in place** and ``g`` is the data gradient at ``w``
(penalty not included: the rule owns how the penalty enters, e.g. Adam+L2 adds ``2*lam*w`` to
``g`` while AdamW decays ``w`` separately). :func:`gradient_descent` is the default factory.
A rule that computes ``sign(w)`` anyway may expose it as ``sign_before`` (int8, the sign of
``w`` at the start of its latest call); the loop then reuses it to note where L1 weights reach
0 or change sign instead of computing it again.
An optimizer plugs in as ``run(..., rule=adam_factory)`` with
``adam_factory(penalty, lr) -> UpdateRule``, keeping its moment buffers in the rule object.
Rules must work in place with NumPy (no Python loop over weights): ``run`` is benchmarked on
10^6 weights (``bench/run_speed.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

from regtrace.arrays import Int8
from regtrace.engine.noise import NOISE as NOISE
from regtrace.engine.parallel import for_each_piece, thread_count
from regtrace.engine.penalties import (
    L1Method,
    L2Form,
    Penalty,
    PenaltyKind,
    Strength,
    Vector,
)
from regtrace.engine.penalties import float_soft_threshold as _soft_threshold
from regtrace.engine.step import (
    DEFAULT_PENALTIES,
    as_vector,
    check_lr,
    check_same_length,
)
from regtrace.engine.vecstats import (
    PARTS,
    STATS_CHUNK,
    VectorStats,
    block_partials,
    chunk_count,
    combine,
)
from regtrace.errors import RegtraceError
from regtrace.regularizers import Elementwise, choose_from

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Counts = NDArray[np.signedinteger[Any]]

MAX_STEPS = 10_000_000
SMALL_RUN_STEPS = 50  # up to this many steps a run keeps every step by default
DEFAULT_ROWS = 50  # longer runs keep about this many evenly spaced steps by default
# The update runs over chunks of this many weights: a chunk and its scratch (256 KB each)
# stay in cache across the update's five passes, and the scratch no longer grows with w
# (80 MB per 10^7 weights before).
CHUNK = 1 << 15
# A big run (the fast loop) steps blocks of this many weights, shared out among threads: a
# block and its scratch (1 MB each) stay in the shared cache across all steps, few enough
# calls per step that the threads seldom wait for each other, and a block is a whole number
# of the summary statistics' chunks. Vectors too short to give every thread such a block
# take blocks of one chunk (see _block_size).
BLOCK = 2 * STATS_CHUNK
BIG_VECTOR = 10_000  # from this many weights a run keeps only w_0 and w_N by default
_CHECK_EVERY_BIG = 16  # a big run tests for overflow every this many steps (then replays)


def sign_int8(w: Vector, out: Int8, pos: NDArray[np.bool_], neg: NDArray[np.bool_]) -> None:
    """``sign(w)`` as int8, ``(w > 0) - (w < 0)``, in preallocated buffers.

    Cheaper than ``np.sign`` into float64 followed by a comparison, and exact: ``lam*sign``
    computed from it is the same float as ``lam*np.sign(w)``.
    """
    np.greater(w, 0.0, out=pos)
    np.less(w, 0.0, out=neg)
    np.subtract(pos.view(np.int8), neg.view(np.int8), out=out)


class UpdateRule(Protocol):
    """One step of one penalty: move ``w`` in place, given the data gradient ``g`` at ``w``."""

    def __call__(self, w: Vector, g: Vector) -> None:
        """Update ``w`` in place; ``g`` is read only (it may be the caller's fixed gradient)."""
        ...


RuleFactory = Callable[[Penalty, float], UpdateRule]
"""Builds the rule for one penalty and learning rate: ``factory(penalty, lr)``."""

GradientFn = Callable[[Vector, Vector], None]
"""``fn(w, g)`` writes the data gradient at ``w`` into ``g`` (a loss on a table)."""


def elementwise(penalty: Penalty, lr: float) -> Elementwise:
    """The per-weight form of ``penalty`` (its ``w^2`` and ``|w|`` parts) that the loops and
    the fixed point use, or an error for a penalty without one."""
    form = penalty.elementwise(lr)
    if form is None:
        raise RegtraceError(
            f"the {penalty.kind.label} penalty has no per-weight update, so run and sweep "
            "cannot apply it; trace it one step at a time with regtrace step"
        )
    return form


class _GradientDescent:
    """``w <- w - lr*(g + penalty_grad)`` in place; proximal L1 soft-thresholds afterwards.

    The operations are those of :func:`regtrace.engine.step.apply_penalty` with the same
    roundings (IEEE addition is commutative), so one step of a run equals ``step()`` bit for
    bit. The L2-only step makes the same four passes as the hand-written
    ``w -= lr*(g + 2*lam*w)``, without its temporaries, chunk by chunk (:data:`CHUNK`).
    """

    def __init__(self, penalty: Penalty, lr: float) -> None:
        self.penalty = penalty
        self.lr = lr
        form = elementwise(penalty, lr)
        self.l2_coef, self.l1_sub, self.threshold = form.l2_coef, form.l1_sub, form.threshold
        self._tmp: Vector | None = None
        self._tmp2: Vector | None = None  # only the subgradient elastic net needs two
        self.sign_before: Int8 | None = None
        self._pos: NDArray[np.bool_] | None = None
        self._neg: NDArray[np.bool_] | None = None

    def __call__(self, w: Vector, g: Vector) -> None:
        if self.l1_sub is not None and (
            self.sign_before is None or self.sign_before.shape != w.shape
        ):
            self.sign_before = np.empty(w.shape, dtype=np.int8)  # whole: the run's watch reads it
        size = min(w.size, CHUNK)
        if self._tmp is None or self._tmp.size != size:
            self._tmp = np.empty(size)
            both = self.l1_sub is not None and self.l2_coef is not None
            self._tmp2 = np.empty(size) if both else None
            if self.l1_sub is not None:
                self._pos = np.empty(size, dtype=np.bool_)
                self._neg = np.empty(size, dtype=np.bool_)
        for start in range(0, w.size, CHUNK):
            part = slice(start, start + CHUNK)
            self._update(w[part], g[part], part)

    def _update(self, w: Vector, g: Vector, part: slice) -> None:
        """The update on one chunk; ``part`` selects the chunk of per-weight strengths."""
        assert self._tmp is not None
        tmp = self._tmp[: w.size]  # one scratch buffer: a second stream would cost ~25%
        if self.l1_sub is not None:
            assert self.sign_before is not None and self._pos is not None and self._neg is not None
            sign = self.sign_before[part]
            sign_int8(w, sign, self._pos[: w.size], self._neg[: w.size])
            np.multiply(sign, _chunk(self.l1_sub, part), out=tmp)  # lam1*sign(w), sign(0) = 0
            if self.l2_coef is not None:
                assert self._tmp2 is not None
                tmp2 = self._tmp2[: w.size]
                np.multiply(_chunk(self.l2_coef, part), w, out=tmp2)
                tmp += tmp2  # step.py adds the two penalty parts, then the data gradient
            tmp += g
        elif self.l2_coef is not None:
            np.multiply(_chunk(self.l2_coef, part), w, out=tmp)  # c*lam2*w, c = 2 or 1 (half)
            tmp += g
        else:
            np.copyto(tmp, g)
        tmp *= self.lr
        w -= tmp
        if self.threshold is not None:
            w[...] = _soft_threshold(w, _chunk(self.threshold, part))


def _chunk(value: Strength, part: slice) -> Strength:
    """The part of a per-weight strength that goes with one chunk of weights."""
    return value[part] if isinstance(value, np.ndarray) else value


def settle_noise(w: Vector, before: Vector) -> None:
    """Set to 0, in place, each weight of a step from ``before`` that is cancellation noise."""
    noise = np.abs(w) <= NOISE * np.abs(before)
    if noise.any():
        w[noise] = 0.0


def gradient_descent(penalty: Penalty, lr: float) -> UpdateRule:
    """The default :data:`RuleFactory`: plain (sub)gradient descent, or proximal L1."""
    return _GradientDescent(penalty, lr)


@dataclass(frozen=True)
class SignEvents:
    """Where the weights of an L1 run reached exactly 0 or changed sign (index -1: never).

    Subgradient L1 pushes by ``lr*lam`` past 0 and back (it oscillates, rarely landing on an
    exact 0); proximal L1 sets a small weight to exactly 0 and keeps it there.
    """

    first_zero: NDArray[np.signedinteger[Any]]
    first_flip: NDArray[np.signedinteger[Any]]
    flips: NDArray[np.signedinteger[Any]]
    zero_at_end: NDArray[np.bool_]


def _by_weight(
    idx: NDArray[np.intp], steps: NDArray[Any]
) -> tuple[NDArray[np.intp], NDArray[Any], NDArray[np.intp]]:
    """Each weight of ``idx`` once (entries in step order, a weight may repeat): the
    weights, the step of each one's first entry, and how many entries each has."""
    order = np.argsort(idx, kind="stable")  # stable: a weight's entries stay in step order
    ordered = idx[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, ordered.size))
    return ordered[starts], steps[order[starts]], counts


def _first(record: NDArray[Any], weights: NDArray[np.intp], steps: NDArray[Any]) -> None:
    """``record[i] = step`` for each weight ``i`` of ``weights`` whose record is still -1."""
    unset = record[weights] < 0
    record[weights[unset]] = steps[unset]


class _SignWatch:
    """Tracks :class:`SignEvents` from the sign of ``w`` after each step.

    Per step it compares int8 signs (computed here, or reused from the rule's
    ``sign_before``); only the few weights whose sign changed get the detailed bookkeeping.
    """

    def __init__(self, w: Vector, n_steps: int = MAX_STEPS) -> None:
        self.prev = np.empty(w.shape, dtype=np.int8)
        self._scratch: tuple[Int8, NDArray[np.bool_], NDArray[np.bool_]] | None = None
        self.update_prev(w)
        self._counters(w.size, n_steps)

    def _buffers(self) -> tuple[Int8, NDArray[np.bool_], NDArray[np.bool_]]:
        """Scratch for computing signs here; a rule with ``sign_before`` never needs it, so
        it is made on first use (30 MB per 10^7 weights that such a run does without)."""
        if self._scratch is None:
            shape = self.prev.shape
            self._scratch = (
                np.empty(shape, dtype=np.int8),
                np.empty(shape, dtype=np.bool_),
                np.empty(shape, dtype=np.bool_),
            )
        return self._scratch

    def update_prev(self, w: Vector) -> None:
        """Start from the sign of ``w`` (no event), freeing the scratch again."""
        _, pos, neg = self._buffers()
        sign_int8(w, self.prev, pos, neg)
        self._scratch = None

    def update(self, w: Vector, k: int) -> None:
        """Note the sign of ``w`` after step ``k``."""
        cur, pos, neg = self._buffers()
        sign_int8(w, cur, pos, neg)
        self.observe(cur, k)

    @classmethod
    def counts_only(cls, n: int, n_steps: int) -> _SignWatch:
        """A watch without signs of its own, for a caller that keeps the signs of the step
        before and passes them to :meth:`note_changes`."""
        watch = object.__new__(cls)
        watch._scratch = None
        watch.prev = cast("Int8", np.empty(0, dtype=np.int8))
        watch._counters(n, n_steps)
        return watch

    def _counters(self, n: int, n_steps: int) -> None:
        # Small dtypes: this runs on 10^7 weights too. Step numbers and flip counts are at
        # most n_steps, so the smallest signed integer holding it will do (-1: never): int8
        # for the usual 100 steps keeps 3 x 10 MB per 10^7 weights instead of 3 x 40 MB.
        index = next(t for t in (np.int8, np.int16, np.int32) if np.iinfo(t).max >= n_steps)
        self.first_zero: Counts = cast("Counts", np.full(n, -1, dtype=index))
        self.first_flip: Counts = cast("Counts", np.full(n, -1, dtype=index))
        self.flips: Counts = cast("Counts", np.zeros(n, dtype=index))

    def observe(self, sign: Int8, k: int) -> None:
        """Note ``sign``, the sign of ``w`` after step ``k`` (steps in order)."""
        idx = self._changed(sign)
        if idx.size:
            self.note(idx, sign[idx], self.prev[idx], k)
            self.prev[idx] = sign[idx]  # elsewhere prev already equals sign

    def note_changes(self, sign: Vector, before: Vector, k: int) -> None:
        """Note ``sign``, the sign of ``w`` after step ``k``, against ``before``, its sign
        one step earlier (float64 arrays of -1, 0, 1)."""
        changed = sign != before
        if changed.any():
            idx = np.flatnonzero(changed)
            self.note(idx, sign[idx], before[idx], k)

    def note(
        self, idx: NDArray[np.intp], new: NDArray[Any], old: NDArray[Any], k: int | NDArray[Any]
    ) -> None:
        """The bookkeeping of the weights ``idx`` whose sign went from ``old`` to ``new`` at
        step ``k`` (or at steps ``k``, one per change, in step order: a weight may repeat)."""
        steps = np.broadcast_to(k, idx.shape)
        landed = new == 0
        if landed.any():
            weights, first, _ = _by_weight(idx[landed], steps[landed])
            _first(self.first_zero, weights, first)
        flipped = new * old < 0  # -1 <-> 1
        if flipped.any():
            weights, first, counts = _by_weight(idx[flipped], steps[flipped])
            self.flips[weights] += counts.astype(self.flips.dtype)
            _first(self.first_flip, weights, first)

    def _changed(self, sign: Int8) -> NDArray[np.intp]:
        """Indices where ``sign`` differs from ``prev``, found eight signs at a time.

        Comparing the int8 signs as int64 words and looking inside only the words that
        differ costs a tenth of a full-length ``flatnonzero`` (0.04 ms against 0.39 ms per
        step on 10^6 weights); only a few percent of the weights cross 0 in a step.
        """
        whole = sign.size - sign.size % 8
        cur_words, prev_words = sign[:whole].view(np.int64), self.prev[:whole].view(np.int64)
        words = np.flatnonzero(cur_words != prev_words)
        inside = cur_words[words].view(np.int8) != prev_words[words].view(np.int8)
        at = np.flatnonzero(inside)
        idx = words[at // 8] * 8 + at % 8
        tail = whole + np.flatnonzero(sign[whole:] != self.prev[whole:])
        return np.concatenate((idx, tail)) if tail.size else idx

    def part(self, part: slice) -> _SignWatch:
        """A watch over one chunk of the weights, writing into this one's arrays (views)."""
        view = object.__new__(_SignWatch)
        view._scratch = None
        view.prev = self.prev[part]
        view.first_zero = self.first_zero[part]
        view.first_flip = self.first_flip[part]
        view.flips = self.flips[part]
        return view

    def result(self, w: Vector) -> SignEvents:
        return SignEvents(self.first_zero, self.first_flip, self.flips, w == 0)


@dataclass(frozen=True)
class Trajectory:
    """The run of one penalty: the kept steps, their weights, and where it ended."""

    penalty: Penalty
    steps: tuple[int, ...]
    """Step numbers kept (``0`` first, the last step always)."""
    weights: Vector
    """Shape ``(len(steps), n)``: row ``k`` is ``w`` after ``steps[k]`` steps."""
    w_final: Vector
    fixed_point: Vector | None
    """With a quadratic loss: where the iteration converges (see :func:`fixed_point`)."""
    factor: float | None
    """Largest ``|1 - lr*(h + c*lam2)|``: what each step multiplies the distance by (L2 part)."""
    events: SignEvents | None
    stats: tuple[VectorStats, ...] | None = None
    """The summary numbers of each kept row, when the run computed them on the way (big
    runs do, while each chunk is in cache); ``None``: computed from the rows when shown."""

    def to_dict(self) -> dict[str, Any]:
        """The ``run`` entry (docs/design.md): ``penalty``, ``lam``, ``trajectory``, ``w_final``."""
        return {
            "penalty": self.penalty.kind.value,
            "lam": self.penalty.lam_json(),
            "trajectory": self.weights.tolist(),
            "w_final": self.w_final.tolist(),
        }


@dataclass(frozen=True)
class RunReport:
    """The inputs of a run and one :class:`Trajectory` per penalty."""

    w: Vector
    grad: Vector | None
    target: Vector | None
    lr: float
    n_steps: int
    every: int
    results: tuple[Trajectory, ...]

    def __getitem__(self, kind: PenaltyKind | str) -> Trajectory:
        """The trajectory of one penalty, e.g. ``report["l2"]``."""
        for result in self.results:
            if result.penalty.kind == kind:
                return result
        raise KeyError(kind)

    @property
    def steps(self) -> tuple[int, ...]:
        """The step numbers kept (the same for every penalty)."""
        return self.results[0].steps

    def to_dict(self) -> dict[str, Any]:
        """Inputs echoed, the kept step numbers, then ``results`` (docs/design.md)."""
        first = self.results[0].penalty
        data: dict[str, Any] = {
            "command": "run",
            "w": self.w.tolist(),
            "grad": None if self.grad is None else self.grad.tolist(),
            "target": None if self.target is None else self.target.tolist(),
            "lr": self.lr,
            "steps": self.n_steps,
            "every": self.every,
            "kept_steps": list(self.steps),
            "l2_form": first.l2_form.value,
            "l1_method": first.l1_method.value,
        }
        if self.target is not None:
            data["fixed_points"] = {
                r.penalty.kind.value: r.fixed_point.tolist()
                for r in self.results
                if r.fixed_point is not None
            }
        data["results"] = [r.to_dict() for r in self.results]
        return data


def fixed_point(penalty: Penalty, target: Vector) -> Vector:
    """Minimiser of ``1/2*||w - target||^2 + penalty(w)``, where a converging run ends.

    Setting the (sub)gradient ``w - t + c*lam2*w + lam1*s`` (``s`` in ``sign(w)``) to zero:

    - none: ``w* = t``; L2: ``w* = t / (1 + c*lam2)`` (``c = 2`` in the ``lambda`` form, so
      ``t / (1 + 2*lam)``; ``t / (1 + lam)`` in the ``half`` form);
    - L1: ``w* = soft(t, lam1) = sign(t)*max(|t| - lam1, 0)``;
    - elastic: ``w* = soft(t, lam1) / (1 + c*lam2)``.

    The proximal iteration's fixed points are exactly these minimisers; subgradient L1 only
    hovers around a zero within ``lr*lam1``.
    """
    elementwise(penalty, 1.0)
    shrunk = _soft_threshold(target, penalty.lam1) if penalty.has_l1 else target.copy()
    if penalty.has_l2:
        shrunk = np.asarray(shrunk / (1.0 + penalty.l2_form.coef * penalty.lam2), np.float64)
    return shrunk


def contraction(penalty: Penalty, lr: float, curvature: float) -> float:
    """``max |1 - lr*(h + c*lam2)|``: the factor one step applies to ``w - w*`` (L2 part).

    ``h`` is the data loss's curvature: 0 for a fixed gradient, 1 for ``1/2*||w - t||^2``.
    Above 1 the run diverges (the decay factor ``1 - 2*lr*lam`` turned past
    -1); L1's push of ``lr*lam1`` is bounded and does not change this.
    """
    with np.errstate(over="ignore"):  # a huge lam gives inf: a run that diverges
        c_lam2 = penalty.l2_form.coef * np.asarray(penalty.lam2) if penalty.has_l2 else 0.0
        return float(np.max(np.abs(1.0 - lr * (curvature + c_lam2))))


def default_every(n_steps: int, n_weights: int) -> int:
    """Every step for short runs; about :data:`DEFAULT_ROWS` rows for long ones; only the first
    and last step for big vectors (10^6 weights x 100 steps would be 800 MB)."""
    if n_weights >= BIG_VECTOR:
        return max(n_steps, 1)
    if n_steps <= SMALL_RUN_STEPS:
        return 1
    return math.ceil(n_steps / DEFAULT_ROWS)


def kept_steps(n_steps: int, every: int) -> tuple[int, ...]:
    """``0, every, 2*every, ...`` and always ``n_steps``."""
    steps = list(range(0, n_steps + 1, every))
    if steps[-1] != n_steps:
        steps.append(n_steps)
    return tuple(steps)


def _check_steps(n_steps: int, every: int | None) -> None:
    if n_steps < 0 or n_steps > MAX_STEPS:
        raise RegtraceError(f"steps must be between 0 and {MAX_STEPS:,}, not {n_steps}")
    if every is not None and every < 1:
        raise RegtraceError(f"every must be at least 1 (keep every step), not {every}")


def _diverges(penalty: Penalty, lr: float, factor: float, quadratic: bool) -> RegtraceError:
    c = "2*" if penalty.l2_form is L2Form.LAMBDA else ""
    if penalty.has_l2:
        rule = f"|1 - lr*(1 + {c}lam)|" if quadratic else f"|1 - {c}lr*lam|"
    else:
        rule = "|1 - lr|"  # the quadratic data loss alone (curvature 1)
    return RegtraceError(
        f"the {penalty.kind.label} run diverges from step 1: each step multiplies the distance "
        f"to the fixed point by {rule} = {factor:.6g} > 1, so the weights grow without bound; "
        "use a smaller lr or lam"
    )


def _overflow(penalty: Penalty, k: int) -> RegtraceError:
    return RegtraceError(
        f"the {penalty.kind.label} run overflows float64 at step {k} (a weight beyond 1.8e308 "
        "or NaN); use a smaller lr, lam or fewer steps"
    )


def _kept_rows(w0: Vector, keep: tuple[int, ...], into: Vector | None, fill: bool = True) -> Vector:
    """The array of kept weights, ``len(keep)`` rows, ``w_0`` first: ``into`` (whose first
    row holds ``w_0`` already, shared by several runs), or a new array (``w_0`` copied in
    unless not ``fill``: then the caller copies it)."""
    if into is not None:
        return into
    kept = np.empty((len(keep), w0.size), dtype=np.float64)
    if fill:
        kept[0] = w0
    return kept


def _trajectory(
    w0: Vector,
    grad: Vector | None,
    target: Vector | None,
    penalty: Penalty,
    lr: float,
    n_steps: int,
    keep: tuple[int, ...],
    rule_factory: RuleFactory,
    check_every: int,
    gradient: GradientFn | None = None,
    into: Vector | None = None,
    signs: bool = True,
) -> tuple[Vector, SignEvents | None]:
    """The loop, in place: the last row of the kept weights is the working vector, so a run
    that keeps only ``w_0`` and ``w_N`` holds two copies of ``w`` plus the rule's buffers.
    ``into`` (``len(keep)`` rows) replaces the fresh array, e.g. rows shared with other runs."""
    rule = rule_factory(penalty, lr)
    kept = _kept_rows(w0, keep, into)
    w = kept[-1]
    w[...] = w0
    g = grad if target is None and gradient is None else np.empty_like(w0)
    slot = 1
    watch = _SignWatch(w, n_steps) if signs and penalty.has_l1 else None
    # An L1 run below BIG_VECTOR weights settles cancellation noise every step, so a weight
    # that lands on 0 stays there as in exact arithmetic and its notes see no noise (3x the
    # cost of a step on 10^6 weights); other runs settle only the rows they keep.
    settle = penalty.has_l1 and w0.size < BIG_VECTOR
    last = np.empty_like(w0) if settle else None
    last_checked = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, n_steps + 1):
            kept_now = k == n_steps or (slot < len(keep) - 1 and keep[slot] == k)
            if last is not None:
                np.copyto(last, w)
            elif kept_now:
                last = w.copy()
            if gradient is not None:
                assert g is not None
                gradient(w, g)  # the data loss of a table, at the current w
            elif target is not None:
                assert g is not None
                np.subtract(w, target, out=g)  # gradient of 1/2*||w - target||^2
            assert g is not None
            rule(w, g)
            if settle:
                assert last is not None
                settle_noise(w, last)
            if watch is not None:
                before = getattr(rule, "sign_before", None)
                if before is None:
                    watch.update(w, k)
                elif k > 1:
                    watch.observe(before, k - 1)  # the rule's sign of w_(k-1), free
            if k % check_every == 0 or k == n_steps:
                if not np.isfinite(w).all():
                    raise _OverflowAt(last_checked)
                last_checked = k
            if slot < len(keep) - 1 and keep[slot] == k:
                kept[slot] = w
                if not settle and last is not None:
                    settle_noise(kept[slot], last)  # the row shown; w itself runs on
                    last = None
                slot += 1
            elif k == n_steps and not settle and last is not None:
                settle_noise(w, last)  # the last row is w itself, and the run is over
    if watch is None:
        return kept, None
    rule_saw_signs = getattr(rule, "sign_before", None) is not None
    del rule  # its buffers go before the watch makes its own for the last sign
    if n_steps > 0 and rule_saw_signs:
        watch.update(w, n_steps)  # the rule has not seen w_N
    return kept, watch.result(w)


# The fast path for big vectors
# -----------------------------
# With a fixed gradient or a target, each weight's update needs nothing from the others, so
# a big run makes all its steps on one cache-sized chunk before it moves to the next: the
# weights cross memory once instead of once per step. Each step is the two-operation form
# ``w = a*w - b`` with the decay factor ``a = 1 - lr*(h + c*lam2)`` (``h``: 1 with a target,
# else 0) and ``b = lr*g`` (or ``-lr*target``) computed once per chunk; L1 subtracts
# ``lr*lam1*sign(w)`` and proximal L1 soft-thresholds as in the general loop.
#
# Agreement with the general loop (``w - lr*(c*lam2*w + lam1*sign(w) + g)`` in four passes,
# which the one-step trace shows): both round a handful of products and sums of the same
# terms, so from the same ``w`` one step of each differs by at most
# ``FAST_STEP_ULPS * eps * (|w| + lr*|g| + lr*lam1)`` per weight (``eps = 2^-52``; the
# property test in tests/test_fast_run.py checks it). L2, none and proximal L1 are
# non-expansive when the run converges, so after N steps the two differ by at most N times
# that. Subgradient L1 is discontinuous at 0: a weight within that bound of 0 may take the
# other sign in one path, after which the two differ by ``2*lr*lam1`` for that weight.
FAST_STEP_ULPS = 4


def _fast_path(rule: RuleFactory, gradient: GradientFn | None, w0: Vector) -> bool:
    """Whether a run takes the chunk-at-a-time loop: plain gradient descent, a data gradient
    that is elementwise (fixed or a target), and a big vector (small runs keep the general
    loop, whose numbers the one-step trace reproduces bit for bit)."""
    return rule is gradient_descent and gradient is None and w0.size >= BIG_VECTOR


@dataclass(frozen=True)
class _Blocked:
    """The constants of the two-operation update ``w = a*w - b - s*sign(w)``, whole-vector
    strengths kept as they are (cut per chunk)."""

    a: Strength | None
    s: Strength | None
    threshold: Strength | None
    grad: Vector | None
    target: Vector | None

    @classmethod
    def of(
        cls, penalty: Penalty, lr: float, grad: Vector | None, target: Vector | None
    ) -> _Blocked:
        form = elementwise(penalty, lr)
        curvature = 0.0 if target is None else 1.0
        decay: Strength | None = None
        if form.l2_coef is not None:
            decay = 1.0 - lr * (curvature + form.l2_coef)
        elif target is not None:
            decay = 1.0 - lr
        s = None if form.l1_sub is None else lr * form.l1_sub
        return cls(decay, s, form.threshold, grad, target)


def _chunk_steps(
    consts: _Blocked,
    lr: float,
    w: Vector,
    part: slice,
    n_steps: int,
    keep: tuple[int, ...],
    kept: Vector | None,
    watch: _SignWatch | None,
    check: bool,
    partials: Vector | None = None,
) -> int | None:
    """All ``n_steps`` steps on the chunk ``w`` (in place), writing the kept rows of this
    chunk into ``kept``, their summary partial results into ``partials`` (one row per kept
    step) and the sign changes into ``watch`` (views of this chunk). Returns a step by which
    some weight turned non-finite (``None``: none did); with ``check`` it tests every step,
    so that is the first such step."""
    size = w.size
    if consts.grad is not None:
        b = np.multiply(consts.grad[part], lr)  # lr*g, once per chunk
    else:
        assert consts.target is not None
        b = np.multiply(consts.target[part], -lr)  # w - lr*(w - t) = (1 - lr)*w + lr*t
    a = _chunk(consts.a, part) if consts.a is not None else None
    s = _chunk(consts.s, part) if consts.s is not None else None
    threshold = _chunk(consts.threshold, part) if consts.threshold is not None else None
    # Subgradient L1: the push lr*lam1*sign(w) + lr*g changes only where a sign does.
    push = None if s is None else _Push(w, s, b, watch is not None)
    # Proximal L1 with a watch: the signs after each step, and one step earlier (float64).
    sign = np.empty(size) if threshold is not None and watch is not None else None
    before = np.sign(w) if sign is not None else None
    last = np.empty(size)
    if partials is not None:
        block_partials(w, partials[0], last)
    slot = 1
    for k in range(1, n_steps + 1):
        kept_now = k == n_steps or (slot < len(keep) - 1 and keep[slot] == k)
        if kept_now:
            np.copyto(last, w)  # settle_noise measures the kept rows against w_(k-1)
        if push is not None:
            if k > 1:
                push.follow(w, k - 1)  # the signs of w_(k-1)
            if a is not None:
                w *= a
            w -= push.value
        else:
            if a is not None:
                w *= a
            w -= b
        if threshold is not None:
            w[...] = _soft_threshold(w, threshold)
            if watch is not None:
                assert sign is not None and before is not None
                np.sign(w, out=sign)
                watch.note_changes(sign, before, k)
                sign, before = before, sign
        if (check or k == n_steps) and not np.isfinite(w).all():
            return k  # non-finite stays so: the last step tests the whole run (then replay)
        if slot < len(keep) - 1 and keep[slot] == k:
            if kept is not None:
                row = kept[slot, part]
                row[...] = w
                settle_noise(row, last)  # the row shown; w itself runs on
                if partials is not None:
                    block_partials(row, partials[slot], last)
            slot += 1
        elif k == n_steps:
            settle_noise(w, last)  # the last row is w itself, and the run is over
            if partials is not None:
                block_partials(w, partials[-1], last)
    if push is not None and watch is not None:
        if n_steps > 0:
            push.follow(w, n_steps)  # the loop has not seen w_N
        push.report(watch)
    return None


class _Push:
    """``lr*lam1*sign(w) + lr*g`` of one chunk under subgradient L1, kept up to date.

    A weight's sign can have changed since the step before only where ``w * sign_before``
    is not positive (a change of sign, or 0); one multiplication and one comparison find
    those few weights, and only they get a new sign and push (the same floats as computing
    all of them again: ``sign*s + b``, elementwise). When more than an eighth of the
    weights are flagged (a strong ``lam`` holds many at 0, flipping), every sign is taken
    afresh for the next few steps instead. With ``log`` the changes are kept and noted in a
    watch at the end (:meth:`report`): a few calls per block instead of per step.
    """

    DENSE_STEPS = 8

    def __init__(self, w: Vector, s: Strength, b: Vector, log: bool) -> None:
        self.s, self.b = s, b
        self.sign = np.sign(w)
        self.value = np.multiply(self.sign, s)
        self.value += b
        self._product = np.empty(w.size)
        self._suspect = np.empty(w.size, dtype=np.bool_)
        self._log: list[tuple[NDArray[np.intp], Vector, Vector, int]] | None = [] if log else None
        self._dense_until = 0

    def follow(self, w: Vector, k: int) -> None:
        """Take the signs of ``w``, the weights after step ``k``."""
        if k < self._dense_until:
            self._all_signs(w, k)
            return
        np.multiply(w, self.sign, out=self._product)
        np.less_equal(self._product, 0.0, out=self._suspect)
        idx = np.flatnonzero(self._suspect)
        if not idx.size:
            return
        if idx.size > w.size // 8:  # many weights at 0 (a strong lam): all signs afresh,
            self._dense_until = k + self.DENSE_STEPS  # for a few steps without looking
            self._all_signs(w, k)
            return
        new, old = np.sign(w[idx]), self.sign[idx]
        if not old.all():  # a weight at 0 that stayed there is no change
            moved = new != old
            idx, new, old = idx[moved], new[moved], old[moved]
        if self._log is not None:
            self._log.append((idx, new, old, k))
        self.sign[idx] = new
        s = self.s[idx] if isinstance(self.s, np.ndarray) else self.s
        self.value[idx] = new * s + self.b[idx]

    def _all_signs(self, w: Vector, k: int) -> None:
        """:meth:`follow` for every weight: cheaper than picking out most of them."""
        new = np.sign(w, out=self._product)
        if self._log is not None:
            idx = np.flatnonzero(new != self.sign)
            self._log.append((idx, new[idx], self.sign[idx], k))
        self._product, self.sign = self.sign, new
        np.multiply(self.sign, self.s, out=self.value)
        self.value += self.b

    def report(self, watch: _SignWatch) -> None:
        """Note every change :meth:`follow` saw in ``watch``, in step order."""
        if not self._log:
            return
        idx, new, old = (np.concatenate([entry[i] for entry in self._log]) for i in range(3))
        steps = np.repeat([entry[3] for entry in self._log], [entry[0].size for entry in self._log])
        watch.note(idx, new, old, steps)
        self._log.clear()


def _block_size(n: int) -> int:
    """:data:`BLOCK`, or one summary chunk while that would leave a thread without a block."""
    whole = -(-n // BLOCK)
    return BLOCK if whole >= thread_count(-(-n // STATS_CHUNK)) else STATS_CHUNK


def _blocked_trajectory(
    w0: Vector,
    grad: Vector | None,
    target: Vector | None,
    penalty: Penalty,
    lr: float,
    n_steps: int,
    keep: tuple[int, ...],
    into: Vector | None,
    signs: bool,
    summaries: bool,
) -> tuple[Vector, SignEvents | None, tuple[VectorStats, ...] | None]:
    """The run block by block (see :data:`FAST_STEP_ULPS`), the blocks shared out among
    threads (:mod:`regtrace.engine.parallel`), with the summary of each kept row; raises
    :class:`_OverflowAt` with the last good step if some weight turns non-finite."""
    consts = _Blocked.of(penalty, lr, grad, target)
    kept = _kept_rows(w0, keep, into, fill=False)
    w = kept[-1]
    watch = _SignWatch.counts_only(w0.size, n_steps) if signs and penalty.has_l1 else None
    block = _block_size(w0.size)
    pieces = -(-w0.size // block)
    partials = np.zeros((len(keep), chunk_count(w0.size), PARTS)) if summaries else None
    per_block = block // STATS_CHUNK
    bad_steps: list[int] = []

    def piece(index: int) -> None:
        part = slice(index * block, (index + 1) * block)
        chunk = w[part]
        with np.errstate(over="ignore", invalid="ignore"):  # per thread
            if into is None and len(keep) > 1:
                kept[0, part] = w0[part]
            chunk[...] = w0[part]
            view = None if watch is None else watch.part(part)
            rows = (
                None
                if partials is None
                else partials[:, index * per_block : (index + 1) * per_block]
            )
            if _chunk_steps(consts, lr, chunk, part, n_steps, keep, kept, view, False, rows):
                chunk[...] = w0[part]
                bad = _chunk_steps(consts, lr, chunk, part, n_steps, keep, None, None, True)
                assert bad is not None
                bad_steps.append(bad)  # list.append is atomic

    for_each_piece(pieces, piece)
    if bad_steps:
        raise _OverflowAt(min(bad_steps) - 1)
    stats = None
    if partials is not None:
        stats = tuple(combine(partials[row], kept[row]) for row in range(len(keep)))
    return kept, None if watch is None else watch.result(w), stats


class _OverflowAt(Exception):
    """Internal: the weights turned non-finite after step ``after`` (found at a check)."""

    def __init__(self, after: int) -> None:
        super().__init__(after)
        self.after = after


def run_penalty(
    w0: Vector,
    grad: Vector | None,
    target: Vector | None,
    penalty: Penalty,
    lr: float,
    n_steps: int,
    every: int,
    rule: RuleFactory = gradient_descent,
    gradient: GradientFn | None = None,
    into: Vector | None = None,
    signs: bool = True,
    summaries: bool = True,
) -> Trajectory:
    """The run of one penalty from checked inputs; raises if it diverges or overflows.

    ``gradient`` (instead of ``grad`` or ``target``) computes the data gradient at each
    step, e.g. from a table; then the factor is the penalty's decay factor alone. ``into``
    holds the kept weights instead of a new array, its first row ``w_0`` already (see
    :func:`_shared_start`). Without
    ``signs`` the L1 sign changes are not watched (``events`` is ``None``), without
    ``summaries`` a big run leaves the rows' summary numbers to whoever shows them (``stats``
    is ``None``): for callers that never show them.
    """
    quadratic = target is not None
    factor = contraction(penalty, lr, 1.0 if quadratic else 0.0)
    # The factor is gradient descent's; another rule (an optimizer) has its own stability
    # condition, and the overflow check below still catches a blow-up, naming the step. A
    # data loss adds its own curvature, so only the overflow check applies there too.
    if factor > 1.0 and n_steps > 0 and rule is gradient_descent and gradient is None:
        raise _diverges(penalty, lr, factor, quadratic)
    keep = kept_steps(n_steps, every)
    check = _CHECK_EVERY_BIG if w0.size >= BIG_VECTOR else 1
    try:
        stats: tuple[VectorStats, ...] | None = None
        if _fast_path(rule, gradient, w0):
            kept, events, stats = _blocked_trajectory(
                w0, grad, target, penalty, lr, n_steps, keep, into, signs, summaries
            )
        else:
            kept, events = _trajectory(
                w0, grad, target, penalty, lr, n_steps, keep, rule, check, gradient, into, signs
            )
    except _OverflowAt as exc:
        if _fast_path(rule, gradient, w0):
            raise _overflow(penalty, exc.after + 1) from None  # the exact step already
        # Only the failure path pays for finding the exact step: replay with a check per step.
        try:
            _trajectory(w0, grad, target, penalty, lr, n_steps, keep, rule, 1, gradient, into)
        except _OverflowAt as exact:
            raise _overflow(penalty, exact.after + 1) from None
        raise _overflow(penalty, exc.after + 1) from None  # pragma: no cover - deterministic
    return Trajectory(
        penalty=penalty,
        steps=keep,
        weights=kept,
        w_final=kept[-1],
        fixed_point=None if target is None else fixed_point(penalty, target),
        factor=factor if penalty.has_l2 else None,
        events=events,
        stats=stats,
    )


def build_penalties(
    kinds: Sequence[PenaltyKind | str],
    n: int,
    lam: float | Vector,
    lam1: float | Vector | None,
    lam2: float | Vector | None,
    l2_form: L2Form | str,
    l1_method: L1Method | str,
) -> list[Penalty]:
    """One :class:`Penalty` per requested kind, in order, without repeats."""
    if not kinds:
        raise RegtraceError(f"no penalty given; {choose_from()}")
    return [
        Penalty.build(kind, n, lam, lam1=lam1, lam2=lam2, l2_form=l2_form, l1_method=l1_method)
        for kind in dict.fromkeys(kinds)
    ]


def check_data(
    w: Iterable[float] | Vector,
    grad: Iterable[float] | Vector | None,
    target: Iterable[float] | Vector | None,
) -> tuple[Vector, Vector | None, Vector | None]:
    """``w`` and exactly one of a fixed ``grad`` or a quadratic-loss ``target``."""
    w_arr = as_vector(w, "w")
    loss = "grad (a fixed data gradient) or target (the data loss 1/2*||w - target||^2)"
    if grad is not None and target is not None:
        raise RegtraceError(f"give either {loss}, not both")
    if grad is None and target is None:
        raise RegtraceError(f"give {loss}")
    g_arr = None if grad is None else as_vector(grad, "grad")
    t_arr = None if target is None else as_vector(target, "target")
    if g_arr is not None:
        check_same_length(w_arr, g_arr)
    if t_arr is not None and t_arr.shape != w_arr.shape:
        raise RegtraceError(
            f"w has {w_arr.size} values but target has {t_arr.size}; give one target per weight"
        )
    return w_arr, g_arr, t_arr


def _shared_start(w0: Vector, n_runs: int, keep: tuple[int, ...]) -> list[Vector | None]:
    """For runs that keep only ``w_0`` and ``w_N``: one ``w_0`` row for all of them.

    Each run gets a two-row view ``(w_0, its own w_N)`` of one ``(1 + n_runs, n)`` array, with
    a row stride that skips the other runs' rows: no copy, and on 10^7 weights one copy of
    ``w_0`` (80 MB) instead of one per penalty. Other runs get their own arrays (``None``).
    """
    if len(keep) != 2 or n_runs < 2:
        return [None] * n_runs
    rows = np.empty((1 + n_runs, w0.size), dtype=np.float64)
    rows[0] = w0
    step = rows.strides[0]
    return [
        np.lib.stride_tricks.as_strided(
            rows, shape=(2, w0.size), strides=(k * step, rows.strides[1])
        )
        for k in range(1, n_runs + 1)
    ]


def run(
    w: Iterable[float] | Vector,
    grad: Iterable[float] | Vector | None = None,
    *,
    target: Iterable[float] | Vector | None = None,
    steps: int = 10,
    every: int | None = None,
    lam: float | Vector = 0.01,
    lr: float = 0.1,
    penalties: Sequence[PenaltyKind | str] = DEFAULT_PENALTIES,
    lam1: float | Vector | None = None,
    lam2: float | Vector | None = None,
    l2_form: L2Form | str = L2Form.LAMBDA,
    l1_method: L1Method | str = L1Method.SUBGRADIENT,
    rule: RuleFactory = gradient_descent,
) -> RunReport:
    """``steps`` gradient steps of ``w`` under each penalty, keeping every ``every``-th step.

    Give a fixed data gradient ``grad`` or a ``target`` (data loss ``1/2*||w - target||^2``,
    gradient ``w - target``). Penalties and strengths as in :func:`regtrace.step`. Raises
    :class:`RegtraceError` if a run diverges (``|1 - lr*(h + c*lam)| > 1``) or overflows.

    >>> report = run([1.0], [0.0], lam=0.25, lr=1.0, steps=2, penalties=["l2"])
    >>> report["l2"].weights.tolist()   # each step multiplies by 1 - 2*1*0.25 = 0.5
    [[1.0], [0.5], [0.25]]
    """
    w_arr, g_arr, t_arr = check_data(w, grad, target)
    lr = check_lr(lr)
    _check_steps(steps, every)
    chosen = default_every(steps, w_arr.size) if every is None else every
    built = build_penalties(penalties, w_arr.size, lam, lam1, lam2, l2_form, l1_method)
    rows = _shared_start(w_arr, len(built), kept_steps(steps, chosen))
    results = tuple(
        run_penalty(w_arr, g_arr, t_arr, p, lr, steps, chosen, rule, into=rows[k])
        for k, p in enumerate(built)
    )
    return RunReport(w_arr, g_arr, t_arr, lr, steps, chosen, results)


__all__ = [
    "GradientFn",
    "RuleFactory",
    "RunReport",
    "SignEvents",
    "Trajectory",
    "UpdateRule",
    "contraction",
    "default_every",
    "fixed_point",
    "gradient_descent",
    "kept_steps",
    "run",
    "run_penalty",
]
