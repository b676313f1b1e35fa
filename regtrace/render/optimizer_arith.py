"""The substituted arithmetic of each optimizer quantity (``step --optimizer ... --show-work``).

Each expression is the framework's own formula with this weight's numbers put in, so that
``expression = value`` can be checked by hand (rules: regtrace/engine/conventions.py).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from regtrace.engine.frameworks import Convention, DecayMode, OptimizerKind
from regtrace.engine.optimizers import OptimizerSpec, OptimizerStep
from regtrace.engine.penalties import Strength, Vector
from regtrace.render.numfmt import paren

Num = Callable[[float], str]


def _at(value: Strength, i: int) -> float:
    return float(value[i]) if isinstance(value, np.ndarray) else float(value)


def _prev(vector: Vector | None, i: int) -> float:
    """A previous-state entry; a missing state is the frameworks' zero initialisation."""
    return 0.0 if vector is None else float(vector[i])


def _sum(num: Num, terms: list[float]) -> str:
    """``a + b - c`` from numbers, signs folded in."""
    text = num(terms[0])
    for term in terms[1:]:
        text += f" - {num(-term)}" if term < 0 else f" + {num(term)}"
    return text


def arithmetic(r: OptimizerStep, key: str, i: int, num: Num, x: str = "x") -> str | None:
    """``expression`` for quantity ``key`` of weight ``i``; ``None`` when there is none."""
    spec = r.spec
    keras = spec.convention is Convention.KERAS
    w, g, d = float(r.w[i]), float(r.grad[i]), float(r.full_grad[i])
    wd, lr, t = _at(spec.weight_decay, i), spec.lr, r.t
    p = paren

    def n(v: float) -> str:
        return p(num(v))

    if key == "penalty_grad":
        return None
    if spec.kind in (OptimizerKind.RMSPROP, OptimizerKind.ADAGRAD):
        return _scaled(r, key, i, num, x)
    if key == "decay_grad":
        return f"{num(wd)}{x}{n(w)}"
    if key == "full_grad":
        extra = [v for v in (float(r.penalty_grad[i]), float(r.decay_grad[i])) if v != 0]
        return _sum(num, [g, *extra]) if extra else None
    if key == "buf":
        before = _prev(r.previous.buf, i)
        if keras:
            return f"{num(spec.momentum)}{x}{n(before)} - {num(lr)}{x}{n(d)}"
        if spec.convention is Convention.OPTAX:
            return f"{num(d)} + {num(spec.momentum)}{x}{n(before)}"
        if r.previous.buf is None:
            return f"g = {num(d)}"  # torch: buf = grad.clone() on the first step
        return f"{num(spec.momentum)}{x}{n(before)} + {num(1 - spec.dampening)}{x}{n(d)}"
    if key == "direction":
        assert r.state.buf is not None
        return f"{num(d)} + {num(spec.momentum)}{x}{n(float(r.state.buf[i]))}"
    if key == "v_max":
        assert r.state.v_max is not None and r.state.v is not None
        source = (
            float(r.state.v[i])
            if not optax_max(spec)
            else float(r.state.v[i]) / (1 - spec.beta2**t)
        )
        return f"max({num(_prev(r.previous.v_max, i))}, {num(source)})"
    if key in ("m", "v"):
        before = _prev(getattr(r.previous, key), i)
        beta = spec.beta1 if key == "m" else spec.beta2
        new_text = n(d) if key == "m" else f"{n(d)}^2"
        if keras:
            return f"{num(before)} + ({new_text} - {n(before)}){x}{num(1 - beta)}"
        return f"{num(beta)}{x}{n(before)} + {num(1 - beta)}{x}{new_text}"
    if key in ("m_hat", "v_hat"):
        state = r.state.m if key == "m_hat" else r.state.v
        beta = spec.beta1 if key == "m_hat" else spec.beta2
        assert state is not None
        return f"{n(float(state[i]))}/(1 - {num(beta)}^{t})"
    if key == "denom":
        assert r.v_hat is not None and r.state.v is not None
        if keras:
            bc2 = 1 - spec.beta2**t
            return f"(sqrt({num(float(r.state.v[i]))}) + {num(spec.eps)})/sqrt({num(bc2)})"
        return f"sqrt({num(float(r.v_hat[i]))}) + {num(spec.eps)}"
    if key == "lr_eff":
        assert r.denom is not None
        return f"{num(lr)}/{num(float(r.denom[i]))}"
    if key == "optimizer_step":
        return _optimizer_step(r, i, num, x)
    if key == "decay_step":
        return f"-{num(lr)}{x}{num(wd)}{x}{n(w)}"
    if key == "step":
        if spec.decay is not DecayMode.DECOUPLED:
            return None
        return _sum(num, [float(r.optimizer_step[i]), float(r.decay_step[i])])
    if key == "w_new":
        return f"{num(w)} + {n(float(r.step[i]))}"
    return None


