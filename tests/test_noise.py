"""No printed number is float noise around an exact 0, and no note is triggered by it.

The reference is the exact engine (``run --exact``, fractions): a float run of subgradient L1
on decimal inputs must print the same table and the same notes.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from regtrace.engine.trajectory import NOISE as ENGINE_NOISE
from regtrace.render.numfmt import NOISE, settled
from tests.conftest import INPUTS, Invocation, invoke

Cli = Callable[..., Invocation]


def test_l1_landing_on_zero_prints_zero(cli: Cli) -> None:
    """1 - 20 x (0.1 x 0.5) = 0 exactly; float arithmetic leaves -3.2e-16 there."""
    args = ["run", "--w", "1", "--grad", "0", "--steps", "20", "--penalty", "l1", "--lam", "0.5"]
    out = cli(args).stdout
    assert "e-1" not in out
    assert out.splitlines()[-3].split() == ["20", "0"]
    assert "w0 reaches exactly 0 at step 20 and stays there" in out
    assert "changes sign" not in out
    assert cli([*args, "--exact"]).stdout == out


def test_many_weights_float_run_equals_exact_run(cli: Cli) -> None:
    """100 weights, 100 steps: the summary rows and the zero/sign counts of the float run
    equal the exact run's (84 weights reach 0 exactly; noise would hide most of them)."""
    args = ["run", "--w", f"@{INPUTS / 'w100.txt'}", "--grad", f"@{INPUTS / 'g100.txt'}"]
    args += ["--steps", "100", "--every", "25", "--lam", "0.5"]
    out = cli(args).stdout
    assert out == cli([*args, "--exact"]).stdout
    assert "weights that reached exactly 0: 84 (0 at the end: 71)" in out


def test_kept_row_of_a_plain_run_prints_zero(cli: Cli) -> None:
    """0.3 - 3 x 1 x 0.1 = 0 (float: 5.6e-17), without a penalty."""
    args = ["run", "--w", "0.3", "--grad", "0.1", "--lr", "1", "--penalty", "none", "--steps", "3"]
    out = cli(args).stdout
    assert out.splitlines()[-2].split() == ["3", "0"]
    assert out == cli([*args, "--exact"]).stdout


def test_one_rule() -> None:
    assert ENGINE_NOISE == NOISE == 1e-12
    assert settled(-3.1918911958e-16, 0.05) == 0.0
    assert settled(1e-15, 1e-15) == 1e-15  # small, but not small against its operands


cents = st.integers(-60, 60).map(lambda k: f"{k / 100:g}")


@settings(max_examples=40, deadline=None)
@given(
    w=st.lists(cents, min_size=1, max_size=3),
    lam=st.sampled_from(["0.05", "0.1", "0.2", "0.5"]),
    steps=st.integers(1, 30),
    data=st.data(),
)
def test_l1_float_run_prints_what_the_exact_run_prints(
    w: list[str], lam: str, steps: int, data: st.DataObject
) -> None:
    grad = data.draw(st.lists(cents, min_size=len(w), max_size=len(w)))
    args = ["run", "--w", ",".join(w), "--grad", ",".join(grad), "--lam", lam]
    args += ["--steps", str(steps), "--penalty", "l1"]
    assert invoke(args).stdout == invoke([*args, "--exact"]).stdout


def test_residual_of_an_exact_fit_prints_zero(cli: Cli) -> None:
    """w = 0.1 fits y = 0.1 x exactly: 3 x 0.1 - 0.3 = 0 (float: 5.6e-17), so the residuals,
    L and dL/dw are 0, in the step's working and in check's worked data part alike."""
    args = ["--x", "1;2;3", "--y", "0.1,0.2,0.3", "--w", "0.1", "--penalty", "none"]
    out = cli(["step", *args, "--show-work"]).stdout
    assert "e-1" not in out
    assert "L = 1/(2x3) x (0^2 + 0^2 + 0^2) = 0" in out
    assert "dL/dw0 = (1x0 + 2x0 + 3x0)/3 = 0" in out
    assert "w = [0.1], dL/dw = [0], lr = 0.1, L = 0" in out
    graded = cli(["check", *args, "--answer", "0.2"])
    assert graded.code == 1 and "e-1" not in graded.stdout
    assert "dL/dw0 = (1x0 + 2x0 + 3x0)/3 = 0" in graded.stdout


def _landing_vectors() -> tuple[str, str]:
    """30 weights 1 with gradient 0, then 30 weights 0.3 with gradient 3: at lr 0.1 the
    second half lands on 0.3 - 0.1 x 3 = 0 exactly (float: -5.6e-17)."""
    return ",".join(["1"] * 30 + ["0.3"] * 30), ",".join(["0"] * 30 + ["3"] * 30)


def test_summary_of_many_weights_counts_the_zeros(cli: Cli) -> None:
    w, g = _landing_vectors()
    args = ["step", "--w", w, "--grad", g, "--penalty", "none", "--layout", "summary"]
    out = cli(args).stdout
    assert "e-1" not in out
    assert "0 -> 30" in out  # exact zeros before -> after
    assert out.splitlines()[-7].split() == ["30", "0.3", "-0.3", "0"]  # the first of 5
    assert out == cli([*args, "--exact"]).stdout
    momentum = cli(["step", "--optimizer", "momentum", "--w", w, "--grad", g, "--layout",
                    "summary"]).stdout  # fmt: skip
    assert "e-1" not in momentum and "0 -> 30" in momentum


def test_optimizer_step_and_csv_print_zero(cli: Cli) -> None:
    """Momentum's first step is w - lr x g: 0.3 - 0.1 x 3 = 0 and 0.7 - 0.1 x 7 = 0."""
    args = ["step", "--optimizer", "momentum", "--w", "0.3,0.7", "--grad", "3,7"]
    for fmt in ("table", "csv", "markdown", "latex"):
        assert "e-1" not in cli([*args, "--show-work", "--format", fmt]).stdout
    table = cli([*args, "--show-work"]).stdout
    assert "0.3 + (-0.3)" in table
    assert cli(args).stdout.splitlines()[-2].split() == ["New", "weight", "0", "0"]
    rows = cli([*args, "--format", "csv"]).stdout.splitlines()
    assert [row.split(",")[-1] for row in rows] == ["w_new", "0", "0"]
    plain = ["step", "--w", "0.3,1", "--grad", "3,0", "--penalty", "none", "--format", "csv"]
    csv_rows = [row.split(",") for row in cli(plain).stdout.splitlines()]
    assert [row[csv_rows[0].index("w_new")] for row in csv_rows[1:]] == ["0", "1"]
