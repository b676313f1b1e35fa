"""``regtrace conventions`` from a framework's parameter to lam.

Hand-derived: PyTorch's weight_decay wd adds wd*w to the gradient, the gradient of
lam*||w||^2 is 2*lam*w, so lam = wd/2. Ridge minimizes ||y - Xw||^2 + alpha*||w||^2 = n*(MSE +
alpha/n*||w||^2), so lam = alpha/n against the MSE. ElasticNet's 1/(2n)||y - Xw||^2 +
alpha*l1_ratio*||w||_1 + alpha*(1 - l1_ratio)/2*||w||^2 is half of MSE + lam1*||w||_1 +
lam*||w||^2 with lam1 = 2*alpha*l1_ratio and lam = alpha*(1 - l1_ratio).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import invoke


def _json(args: list[str]) -> dict[str, object]:
    result = invoke(["conventions", *args, "--format", "json"])
    assert result.code == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_torch_weight_decay_is_half_lam() -> None:
    """weight_decay 0.01 is lam 0.005, and the tables are those of --lam 0.005."""
    report = _json(["--weight-decay", "0.01", "--from", "torch"])
    assert report["lam"] == pytest.approx(0.005, abs=1e-15)
    assert report["source"] == {
        "from": "PyTorch",
        "parameter": "weight_decay",
        "value": 0.01,
        "conversion": "wd/2",
        "lam": pytest.approx(0.005, abs=1e-15),
        "lam1": 0.0,
    }
    plain = _json(["--lam", "0.005"])
    assert report["same_step"] == plain["same_step"]
    # Round trip: the table's weight_decay for that lam is the one given.
    assert report["same_step"][1]["value"] == pytest.approx(0.01, abs=1e-15)  # type: ignore[index]


def test_ridge_alpha_over_n() -> None:
    """alpha 0.1 with 50 samples is lam 0.002; the table gives alpha = n*lam back."""
    report = _json(["--alpha", "0.1", "--from", "ridge", "--n-samples", "50"])
    assert report["lam"] == pytest.approx(0.002, abs=1e-15)
    ridge = report["same_minimizer"][1]  # type: ignore[index]
    assert ridge["where"] == "sklearn Ridge"
    assert ridge["value"] == pytest.approx(0.1, abs=1e-15)


def test_elasticnet_alpha_and_ratio() -> None:
    """alpha 0.1, l1_ratio 0.3: lam = 0.07, lam1 = 0.06; the table gives both back."""
    report = _json(["--alpha", "0.1", "--from", "elasticnet", "--l1-ratio", "0.3"])
    assert report["lam"] == pytest.approx(0.07, abs=1e-15)
    assert report["lam1"] == pytest.approx(0.06, abs=1e-15)
    alpha, ratio = report["same_minimizer"][2:4]  # type: ignore[index]
    assert alpha["value"] == pytest.approx(0.1, abs=1e-15)
    assert ratio["value"] == pytest.approx(0.3, abs=1e-15)


def test_table_names_the_source() -> None:
    """The table says what was converted, in one line."""
    out = invoke(["conventions", "--weight-decay", "0.01", "--from", "torch"]).stdout
    assert "PyTorch weight_decay = 0.01 is lam = wd/2 = 0.005" in out
    assert "bias" in out  # the note that a single weight decay decays the bias too


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weight-decay", "0.01"], "say whose parameter it is: add --from torch, optax, "
         "keras, adamw, ridge or elasticnet"),
        (["--from", "torch"], "--from torch needs the value: --weight-decay or --alpha"),
        (["--alpha", "0.1", "--from", "torch"], "--from torch converts a weight decay: give "
         "--weight-decay, not --alpha"),
        (["--weight-decay", "0.1", "--from", "ridge"], "--from ridge converts an alpha: give "
         "--alpha, not --weight-decay"),
        (["--alpha", "0.1", "--from", "ridge"], "Ridge's alpha multiplies a sum over the "
         "samples: give --n-samples (the number of rows) to convert it"),
        (["--alpha", "0.1", "--from", "lasso"], "--from: unknown source 'lasso'; choose from "
         "torch, optax, keras, adamw, ridge, elasticnet"),
        (["--lam", "0.1", "--weight-decay", "0.1", "--from", "torch"], "give --lam, or "
         "--weight-decay/--alpha with --from, not both"),
        (["--alpha", "0.1", "--from", "elasticnet", "--l1-ratio", "2"], "l1-ratio must be "
         "between 0 and 1, not 2"),
        (["--weight-decay", "-1", "--from", "torch"], "weight-decay must be a finite number, "
         "0 or more, not -1"),
    ],
)  # fmt: skip
def test_conversion_errors(args: list[str], message: str) -> None:
    """Each impossible conversion: one line naming the fix, exit 2."""
    result = invoke(["conventions", *args])
    assert (result.code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
