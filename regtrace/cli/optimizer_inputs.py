"""``--optimizer ...``: option text to the update rule of a problem.

Imported only when a command runs (it loads NumPy through the engine).
"""

from __future__ import annotations

from regtrace.cli.inputs import parse_choices
from regtrace.cli.optimizer_options import OptimizerOptions
from regtrace.engine.frameworks import Convention, OptimizerKind
from regtrace.engine.optimizer_params import STATE_OPTIONS, hyper_options, or_list
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


def starting_state(options: OptimizerOptions, kinds: tuple[OptimizerKind, ...]) -> OptimizerState:
    """The state before the traced step: ``--t`` and the state options (``--buf``, ``--m``,
    ``--v``, ``--v-max``, ``--g-avg``, ``--acc``)."""
    t = 1 if options.t is None else options.t
    texts = {name: text for name, text in options.states.items() if text is not None}
    given = [f"--{n.replace('_', '-')}" for n in texts]
    if {"m", "v"} <= texts.keys() and not any(k.adaptive for k in kinds):
        raise RegtraceError(
            "--m and --v are Adam's moments; use them with --optimizer adam or adamw"
        )
    for opt in STATE_OPTIONS:
        if opt.name in texts and not any(k in opt.kinds for k in kinds):
            raise RegtraceError(
                f"{opt.flag} is {opt.what}; use it with --optimizer "
                f"{or_list([k.value for k in opt.kinds])}"
            )
    if any(k.adaptive for k in kinds) and ("m" in texts) != ("v" in texts):
        raise RegtraceError("Adam needs both --m and --v from the previous step, or neither")
    if given and t < 2:
        raise RegtraceError(
            f"{' and '.join(given)} come from earlier steps: give --t, the number of the step "
            "traced now (2 or more)"
        )
    if not given and t > 1:
        kept = [o for o in STATE_OPTIONS if any(k in o.kinds for k in kinds)]
        if not kept:
            raise RegtraceError(
                f"--t {t}: {or_list([k.value for k in kinds])} keeps no state between steps, "
                "so every step is step 1; leave out --t"
            )
        states = ", ".join(f"{o.flag} ({o.what})" for o in kept)
        raise RegtraceError(f"--t {t} needs the state of step {t - 1}: give {states}")
    vectors = {
        name: parse_vector(text, f"--{name.replace('_', '-')}") for name, text in texts.items()
    }
    return OptimizerState(t=t - 1, **vectors)


def _weight_decay(options: OptimizerOptions) -> float | Vector | None:
    text = options.weight_decay
    return None if text is None else parse_vector_or_scalar(text, "--weight-decay")


def _hyper(options: OptimizerOptions) -> dict[str, float | bool | None]:
    """The hyper-parameters as typed, parsed (``None`` where not given: the defaults apply)."""
    out: dict[str, float | bool | None] = {}
    for opt in hyper_options():
        value = options.hyper.get(opt.name)
        if isinstance(value, str):
            out[opt.name] = parse_scalar(value, opt.cli)
        else:
            out[opt.name] = True if value else None
    return out


def optimizer_update(options: OptimizerOptions) -> OptimizerUpdate:
    """The optimizers the options ask for (``--compare`` adds to ``--optimizer``), their
    settings and the state before the first step."""
    kinds = parse_optimizers(options.optimizer, options.compare)
    return OptimizerUpdate(
        kinds=kinds,
        convention=Convention(options.convention or "torch"),
        settings=OptimizerSettings(hyper=_hyper(options), weight_decay=_weight_decay(options)),
        state=starting_state(options, kinds),
    )