def optax_max(spec: OptimizerSpec) -> bool:
    """optax's AMSGrad keeps the max of the bias-corrected nu_hat (transform.py)."""
    return spec.convention is Convention.OPTAX


def _scaled(r: OptimizerStep, key: str, i: int, num: Num, x: str) -> str | None:
    """RMSprop's and Adagrad's quantities (rules: regtrace/engine/frameworks.py)."""
    spec, p = r.spec, paren
    d = float(r.full_grad[i])
    torch = spec.convention is Convention.TORCH
    eps = num(spec.eps)
    if key == "buf" and r.denom is not None:
        before, mom, rate = num(_prev(r.previous.buf, i)), num(spec.momentum), num(spec.lr)
        root = num(float(r.denom[i]))
        if torch:
            return f"{mom}{x}{p(before)} + {p(num(d))}/{root}"
        if spec.convention is Convention.KERAS:
            return f"{mom}{x}{p(before)} + {rate}{x}{p(num(d))}/{root}"
        return f"-{rate}{x}{p(num(d))}/{root} + {mom}{x}{p(before)}"
    if key == "v":
        rho = float(spec.value("rho"))
        return f"{num(rho)}{x}{p(num(_prev(r.previous.v, i)))} + {num(1 - rho)}{x}{p(num(d))}^2"
    if key == "g_avg":
        rho = float(spec.value("rho"))
        return f"{num(rho)}{x}{p(num(_prev(r.previous.g_avg, i)))} + {num(1 - rho)}{x}{p(num(d))}"
    if key == "acc":
        start = r.previous.acc
        acc0 = float(spec.value("initial_accumulator_value")) if start is None else float(start[i])
        return f"{num(acc0)} + {p(num(d))}^2"
    if key == "denom":
        if spec.kind is OptimizerKind.ADAGRAD:
            assert r.state.acc is not None
            inner = num(float(r.state.acc[i]))
        else:
            assert r.state.v is not None
            inner = num(float(r.state.v[i]))
            if r.state.g_avg is not None:
                inner += f" - {p(num(float(r.state.g_avg[i])))}^2"
        return f"sqrt({inner}) + {eps}" if torch else f"sqrt({inner} + {eps})"
    if key == "lr_eff":
        assert r.denom is not None
        clr = spec.lr
        if spec.kind is OptimizerKind.ADAGRAD and torch and spec.value("lr_decay") != 0:
            clr = clr / (1 + (r.t - 1) * float(spec.value("lr_decay")))
        return f"{num(clr)}/{num(float(r.denom[i]))}"
    if key == "optimizer_step" and r.lr_eff is not None and r.state.buf is None:
        return f"-{num(float(r.lr_eff[i]))}{x}{p(num(d))}"
    if key == "w_new":
        return f"{num(float(r.w[i]))} + {p(num(float(r.step[i])))}"
    if key == "decay_grad":
        return f"{num(_at(spec.weight_decay, i))}{x}{p(num(float(r.w[i])))}"
    return None


def _optimizer_step(r: OptimizerStep, i: int, num: Num, x: str) -> str | None:
    """The optimizer's own move for weight ``i``."""
    spec, lr = r.spec, r.spec.lr
    if spec.kind.adaptive:
        assert r.lr_eff is not None and r.m_hat is not None
        return f"-{num(float(r.lr_eff[i]))}{x}{paren(num(float(r.m_hat[i])))}"
    if spec.convention is Convention.KERAS and spec.kind.has_momentum:
        assert r.state.buf is not None
        vel = paren(num(float(r.state.buf[i])))
        if spec.kind is OptimizerKind.NESTEROV:
            return f"{num(spec.momentum)}{x}{vel} - {num(lr)}{x}{paren(num(float(r.grad[i])))}"
        return None  # w += velocity: the velocity row is the move
    if spec.kind is OptimizerKind.NESTEROV:
        return f"-{num(lr)}{x}{paren(num(float(r.direction[i])))}"
    if spec.kind.has_momentum:
        assert r.state.buf is not None
        return f"-{num(lr)}{x}{paren(num(float(r.state.buf[i])))}"
    return f"-{num(lr)}{x}{paren(num(float(r.full_grad[i])))}"
