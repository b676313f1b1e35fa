"""``--exact``: rationals from the typed text, exact printing, and agreement with floats."""

from __future__ import annotations

import ast
import io
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

from regtrace.engine.exact import exact_step, exact_text, to_fraction
from regtrace.engine.step import step
from regtrace.errors import RegtraceError
from regtrace.parse.exact import parse_exact_vector
from tests.conftest import Invocation

EXAMPLE = ["--w", "2.5,-0.8,0.1", "--grad", "-0.2,0.1,-0.05", "--lam", "0.01", "--lr", "0.1"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.1", F(1, 10)),
        ("-0.8", F(-4, 5)),
        ("1e-3", F(1, 1000)),
        ("2.5E2", F(250)),
        ("1/3", F(1, 3)),
        ("-0.5/3", F(-1, 6)),
        ("\u22120.8", F(-4, 5)),  # the Unicode minus of typeset text
    ],
)
def test_to_fraction(text: str, value: F) -> None:
    """Decimal text is read exactly: 0.1 is 1/10, not 0.1000000000000000055..."""
    assert to_fraction(text, "--w") == value


def test_to_fraction_errors() -> None:
    """Bad text names the option and says what to write."""
    with pytest.raises(RegtraceError, match=r"^--w: 'x' is not a number; write decimals"):
        to_fraction("x", "--w")
    with pytest.raises(RegtraceError, match=r"^--lr: '1/0' divides by zero$"):
        to_fraction("1/0", "--lr")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(503, 200), "2.515"),
        (F(-2021, 2500), "-0.8084"),
        (F(1, 3), "1/3"),
        (F(-1, 8), "-0.125"),
        (F(5), "5"),
        (F(0), "0"),
        (F(1, 100), "0.01"),
        (F(31, 1500), "31/1500"),  # 1500 = 2^2 * 3 * 5^3: the 3 makes it repeat
    ],
)
def test_exact_text(value: F, text: str) -> None:
    """A decimal when the denominator is 2^a*5^b, otherwise a fraction."""
    assert exact_text(value) == text


def test_builtin_example_is_exact() -> None:
    """The built-in example's L2 and L1 updates come out exactly, with no float residue:
    L2 w0 = 2.5 - 0.1*(-0.2 + 2*0.01*2.5) = 2.515; L1 w0 = 2.5 - 0.1*(-0.2 + 0.01) = 2.519;
    losses 1.2 + 0.01*6.9 = 1.269 and 1.2 + 0.01*3.4 = 1.234."""
    w = [F("2.5"), F("-0.8"), F("0.1")]
    g = [F("-0.2"), F("0.1"), F("-0.05")]
    report = exact_step(w, g, lam=[F("0.01")], lr=F("0.1"), loss=F("1.2"))
    assert list(report["l2"].w_new) == [F("2.515"), F("-0.8084"), F("0.1048")]
    assert list(report["l1"].w_new) == [F("2.519"), F("-0.809"), F("0.104")]
    assert (report["l2"].loss, report["l1"].loss) == (F("1.269"), F("1.234"))


def test_exact_proximal_reaches_a_true_zero() -> None:
    """v = 0.004 - 0.1*0.05 = -0.001, |v| - 0.1*0.01 = 0: soft-thresholding gives exactly 0."""
    report = exact_step(
        [F("0.004")],
        [F("0.05")],
        lam=[F("0.01")],
        lr=F("0.1"),
        penalties=["l1"],
        l1_method="proximal",
    )
    assert report["l1"].w_new[0] == 0


decimals = st.builds(
    lambda n, k: f"{n / 10**k:.{k}f}" if k else str(n),
    st.integers(-(10**6), 10**6),
    st.integers(0, 6),
)


@settings(max_examples=150, deadline=None)
@given(
    w=st.lists(decimals, min_size=1, max_size=5),
    data=st.data(),
    lam=st.integers(0, 10**4).map(lambda n: f"{n / 10**4:.4f}"),
    lr=st.integers(0, 10**3).map(lambda n: f"{n / 10**3:.3f}"),
    kind=st.sampled_from(["l2", "l1", "elastic", "none"]),
    form=st.sampled_from(["lambda", "half"]),
    method=st.sampled_from(["subgradient", "proximal"]),
)
def test_exact_and_float_agree(
    w: list[str], data: st.DataObject, lam: str, lr: str, kind: str, form: str, method: str
) -> None:
    """On random decimal inputs the two paths agree to float precision (relative 1e-9 of
    the inputs' scale: a few roundings of float64's 1.1e-16 each, far inside that)."""
    g = data.draw(st.lists(decimals, min_size=len(w), max_size=len(w)))
    floats = step(
        [float(x) for x in w],
        [float(x) for x in g],
        lam=float(lam),
        lr=float(lr),
        loss=1.0,
        penalties=[kind],
        l2_form=form,
        l1_method=method,
    )[kind]
    exact = exact_step(
        [F(x) for x in w],
        [F(x) for x in g],
        lam=[F(lam)],
        lr=F(lr),
        loss=F(1),
        penalties=[kind],
        l2_form=form,
        l1_method=method,
    )[kind]
    scale = 1 + max(abs(float(x)) for x in [*w, *g])
    for name in ("penalty_grad", "full_grad", "step", "w_new"):
        got = np.asarray(getattr(exact, name), dtype=np.float64)
        assert np.allclose(getattr(floats, name), got, rtol=0, atol=1e-9 * scale**2), name
    assert abs(floats.penalty_value - float(exact.penalty_value)) <= 1e-9 * scale**2


