"""``--out PATH``: what each file type holds, atomic writes, and the refusals.

Expected numbers are the built-in example: ``w = [2.5, -0.8, 0.1]``,
``g = [-0.2, 0.1, -0.05]``, ``lam = 0.01``, ``lr = 0.1``.

- L2 (``lambda`` form, gradient ``2*lam*w``): penalty terms ``2*0.01*w = [0.05, -0.016,
  0.002]``; full gradients ``[-0.15, 0.084, -0.048]``; ``w_new = w - 0.1*full =
  [2.515, -0.8084, 0.1048]``.
- L1 (subgradient ``lam*sign(w)``): terms ``[0.01, -0.01, 0.01]``; full gradients
  ``[-0.19, 0.09, -0.04]``; ``w_new = [2.519, -0.809, 0.104]``.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest

from regtrace.cli.output import write_file
from regtrace.errors import RegtraceError
from tests.conftest import invoke

L2_NEW = [2.515, -0.8084, 0.1048]
L1_NEW = [2.519, -0.809, 0.104]


def test_npz_holds_one_array_per_penalty(tmp_path: Path) -> None:
    """``.npz``: arrays named ``l2`` and ``l1``, the new weights under each penalty."""
    target = tmp_path / "result.npz"
    result = invoke(["step", "--out", str(target)])
    assert result.code == 0, result.stderr
    with np.load(target) as saved:
        assert sorted(saved.files) == ["l1", "l2"]
        np.testing.assert_allclose(saved["l2"], L2_NEW, rtol=0, atol=1e-15)
        np.testing.assert_allclose(saved["l1"], L1_NEW, rtol=0, atol=1e-15)
    assert result.stdout  # the usual table still goes to stdout


def test_npy_holds_the_new_weights_and_feeds_back_in(tmp_path: Path) -> None:
    """``.npy`` with one penalty: a float64 vector that the next step reads as ``--w``.

    Second L2 step from ``w1 = [2.515, -0.8084, 0.1048]`` with the same gradient:
    ``w2 = w1 - 0.1*(g + 0.02*w1) = 0.998*w1 - 0.1*g`` = ``[2.50997 + 0.02, -0.8067832 - 0.01,
    0.1045904 + 0.005] = [2.52997, -0.8167832, 0.1095904]``.
    """
    first = tmp_path / "w1.npy"
    assert invoke(["step", "--penalty", "l2", "--out", str(first)]).code == 0
    w1 = np.load(first)
    assert w1.dtype == np.float64
    assert w1.shape == (3,)
    np.testing.assert_allclose(w1, L2_NEW, rtol=0, atol=1e-15)
    second = tmp_path / "w2.npy"
    args = ["step", "--w", f"@{first}", "--grad", "-0.2,0.1,-0.05", "--penalty", "l2"]
    assert invoke([*args, "--out", str(second)]).code == 0
    np.testing.assert_allclose(np.load(second), [2.52997, -0.8167832, 0.1095904], atol=1e-14)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_text_files_match_the_format_on_stdout(tmp_path: Path, fmt: str) -> None:
    """``.json`` and ``.csv`` hold byte for byte what ``--format json|csv`` prints."""
    target = tmp_path / f"trace.{fmt}"
    assert invoke(["step", "--out", str(target)]).code == 0
    printed = invoke(["step", "--format", fmt]).stdout
    assert target.read_text(encoding="utf-8") == printed


def test_json_file_is_the_contract(tmp_path: Path) -> None:
    """The JSON file parses and carries each penalty's ``w_new``."""
    target = tmp_path / "trace.json"
    assert invoke(["step", "--out", str(target)]).code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    by_penalty = {r["penalty"]: r["w_new"] for r in data["results"]}
    np.testing.assert_allclose(by_penalty["l2"], L2_NEW, atol=1e-15)
    np.testing.assert_allclose(by_penalty["l1"], L1_NEW, atol=1e-15)


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    """``RESULT.NPZ`` is an ``.npz`` file."""
    target = tmp_path / "RESULT.NPZ"
    assert invoke(["step", "--out", str(target)]).code == 0
    with np.load(target) as saved:
        assert sorted(saved.files) == ["l1", "l2"]


