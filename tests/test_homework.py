"""Every problem of the homework bank (``fixtures/homework/``) graded by ``regtrace check``.

The answers and their working were done by hand in fractions (in each fixture); here the
right answer and the exact fractions must exit 0, and each typical wrong answer must exit 1
with its mistake named in the words the fixture gives.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from tests.conftest import FIXTURES, invoke

BANK = FIXTURES / "homework"


def _problems() -> list[dict[str, Any]]:
    found = []
    for path in sorted(BANK.glob("*.toml")):
        found += tomllib.loads(path.read_text(encoding="utf-8"))["problem"]
    return found


PROBLEMS = _problems()
IDS = [p["id"] for p in PROBLEMS]


def test_the_bank_is_big_and_complete() -> None:
    assert len(PROBLEMS) >= 30
    assert len(set(IDS)) == len(IDS)
    for p in PROBLEMS:
        assert p["working"].strip() and p["shape"] and 1 <= len(p.get("wrong", [])) <= 3, p["id"]


def _check(problem: dict[str, Any], answer: str) -> tuple[int, str]:
    result = invoke(["check", *problem["args"], "--answer", answer])
    assert not result.stderr, result.stderr
    return result.code, " ".join(result.stdout.split())


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_right_answer(problem: dict[str, Any]) -> None:
    code, out = _check(problem, problem["right"])
    assert code == 0, out
    if "exact" in problem:
        code, out = _check(problem, problem["exact"])
        assert code == 0, out


WRONG = [(p, w) for p in PROBLEMS for w in p.get("wrong", [])]


@pytest.mark.parametrize(
    ("problem", "wrong"), WRONG, ids=[f"{p['id']}:{w['answer']}" for p, w in WRONG]
)
def test_wrong_answer_is_diagnosed(problem: dict[str, Any], wrong: dict[str, str]) -> None:
    code, out = _check(problem, wrong["answer"])
    assert code == 1, out
    assert "Diagnosis: " in out and "no single common mistake" not in out, out
    assert wrong["words"] in out.split("Diagnosis: ", 1)[1], out
