"""RMSprop, Adagrad and AMSGrad in the Keras and optax conventions, against hand derivations.

Keras 3 and optax are not installed here, so each expected number is worked out in the
comment above it from the framework's own source (keras/src/optimizers/rmsprop.py,
adagrad.py, adam.py; optax/_src/alias.py rmsprop/adagrad/amsgrad and optax/_src/transform.py
scale_by_rms, scale_by_stddev, scale_by_rss, scale_by_amsgrad). The PyTorch convention is
checked against real PyTorch in tests/test_torch_reference.py. The anchor is the built-in
example: w = [2.5, -0.8, 0.1], g = [-0.2, 0.1, -0.05], lr = 0.1, the same gradient each step.
"""

from __future__ import annotations

import json
from math import sqrt

import numpy as np
import pytest
from numpy.testing import assert_allclose

from regtrace import RegtraceError
from regtrace.engine.optimizers import OptimizerSpec, optimize
from tests.conftest import invoke

W = np.array([2.5, -0.8, 0.1])
G = np.array([-0.2, 0.1, -0.05])
CLOSE = {"rtol": 1e-12, "atol": 1e-15}


def trajectory(kind: str, convention: str, steps: int = 2, **kw: float | bool) -> list[np.ndarray]:
    """``steps`` steps from W with the constant gradient G and lr = 0.1."""
    wd = kw.pop("weight_decay", None)
    spec = OptimizerSpec.build(
        kind,
        convention,
        lr=0.1,
        n=3,
        weight_decay=None if wd is None else float(wd),
        **kw,
    )
    return optimize(W, [G] * steps, spec).trajectory


# -- RMSprop ---------------------------------------------------------------------------------


def test_keras_rmsprop_puts_eps_inside_the_root() -> None:
    """keras rmsprop.py (rho 0.9, epsilon 1e-7): velocity = 0.1*g^2 = [0.004, 0.001, 0.00025];
    w -= lr*g/sqrt(velocity + eps). Step 2: velocity = 0.9*0.1*g^2 + 0.1*g^2 = 0.19*g^2."""
    w1, w2 = trajectory("rmsprop", "keras")[1:]
    expected1 = [
        2.5 + 0.02 / sqrt(0.004 + 1e-7),
        -0.8 - 0.01 / sqrt(0.001 + 1e-7),
        0.1 + 0.005 / sqrt(0.00025 + 1e-7),
    ]
    assert_allclose(w1, expected1, **CLOSE)
    expected2 = [
        expected1[0] + 0.02 / sqrt(0.0076 + 1e-7),
        expected1[1] - 0.01 / sqrt(0.0019 + 1e-7),
        expected1[2] + 0.005 / sqrt(0.000475 + 1e-7),
    ]
    assert_allclose(w2, expected2, **CLOSE)


def test_keras_centered_rmsprop_with_momentum() -> None:
    """keras rmsprop.py, centered, momentum 0.5, weight w0 (g = -0.2):
    step 1: velocity 0.004, average_gradient 0.1*(-0.2) = -0.02, denominator
    0.004 - 0.0004 + 1e-7 = 0.0036001, increment = 0.1*(-0.2)/sqrt(0.0036001),
    momentum = increment, w -= momentum.
    step 2: velocity 0.9*0.004 + 0.1*0.04 = 0.0076, average_gradient 0.9*(-0.02) + 0.1*(-0.2)
    = -0.038, denominator 0.0076 - 0.001444 + 1e-7 = 0.0061561, momentum = 0.5*momentum_1 +
    (-0.02)/sqrt(0.0061561)."""
    t = trajectory("rmsprop", "keras", centered=True, momentum=0.5)
    mom1 = -0.02 / sqrt(0.0036001)
    mom2 = 0.5 * mom1 - 0.02 / sqrt(0.0061561)
    assert t[1][0] == pytest.approx(2.5 - mom1, rel=1e-12)
    assert t[2][0] == pytest.approx(2.5 - mom1 - mom2, rel=1e-12)


