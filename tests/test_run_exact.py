"""``regtrace run --exact``: the trajectory in exact rationals.

Every expected number is derived by hand below; none is pasted from the program's output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace import RegtraceError
from regtrace.engine.exactrun import MAX_EXACT_STEPS, exact_run
from regtrace.engine.trajectory import run
from tests.conftest import Invocation, invoke

W = [F("2.5"), F("-0.8"), F("0.1")]
G = [F("-0.2"), F("0.1"), F("-0.05")]
EXAMPLE = ["--w", "2.5,-0.8,0.1", "--grad", "-0.2,0.1,-0.05", "--lr", "0.1"]


def closed_form(w0: F, g: F, lam: F, lr: F, n: int) -> F:
    """Fixed-gradient L2: w_(k+1) = a*w_k - lr*g with a = 1 - 2*lr*lam, so by the geometric
    sum w_N = a^N*w_0 - (1 + a + ... + a^(N-1))*lr*g = a^N*w_0 - (1 - a^N)/(1 - a)*lr*g
    (for a = 1 the sum is N)."""
    a = 1 - 2 * lr * lam
    total = F(n) if a == 1 else (1 - a**n) / (1 - a)
    return a**n * w0 - total * lr * g


def test_lambda_sensitivity_lam0_is_exact() -> None:
    """The built-in example's ten-step loop at lam = 0: a = 1, so w_10 = w_0 - 10*0.1*g = w_0 - g
    = [2.5 + 0.2, -0.8 - 0.1, 0.1 + 0.05] = [2.7, -0.9, 0.15], exactly.
    A published table of this loop prints -0.7 for w1: a slip (the loop gives -0.9)."""
    report = exact_run(W, G, lam=F(0), lr=F("0.1"), steps=10, penalties=["l2"])
    assert list(report["l2"].w_final) == [F("2.7"), F("-0.9"), F("0.15")]


def test_lambda_sensitivity_lam001_closed_form() -> None:
    """lam = 0.01: a = 1 - 2*0.1*0.01 = 0.998; each weight equals the closed form exactly.
    Roughly w0 = 0.998^10*2.5 + (1 - 0.998^10)/0.002*0.02 = 2.450448 + 0.198210 = 2.648658
    (a published table's 2.5615 for this row is another slip)."""
    report = exact_run(W, G, lam=F("0.01"), lr=F("0.1"), steps=10, penalties=["l2"])
    expected = [closed_form(w, g, F("0.01"), F("0.1"), 10) for w, g in zip(W, G, strict=True)]
    assert list(report["l2"].w_final) == expected
    assert abs(float(expected[0]) - 2.648658) < 1e-6
    # Every kept row too: row k is the closed form after k steps.
    for k, row in zip(report["l2"].steps, report["l2"].weights, strict=True):
        rows = [closed_form(w, g, F("0.01"), F("0.1"), k) for w, g in zip(W, G, strict=True)]
        assert list(row) == rows


def test_lam0_csv_prints_exact_decimals(cli: Callable[..., Invocation]) -> None:
    """The last CSV row is w_10 = [2.7, -0.9, 0.15] (derived above) in plain decimals."""
    result = cli(["run", "--exact", *EXAMPLE, "--lam", "0", "--penalty", "l2", "--format", "csv"])
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "l2,10,2.7,-0.9,0.15"
    assert result.stdout.splitlines()[0] == "penalty,step,w0,w1,w2"


def test_fractions_print_as_fractions(cli: Callable[..., Invocation]) -> None:
    """w = 1/3, g = 0, lam = 1/2, lr = 1/2: a = 1 - 2*(1/2)*(1/2) = 1/2, so w_1 = 1/6 and
    w_2 = 1/12: no terminating decimal, so fractions."""
    result = cli([
        "run", "--exact", "--w", "1/3", "--grad", "0", "--lam", "1/2", "--lr", "1/2",
        "--steps", "2", "--penalty", "l2", "--format", "csv",
    ])  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["l2,0,1/3", "l2,1,1/6", "l2,2,1/12"]


def test_json_nearest_floats_and_exact_flag(cli: Callable[..., Invocation]) -> None:
    """JSON keeps the float run's keys, plus "exact": true; numbers are the nearest floats
    (w_10 at lam = 0 is [2.7, -0.9, 0.15], derived above)."""
    args = [*EXAMPLE, "--lam", "0", "--penalty", "l2", "--format", "json"]
    exact = json.loads(cli(["run", "--exact", *args]).stdout)
    plain = json.loads(cli(["run", *args]).stdout)
    assert exact.pop("exact") is True
    assert list(exact) == list(plain)
    assert exact["results"][0]["w_final"] == [2.7, -0.9, 0.15]
    assert exact["lr"] == 0.1 and exact["results"][0]["lam"] == 0.0


def test_proximal_l1_reaches_exact_zero_in_four_steps() -> None:
    """g = 0, lam = 0.01, lr = 0.1: soft-thresholding subtracts lr*lam = 0.001 per step, so
    0.004 -> 0.003 -> 0.002 -> 0.001 -> 0 after ceil(0.004/0.001) = 4 steps, then stays 0."""
    report = exact_run(
        [F("0.004")], [F(0)], lam=F("0.01"), lr=F("0.1"), steps=6, penalties=["l1"],
        l1_method="proximal",
    )  # fmt: skip
    column = [row[0] for row in report["l1"].weights]
    assert column == [F("0.004"), F("0.003"), F("0.002"), F("0.001"), 0, 0, 0]
    events = report["l1"].events
    assert events is not None
    assert int(events.first_zero[0]) == 4 and bool(events.zero_at_end[0])


def test_proximal_zero_note(cli: Callable[..., Invocation]) -> None:
    """The note names step 4 (derived in the test above)."""
    result = cli([
        "run", "--exact", "--w", "0.004", "--grad", "0", "--lam", "0.01", "--lr", "0.1",
        "--steps", "6", "--penalty", "l1", "--l1-method", "proximal",
    ])  # fmt: skip
    assert result.code == 0, result.stderr
    assert "L1: w0 reaches exactly 0 at step 4 and stays there" in result.stdout


def test_subgradient_l1_lands_on_zero_exactly(cli: Callable[..., Invocation]) -> None:
    """g = 0, lam = 0.1, lr = 0.1: subgradient L1 moves w0 = 0.05 by -lr*lam*sign(w) = -0.01
    per step: 0.04, 0.03, 0.02, 0.01, 0 at step 5, where sign(0) = 0 holds it. In binary
    floats 0.05 - 5 x 0.01 misses 0 by a rounding error, so the float run steps past 0."""
    result = cli([
        "run", "--exact", "--w", "0.05", "--grad", "0", "--lam", "0.1", "--lr", "0.1",
        "--steps", "7", "--penalty", "l1",
    ])  # fmt: skip
    assert result.code == 0, result.stderr
    assert "L1: w0 reaches exactly 0 at step 5 and stays there" in result.stdout


def test_half_form_per_weight_lam(cli: Callable[..., Invocation]) -> None:
    """half form, lam = [0.5, 1/4], lr = 0.1 (the default), w = [1/3, 0.1], g = [0.2, -0.05]:
    w0_1 = 1/3 - 0.1*(0.2 + 0.5/3) = 1/3 - 1/50 - 1/60 = (100 - 6 - 5)/300 = 89/300;
    w1_1 = 0.1 - 0.1*(-0.05 + 0.1/4) = 0.1 + 0.0025 = 0.1025.
    The decay factors are 1 - lr*lam_i = [0.95, 0.975]."""
    result = cli([
        "run", "--exact", "--w", "1/3,0.1", "--grad", "0.2,-0.05", "--lam", "0.5,1/4",
        "--l2-form", "half", "--steps", "1", "--penalty", "l2", "--format", "csv",
    ])  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "l2,1,89/300,0.1025"
    table = cli([
        "run", "--exact", "--w", "1/3,0.1", "--grad", "0.2,-0.05", "--lam", "0.5,1/4",
        "--l2-form", "half", "--steps", "1", "--penalty", "l2",
    ])  # fmt: skip
    assert "1 - lr x lam_i = [0.95, 0.975]" in table.stdout


def test_out_saves_nearest_floats_and_exact_text(tmp_path: Path) -> None:
    """--out: arrays as float64 (the proximal run above ends at exactly 0 after 4 steps, and
    10 L2 steps at lam = 0 end at [2.7, -0.9, 0.15]); .csv holds what --format csv prints."""
    target = tmp_path / "run.npz"
    args = [
        "run", "--exact", "--w", "0.004", "--grad", "0", "--lam", "0.01", "--lr", "0.1",
        "--steps", "4", "--penalty", "l1", "--l1-method", "proximal",
    ]  # fmt: skip
    assert invoke([*args, "--out", str(target)]).code == 0
    with np.load(target) as saved:
        assert saved.files == ["l1"] and saved["l1"].tolist() == [0.0]
    lam0 = ["run", "--exact", *EXAMPLE, "--lam", "0", "--penalty", "l2"]
    csv = tmp_path / "run.csv"
    assert invoke([*lam0, "--out", str(csv)]).code == 0
    assert csv.read_text(encoding="utf-8") == invoke([*lam0, "--format", "csv"]).stdout
    assert csv.read_text(encoding="utf-8").splitlines()[-1] == "l2,10,2.7,-0.9,0.15"


def test_target_exact_and_fixed_point() -> None:
    """Loss 1/2*(w - t)^2, L2 lam = 0.5, lr = 0.1: w <- w - 0.1*(w - t + 2*0.5*w)
    = 0.8*w + 0.1*t. From 0 with t = 3.5: 0.35, then 0.8*0.35 + 0.35 = 0.63.
    Fixed point t/(1 + 2*lam) = 3.5/2 = 1.75."""
    report = exact_run(
        [F(0)], target=[F("3.5")], lam=F("0.5"), lr=F("0.1"), steps=2, penalties=["l2"]
    )
    assert [row[0] for row in report["l2"].weights] == [0, F("0.35"), F("0.63")]
    fixed = report["l2"].fixed_point
    assert fixed is not None and list(fixed) == [F("1.75")]


GOLDEN_CASES = {
    # 10 steps of the example's example at lam = 0.01. L2 rows are closed_form(...) above, e.g.
    # w_1 = 2.5 - 0.1*(-0.2 + 2*0.01*2.5) = 2.515 and w_10[0] ~ 2.648658; L1 (subgradient,
    # no sign change) moves each weight by -lr*(g + lam*sign(w)) per step, so
    # w0_10 = 2.5 + 10*0.1*0.19 = 2.69, w1_10 = -0.8 - 10*0.1*0.09 = -0.89,
    # w2_10 = 0.1 + 10*0.1*0.04 = 0.14.
    "run_exact_builtin.txt": ["run", "--exact", *EXAMPLE, "--lam", "0.01", "--penalty", "l2,l1"],
    # Loss 1/2*||w - t||^2 from 0, lr = 0.1, lam = 0.5. L2: w <- 0.8*w + 0.1*t (0.35, 0.63,
    # 0.854, 1.0332 for t = 3.5), w* = t/2 = 1.75. Proximal L1: v = w - 0.1*(w - t), then
    # shrink by 0.05: 0.3, 0.57, 0.813, 1.0317, w* = 3.5 - 0.5 = 3. Elastic: v = 0.8*w + 0.35,
    # shrink by 0.05: 0.3, 0.54, 0.732, 0.8856, w* = (3.5 - 0.5)/2 = 1.5.
    "run_exact_target.md": [
        "run", "--exact", "--target", "3.5,2.1", "--lam", "0.5", "--steps", "4",
        "--penalty", "l2,l1,elastic", "--l1-method", "proximal", "--format", "markdown",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden(
    name: str, cli: Callable[..., Invocation], golden: Callable[[str, str], None]
) -> None:
    result = cli(GOLDEN_CASES[name])
    assert result.code == 0, result.stderr
    golden(name, result.stdout)


ERRORS = {
    "optimizer": (
        ["--optimizer", "adam"],
        "--exact works with plain gradient descent only; an optimizer's sqrt(v_hat) is not "
        "rational",
    ),
    "data": (
        ["--x", "1,2", "--y", "1,2"],
        "--exact works with a typed --grad or --target; with --data/--x/--y the data gradient "
        "is computed in floating point (leave out --exact)",
    ),
    "plot": (
        ["--plot"],
        "--exact prints exact numbers; a plot shows floats (leave out --exact for --plot or "
        "--plot-file)",
    ),
    "plot-file": (
        ["--plot-file", "run.png"],
        "--exact prints exact numbers; a plot shows floats (leave out --exact for --plot or "
        "--plot-file)",
    ),
    "steps": (
        ["--steps", "1001"],
        f"--exact runs at most {MAX_EXACT_STEPS} steps (exact fractions grow every step), not "
        "1001; leave out --exact for longer runs",
    ),
    "grad-and-target": (
        ["--w", "1", "--grad", "1", "--target", "2"],
        "--grad and --target both set the data gradient; use --grad for a fixed gradient or "
        "--target for the loss 1/2*||w - target||^2, not both",
    ),
    "target-length": (
        ["--w", "1,2", "--target", "2"],
        "w has 2 values but target has 1; give one target per weight",
    ),
    "bad-number": (
        ["--w", "1,x", "--grad", "1,2"],
        "--w, element 2: 'x' is not a number; write decimals such as 2.5, -0.8, 1e-3 or "
        "fractions such as 1/3",
    ),
    # 1 - 2*lr*lam = 1 - 2*1*10 = -19: |factor| = 19 > 1.
    "diverges": (
        ["--w", "1", "--grad", "0", "--lr", "1", "--lam", "10", "--penalty", "l2"],
        "the L2 run diverges from step 1: each step multiplies the distance to the fixed "
        "point by |1 - 2*lr*lam| = 19 > 1, so the weights grow without bound; use a smaller "
        "lr or lam",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors(case: str, cli: Callable[..., Invocation]) -> None:
    args, message = ERRORS[case]
    result = cli(["run", "--exact", *args])
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"


def test_float_run_does_not_load_the_exact_engine() -> None:
    """A plain `regtrace run` never imports the exact modules (start-up time)."""
    code = (
        "import contextlib, io, sys\n"
        "from regtrace.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(['run'])\n"
        "print(sorted(m for m in sys.modules if 'exact' in m or m == 'fractions'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip()
    assert "regtrace.engine.exact" not in loaded and "regtrace.cli.run_exact" not in loaded
    assert "regtrace.parse.exact" not in loaded


def decimals(low: int, high: int, places: int = 3) -> st.SearchStrategy[str]:
    """Decimal text such as '-1.234' (the shortest repr of k/10^places): what a user types;
    exact as a fraction, rounded as a float."""
    return st.integers(low, high).map(lambda k: repr(k / 10**places))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 3),
    data=st.data(),
    kind=st.sampled_from(["l2", "l1", "elastic", "none"]),
    l2_form=st.sampled_from(["lambda", "half"]),
    l1_method=st.sampled_from(["subgradient", "proximal"]),
    quadratic=st.booleans(),
    per_weight=st.booleans(),
    steps=st.integers(0, 6),
)
def test_exact_and_float_runs_agree(
    n: int,
    data: st.DataObject,
    kind: str,
    l2_form: str,
    l1_method: str,
    quadratic: bool,
    per_weight: bool,
    steps: int,
) -> None:
    """On the same typed decimals, run --exact and the float run agree to float precision.
    lr <= 0.5 and lam <= 0.5 keep |1 - lr*(h + 2*lam)| <= 1: no run diverges."""
    w = data.draw(st.lists(decimals(-5000, 5000), min_size=n, max_size=n))
    g = data.draw(st.lists(decimals(-5000, 5000), min_size=n, max_size=n))
    size = n if per_weight else 1
    lam = data.draw(st.lists(decimals(0, 500), min_size=size, max_size=size))
    lr = data.draw(decimals(0, 500))
    exact = exact_run(
        [F(x) for x in w], None if quadratic else [F(x) for x in g],
        target=[F(x) for x in g] if quadratic else None, steps=steps,
        lam=[F(x) for x in lam], lr=F(lr), penalties=[kind], l2_form=l2_form, l1_method=l1_method,
    )  # fmt: skip
    lam_f = np.array([float(x) for x in lam]) if per_weight else float(lam[0])
    plain = run(
        [float(x) for x in w], None if quadratic else [float(x) for x in g],
        target=[float(x) for x in g] if quadratic else None, steps=steps,
        lam=lam_f, lr=float(lr), penalties=[kind], l2_form=l2_form, l1_method=l1_method,
    )  # fmt: skip
    got = np.array([float(x) for x in exact[kind].weights.ravel()])
    np.testing.assert_allclose(got, plain[kind].weights.ravel(), rtol=1e-9, atol=1e-12)


def test_library_errors() -> None:
    """The engine checks its inputs too (the CLI reaches these through the same calls)."""
    with pytest.raises(RegtraceError, match="w is empty"):
        exact_run([], [], lam=F(0), lr=F(1))
    with pytest.raises(RegtraceError, match="give either"):
        exact_run([F(1)], [F(1)], target=[F(1)], lam=F(0), lr=F(1))
    with pytest.raises(RegtraceError, match="lr must not be negative"):
        exact_run([F(1)], [F(1)], lam=F(0), lr=F(-1))
    with pytest.raises(RegtraceError, match="every must be at least 1"):
        exact_run([F(1)], [F(1)], lam=F(0), lr=F(1), every=0)
