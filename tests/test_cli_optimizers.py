"""``regtrace step --optimizer ...`` and ``regtrace conventions`` end to end."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.conftest import ROOT, STEP_RESULT_KEYS, invoke

BUILTIN = ["--w", "2.5,-0.8,0.1", "--grad", "-0.2,0.1,-0.05", "--lr", "0.1"]

GOLDEN_CASES = {
    "step_adam_vs_adamw.txt": [
        "--optimizer",
        "adam",
        "--compare",
        "adamw",
        "--weight-decay",
        "0.02",
    ],
    "step_momentum_dampening.md": [
        *["--optimizer", "momentum", "--momentum", "0.9", "--dampening", "0.5"],
        *["--weight-decay", "0.01", "--format", "markdown"],
    ],
    "step_nesterov_keras.csv": [
        *["--optimizer", "nesterov", "--convention", "keras", "--weight-decay", "0.01"],
        *["--penalty", "l2", "--format", "csv"],
    ],
    "step_adamw_optax.json": [
        *BUILTIN,
        *["--optimizer", "adamw", "--convention", "optax", "--weight-decay", "0.02"],
        *["--penalty", "l1", "--lam", "0.01", "--format", "json"],
    ],
    "step_keras_adam_tall.txt": [
        *["--optimizer", "adam", "--convention", "keras", "--layout", "tall"],
        *["--beta1", "0.8", "--eps", "1e-3"],
    ],
    "step_adam_summary.txt": [
        *["--optimizer", "adam", "--compare", "adamw", "--weight-decay", "0.1"],
        *["--w", "@fixtures/inputs/w100.txt", "--grad", "@fixtures/inputs/g100.txt"],
    ],
    "step_adamw_show_work.md": [
        *["--optimizer", "adamw", "--weight-decay", "0.02", "--show-work", "--digits", "6"],
        *["--format", "markdown"],
    ],
    "step_keras_momentum_state_show_work.md": [
        *["--optimizer", "momentum", "--convention", "keras", "--t", "2", "--buf", "0.1,0.2"],
        *["--w", "1,2", "--grad", "0.5,-0.5", "--weight-decay", "0.1", "--show-work"],
        *["--format", "markdown"],
    ],
    "step_adamw_latex.tex": [
        *["--optimizer", "adamw", "--show-work", "--digits", "4", "--format", "latex"],
    ],
    "conventions.txt": [],
    "conventions_n.md": ["--lam", "0.005", "--lam1", "0.02", "--n-samples", "200"],
    "conventions.json": ["--n-samples", "100", "--format", "json"],
    "conventions.tex": ["--format", "latex"],
}


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden(name: str, golden: Callable[[str, str], None]) -> None:
    """Each optimizer trace and conventions table matches its reviewed golden file."""
    command = "conventions" if name.startswith("conventions") else "step"
    result = invoke([command, *GOLDEN_CASES[name]])
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    golden(name, result.stdout)


def test_plain_step_is_unchanged_without_optimizer_options() -> None:
    """No optimizer option: the built-in example's L2/L1 table, exactly as without an optimizer."""
    assert invoke(["step"]).stdout == invoke(["step", "--penalty", "l2,l1"]).stdout
    assert "Adam" not in invoke(["step"]).stdout


def test_optimizer_sgd_with_weight_decay_is_the_builtin_l2_step() -> None:
    """--optimizer sgd --weight-decay 0.02 (PyTorch, coupled): w - 0.1*(g + 0.02*w)
    = [2.515, -0.8084, 0.1048], the example's L2 column, and the trace says it is coupled."""
    result = invoke(["step", "--optimizer", "sgd", "--weight-decay", "0.02", "-f", "json"])
    data = json.loads(result.stdout)["results"][0]
    assert data["w_new"] == pytest.approx([2.515, -0.8084, 0.1048], abs=1e-15)
    assert data["decay"] == "coupled"
    assert data["penalty"] == "none"  # with --optimizer the default penalty is none