def test_optax_rmsprop_momentum_traces_after_the_learning_rate() -> None:
    """optax alias.py rmsprop: chain(scale_by_rms(0.9, 1e-8), scale_by_learning_rate, trace(0.9)).
    w0: nu_1 = 0.1*0.04 = 0.004, update -0.1*(-0.2)/sqrt(0.004 + 1e-8) = 0.02/sqrt(0.00400001),
    trace_1 = that; nu_2 = 0.19*0.04 = 0.0076, trace_2 = 0.02/sqrt(0.00760001) + 0.9*trace_1."""
    spec = OptimizerSpec.build("rmsprop", "optax", lr=0.1, n=3, momentum=0.9)
    run = optimize(W, [G, G], spec)
    tr1 = 0.02 / sqrt(0.00400001)
    tr2 = 0.02 / sqrt(0.00760001) + 0.9 * tr1
    assert run.steps[0].state.buf is not None and run.steps[1].state.buf is not None
    assert run.steps[0].state.buf[0] == pytest.approx(tr1, rel=1e-12)
    assert run.steps[1].state.buf[0] == pytest.approx(tr2, rel=1e-12)
    assert run.w_final[0] == pytest.approx(2.5 + tr1 + tr2, rel=1e-12)
    assert [t.name for t in spec.chain] == ["scale_by_rms", "scale_by_learning_rate", "trace"]


def test_optax_centered_rmsprop_is_scale_by_stddev() -> None:
    """optax transform.py scale_by_stddev: g*rsqrt(nu - mu^2 + eps). w1 (g = 0.1): nu 0.001,
    mu 0.01, nu - mu^2 + 1e-8 = 0.00090001, w = -0.8 - 0.1*0.1/sqrt(0.00090001)."""
    w1 = trajectory("rmsprop", "optax", steps=1, centered=True)[1]
    assert w1[1] == pytest.approx(-0.8 - 0.01 / sqrt(0.00090001), rel=1e-12)


def test_eps_placement_separates_the_three_frameworks() -> None:
    """With eps = 0.01 and g = 0.1 (w1): torch alpha 0.9 divides by sqrt(0.001) + 0.01;
    Keras and optax (rho/decay 0.9) by sqrt(0.001 + 0.01)."""
    torch = trajectory("rmsprop", "torch", steps=1, rho=0.9, eps=0.01)[1][1]
    keras = trajectory("rmsprop", "keras", steps=1, eps=0.01)[1][1]
    optax = trajectory("rmsprop", "optax", steps=1, eps=0.01)[1][1]
    assert torch == pytest.approx(-0.8 - 0.01 / (sqrt(0.001) + 0.01), rel=1e-12)
    assert keras == pytest.approx(-0.8 - 0.01 / sqrt(0.011), rel=1e-12)
    assert optax == pytest.approx(keras, rel=1e-12)


# -- Adagrad ---------------------------------------------------------------------------------


@pytest.mark.parametrize("convention", ["keras", "optax"])
def test_keras_and_optax_adagrad_start_the_sum_at_a_tenth(convention: str) -> None:
    """keras adagrad.py and optax scale_by_rss: accumulator 0.1 + g^2 = [0.14, 0.11, 0.1025],
    w -= lr*g/sqrt(accumulator + 1e-7); step 2 adds g^2 again: [0.18, 0.12, 0.105]."""
    w1, w2 = trajectory("adagrad", convention)[1:]
    expected1 = [
        2.5 + 0.02 / sqrt(0.1400001),
        -0.8 - 0.01 / sqrt(0.1100001),
        0.1 + 0.005 / sqrt(0.1025001),
    ]
    assert_allclose(w1, expected1, **CLOSE)
    assert w2[0] == pytest.approx(expected1[0] + 0.02 / sqrt(0.1800001), rel=1e-12)


def test_adagrad_weight_decay_keras_decoupled_optax_coupled() -> None:
    """wd = 0.1. Keras (base_optimizer.py): w <- w - w*0.1*0.1 = 0.99*w first, then the
    Adagrad step on g: w0 = 2.475 + 0.02/sqrt(0.1400001).
    optax (add_decayed_weights chained first): g' = g + 0.1*w = 0.05 for w0, sum 0.1025,
    w0 = 2.5 - 0.1*0.05/sqrt(0.1025001)."""
    keras = trajectory("adagrad", "keras", steps=1, weight_decay=0.1)[1]
    optax = trajectory("adagrad", "optax", steps=1, weight_decay=0.1)[1]
    assert keras[0] == pytest.approx(2.475 + 0.02 / sqrt(0.1400001), rel=1e-12)
    assert optax[0] == pytest.approx(2.5 - 0.005 / sqrt(0.1025001), rel=1e-12)


