"""A :class:`~regtrace.render.page.Page` as a LaTeX fragment that fits an A4 or letter page.

Paste it into a document body whose preamble has ``\\usepackage{tabularx}`` (part of every
TeX distribution's required tools). Prose goes through :func:`escape`; formulas and worked
arithmetic (``2x0.01x2.5 = 0.05``) are set in math mode by :func:`math`, where a long line
may break after ``=``, ``+`` or ``\\times``. A table wider than the text is a ``tabularx``
whose wide columns wrap; a narrow one stays a ``tabular``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from regtrace.render.page import Grid, Heading, Line, Page

TIMES = "\u00d7"
"""A multiplication sign; :func:`escape` writes it ``$\\times$``, :func:`math` ``\\times``."""

PREAMBLE = r"\usepackage{tabularx}"

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "|": r"\textbar{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    TIMES: r"$\times$",
}


def escape(text: str) -> str:
    """``text`` safe in LaTeX's text mode (``--`` stays two hyphens, not an en dash)."""
    return "".join(_SPECIAL.get(ch, ch) for ch in text).replace("--", "-{}-")


# -- formulas in math mode ------------------------------------------------------------------

MATH_NAMES = frozenset(
    [
        "lam",
        "lam1",
        "lam2",
        "lr",
        "sum",
        "sign",
        "soft",
        "max",
        "min",
        "sqrt",
        "log",
        "exp",
        "mean",
        "sigmoid",
        "target",
        "grad",
        "eps",
        "hat",
        "new",
        "wd",
        "buf",
        "diag",
        "trace",
        "velocity",
        "momentum",
        "dampening",
        "penalty",
        "term",
        "MSE",
        "SSE",
        "mse",
        "sse",
        "dL",
        "dw",
        "Xw",
        "alpha",
    ]
)
_GREEK = {"lam": r"\lambda", "lam1": r"\lambda_{1}", "lam2": r"\lambda_{2}"}
_TOKEN = re.compile(
    r"(?P<num>\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
    r"|(?P<word>[A-Za-z]+\d*(?:_[A-Za-z0-9]+)?)"
    r"|(?P<op>\*\*|<-|->|>=|<=|\|\||\.\.\.)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)"
)
_MATH_OPS = {
    "*": r"\cdot ",
    TIMES: r"\times ",
    "<-": r"\leftarrow ",
    "->": r"\to ",
    ">=": r"\ge ",
    "<=": r"\le ",
    "||": r"\| ",
    "...": r"\ldots ",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\sim ",
    "\\": r"\backslash ",
    "'": r"\prime ",
    '"': "",
    ",": r",\allowbreak\ ",
    ";": r";\allowbreak\ ",
    "=": r"=\allowbreak ",
}


def _times(text: str) -> str:
    """The ``x`` of worked arithmetic (``2x0.01``, ``lr x lam``) as a multiplication sign."""
    text = re.sub(r"(?<=[\d)])x(?=[\d(\-])", TIMES, text)
    return re.sub(r"(?<= )x(?= )", TIMES, text)


def _word(word: str) -> str:
    """``lam`` as lambda, ``w0`` and ``x_ij`` with subscripts, ``m_hat`` with a hat, longer
    names upright."""
    base, _, sub = word.partition("_")
    if base in _GREEK and not sub:
        return _GREEK[base]
    letters = base.rstrip("0123456789")
    if len(letters) == 1 and letters != base and not sub:
        return f"{letters}_{{{base[1:]}}}"
    head = _GREEK.get(base) or (base if len(base) == 1 else rf"\mathrm{{{base}}}")
    if sub == "hat" and len(base) == 1:
        return rf"\hat{{{base}}}"
    if sub and (len(base) == 1 or base in _GREEK or base == "target") and len(sub) <= 3:
        inner = sub if len(sub) == 1 or sub.isdigit() else rf"\mathrm{{{sub}}}"
        return f"{head}_{{{inner}}}"
    if sub:
        return rf"\mathrm{{{escape(word)}}}"
    return head


