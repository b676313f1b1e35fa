"""The tolerance rule of ``check``: rounding to the decimals written, ties, coarse answers."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regtrace.engine.grading import (
    MIN_SIGNIFICANT,
    Mark,
    Written,
    grade,
    leading_exponent,
    rounded,
    significant,
)
from regtrace.errors import RegtraceError

EXACT = F("2.515")  # the built-in example's L2 w0: 2.5 - 0.1*(-0.2 + 2*0.01*2.5) = 2.5 + 0.015


@pytest.mark.parametrize(
    ("text", "decimals"),
    [("2.515", 3), ("3", 0), ("-0.8084", 4), ("2.5e-3", 4), ("25e2", -2), (".5", 1), ("1/3", None)],
)
def test_decimals_written(text: str, decimals: int | None) -> None:
    """The precision of a written number is the power of ten of its last digit."""
    assert Written.parse(text, "--answer").decimals == decimals


def test_rounded_keeps_both_neighbours_at_a_tie() -> None:
    """2.515 at two decimals is 251.5 hundredths, an exact tie: 2.51 and 2.52."""
    assert rounded(EXACT, 2) == (F("2.51"), F("2.52"))
    assert rounded(EXACT, 1) == (F("2.5"),)  # 25.15 tenths rounds down
    assert rounded(F("-0.8084"), 3) == (F("-0.808"),)  # -808.4 thousandths


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("2.515", Mark.RIGHT),
        ("2.5150", Mark.RIGHT),  # 4 decimals: 2.5150 is 2.515 rounded
        ("2.52", Mark.RIGHT),  # the tie's upper neighbour (the example)
        ("2.51", Mark.RIGHT),  # and its lower one
        ("2.53", Mark.WRONG),
        ("2.5", Mark.COARSE),  # right at one decimal but only 2 significant digits
        ("3", Mark.COARSE),  # 2.515 rounds to 3 at 0 decimals, which keeps 1 digit
        ("503/200", Mark.RIGHT),  # a fraction must be equal: 503/200 = 2.515
        ("5/2", Mark.WRONG),
    ],
)
def test_grade_builtin_w0(text: str, mark: Mark) -> None:
    """The issue's examples for 2.515, plus fractions."""
    assert grade(EXACT, Written.parse(text, "--answer")) is mark


def test_an_exact_answer_is_right_however_short() -> None:
    """0.09 for exactly 0.09 (the example's L1 full gradient of w1) loses nothing: right."""
    assert grade(F("0.09"), Written.parse("0.09", "--answer")) is Mark.RIGHT


def test_significant_digits() -> None:
    """0.1048 is 1.048e-1: three decimals keep -1 + 1 + 3 = 3 digits, two keep 2."""
    assert significant(F("0.1048"), 3) == 3
    assert grade(F("0.1048"), Written.parse("0.105", "a")) is Mark.RIGHT
    assert grade(F("0.1048"), Written.parse("0.10", "a")) is Mark.COARSE
    assert significant(F(0), 2) is None


def test_zero_expected() -> None:
    """0 is 0 at any precision; 0.001 is not 0 rounded to 3 decimals."""
    assert grade(F(0), Written.parse("0.000", "a")) is Mark.RIGHT
    assert grade(F(0), Written.parse("0.001", "a")) is Mark.WRONG


def test_absolute_tolerance() -> None:
    """--tol 0.01: |2.52 - 2.515| = 0.005 passes, |2.53 - 2.515| = 0.015 fails; 2.5 is
    within 0.015 of 2.515 and fails too, but with --tol 0.02 it passes (no coarse rule)."""
    tol = F("0.01")
    assert grade(EXACT, Written.parse("2.52", "a"), tol) is Mark.RIGHT
    assert grade(EXACT, Written.parse("2.53", "a"), tol) is Mark.WRONG
    assert grade(EXACT, Written.parse("2.5", "a"), tol) is Mark.WRONG
    assert grade(EXACT, Written.parse("2.5", "a"), F("0.02")) is Mark.RIGHT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "--answer, element 1: 'abc' is not a number"),
        ("1/0", "--answer, element 1: '1/0' divides by zero"),
        ("nan", "--answer, element 1: 'nan' is not a number"),
    ],
)
def test_bad_answer_text(text: str, message: str) -> None:
    """A written answer that is not a number is a one-line error naming the element."""
    with pytest.raises(RegtraceError, match="^" + message.replace("(", r"\(")):
        Written.parse(text, "--answer, element 1")


@given(
    num=st.integers(-(10**9), 10**9).filter(bool),
    den=st.integers(1, 10**6),
    extra=st.integers(0, 4),
)
def test_rounding_the_exact_value_is_right_and_one_unit_off_is_wrong(
    num: int, den: int, extra: int
) -> None:
    """Writing the exact value rounded half-up at enough decimals for 3 significant digits
    is right; one unit in the last written place away from it is wrong (away from a tie)."""
    exact = F(num, den)
    decimals = MIN_SIGNIFICANT - 1 - leading_exponent(exact) + extra
    scale = F(10) ** decimals
    units = math.floor(abs(exact) * scale + F(1, 2)) * (1 if exact > 0 else -1)

    def text(k: int) -> str:
        # 1001 at 3 digits is written 100e1 (tens); 0.0123 as 0.0123
        return f"{k}e{-decimals}" if decimals < 0 else f"{Decimal(k).scaleb(-decimals):f}"

    assert grade(exact, Written.parse(text(units), "a")) is Mark.RIGHT
    for off in (units - 2, units + 2):
        assert grade(exact, Written.parse(text(off), "a")) is Mark.WRONG