def test_optax_adagrad_leaves_a_zero_sum_alone() -> None:
    """scale_by_rss: where(sum > 0, rsqrt(sum + eps), 0): initial 0 and g = 0 moves nothing."""
    spec = OptimizerSpec.build("adagrad", "optax", lr=0.1, n=1, initial_accumulator_value=0.0)
    assert optimize([1.0], [[0.0]], spec).w_final[0] == 1.0


def test_torch_adagrad_lr_decay_by_hand() -> None:
    """torch adagrad.py, lr_decay 0.5, w0: step 1 clr = 0.1, sum 0.04, w = 2.5 + 0.1*0.2/(0.2 +
    1e-10); step 2 clr = 0.1/1.5, sum 0.08, w -= clr*(-0.2)/(sqrt(0.08) + 1e-10)."""
    w1, w2 = trajectory("adagrad", "torch", lr_decay=0.5)[1:]
    assert w1[0] == pytest.approx(2.5 + 0.02 / (0.2 + 1e-10), rel=1e-12)
    assert w2[0] == pytest.approx(w1[0] + (0.1 / 1.5) * 0.2 / (sqrt(0.08) + 1e-10), rel=1e-12)


# -- AMSGrad ---------------------------------------------------------------------------------


def test_amsgrad_keras_keeps_max_of_v_optax_of_v_hat() -> None:
    """beta1 = 0 (m = g), beta2 = 0.5, gradients 1 then 0.1, one weight from 0.
    Keras adam.py: v1 = 0.5; v2 = 0.5 + (0.01 - 0.5)*0.5 = 0.255; velocity_hat = max(0.5,
    0.255) = 0.5; alpha2 = 0.1*sqrt(1 - 0.25) so w2 = w1 - 0.1*alpha2/(sqrt(0.5) + 1e-7).
    optax scale_by_amsgrad: nu_hat1 = 0.5/0.5 = 1; nu_hat2 = 0.255/0.75 = 0.34; nu_max =
    max(1, 0.34) = 1, so step 2 moves by 0.1*0.1/(1 + 1e-8)."""

    def steps(convention: str, amsgrad: bool) -> list[float]:
        spec = OptimizerSpec.build(
            "adam", convention, lr=0.1, beta1=0.0, beta2=0.5, amsgrad=amsgrad or None
        )
        return [float(w[0]) for w in optimize([0.0], [[1.0], [0.1]], spec).trajectory]

    keras = steps("keras", True)
    w1 = -(0.1 * sqrt(0.5)) / (sqrt(0.5) + 1e-7)
    assert keras[1] == pytest.approx(w1, rel=1e-12)
    assert keras[2] == pytest.approx(w1 - 0.1 * (0.1 * sqrt(0.75)) / (sqrt(0.5) + 1e-7), rel=1e-12)
    optax = steps("optax", True)
    assert optax[1] == pytest.approx(-0.1 / (1 + 1e-8), rel=1e-12)
    assert optax[2] == pytest.approx(optax[1] - 0.01 / (1 + 1e-8), rel=1e-12)
    plain = steps("optax", False)  # without AMSGrad: nu_hat 0.34 is used as it is
    assert plain[2] == pytest.approx(optax[1] - 0.01 / (sqrt(0.34) + 1e-8), rel=1e-12)


# -- bad settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "convention", "kw", "message"),
    [
        (
            "adagrad",
            "keras",
            {"lr_decay": 0.1},
            "--lr-decay is a PyTorch setting; Keras Adagrad",
        ),
        ("adam", "torch", {"centered": True}, "--centered applies to --optimizer rmsprop, not"),
        ("sgd", "torch", {"amsgrad": True}, "--amsgrad applies to --optimizer adam or adamw"),
        ("rmsprop", "torch", {"rho": 1.0}, "rho must be at least 0 and below 1, not 1"),
        ("rmsprop", "torch", {"momentum": -0.1}, "momentum must be 0 or more, not -0.1"),
        ("adagrad", "torch", {"eps": 0.0}, "eps must be above 0, not 0"),
        ("adagrad", "torch", {"initial_accumulator_value": -1.0}, "must be 0 or more"),
    ],
)
def test_bad_settings_are_clear_errors(
    kind: str, convention: str, kw: dict[str, float | bool], message: str
) -> None:
    """Each bad setting names the setting and the fix."""
    with pytest.raises(RegtraceError, match=message):
        OptimizerSpec.build(kind, convention, lr=0.1, **kw)