def test_compare_json_has_one_result_per_optimizer() -> None:
    """--compare: one result per optimizer, each with the step contract's keys."""
    result = invoke(["step", "-o", "adam", "--compare", "adamw,sgd", "-f", "json"])
    results = json.loads(result.stdout)["results"]
    assert [r["optimizer"] for r in results] == ["adam", "adamw", "sgd"]
    for r in results:
        assert set(STEP_RESULT_KEYS) <= set(r)


def test_csv_has_a_row_per_optimizer_and_weight() -> None:
    """CSV long form: 2 optimizers x 3 weights, Adam's moments empty for SGD."""
    result = invoke(["step", "-o", "adam", "--compare", "sgd", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6
    assert rows[0]["m"] == "-0.02"  # 0.1 * g0 = 0.1 * -0.2
    assert rows[3]["optimizer"] == "sgd"
    assert rows[3]["m"] == ""


def test_momentum_applies_when_any_compared_optimizer_has_it() -> None:
    """--momentum goes to the momentum optimizer and is not an error for the Adam beside it."""
    result = invoke(["step", "-o", "momentum", "--compare", "adam", "--momentum", "0.5"])
    assert result.code == 0, result.stderr
    assert "momentum 0.5" in result.stdout


def test_conventions_json_conversions() -> None:
    """lam = 0.01, n = 100: wd = 2*lam = 0.02; Ridge alpha = n*lam = 1; ElasticNet alpha = lam."""
    data = json.loads(invoke(["conventions", "-n", "100", "-f", "json"]).stdout)
    step = {e["where"]: e["value"] for e in data["same_step"]}
    assert step["PyTorch SGD/Adam, optax add_decayed_weights; --l2-form half"] == 0.02
    fit = {e["where"]: e["value"] for e in data["same_minimizer"]}
    assert fit["sklearn Ridge"] == pytest.approx(1.0, abs=1e-15)
    assert fit["sklearn ElasticNet"] == 0.01
    assert fit["sklearn SGDRegressor"] == 0.01
    assert any("lam = 0.005" in note for note in data["notes"])


def test_conventions_elastic_net_with_an_l1_part() -> None:
    """lam1 = 0.02, lam = 0.005 on the MSE: alpha = lam1/2 + lam = 0.015,
    l1_ratio = lam1/(lam1 + 2*lam) = 0.02/0.03 = 2/3."""
    data = json.loads(
        invoke(["conventions", "--lam", "0.005", "--lam1", "0.02", "-f", "json"]).stdout
    )
    alpha, ratio = data["same_minimizer"][2], data["same_minimizer"][3]
    assert alpha["value"] == pytest.approx(0.015, abs=1e-15)
    assert ratio["value"] == pytest.approx(2 / 3, abs=1e-15)
    # Ridge needs n, and says so
    assert data["same_minimizer"][1]["value"] is None


def test_state_options_continue_a_trace() -> None:
    """--t 2 --buf g from w1 = [2.52, -0.81, 0.105] (after torch momentum step 1, buf = g):
    buf = 0.9*g + g = 1.9g, w2 = w1 - 0.19g = [2.558, -0.829, 0.1145], as two steps give."""
    result = invoke(
        [
            *["step", "-o", "momentum", "--t", "2", "--buf", "-0.2,0.1,-0.05"],
            *["--w", "2.52,-0.81,0.105", "--grad", "-0.2,0.1,-0.05", "-f", "json"],
        ]
    )
    data = json.loads(result.stdout)["results"][0]
    assert data["t"] == 2
    assert data["state"]["buf"] == pytest.approx([-0.38, 0.19, -0.095], abs=1e-15)
    assert data["w_new"] == pytest.approx([2.558, -0.829, 0.1145], abs=1e-15)


def test_adam_state_sets_the_bias_correction() -> None:
    """Adam step 2 from m1 = 0.1g, v1 = 0.001g^2 with the same g: m2 = 0.19g,
    v2 = 0.001999g^2, m_hat = 0.19g/(1 - 0.81) = g, v_hat = 0.001999g^2/(1 - 0.998001) = g^2."""
    result = invoke(
        [
            *["step", "-o", "adam", "--t", "2", "--m", "-0.02", "--v", "4e-5"],
            *["--w", "2.6", "--grad", "-0.2", "-f", "json"],
        ]
    )
    data = json.loads(result.stdout)["results"][0]
    assert data["state"]["m"] == pytest.approx([-0.038], abs=1e-15)
    assert data["m_hat"] == pytest.approx([-0.2], rel=1e-12)
    assert data["v_hat"] == pytest.approx([0.04], rel=1e-12)


ERRORS = [
    (["-o", "adam", "--exact"], "--exact works with plain gradient descent only"),
    (["-o", "adam", "--m", "0,0,0"], "Adam needs both --m and --v from the previous step"),
    (
        ["-o", "adam", "--m", "0,0,0", "--v", "0,0,0"],
        "--m and --v come from earlier steps: give --t",
    ),
    (["-o", "momentum", "--t", "3"], "--t 3 needs the state of step 2: give --buf"),
    (["-o", "adam", "--buf", "1,2,3", "--t", "2"], "--buf is a momentum buffer; use it with"),
    (["-o", "sgd", "--m", "1,2,3", "--v", "1,1,1"], "--m and --v are Adam's moments"),
    (
        ["-o", "adam", "--t", "2", "--m", "1,2", "--v", "1,1"],
        "the optimizer state m has 2 values but w has 3",
    ),
    (
        ["-o", "adam", "--t", "2", "--m", "1,2,3", "--v", "1,-1,1"],
        "the second moment v must not be negative",
    ),
    (
        ["-o", "adam", "--momentum", "0.9"],
        "--momentum applies to --optimizer momentum, nesterov or rmsprop",
    ),
    (
        ["-o", "adam", "--compare", "adamw", "--momentum", "0.9"],
        "--momentum applies to --optimizer momentum, nesterov or rmsprop, not adam",
    ),
    (["-o", "nesterov", "--dampening", "0.1"], "nesterov needs --dampening 0"),
    (
        ["-o", "momentum", "--dampening", "0.1", "--convention", "optax"],
        "--dampening is a PyTorch setting; optax SGD has no dampening",
    ),
    (["-o", "adam", "--beta2", "1"], "beta2 must be at least 0 and below 1, not 1"),
    (["-o", "adam", "--eps", "0"], "eps must be above 0, not 0"),
    (["-o", "adam", "--eps", "abc"], "--eps: 'abc' is not a number"),
    (["-o", "adam", "--weight-decay", "-0.1"], "weight_decay must not be negative"),
    (["-o", "adam", "--weight-decay", "0.1,0.2"], "weight_decay has 2 values but w has 3"),
    (["-o", "adam", "--penalty", "l2,l1"], "--penalty l2,l1: with --optimizer give one penalty"),
    (["--compare", "lion"], "--compare: unknown optimizer 'lion'; choose from sgd, momentum"),
    (["--compare", ","], "--compare is empty; choose from sgd, momentum"),
    (
        ["-o", "adam", "--penalty", "l1", "--l1-method", "proximal"],
        "--l1-method proximal works with plain sgd only",
    ),
    (["-o", "lion"], "Invalid value for '--optimizer' / '-o': 'lion' is not one of"),
    (["--convention", "jax"], "Invalid value for '--convention': 'jax' is not one of"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    """Bad optimizer input: exit 2, nothing on stdout, one line on stderr."""
    result = invoke(["step", *args], input="")
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {message}"), result.stderr


CONVENTION_ERRORS = [
    (["--lam", "-1"], "lam must be a finite number, 0 or more, not -1"),
    (["--lam1", "x"], "--lam1: 'x' is not a number"),
    (["--n-samples", "0"], "Invalid value for '--n-samples' / '-n': 0 is not in the range x>=1"),
]


@pytest.mark.parametrize(
    ("args", "message"), CONVENTION_ERRORS, ids=[" ".join(a) for a, _ in CONVENTION_ERRORS]
)
def test_conventions_bad_input(args: list[str], message: str) -> None:
    """Bad conventions input: exit 2 and one line naming the problem."""
    result = invoke(["conventions", *args])
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {message}"), result.stderr


def _modules_after(args: list[str]) -> set[str]:
    """The modules a fresh interpreter has loaded after ``regtrace ARGS``."""
    code = (
        "import sys\nfrom regtrace.cli import run\n"
        f"run({args!r})\nsys.stderr.write(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(done.stderr.split())


def test_plain_step_does_not_load_the_optimizer_engine() -> None:
    """The optimizer code costs nothing on the default path (it is imported on demand)."""
    assert "regtrace.engine.optimizers" not in _modules_after(["step"])
    assert "regtrace.engine.optimizers" in _modules_after(["step", "-o", "adam"])


def test_help_of_the_new_command_does_not_load_numpy() -> None:
    """``regtrace conventions --help`` stays as fast as ``regtrace --help``."""
    assert "numpy" not in _modules_after(["conventions", "--help"])


SHOW_WORK_CASES = [
    ["-o", "adam", "--compare", "adamw", "--weight-decay", "0.02", "--penalty", "l2"],
    ["-o", "adam", "--convention", "keras", "--t", "3", "--m", "1,-1,0.5", "--v", "1,2,3"],
    ["-o", "adamw", "--convention", "optax", "--t", "2", "--m", "1,-1,0.5", "--v", "1,2,3"],
    ["-o", "nesterov", "--t", "2", "--buf", "1,1,-1", "--weight-decay", "0.1"],
    ["-o", "momentum", "--dampening", "0.3", "--t", "4", "--buf", "1,1,-1", "-p", "elastic"],
    ["-o", "nesterov", "--convention", "keras", "--t", "2", "--buf", "1,1,-1"],
    ["-o", "momentum", "--convention", "optax", "--weight-decay", "0.1,0,0.1"],
]


@pytest.mark.parametrize("args", SHOW_WORK_CASES, ids=[" ".join(a) for a in SHOW_WORK_CASES])
def test_shown_arithmetic_evaluates_to_the_shown_value(args: list[str]) -> None:
    """Every ``expression = value`` cell, evaluated as Python, gives its value: the work
    shown is the arithmetic actually done (at 17 digits, to 1e-12 relative)."""
    import math
    import re

    out = invoke(["step", *args, "--show-work", "--digits", "17", "-f", "markdown"]).stdout
    cells = [
        c.strip() for line in out.splitlines() if line.startswith("| ") for c in line.split("|")
    ]
    checked = 0
    for cell in cells:
        if " = " not in cell:
            continue
        expr, _, value = cell.rpartition(" = ")
        expr = expr.removeprefix("g = ").replace("^", "**")
        expr = re.sub(r"(?<=[\d)])x(?=[\d(-])", "*", expr)
        got = eval(expr, {"sqrt": math.sqrt, "__builtins__": {}})
        assert got == pytest.approx(float(value), rel=1e-12, abs=1e-15), cell
        checked += 1
    assert checked >= 9


def test_help_states_the_optimizer_defaults() -> None:
    """The defaults are in the help text (not swallowed as Rich markup, as '[...]' would be)."""
    text = " ".join(invoke(["step", "--help"]).stdout.replace("│", " ").split())
    assert "nesterov). Default: 0.9." in text
    assert "Default: 1e-8 torch and optax, 1e-7 keras" in text
    assert "adamw: 0.01 torch, 0.004 keras, 1e-4 optax" in text


def test_json_state_feeds_the_next_step() -> None:
    """Step 1's JSON state passed back as --t 2 --m --v gives the same weights as two steps
    in one run of the engine (Adam, PyTorch)."""
    import numpy as np

    from regtrace.engine.optimizers import OptimizerSpec, optimize

    first = json.loads(invoke(["step", "-o", "adam", "-f", "json"]).stdout)["results"][0]
    state = first["state"]
    vec = ",".join
    second = invoke(
        [
            *["step", "-o", "adam", "-f", "json", "--t", str(state["t"] + 1)],
            *["--m", vec(map(repr, state["m"])), "--v", vec(map(repr, state["v"]))],
            *["--w", vec(map(repr, first["w_new"])), "--grad", "-0.2,0.1,-0.05"],
        ]
    )
    w2 = json.loads(second.stdout)["results"][0]["w_new"]
    g = np.array([-0.2, 0.1, -0.05])
    expected = optimize([2.5, -0.8, 0.1], [g, g], OptimizerSpec.build("adam", lr=0.1)).w_final
    assert w2 == pytest.approx(expected.tolist(), rel=1e-15)
