"""``regtrace check`` on many elements: a summary in the terminal, every row on request.

The problem is hand-derived: ``w = 1``, ``dL/dw = 0``, ``lam = 0.25``, ``lr = 1`` for every
weight, so the L2 step is ``1 - 1*(2*0.25*1) = 0.5`` (and ``0.75`` with the slip ``lam*w``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from tests.conftest import Invocation

Cli = Callable[..., Invocation]
N = 60  # above the 50 weights up to which a terminal lists every one


def _problem(answers: list[str]) -> list[str]:
    ones, zeros = ",".join(["1"] * N), ",".join(["0"] * N)
    return ["check", "--w", ones, "--grad", zeros, "--lam", "0.25", "--lr", "1",
            "--answer", ",".join(answers)]  # fmt: skip


def _answers() -> list[str]:
    """Right everywhere but w7 and w42 (0.6: wrong) and w50 (1: too coarse to tell)."""
    answers = ["0.5"] * N
    answers[7] = answers[42] = "0.6"
    answers[50] = "1"
    return answers


def test_many_elements_get_counts_the_furthest_off_and_the_first_wrong(cli: Cli) -> None:
    result = cli(_problem(_answers()))
    assert result.code == 1
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["right", "57", "95%"] in lines
    assert ["WRONG", "2", "3.33%"] in lines
    assert ["too", "coarse", "to", "tell", "1", "1.67%"] in lines
    # furthest first: w50 is 0.5 off, then w7 and w42 (0.1 off) in index order
    rows = [r[0] for r in lines if r and r[0] in ("w7", "w42", "w50")]
    assert rows == ["w50", "w7", "w42"]
    assert ["w7", "0.6", "0.5", "0.1", "WRONG"] in lines
    assert "Wrong: w7, w42" in result.stdout
    assert "Too coarse to tell: w50" in result.stdout
    assert "Worked solution for w7" in result.stdout
    assert "57 of 60 right, 2 wrong, 1 too coarse to tell." in result.stdout
    assert not any(r[:1] == ["w3"] for r in lines)  # right elements are not listed


def test_layout_tall_lists_every_element(cli: Cli) -> None:
    result = cli([*_problem(_answers()), "--layout", "tall"])
    assert result.code == 1
    rows = [line.split() for line in result.stdout.splitlines()]
    marks = [r for r in rows if r and r[0].startswith("w") and r[0][1:].isdigit()]
    assert len(marks) == N
    assert ["w3", "0.5", "0.5", "right"] in marks


def test_csv_holds_every_element_whatever_the_size(cli: Cli) -> None:
    result = cli([*_problem(_answers()), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["element", "answer", "expected", "mark"]
    assert len(rows) == N + 1
    assert rows[1 + 42] == ["w42", "0.6", "0.5", "WRONG"]


def test_summary_layout_on_a_few_elements_and_wide_refused(cli: Cli) -> None:
    builtin = ["check", "--w", "2.5,-0.8,0.1", "--grad", "-0.2,0.1,-0.05", "--lam", "0.01",
            "--lr", "0.1", "--answer", "2.515,-0.8084,0.1048"]  # fmt: skip
    result = cli([*builtin, "--layout", "summary"])
    assert result.code == 0
    assert ["right", "3", "100%"] in [line.split() for line in result.stdout.splitlines()]
    refused = cli([*builtin, "--layout", "wide"])
    assert refused.code == 2
    assert refused.stderr.startswith("Error: --layout wide: check lists one row per element")


def test_a_diagnosis_of_many_wrong_elements_counts_them(cli: Cli) -> None:
    """20 elements worked with lam*w (0.75): the slip is found from the wrong elements, named
    by count, and the variant's values are shown for the first wrong ones."""
    answers = ["0.5"] * N
    for i in range(20, 40):
        answers[i] = "0.75"
    result = cli(_problem(answers))
    assert result.code == 1
    assert (
        "Diagnosis: your 20 wrong elements (w20, w21, w22, ...) match the update with L2 "
        "gradient lam*w" in result.stdout
    )
    assert "That mistaken update gives w20 = 0.75, w21 = 0.75," in result.stdout