def math(text: str) -> str:
    """A formula (the plain notation regtrace prints) as LaTeX math, without delimiters."""
    out: list[str] = []
    raise_next = spaced = False
    last = ""
    for m in _TOKEN.finditer(_times(text)):
        kind, tok = m.lastgroup, m[0]
        if kind == "space":
            spaced = True
            continue
        if spaced and kind in ("word", "num") and last in ("word", "num"):
            out.append(r"\ ")
        spaced, last = False, kind or ""
        if kind == "num":
            piece = tok
        elif kind == "word":
            piece = _word(tok)
        elif tok in _MATH_OPS:
            piece = _MATH_OPS[tok]
        elif tok in ("^", "**"):  # a loss formula's derivative writes powers as **
            raise_next = True
            out.append("^")
            continue
        elif tok.isascii():
            piece = tok
        else:
            piece = rf"\mbox{{{escape(tok)}}}"
        out.append(f"{{{piece}}}" if raise_next else piece)
        raise_next = False
    # A trailing ", " leaves a control space; cut it, or the closing \) would read as \\.
    return "".join(out).removesuffix("\\ ").strip()


def reads_as_math(text: str) -> bool:
    """A formula or number, not prose: every word is a math name, short, indexed, or a
    function applied (``tanh(``)."""
    if not text or "--" in text:
        return False
    words = re.findall(r"[A-Za-z]+\d*(?:_\w+)?(?:\()?", text)
    return all(
        len(w) == 1 or w in MATH_NAMES or "_" in w or w[-1].isdigit() or w.endswith("(")
        for w in words
    )


def _split_top(text: str, seps: str = ",;") -> Iterator[str]:
    """``text`` cut after each top-level ``, `` or ``; `` (not inside brackets)."""
    depth, start = 0, 0
    for k, ch in enumerate(text):
        depth += (ch in "([" and 1) or (ch in ")]" and -1) or 0
        if ch in seps and depth == 0 and text[k + 1 : k + 2] == " ":
            yield text[start : k + 2]
            start = k + 2
    yield text[start:]


def _has_math(text: str) -> bool:
    """An operator, a digit or a Greek letter: worth setting as math."""
    return bool(re.search(r"(?<![A-Za-z\d])\d|[=*^/+|<>]", text)) or any(
        w in _GREEK for w in re.findall(r"\w+", text)
    )


