"""``sweep --out``: the final weights of every swept ``lam`` saved, one row per ``lam`` in
the order of ``--lams``, one array per penalty; ``.csv``/``.json`` hold what the format
prints."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import invoke

# w = [1, 2], dL/dw = 0, lr = 0.1, one step: L2 (lam*||w||^2) multiplies w by 1 - 2*0.1*lam,
# L1 moves each weight by -0.1*lam*sign(w).
ARGS = ["sweep", "--w", "1,2", "--grad", "0,0", "--lr", "0.1", "--steps", "1", "--lams", "0,0.5"]


def test_npz_holds_a_row_per_lam_for_each_penalty(tmp_path: Path) -> None:
    out = tmp_path / "path.npz"
    assert invoke([*ARGS, "--out", str(out)]).code == 0
    with np.load(out) as saved:
        assert sorted(saved.files) == ["l1", "l2"]
        # lam = 0: unchanged; lam = 0.5: L2 x0.9, L1 -0.05 each
        np.testing.assert_allclose(saved["l2"], [[1, 2], [0.9, 1.8]], rtol=1e-15)
        np.testing.assert_allclose(saved["l1"], [[1, 2], [0.95, 1.95]], rtol=1e-15)


def test_npy_of_one_penalty_and_of_an_exact_sweep(tmp_path: Path) -> None:
    out = tmp_path / "l1.npy"
    args = [*ARGS[:-1], "0,1/2", "-p", "l1", "--exact", "--out", str(out)]
    assert invoke(args).code == 0
    assert np.load(out).tolist() == [[1.0, 2.0], [0.95, 1.95]]


def test_npy_with_two_penalties_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "both.npy"
    result = invoke([*ARGS, "--out", str(out)])
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: --out: a .npy file holds one array but 2 penalties")
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize(
    "args",
    [ARGS, ["sweep", "--target", "1,2", "--lams", "0.1,1"], [*ARGS, "--lam", "1,0"]],
    ids=["run", "path", "per-weight"],
)
def test_text_out_is_what_the_format_prints(tmp_path: Path, args: list[str], fmt: str) -> None:
    out = tmp_path / f"sweep.{fmt}"
    assert invoke([*args, "--out", str(out)]).code == 0
    assert out.read_text(encoding="utf-8") == invoke([*args, "--format", fmt]).stdout


def test_a_table_sweep_saves_its_final_weights(tmp_path: Path) -> None:
    """One L2 step from w = 0 on x = [1, 2], y = 2 (half-mse, n = 1): dL/dw = x*(0 - 2) =
    [-2, -4], so w = -0.1*[-2, -4] = [0.2, 0.4] for every lam (w = 0 has no penalty
    gradient)."""
    out = tmp_path / "t.npy"
    args = ["sweep", "--x", "1,2", "--y", "2", "--w", "0,0", "--steps", "1", "--lr", "0.1"]
    assert invoke([*args, "--lams", "0,1", "-p", "l2", "--out", str(out)]).code == 0
    np.testing.assert_allclose(np.load(out), [[0.2, 0.4], [0.2, 0.4]], rtol=1e-15)