def test_an_existing_output_is_replaced(tmp_path: Path) -> None:
    """A previous output (not an input) is replaced whole."""
    target = tmp_path / "w.npy"
    np.save(target, np.arange(10.0))
    assert invoke(["step", "--penalty", "l1", "--out", str(target)]).code == 0
    np.testing.assert_allclose(np.load(target), L1_NEW, atol=1e-15)


def test_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    """Not the 0600 of a temporary file: ``0666`` less the umask, as ``open()`` gives."""
    umask = os.umask(0o022)
    try:
        target = tmp_path / "trace.csv"
        assert invoke(["step", "--out", str(target)]).code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def _errors(args: list[str]) -> str:
    result = invoke(args)
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    return lines[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "result.txt",
            "Error: --out 'result.txt': cannot write '.txt'; name the file with one of "
            ".npy, .npz, .csv, .json",
        ),
        (
            "result",
            "Error: --out 'result': cannot write no extension; name the file with one of "
            ".npy, .npz, .csv, .json",
        ),
        ("", "Error: --out is empty; give a file name ending in .npy, .npz, .csv, .json"),
        (
            "no/such/folder/r.npz",
            "Error: --out 'no/such/folder/r.npz': folder 'no/such/folder' does not exist; "
            "create it first",
        ),
        (
            "w.npy",
            "Error: --out: a .npy file holds one array but 2 penalties were asked for "
            "(l2, l1); write .npz (one array per penalty) or choose one with --penalty",
        ),
    ],
)
def test_bad_out_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    """Each bad ``--out`` is one error line, exit 2, and no file appears."""
    monkeypatch.chdir(tmp_path)
    assert _errors(["step", "--out", name]) == message
    assert list(tmp_path.iterdir()) == []


def test_out_cannot_be_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder named like a file is refused, not replaced."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.npz").mkdir()
    assert (
        _errors(["step", "--out", "x.npz"]) == "Error: --out 'x.npz' is a folder; give a file name"
    )


