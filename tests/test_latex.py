"""``--format latex``: fragments that balance, set formulas in math mode, and compile inside an
A4 article with no line or table wider than the text (checked in pdflatex's log)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from regtrace.render.latex import PREAMBLE, escape, formula_line, math
from tests.conftest import Invocation

Cli = Callable[..., Invocation]
CASES = {
    "step_wide": ["step", "--show-work", "--penalty", "l2,l1"],
    "step_tall": ["step", "--w", "1,2,3,4,5", "--grad", "1,1,1,1,1", "--layout", "tall"],
    "step_elastic_proximal": ["step", "-s", "--penalty", "elastic", "--l1-method", "proximal"],
    "step_exact": ["step", "--exact", "-s", "--w", "1/3", "--grad", "0.1", "--penalty", "l2"],
    "step_adam_show_work": ["step", "-s", "--optimizer", "adamw", "--weight-decay", "0.1"],
    "check_wrong": ["check", "--answer", "2.5175,-0.8092,0.1049"],
    "run": ["run", "--steps", "3"],
    "run_target": ["run", "--target", "1,-2", "--w", "0,0", "--steps", "4", "--penalty", "l1"],
    "sweep": ["sweep", "--w", "1", "--grad", "0", "--steps", "20", "--lams", "0.1,0.5"],
    "conventions": ["conventions", "--lam", "0.0005", "--lam1", "0.01", "--n-samples", "50"],
    "step_formula": ["step", "-s", "--loss-fn", "(w0 - 3)^2 + 2*w1^2", "--w", "1,1"],
    "step_formula_kinks": ["step", "-s", "--loss-fn", "relu(w0 - w1) + max(w0, 0)*tanh(w1)"],
    "run_formula": ["run", "--loss-fn", "(1 - w0)^2 + 100*(w1 - w0^2)^2", "--lr", "0.001"],
    "sweep_formula": ["sweep", "--loss-fn", "(w0 - 3)^2", "--steps", "5", "--lams", "0,1"],
    "check_optimizer": ["check", "-o", "adamw", "--steps", "2", "--answer", "2.66,-0.6,0.3"],
    "step_compare": ["step", "-o", "adam", "--compare", "adamw,rmsprop,adagrad", "-s"],
    "run_compare": ["run", "-o", "adam", "--compare", "adamw,sgd", "-p", "l2", "--steps", "4"],
    "sweep_exact": [
        "sweep",
        "--exact",
        "--w",
        "1/3,2",
        "--grad",
        "0.1,0",
        "--steps",
        "3",
        "--lams",
        "0.5,1/7",
    ],
    "conventions_from_torch": ["conventions", "--weight-decay", "0.01", "--from", "torch"],
    "conventions_from_ridge": ["conventions", "--alpha", "0.1", "--from", "ridge", "-n", "50"],
}
_COMMAND = re.compile(r"\\(begin|end)\{(\w+)\}")
OVERFULL_TOLERANCE_PT = 1.0  # TeX reports boxes a hair too wide; a real overflow is tens of pt


def latex_of(cli: Cli, args: list[str]) -> str:
    """The LaTeX output of ``regtrace ARGS --format latex`` (which must succeed)."""
    result = cli([*args, "--format", "latex"])
    assert result.code in (0, 1), result.stderr
    assert result.stdout.startswith("% regtrace"), result.stdout[:200]
    return result.stdout


def unescaped_ampersands(line: str) -> int:
    """Column separators: ``&`` not written as ``\\&``."""
    return len(re.findall(r"(?<!\\)&", line))


@pytest.mark.parametrize("name", list(CASES))
def test_structure(cli: Cli, name: str) -> None:
    """Every \\begin has its \\end in order, and every table row has as many cells as the
    column spec has columns."""
    text = latex_of(cli, CASES[name])
    stack: list[str] = []
    for kind, env in _COMMAND.findall(text):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack.pop() == env
    assert stack == []
    tables = re.findall(
        r"\\begin\{(tabularx?)\}(?:\{\\linewidth\})?\{@\{\}(.*?)@\{\}\}\n(.*?)\\end\{\1\}",
        text,
        re.DOTALL,
    )
    assert tables
    for _, spec, body in tables:
        columns = len(re.findall(r"[lr]|X", re.sub(r">\{[^}]*\}", "", spec)))
        rows = [line for line in body.splitlines() if line.endswith(r"\\")]
        assert rows
        for row in rows:
            assert unescaped_ampersands(row) + 1 == columns, row


def test_run_and_sweep_write_latex(cli: Cli) -> None:
    """run and sweep print LaTeX for --format latex, not the plain table."""
    for name in ("run", "sweep"):
        text = latex_of(cli, CASES[name])
        assert "\\begin{tabular" in text and "━" not in text


def test_escape() -> None:
    """TeX's special characters come out as text; -- does not become an en dash."""
    assert escape("w_new 50% & #1 {x} ~ ^ | $ \\ --w") == (
        r"w\_new 50\% \& \#1 \{x\} \textasciitilde{} \textasciicircum{} \textbar{} \$ "
        r"\textbackslash{} -{}-w"
    )
    assert escape("2\u00d70.01") == r"2$\times$0.01"


