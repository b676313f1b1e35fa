"""``--format latex``: a fragment whose environments balance and whose rows fit the table."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from regtrace.render.latex import escape
from tests.conftest import Invocation

Cli = Callable[..., Invocation]
CASES = {
    "step_wide": ["step", "--show-work", "--penalty", "l2,l1"],
    "step_tall": ["step", "--w", "1,2,3,4,5", "--grad", "1,1,1,1,1", "--layout", "tall"],
    "step_elastic_proximal": ["step", "-s", "--penalty", "elastic", "--l1-method", "proximal"],
    "step_exact": ["step", "--exact", "-s", "--w", "1/3", "--grad", "0.1", "--penalty", "l2"],
    "check_wrong": ["check", "--answer", "2.5175,-0.8092,0.1049"],
}
_COMMAND = re.compile(r"\\(begin|end)\{(\w+)\}")


def latex_of(cli: Cli, args: list[str]) -> str:
    """The LaTeX output of ``regtrace ARGS --format latex`` (which must succeed)."""
    result = cli([*args, "--format", "latex"])
    assert result.code in (0, 1), result.stderr
    return result.stdout


def unescaped_ampersands(line: str) -> int:
    """Column separators: ``&`` not written as ``\\&``."""
    return len(re.findall(r"(?<!\\)&", line))


@pytest.mark.parametrize("name", list(CASES))
def test_structure(cli: Cli, name: str) -> None:
    """Every \\begin has its \\end in order, and every tabular row has as many cells as
    the column spec has columns."""
    text = latex_of(cli, CASES[name])
    stack: list[str] = []
    for kind, env in _COMMAND.findall(text):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack.pop() == env
    assert stack == []
    tables = re.findall(r"\\begin\{tabular\}\{([lr]+)\}\n(.*?)\\end\{tabular\}", text, re.DOTALL)
    assert tables
    for spec, body in tables:
        rows = [line for line in body.splitlines() if line.endswith(r"\\")]
        assert rows
        for row in rows:
            assert unescaped_ampersands(row) + 1 == len(spec), row
    assert "\\times" in text or name == "step_tall"


def test_escape() -> None:
    """TeX's special characters come out as text; -- does not become an en dash."""
    assert escape("w_new 50% & #1 {x} ~ ^ | $ \\ --w") == (
        r"w\_new 50\% \& \#1 \{x\} \textasciitilde{} \textasciicircum{} \textbar{} \$ "
        r"\textbackslash{} -{}-w"
    )
    assert escape("2\u00d70.01") == r"2$\times$0.01"


def test_step_latex_golden(cli: Cli, golden: Callable[[str, str], None]) -> None:
    """The blog's L2 step with its arithmetic, as a teacher would paste it."""
    golden("step_l2_show_work.tex", latex_of(cli, ["step", "-s", "--penalty", "l2"]))


ENGINE = shutil.which("pdflatex") or shutil.which("lualatex") or shutil.which("xelatex")


@pytest.mark.skipif(ENGINE is None, reason="no TeX engine installed")
@pytest.mark.parametrize("name", list(CASES))
def test_compiles(cli: Cli, tmp_path: Path, name: str) -> None:
    """With a TeX engine around, each fragment compiles inside a bare article."""
    assert ENGINE is not None
    body = latex_of(cli, CASES[name])
    doc = tmp_path / "doc.tex"
    doc.write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\begin{document}\n"
        f"{body}\\end{{document}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [ENGINE, "-interaction=nonstopmode", "-halt-on-error", doc.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
