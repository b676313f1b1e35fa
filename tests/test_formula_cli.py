"""``--loss-fn``: the formula parser's allow-list and bounds, the derivative shown, the
subgradient convention at kinks, JSON, errors, and SymPy loaded only on this path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from regtrace.errors import RegtraceError
from regtrace.parse.formula import MAX_DEPTH, parse_formula
from tests.conftest import ROOT, Invocation

Cli = Callable[..., Invocation]

HOSTILE = [
    "__import__('os').system('touch x')",
    "w0.__class__",
    "lambda: 0",
    "[w0]*10**9",
    "9**9**9**9",
    "w0 * 9^9^9^9",
    "(w0^1000)^1000",
    "exec('1')",
    "w0; import os",
    "1e999999999 * w0",
    "w0 if w0 else 1",
    "w0 @ w0",
    "'w0'",
]


def _regtrace(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A fresh ``regtrace`` process; the timeout only guards against a hang."""
    env = {k: v for k, v in os.environ.items() if k != "REGTRACE_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "regtrace", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )


def _refused(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --loss-fn"), done.stderr


@pytest.mark.parametrize("formula", HOSTILE)
def test_hostile_formulas_are_refused_and_run_nothing(tmp_path: Path, formula: str) -> None:
    """One line, exit 2, nothing created on disk (the first would make a file ``x``)."""
    _refused(_regtrace(["step", "--loss-fn", formula, "--w", "1"], tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10**5 + "w0" + ")" * 10**5,  # deep nesting
        "w0+" * 350_000 + "w0",  # 1.4 MB
        "-" * 10**5 + "w0",
        "w0^" * 10**5 + "2",
    ],
    ids=["1e5-parentheses", "1MB", "1e5-signs", "1e5-powers"],
)
def test_huge_formulas_from_a_file_are_refused(tmp_path: Path, text: str) -> None:
    """A single argument is capped by the OS at 128 KB, so the big ones come as @file."""
    source = tmp_path / "loss.txt"
    source.write_text(text)
    _refused(_regtrace(["step", "--loss-fn", f"@{source}"], tmp_path))
    assert list(tmp_path.iterdir()) == [source]


def test_depth_is_counted_not_recursed() -> None:
    """Just inside the bound parses; one more level is a one-line error, not RecursionError."""
    depth = MAX_DEPTH - 1
    assert parse_formula("(" * depth + "w0" + ")" * depth).n_weights == 1
    with pytest.raises(RegtraceError, match="nests deeper"):
        parse_formula("(" * (MAX_DEPTH + 1) + "w0" + ")" * (MAX_DEPTH + 1))


def test_long_flat_sums_do_not_recurse(cli: Cli) -> None:
    """500 terms is a left-leaning tree 500 deep: built and differentiated without recursion."""
    done = cli(["step", "--loss-fn", "+".join(["w0"] * 499), "--w", "1", "--format", "json"])
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["grad"] == [499.0]


def test_the_show_work_line_of_a_partial(cli: Cli) -> None:
    """The derivative, the weights substituted, the value: as a student writes it."""
    done = cli(
        ["step", "--loss-fn", "(w0 - 3)^2 + 2*w1^2", "--w", "1,1", "--lam", "0.1", "--lr",
         "0.1", "--penalty", "l2", "--show-work"]
    )  # fmt: skip
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "dL/dw0 = 2*(w0 - 3) = 2*(1 - 3) = -4" in lines
    assert "dL/dw1 = 4*w1 = 4*1 = 4" in lines
    assert "L = 2*w1^2 + (w0 - 3)^2 = 2*1^2 + (1 - 3)^2 = 6" in lines
    # the step itself: 1 - 0.1*(-4 + 0.2) = 1.38 and 1 - 0.1*(4 + 0.2) = 0.58
    assert any("= 1.38" in line for line in lines) and any("= 0.58" in line for line in lines)


def test_negative_and_fractional_weights_are_parenthesized(cli: Cli) -> None:
    done = cli(["step", "--exact", "--show-work", "--loss-fn", "w0^2*w1", "--w", "-1,1/3"])
    assert done.code == 0, done.stderr
    assert "dL/dw0 = 2*w0*w1 = 2*(-1)*(1/3) = -2/3" in done.stdout.splitlines()


@pytest.mark.parametrize(
    ("formula", "w", "loss", "grad"),
    [
        ("-w0^2", "3", -9.0, [-6.0]),  # -(w0^2), as in math
        ("w0*2^3^2", "1", 512.0, [512.0]),  # 2^(3^2), right-associative
        ("w0*2**-1", "1", 0.5, [0.5]),  # a sign in an exponent
        ("w[0]^2 + w[1]", "2,5", 9.0, [4.0, 1.0]),
        ("abs(w0) + relu(w1) + max(w2, 0)", "0,0,0", 0.0, [0.0, 0.0, 0.0]),  # kinks: 0
        ("abs(w0) + relu(w1) + max(w2, 0)", "-2,3,-1", 5.0, [-1.0, 1.0, 0.0]),
        ("min(w0, w1)", "1,2", 1.0, [1.0, 0.0]),
        ("tanh(w0) + sin(w1) + cos(w1)", "0,0", 1.0, [1.0, 1.0]),
        ("softplus(w0) - log(2)", "0", 0.0, [0.5]),
        ("sqrt(w0)", "4", 2.0, [0.25]),
        ("w0^2", "1,1", 1.0, [2.0, 0.0]),  # a weight the loss does not use: gradient 0
    ],
)
def test_values_and_gradients(
    cli: Cli, formula: str, w: str, loss: float, grad: list[float]
) -> None:
    """Worked by hand: precedence, associativity, the functions, and the kink convention
    (d|x|/dx = sign(x) with sign(0) = 0; relu'(0) = 0, as the L1 penalty's subgradient)."""
    done = cli(["step", "--loss-fn", formula, "--w", w, "--format", "json", "--penalty", "none"])
    assert done.code == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["loss"] == pytest.approx(loss, abs=1e-12)
    assert out["grad"] == pytest.approx(grad, abs=1e-12)


def test_json_carries_the_formula_and_its_derivatives(cli: Cli) -> None:
    done = cli(["step", "--loss-fn", "(w0 - 3)^2 + 2*w1^2", "--w", "1,1", "--format", "json"])
    formula = json.loads(done.stdout)["formula"]
    assert formula == {
        "loss_fn": "(w0 - 3)^2 + 2*w1^2",
        "loss_expr": "2*w1**2 + (w0 - 3)**2",
        "partials": {"dL/dw0": "2*(w0 - 3)", "dL/dw1": "4*w1"},
        "value": 6.0,
        "grad": [-4.0, 4.0],
    }


def test_run_json_has_the_formula_and_final_loss(cli: Cli) -> None:
    """L = w0^2, lam = 0: each step multiplies w0 by 1 - 2*lr = 0.8; two steps from 1: 0.64."""
    done = cli(
        ["run", "--loss-fn", "w0^2", "--w", "1", "--lam", "0", "--lr", "0.1", "--steps", "2",
         "--penalty", "l2", "--format", "json"]
    )  # fmt: skip
    out = json.loads(done.stdout)
    assert out["results"][0]["w_final"] == pytest.approx([0.64])
    assert out["final_loss"]["l2"] == pytest.approx(0.4096)
    assert out["formula"]["partials"] == {"dL/dw0": "2*w0"}


def test_sweep_takes_a_formula(cli: Cli) -> None:
    """w0^2 with L2 (lambda form) and lr 1/4: each step multiplies by 1 - 1/4*(2 + 2*lam)."""
    done = cli(
        ["sweep", "--loss-fn", "w0^2", "--w", "1", "--lams", "0,1", "--lr", "0.25", "--steps",
         "1", "--penalty", "l2", "--format", "json"]
    )  # fmt: skip
    assert done.code == 0, done.stderr
    finals = [r["w_final"] for r in json.loads(done.stdout)["results"]]
    assert finals == [[0.5], [0.0]]


def test_exact_keeps_thirds_and_refuses_an_irrational_gradient(cli: Cli) -> None:
    done = cli(["run", "--exact", "--loss-fn", "(w0 - 1/3)^2", "--w", "0", "--lam", "0",
                "--lr", "1/4", "--steps", "1", "--penalty", "l2", "--format", "csv"])  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "l2,1,1/6"  # 0 - 1/4*(-2/3)
    done = cli(["step", "--exact", "--loss-fn", "sqrt(w0)", "--w", "2"])
    assert done.code == 2
    assert done.stderr.splitlines() == [
        "Error: --exact: dL/dw0 = sqrt(2)/4 at this w is not a rational number; leave out "
        "--exact to compute in floating point"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--loss-fn", "w0", "--grad", "1"], "--grad and --loss-fn both give the data loss"),
        (["--loss-fn", "w0", "--loss", "1"], "--loss and --loss-fn both give the data loss"),
        (["--loss-fn", "w0", "--x", "1", "--y", "1"], "--data/--x/--y and --loss-fn"),
        (["--loss-fn", "w0 + w2", "--w", "1,1"], "the formula uses w2 but --w has 2 values"),
        (["--loss-fn", "log(w0)", "--w", "0"], "L(w) is not a finite number at w = 0.0"),
        (["--loss-fn", "1/(w0 - w0)"], "is not a real number"),
        (["--loss-fn", "exp(w0, 1)"], "exp takes 1 argument, not 2"),
        (["--loss-fn", "w0 +"], "the formula ends early"),
        (["--loss-fn", "3"], "the formula names no weight"),
        (["--loss-fn", "foo(w0)"], "unknown name 'foo'"),
    ],
)
def test_errors_are_one_line(cli: Cli, args: list[str], message: str) -> None:
    done = cli(["step", *args])
    assert done.code == 2
    assert len(done.stderr.splitlines()) == 1
    assert message in done.stderr


def test_step_without_loss_fn_does_not_import_sympy(tmp_path: Path) -> None:
    done = _regtrace(["step", "--format", "json"], tmp_path)
    assert done.returncode == 0
    probe = _regtrace_imports(["step"])
    assert "sympy" not in probe


def _regtrace_imports(args: list[str]) -> set[str]:
    """Top-level modules loaded by ``regtrace ARGS`` in a fresh interpreter."""
    code = (
        "import sys\nfrom regtrace.cli import run\n"
        f"run({args!r})\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    return set(done.stderr.split())


def test_the_formula_path_does_import_sympy() -> None:
    """The probe above is real: with --loss-fn SymPy is loaded."""
    assert "sympy" in _regtrace_imports(["step", "--loss-fn", "w0^2", "--format", "json"])


def test_missing_sympy_is_one_line_naming_the_extra() -> None:
    code = (
        "import sys\nsys.modules['sympy'] = None\nfrom regtrace.cli import run\n"
        "sys.exit(run(['step', '--loss-fn', 'w0^2']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Error: --loss-fn needs the formula extra: pip install 'regtrace[formula]'"
    ]


def test_explore_starts_on_a_formula() -> None:
    """``regtrace explore --loss-fn``: the starting state has the formula's gradient."""
    from regtrace.cli.explore_inputs import explore_state

    state = explore_state(w="1,1", lam="0.1", loss_fn="(w0 - 3)^2 + 2*w1^2")
    assert state.grad.tolist() == [-4.0, 4.0] and state.loss == 6.0
    assert state.loss_fn == "(w0 - 3)^2 + 2*w1^2"
    with pytest.raises(RegtraceError, match="--grad and --loss-fn"):
        explore_state(grad="1", loss_fn="w0^2")


FORMULA_STEP = ["step", "--loss-fn", "(w0 - 3)^2 + 2*w1^2", "--w", "1,1", "--lam", "0.1",
                "--lr", "0.1", "--penalty", "l2", "--show-work"]  # fmt: skip
FORMULA_RUN = ["run", "--loss-fn", "w0^2", "--w", "1", "--lam", "0", "--lr", "0.1", "--steps",
               "2", "--penalty", "l2"]  # fmt: skip


def test_latex_of_a_formula_step(cli: Cli) -> None:
    """The formula's part comes first, in math mode, SymPy's ``**`` set as a superscript:
    L(1, 1) = 2*1 + (1 - 3)^2 = 6, dL/dw0 = 2*(1 - 3) = -4; then the step, 1.38 and 0.58."""
    out = cli([*FORMULA_STEP, "--format", "latex"]).stdout
    lines = [line.strip() for line in out.splitlines()]
    assert (
        r"\noindent\textbf{Data loss \(L(w)=\allowbreak (w_{0}-3)^{2}+2\cdot w_{1}^{2}\)}" in lines
    )
    assert (
        r"\item \(L=\allowbreak 2\cdot w_{1}^{2}+(w_{0}-3)^{2}=\allowbreak 2\cdot 1^{2}"
        r"+(1-3)^{2}=\allowbreak 6\)"
    ) in lines
    assert (
        r"\item \(\mathrm{dL}/\mathrm{dw0}=\allowbreak 2\cdot (w_{0}-3)=\allowbreak "
        r"2\cdot (1-3)=\allowbreak -4\)"
    ) in lines
    assert (
        r"\item \(\mathrm{dL}/\mathrm{dw1}=\allowbreak 4\cdot w_{1}=\allowbreak "
        r"4\cdot 1=\allowbreak 4\)"
    ) in lines
    assert "**" not in out and r"\cdot \cdot" not in out
    assert out.index("Data loss") < out.index("One gradient step")
    assert (
        r"New weight & \(1-0.1\times (-3.8)=\allowbreak 1.38\) & "
        r"\(1-0.1\times 4.2=\allowbreak 0.58\) \\"
    ) in lines


def _markdown_text(md: str) -> str:
    """What CommonMark shows of ``md``, tags removed."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<em>" not in html  # no formula turned into emphasis
    return re.sub(r"<[^>]+>", "", html).replace("&gt;", ">").replace("&lt;", "<")


def test_markdown_of_a_formula_step(cli: Cli) -> None:
    """The same lines as the table, rendered literally (``*`` and ``**`` escaped)."""
    md = cli([*FORMULA_STEP, "--format", "markdown"]).stdout
    assert md.startswith("**Data loss L(w) = (w0 - 3)^2 + 2\\*w1^2**\n")
    text = _markdown_text(md)
    assert "L = 2*w1^2 + (w0 - 3)^2 = 2*1^2 + (1 - 3)^2 = 6" in text
    assert "dL/dw0 = 2*(w0 - 3) = 2*(1 - 3) = -4" in text
    assert "dL/dw1 = 4*w1 = 4*1 = 4" in text
    assert "| New weight | 1 - 0.1x(-3.8) = 1.38 | 1 - 0.1x4.2 = 0.58 |" in md


def test_latex_and_markdown_of_a_formula_run(cli: Cli) -> None:
    """L = w0^2, lam = 0, lr = 0.1: w0 goes 1, 0.8, 0.64 and L(w_2) = 0.64^2 = 0.4096."""
    latex = cli([*FORMULA_RUN, "--format", "latex"]).stdout
    lines = [line.strip() for line in latex.splitlines()]
    assert (
        r"\item Data loss \(L(w)=\allowbreak w_{0}^{2}\), its gradient recomputed at every step:"
        in lines
    )
    assert r"\item \(\mathrm{dL}/\mathrm{dw0}=\allowbreak 2\cdot w_{0}\)" in lines
    assert lines[lines.index(r"0 & \(1\) \\") + 1 :][:2] == [r"1 & \(0.8\) \\", r"2 & \(0.64\) \\"]
    assert r"\item L2: \(L(w_{N})=\allowbreak 0.4096\)" in lines
    md = cli([*FORMULA_RUN, "--format", "markdown"]).stdout
    assert "| 1 | 0.8 |\n| 2 | 0.64 |\n" in md
    text = _markdown_text(md)
    assert "Data loss L(w) = w0^2, its gradient recomputed at every step:" in text
    assert "dL/dw0 = 2*w0" in text and "L2: L(w_N) = 0.4096" in text


def test_shown_derivatives_use_the_typed_notation(cli: Cli) -> None:
    """d|w0|^3/dw0 = 3*|w0|^2*sign(w0) = 3 x 4 x (-1) = -12 at w0 = -2, and
    d exp(w1)/dw1 = exp(-1): shown with ``^`` and ``abs`` as typed, a lone weight inside a
    call without doubled parentheses; JSON keeps SymPy's text (``**``, ``Abs``)."""
    args = ["step", "--loss-fn", "abs(w0)^3 + exp(w1)", "--w", "-2,-1", "--penalty", "none"]
    lines = cli([*args, "--show-work"]).stdout.splitlines()
    assert "L = w0^2*abs(w0) + exp(w1) = (-2)^2*abs(-2) + exp(-1) = 8.36787944117" in lines
    assert "dL/dw0 = w0*(w0*sign(w0) + 2*abs(w0)) = (-2)*((-2)*sign(-2) + 2*abs(-2)) = -12" in lines
    run = cli(["run", *args[1:], "--steps", "1"]).stdout
    assert "dL/dw0 = w0*(w0*sign(w0) + 2*abs(w0)), dL/dw1 = exp(w1)" in run
    data = json.loads(cli([*args, "--format", "json"]).stdout)["formula"]
    assert data["loss_expr"] == "w0**2*Abs(w0) + exp(w1)"
    assert data["partials"] == {"dL/dw0": "w0*(w0*sign(w0) + 2*Abs(w0))", "dL/dw1": "exp(w1)"}