# -- the command line ------------------------------------------------------------------------


def test_step_json_shows_each_transforms_state() -> None:
    """JSON keeps the old state keys and adds the kept ones: centered RMSprop's g_avg and its
    momentum buffer; the chain names the transforms."""
    out = invoke(["step", "-o", "rmsprop", "--centered", "--momentum", "0.9", "-f", "json"])
    assert out.code == 0, out.stderr
    result = json.loads(out.stdout)["results"][0]
    assert result["chain"] == ["square_avg", "scale_by_learning_rate"]
    assert result["rho"] == 0.99 and result["centered"] is True
    state = result["state"]
    # torch: square_avg = 0.01*g^2; grad_avg = 0.01*g
    assert_allclose(state["v"], [0.0004, 0.0001, 0.000025], **CLOSE)
    assert_allclose(state["g_avg"], [-0.002, 0.001, -0.0005], **CLOSE)
    assert state["buf"] is not None and state["m"] is None


def test_step_traces_a_later_step_from_the_state() -> None:
    """--t 2 --acc: Adagrad continues from the given sum (torch: no lr_decay, w0 g = -0.2,
    sum 1 + 0.04 = 1.04, w = 2.5 + 0.02/(sqrt(1.04) + 1e-10))."""
    out = invoke(["step", "-o", "adagrad", "--t", "2", "--acc", "1,1,1", "-f", "json"])
    assert out.code == 0, out.stderr
    w_new = json.loads(out.stdout)["results"][0]["w_new"]
    assert w_new[0] == pytest.approx(2.5 + 0.02 / (sqrt(1.04) + 1e-10), rel=1e-12)


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "latex"])
def test_every_format_has_the_new_state(fmt: str) -> None:
    """The Adagrad sum row (or column) appears in each format (LaTeX escapes the ^)."""
    show_work = [] if fmt == "csv" else ["-s"]  # CSV holds numbers, not the arithmetic
    out = invoke(["step", "-o", "adagrad", "--convention", "keras", "-f", fmt, *show_work])
    assert out.code == 0, out.stderr
    assert ("acc" if fmt == "csv" else "Sum of g") in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "rmsprop", "--exact"], "--exact works with plain gradient descent only"),
        (
            ["-o", "adam", "--acc", "1,1,1", "--t", "2"],
            "--acc is Adagrad's sum of squared gradients; use it with --optimizer adagrad",
        ),
        (["-o", "adagrad", "--lr-decay", "0.1", "--convention", "optax"], "--lr-decay is a"),
        (["-o", "adam", "--rho", "0.9"], "--rho applies to --optimizer rmsprop, not adam"),
    ],
)
def test_bad_command_lines_are_one_line(args: list[str], message: str) -> None:
    """Exit 2 with one line on stderr."""
    out = invoke(["step", *args], input="")
    assert out.code == 2
    assert out.stderr.startswith(f"Error: {message}"), out.stderr
    assert out.stderr.count("\n") == 1


def test_run_with_rmsprop_equals_the_engine() -> None:
    """run -o rmsprop --centered on a target: the final weights equal the engine's."""
    out = invoke(
        ["run", "-o", "rmsprop", "--centered", "--convention", "keras", "--target", "1,2",
         "--w", "0,0", "--steps", "4", "--penalty", "none", "-f", "json"]
    )  # fmt: skip
    assert out.code == 0, out.stderr
    got = json.loads(out.stdout)
    spec = OptimizerSpec.build("rmsprop", "keras", lr=0.1, n=2, centered=True)
    target = np.array([1.0, 2.0])
    want = optimize([0.0, 0.0], lambda w: w - target, spec, steps=4).w_final
    assert_allclose(got["results"][0]["w_final"], want, **CLOSE)
    assert got["optimizer"]["centered"] is True
