"""``--optimizer ...``: option text to the update rule of a problem.

Imported only when a command runs (it loads NumPy through the engine).
"""

from __future__ import annotations

from typing import TypedDict

from regtrace.cli.inputs import parse_choices
from regtrace.cli.optimizer_options import OptimizerOptions
from regtrace.engine.frameworks import Convention, OptimizerKind
from regtrace.engine.optimizer_spec import OptimizerState
from regtrace.engine.penalties import Vector
from regtrace.engine.problem import OptimizerSettings, OptimizerUpdate
from regtrace.errors import RegtraceError
from regtrace.parse.numbers import parse_scalar, parse_vector, parse_vector_or_scalar


def parse_optimizers(first: str | None, compare: str | None) -> tuple[OptimizerKind, ...]:
    """``--optimizer adam --compare adamw,sgd`` to optimizer kinds, in order, no repeats."""
    kinds = [OptimizerKind(first or "sgd")]
    if compare is not None:
        kinds += parse_choices(compare, OptimizerKind, "--compare", "optimizer")
    return tuple(dict.fromkeys(kinds))


def _scalar(text: str | None, name: str) -> float | None:
    return None if text is None else parse_scalar(text, name)


def starting_state(options: OptimizerOptions, kinds: tuple[OptimizerKind, ...]) -> OptimizerState:
    """The state before the traced step: ``--t``, ``--buf``, ``--m``, ``--v``."""
    t = 1 if options.t is None else options.t
    given = [f"--{n}" for n in ("buf", "m", "v") if getattr(options, n) is not None]
    if options.buf is not None and not any(k.has_momentum for k in kinds):
        raise RegtraceError(
            "--buf is a momentum buffer; use it with --optimizer momentum or nesterov"
        )
    if (options.m is not None or options.v is not None) and not any(k.adaptive for k in kinds):
        raise RegtraceError(
            "--m and --v are Adam's moments; use them with --optimizer adam or adamw"
        )
    if (options.m is None) != (options.v is None):
        raise RegtraceError("Adam needs both --m and --v from the previous step, or neither")
    if given and t < 2:
        raise RegtraceError(
            f"{' and '.join(given)} come from earlier steps: give --t, the number of the step "
            "traced now (2 or more)"
        )
    if not given and t > 1:
        raise RegtraceError(
            f"--t {t} needs the state of step {t - 1}: give --buf (momentum) or --m and --v (Adam)"
        )
    return OptimizerState(
        t=t - 1,
        buf=None if options.buf is None else parse_vector(options.buf, "--buf"),
        m=None if options.m is None else parse_vector(options.m, "--m"),
        v=None if options.v is None else parse_vector(options.v, "--v"),
    )


class _Settings(TypedDict):
    momentum: float | None
    dampening: float | None
    beta1: float | None
    beta2: float | None
    eps: float | None
    weight_decay: float | Vector | None


def _settings(options: OptimizerOptions) -> _Settings:
    """The hyper-parameters as typed, parsed (``None`` where not given: the defaults apply)."""
    return _Settings(
        momentum=_scalar(options.momentum, "--momentum"),
        dampening=_scalar(options.dampening, "--dampening"),
        beta1=_scalar(options.beta1, "--beta1"),
        beta2=_scalar(options.beta2, "--beta2"),
        eps=_scalar(options.eps, "--eps"),
        weight_decay=None
        if options.weight_decay is None
        else parse_vector_or_scalar(options.weight_decay, "--weight-decay"),
    )


def optimizer_update(options: OptimizerOptions) -> OptimizerUpdate:
    """The optimizers the options ask for (``--compare`` adds to ``--optimizer``), their
    settings and the state before the first step."""
    kinds = parse_optimizers(options.optimizer, options.compare)
    return OptimizerUpdate(
        kinds=kinds,
        convention=Convention(options.convention or "torch"),
        settings=OptimizerSettings(**_settings(options)),
        state=starting_state(options, kinds),
    )