def _unbalanced(text: str) -> tuple[int, int]:
    """Opening brackets at the start and closing ones at the end that have no partner."""
    opened = len(text) - len(text.lstrip("(["))
    closed = len(text) - len(text.rstrip(")]"))
    depth = sum({"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0) for ch in text)
    if depth > 0:
        return min(opened, depth), 0
    return 0, min(closed, -depth)


def _segment(seg: str) -> str:
    """Prose words as text, each formula among them in math mode."""
    tail = seg.rstrip(",; ")
    end = seg[len(tail) :]
    words = tail.split(" ")
    for k in range(len(words)):
        for j in range(len(words), k, -1):
            formula = " ".join(words[k:j])
            if reads_as_math(formula) and _has_math(formula):
                lead = escape(" ".join(words[:k]) + " ") if k else ""
                trail = " " + _segment(" ".join(words[j:])) if j < len(words) else ""
                opened, closed = _unbalanced(formula)
                lead += escape(formula[:opened])
                trail = escape(formula[len(formula) - closed :]) + trail
                formula = formula[opened : len(formula) - closed]
                return f"{lead}\\({math(formula)}\\){trail}{escape(end)}"
    return escape(seg)


def formula_line(text: str) -> str:
    """``label: formula, formula`` with the label as text and each formula in math mode."""
    label, sep, rest = text.partition(": ")
    if not sep or re.search(r"[=*^/]", label):
        label, rest = "", text
    body = "".join(_segment(seg) for seg in _split_top(rest))
    return f"{escape(label)}: {body}" if label else body


def cell(text: str, in_math: bool) -> str:
    """One table cell: numbers, formulas and arithmetic in math mode, words as text."""
    if not in_math:
        return escape(text)
    return "".join(_segment(seg) for seg in _split_top(text))


# -- layout ---------------------------------------------------------------------------------

TEXT_WIDTH_CHARS = 60  # about what a 345pt text block holds of table cells at 10pt
WRAP_CHARS = 12  # a column whose cells are longer than this wraps in a tabularx


def grid_latex(grid: Grid) -> str:
    """One :class:`Grid`: a ``tabular`` when it fits the text width, else a ``tabularx`` of
    the text width whose long columns wrap (long arithmetic breaks after ``=``)."""
    columns = list(zip(grid.header, *grid.rows, strict=True))
    widths = [max(len(text) for text in column) for column in columns]
    wide = sum(widths) + 2 * len(widths) > TEXT_WIDTH_CHARS
    specs = []
    for k, width in enumerate(widths):
        align = "l" if k == 0 else "r"
        if wide and width > WRAP_CHARS:
            flush = r"\raggedright" if k == 0 else r"\raggedleft"
            specs.append(f">{{{flush}\\arraybackslash}}X")
        else:
            specs.append(align)
    spec = "@{}" + "".join(specs) + "@{}"
    env = "tabularx" if any(s.endswith("X") for s in specs) else "tabular"
    size = "{\\linewidth}" if env == "tabularx" else ""
    lines = []
    if grid.title:
        lines += [rf"\noindent\textbf{{{formula_line(grid.title)}}}\\[2pt]"]
    lines += [rf"\noindent\begin{{{env}}}{size}{{{spec}}}", r"\hline"]
    lines.append(" & ".join(escape(h) for h in grid.header) + r" \\")
    lines.append(r"\hline")
    for row in grid.rows:
        cells = [escape(row[0]), *(cell(c, grid.math) for c in row[1:])]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\hline", rf"\end{{{env}}}"]
    return "\n".join(lines)


def _least(grid: Grid) -> int:
    """Characters the table needs when every cell wraps at its spaces and after ``=``."""
    columns = zip(grid.header, *grid.rows, strict=True)
    words = [
        max(len(w) for text in c for w in text.replace("=", "= ").split() or [""]) for c in columns
    ]
    return sum(words) + 3 * len(words)


def fitted(grid: Grid) -> list[Grid]:
    """``grid`` as tables that fit the text width: as it is, its narrower alternatives, the
    table turned, or one small table per item (see :mod:`regtrace.render.table`)."""
    from regtrace.render.table import cards, turned

    if _least(grid) <= TEXT_WIDTH_CHARS:
        return [grid]
    if grid.alternatives and all(_least(g) <= TEXT_WIDTH_CHARS for g in grid.alternatives):
        return list(grid.alternatives)
    turn = turned(grid)
    if len(turn.header) < len(grid.header) and _least(turn) <= TEXT_WIDTH_CHARS:
        return [turn]
    return cards(grid)


def _itemize(items: list[str]) -> str:
    """Lines of prose and formulas as a list, set ragged right: a formula TeX cannot break
    never runs into the margin."""
    return "\n".join(
        [r"\begin{itemize}\raggedright", *(rf"  \item {i}" for i in items), r"\end{itemize}"]
    )


def page_latex(page: Page) -> str:
    """A bold title, runs of lines as lists, the tables, then the caption in italics."""
    parts = [
        f"% regtrace: paste into a LaTeX document body; the preamble needs {PREAMBLE}",
        rf"\noindent\textbf{{{formula_line(page.title)}}}",
    ]
    run: list[str] = []
    for block in (*page.blocks, None):
        if isinstance(block, Line):
            if block.text:
                run.append(formula_line(block.text) if block.formula else escape(block.text))
            continue
        if run:
            parts.append(_itemize(run))
            run = []
        if isinstance(block, Grid):
            parts += [grid_latex(g) for g in fitted(block)]
        elif isinstance(block, Heading):
            parts.append(rf"\noindent\textbf{{{formula_line(block.text)}}}")
    if page.caption:
        parts.append(rf"\noindent\emph{{{escape(page.caption)}}}")
    return "\n\n".join(parts) + "\n"
