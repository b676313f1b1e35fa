"""``sweep`` and ``--lams`` against hand-derived values."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from regtrace import RegtraceError, sweep
from regtrace.parse.lams import parse_lams

W = [2.5, -0.8, 0.1]
G = [-0.2, 0.1, -0.05]
CLOSE = {"rtol": 0, "atol": 1e-13}


def test_builtin_lambda_sensitivity_table() -> None:
    """The example's loop as a sweep. Expected rows from w_N = a^N*w_0 - (1 - a^N)/(1 - a)*lr*g,
    a = 1 - 2*lr*lam (see tests/test_engine_trajectory.py for the lam = 0 and 1 rows worked
    out in full; rows often printed for it differ from what the loop computes)."""
    report = sweep(W, G, lams=[0.0, 1.0], steps=10, lr=0.1, penalties=["l2"])
    assert [p.lam for p in report.results] == [0.0, 1.0]
    # lam = 0: w_0 - 10*0.1*g = [2.7, -0.9, 0.15]
    assert_allclose(report.results[0].w_final, [2.7, -0.9, 0.15], **CLOSE)
    # lam = 1: a = 0.8, a^10 = 0.1073741824 -> [0.35769803776, -0.1305306368, 0.03305306368]
    assert_allclose(
        report.results[1].w_final, [0.35769803776, -0.1305306368, 0.03305306368], **CLOSE
    )


def test_regularization_path_ridge_and_lasso() -> None:
    """Path of 1/2*||w - t||^2 + penalty, t = [3.5, 2.1, -0.4]:
    L2 at lam = 1: t/(1 + 2) = [7/6, 0.7, -0.4/3]; at lam = 0: t.
    L1 at lam = 1: soft(t, 1) = [2.5, 1.1, 0]; at lam = 3: [0.5, 0, 0] (|2.1| < 3);
    at lam = 4: all 0 (|3.5| < 4). Lasso zeros come one by one; ridge never reaches 0."""
    report = sweep([0, 0, 0], target=[3.5, 2.1, -0.4], lams=[0, 1, 3, 4])
    l2 = [p.w_final for p in report.of("l2")]
    l1 = [p.w_final.tolist() for p in report.of("l1")]
    assert_allclose(l2[0], [3.5, 2.1, -0.4], **CLOSE)
    assert_allclose(l2[1], [7 / 6, 0.7, -0.4 / 3], **CLOSE)
    assert all((w != 0).all() for w in l2)
    assert l1[1:] == [[2.5, pytest.approx(1.1, abs=1e-15), 0.0], [0.5, 0.0, 0.0], [0.0] * 3]
    assert report.path
    assert report.to_dict()["steps"] is None


def test_sweep_elastic_pins_one_strength() -> None:
    """Elastic with lam2 = 0.5 pinned: lam sweeps the L1 part only.
    t = 3: lam1 = 1 -> soft(3, 1)/(1 + 2*0.5) = 2/2 = 1; lam1 = 2 -> 1/2 = 0.5."""
    report = sweep([0.0], target=[3.0], lams=[1, 2], penalties=["elastic"], lam2=0.5)
    assert [p.w_final.tolist() for p in report.results] == [[1.0], [0.5]]
    assert report.to_dict()["results"][0]["lam"] == {"l1": 1.0, "l2": 0.5}


def test_json_contract_keys() -> None:
    """docs/design.md: each sweep entry has exactly penalty, lam, w_final."""
    data = sweep(W, G, lams=[0.1], steps=1).to_dict()
    assert [sorted(r) for r in data["results"]] == [["lam", "penalty", "w_final"]] * 2
    assert data["lams"] == [0.1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grad": G}, "a sweep with a fixed gradient needs steps"),
        ({"grad": G, "steps": 1, "lams": []}, "lams is empty; give strengths such as 0,0.01"),
        ({"grad": G, "steps": 1, "lams": [-1]}, "lams must not be negative (got -1)"),
        ({"grad": G, "steps": 1, "lams": [float("nan")]}, "lams must be finite"),
        ({"grad": G, "steps": 1, "penalties": []}, "no penalty given"),
        ({"grad": G, "steps": 1, "lams": [20.0]}, "the L2 run diverges from step 1"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    """Each bad input raises one RegtraceError naming what to change."""
    with pytest.raises(RegtraceError) as info:
        sweep(W, **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_lams_list_and_log_range() -> None:
    """A list is taken as written; 1e-4:1:5 is 10^-4, 10^-3, ..., 10^0 (log-spaced)."""
    assert parse_lams("0,0.01,0.1,1") == (0.0, 0.01, 0.1, 1.0)
    assert_allclose(parse_lams("1e-4:1:5"), [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)
    assert parse_lams("1e-4:1:5")[0] == 1e-4 and parse_lams("1e-4:1:5")[-1] == 1.0
    assert parse_lams("0.5:2:1") == (0.5,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "0:1:5",
            "--lams: a log-spaced range needs start and stop above 0 (got 0 and 1); "
            "list 0 separately, e.g. 0,0.01,0.1,1",
        ),
        ("1:2", "--lams: '1:2' is not a range; write start:stop:count, e.g. 1e-4:1:9"),
        ("1e-3:1:x", "--lams: the count 'x' must be a whole number from 1 to 10000"),
        ("1e-3:1:0", "--lams: the count '0' must be a whole number from 1 to 10000"),
        ("a:1:3", "--lams start: 'a' is not a number"),
        ("0.1,,1", "--lams: empty element at position 2"),
    ],
)
def test_bad_lams(text: str, message: str) -> None:
    """Malformed --lams get one message saying how to write it."""
    with pytest.raises(RegtraceError) as info:
        parse_lams(text)
    assert str(info.value).startswith(message)


def test_zero_steps_ends_where_it_started() -> None:
    """``steps=0`` runs no step, so each final weight is w_0 (it used to crash: every = 0).
    Found by tests/test_fuzz_cli.py with ``sweep --steps 0``."""
    report = sweep(W, G, lams=[0.5], steps=0, lr=0.1, penalties=["l2"])
    assert_allclose(report.results[0].w_final, W, **CLOSE)