def test_formulas_in_math_mode() -> None:
    """Formulas become math: lam is lambda, * a centred dot, the x of arithmetic a times
    sign, w^2 a superscript, w_new and b1 subscripts, m_hat a hat; the label and prose stay
    text."""
    assert math("lam*sum(w^2)") == r"\lambda\cdot \mathrm{sum}(w^{2})"
    assert math("2x0.01x2.5 = 0.05") == r"2\times 0.01\times 2.5=\allowbreak 0.05"
    assert math("w_new") == r"w_{\mathrm{new}}"
    assert math("m_hat/(1-b1^t)") == r"\hat{m}/(1-b_{1}^{t})"
    assert math("eps 1e-8") == r"\mathrm{eps}\ 1e-8"
    assert math("max(w0, ") == r"\mathrm{max}(w_{0},\allowbreak"  # no \ before the \)
    assert math("2*w1**2") == r"2\cdot w_{1}^{2}"  # a loss formula's derivative
    assert formula_line("L = tanh(w0)*softplus(w1)") == (  # any function applied is math
        r"\(L=\allowbreak \mathrm{tanh}(w_{0})\cdot \mathrm{softplus}(w_{1})\)"
    )
    assert formula_line("L2: lam*sum(w^2), gradient 2*lam*w") == (
        r"L2: \(\lambda\cdot \mathrm{sum}(w^{2})\), gradient \(2\cdot \lambda\cdot w\)"
    )


def test_step_latex_golden(cli: Cli, golden: Callable[[str, str], None]) -> None:
    """The L2 step of the built-in example with its arithmetic, as a teacher would paste it."""
    golden("step_l2_show_work.tex", latex_of(cli, ["step", "-s", "--penalty", "l2"]))


def _install_tex() -> str | None:
    """pdflatex, installed from Debian's texlive-latex-base when CI runs as root with apt."""
    found = shutil.which("pdflatex")
    if found or not os.environ.get("CI") or not shutil.which("apt-get"):
        return found
    if os.geteuid() != 0:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "texlive-latex-base"]
    try:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300)
        subprocess.run(apt, env=env, capture_output=True, timeout=600, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    return shutil.which("pdflatex")


@pytest.fixture(scope="session")
def pdflatex() -> str:
    """The TeX engine; skipped (saying why) where none is installed or installable."""
    engine = _install_tex()
    if engine is None:
        pytest.skip("no pdflatex: install texlive-latex-base (CI installs it when root)")
    return engine


def test_compiles_and_fits_the_page(cli: Cli, tmp_path: Path, pdflatex: str) -> None:
    """Every case compiles inside an A4 article and no box is wider than the text."""
    bodies = "\n\\clearpage\n".join(latex_of(cli, args) for args in CASES.values())
    doc = tmp_path / "doc.tex"
    doc.write_text(
        "\\documentclass[a4paper]{article}\n\\usepackage[T1]{fontenc}\n"
        f"{PREAMBLE}\n\\begin{{document}}\n{bodies}\\end{{document}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", doc.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert done.returncode == 0, done.stdout[-2000:]
    overfull = [float(pt) for pt in re.findall(r"Overfull \\hbox \((\d+\.?\d*)pt too wide\)", log)]
    assert all(pt <= OVERFULL_TOLERANCE_PT for pt in overfull), re.findall(
        r"Overfull \\hbox.*\n.*\n", log
    )