def test_parse_exact_files_and_stdin(tmp_path: Path) -> None:
    """Files and stdin are read as text, token by token; a CSV header and comments are
    skipped; a .npy float is read as its shortest round-trip decimal (0.1 -> 1/10)."""
    csv_file = tmp_path / "w.csv"
    csv_file.write_text("w\n1/3\n0.1  # comment\n", encoding="utf-8")
    assert parse_exact_vector(f"@{csv_file}", "--w") == [F(1, 3), F(1, 10)]
    npy = tmp_path / "w.npy"
    np.save(npy, np.array([0.1, -2.5]))
    assert parse_exact_vector(f"@{npy}", "--w") == [F(1, 10), F(-5, 2)]
    assert parse_exact_vector("-", "--w", stdin=io.StringIO("[1/4, 2]\n")) == [F(1, 4), F(2)]
    with pytest.raises(RegtraceError, match=r"^--w: file 'nope.txt' does not exist"):
        parse_exact_vector("@nope.txt", "--w")
    with pytest.raises(RegtraceError, match=r"^--w: empty element at position 2"):
        parse_exact_vector("1,,2", "--w")


def test_step_exact_cli(cli: Callable[..., Invocation], golden: Callable[[str, str], None]) -> None:
    """step --exact with a fraction input shows fractions where decimals would not end."""
    args = ["step", "--exact", "--w", "1/3,0.1", "--grad", "0.2,-0.05", "--penalty", "l2"]
    result = cli([*args, "--show-work"])
    assert result.code == 0, result.stderr
    # 2*0.01*(1/3) = 1/150; 0.2 + 1/150 = 31/150; 1/3 - 0.1*31/150 = 1/3 - 31/1500 = 469/1500
    assert "= 469/1500" in result.stdout
    golden("step_exact_fraction.txt", result.stdout)


def test_step_exact_json_gives_2_515(cli: Callable[..., Invocation]) -> None:
    """JSON of --exact holds the number nearest the exact value: the example's 2.515 etc., and
    0.3 for w = 0.1 - 0.1*(-2) where the float path's 0.1 + 0.2 is 0.30000000000000004."""
    exact = json.loads(cli(["step", "--exact", "--penalty", "l2", "-f", "json", *EXAMPLE]).stdout)
    assert exact["results"][0]["w_new"] == [2.515, -0.8084, 0.1048]
    assert exact["exact"] is True
    args = ["step", "--w", "0.1", "--grad", "-2", "--lr", "0.1", "--penalty", "none", "-f", "json"]
    floats = json.loads(cli(args).stdout)
    exact = json.loads(cli([*args, "--exact"]).stdout)
    assert floats["results"][0]["w_new"] == [0.30000000000000004]
    assert exact["results"][0]["w_new"] == [0.3]


def test_fraction_without_exact_is_an_error(cli: Callable[..., Invocation]) -> None:
    """The float path does not read 1/3; the error says what numbers look like."""
    result = cli(["step", "--w", "1/3", "--grad", "0"])
    assert result.code == 2
    assert result.stderr == (
        "Error: --w, element 1: '1/3' is not a number; write numbers such as 2.5, -0.8 or "
        "1e-3 (fractions such as 1/3 need --exact)\n"
    )


def test_float_step_does_not_load_the_exact_engine() -> None:
    """A plain `regtrace step` never imports the exact or check engines (start-up time)."""
    code = (
        "import contextlib, io, sys\n"
        "from regtrace.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(['step'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('regtrace.engine.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(ast.literal_eval(done.stdout.strip()))
    # the NumPy-free choices the options are made from may load; no other engine module
    choices = {"regtrace.engine.choices", "regtrace.engine.frameworks"}
    assert loaded - choices == {
        "regtrace.engine.noise",  # the cancellation rule every printed number follows
        "regtrace.engine.penalties",
        "regtrace.engine.problem",
        "regtrace.engine.step",
    }


@given(
    st.sampled_from(["", "+", "-"]),
    st.text("0123456789", max_size=6),
    st.sampled_from(["", "."]),
    st.text("0123456789", max_size=6),
)
def test_plain_decimals_read_as_fractions_of_the_text(
    sign: str, whole: str, point: str, frac: str
) -> None:
    """A decimal without exponent (2.515, -.5, 5.) is read as the same Fraction the standard
    library reads, and text without digits is refused."""
    text = sign + whole + (point + frac if point else "")
    if not (whole or (point and frac)):
        with pytest.raises(RegtraceError):
            to_fraction(text, "x")
    else:
        assert to_fraction(text, "x") == F(text)