@pytest.mark.parametrize("spelling", ["w.npy", "./w.npy", "sub/../w.npy", "link.npy"])
def test_out_never_overwrites_an_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    """The same file under another name (relative parts, a symlink) is still the input."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    np.save(tmp_path / "w.npy", np.array([1.0, 2.0]))
    (tmp_path / "link.npy").symlink_to(tmp_path / "w.npy")
    before = (tmp_path / "w.npy").read_bytes()
    args = ["step", "--w", "@w.npy", "--grad", "0,0", "--penalty", "l2", "--out", spelling]
    assert _errors(args) == (
        f"Error: --out '{spelling}' is the input file of --w; regtrace never overwrites its "
        "input, write the result to another file"
    )
    assert (tmp_path / "w.npy").read_bytes() == before


def test_out_never_overwrites_a_strength_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ``@file`` option counts, not only ``--w``: here ``--lam``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lam.csv").write_text("0.01,0\n", encoding="utf-8")
    args = ["step", "--w", "1,2", "--grad", "0,0", "--lam", "@lam.csv", "--out", "lam.csv"]
    assert "is the input file of --lam" in _errors(args)
    assert (tmp_path / "lam.csv").read_text(encoding="utf-8") == "0.01,0\n"


def test_a_failed_run_leaves_the_old_file(tmp_path: Path) -> None:
    """When the step fails (here: an overflow), nothing is written; the old file stays."""
    target = tmp_path / "keep.npz"
    target.write_bytes(b"old")
    args = ["step", "--w", "1e300", "--grad", "0", "--lam", "1e10", "--out", str(target)]
    assert invoke(args).code == 2
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.npz"]


class _Boom(Exception):
    pass


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (OSError(28, "No space left on device"), RegtraceError),
        (KeyboardInterrupt(), KeyboardInterrupt),
        (_Boom(), _Boom),
    ],
)
def test_write_file_is_atomic(
    tmp_path: Path, failure: BaseException, raised: type[BaseException]
) -> None:
    """A writer that dies half-way leaves the target as it was and no temporary file."""
    target = tmp_path / "result.npz"
    target.write_bytes(b"previous result")

    def half_then_fail(handle: BinaryIO) -> None:
        handle.write(b"partial")
        raise failure

    with pytest.raises(raised) as caught:
        write_file(target, half_then_fail)
    if raised is RegtraceError:
        assert str(caught.value) == (f"--out: cannot write '{target}' (No space left on device)")
    assert target.read_bytes() == b"previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["result.npz"]


def test_write_file_where_no_temporary_file_can_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder refuses a new file (as a read-only folder does): one message, no file.

    Simulated, because the test suite may run as root, for whom permissions do not bind.
    """
    import tempfile

    def refuse(**_: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(RegtraceError) as caught:
        write_file(tmp_path / "r.npy", lambda handle: None)
    assert str(caught.value) == f"--out: cannot write in '{tmp_path}' (Permission denied)"
    assert list(tmp_path.iterdir()) == []


# -- run --------------------------------------------------------------------------------------


def test_run_npz_holds_each_penalty_final_weights(tmp_path: Path) -> None:
    """``run`` (the example's loop: 10 steps, fixed gradient) saves ``w_final`` per penalty.

    - L1: ``sign(w)`` never changes, so each step adds ``-0.1*(g + 0.01*sign(w))`` =
      ``[0.019, -0.009, 0.004]``; ten of them: ``[2.69, -0.89, 0.14]``.
    - L2: ``w_k+1 = 0.998*w_k - 0.1*g``, so ``w_10 = 0.998**10*w_0 - 0.1*g*(1 - 0.998**10)
      / (1 - 0.998)`` (a geometric series).
    """
    target = tmp_path / "result.npz"
    assert invoke(["run", "--out", str(target)]).code == 0
    w0, g = np.array([2.5, -0.8, 0.1]), np.array([-0.2, 0.1, -0.05])
    decay = 0.998**10
    l2 = decay * w0 - 0.1 * g * (1 - decay) / (1 - 0.998)
    with np.load(target) as saved:
        assert sorted(saved.files) == ["l1", "l2"]
        np.testing.assert_allclose(saved["l1"], [2.69, -0.89, 0.14], rtol=0, atol=1e-14)
        np.testing.assert_allclose(saved["l2"], l2, rtol=0, atol=1e-14)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_run_text_files_match_the_format_on_stdout(tmp_path: Path, fmt: str) -> None:
    """``run --out x.json|x.csv`` holds what ``run --format json|csv`` prints."""
    target = tmp_path / f"run.{fmt}"
    assert invoke(["run", "--steps", "3", "--out", str(target)]).code == 0
    printed = invoke(["run", "--steps", "3", "--format", fmt]).stdout
    assert target.read_text(encoding="utf-8") == printed


def test_run_never_overwrites_its_target_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--target @t.npy --out t.npy`` is refused like any other input file."""
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "t.npy", np.array([3.5, 2.1]))
    args = ["run", "--w", "0,0", "--target", "@t.npy", "--penalty", "l2", "--out", "t.npy"]
    assert "is the input file of --target" in _errors(args)


def test_run_out_with_an_optimizer_saves_its_final_weights(tmp_path: Path) -> None:
    """``run --optimizer momentum --out``: the file holds each penalty's ``w_final``, and the
    JSON file is what ``--format json`` prints for the same run."""
    args = ["run", "--optimizer", "momentum", "--momentum", "0.9", "--steps", "3"]
    target = tmp_path / "r.json"
    assert invoke([*args, "--out", str(target)]).code == 0
    assert target.read_text(encoding="utf-8") == invoke([*args, "--format", "json"]).stdout
    arrays = tmp_path / "r.npz"
    assert invoke([*args, "--out", str(arrays)]).code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    with np.load(arrays) as saved:
        for result in data["results"]:
            np.testing.assert_array_equal(saved[result["penalty"]], result["w_final"])


def test_step_out_never_overwrites_its_data_table(tmp_path: Path) -> None:
    """``--data study.csv --out study.csv`` would replace the table being read: refused."""
    table = tmp_path / "study.csv"
    table.write_text("hours,score\n1,2\n2,3\n", encoding="utf-8")
    args = ["step", "--data", str(table), "--w", "0", "--out", str(table)]
    assert "is the input file of --data" in _errors(args)
    assert table.read_text(encoding="utf-8") == "hours,score\n1,2\n2,3\n"
