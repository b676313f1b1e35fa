"""What ``--out PATH`` puts in the file, chosen by the file's extension.

- ``.npy``: the new weights of the one penalty asked for, as a 1-D float64 array (so it can be
  fed back as ``--w @PATH``); with more than one penalty ``.npy`` is refused, use ``.npz``.
- ``.npz``: one array per penalty, named by its ``--penalty`` word (``l2``, ``l1``, ...).
- ``.csv`` and ``.json``: exactly what ``--format csv`` and ``--format json`` print.

A writer is returned, not run: it takes an open binary file, so the CLI decides where the
bytes go (a temporary file beside the target, renamed when complete) and big arrays stream to
disk instead of being built in memory first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import BinaryIO

import numpy as np

from regtrace.engine.penalties import Vector
from regtrace.errors import RegtraceError

ARRAY_SUFFIXES = (".npy", ".npz")
TEXT_SUFFIXES = (".csv", ".json")
OUT_SUFFIXES = ARRAY_SUFFIXES + TEXT_SUFFIXES

Writer = Callable[[BinaryIO], None]


def check_npy_fits(suffix: str, names: tuple[str, ...]) -> None:
    """A ``.npy`` file holds one array: refuse it before computing when several are due."""
    if suffix == ".npy" and len(names) != 1:
        raise RegtraceError(
            f"--out: a .npy file holds one array but {len(names)} penalties were asked for "
            f"({', '.join(names)}); write .npz (one array per penalty) or choose one with "
            "--penalty"
        )


def file_writer(suffix: str, arrays: Mapping[str, Vector], text: Callable[[str], str]) -> Writer:
    """The writer for a file ending in ``suffix``.

    ``arrays`` maps each penalty word to its resulting weights (``.npy``/``.npz``); ``text``
    renders the result in a text format (``"csv"`` or ``"json"``) for the other two.
    """
    # float64 whatever the arithmetic was (--exact keeps fractions); a no-op for float arrays.
    arrays = {name: np.asarray(values, dtype=np.float64) for name, values in arrays.items()}
    if suffix == ".npy":
        check_npy_fits(suffix, tuple(arrays))
        (array,) = arrays.values()
        return lambda handle: np.save(handle, array)
    if suffix == ".npz":

        def write_npz(handle: BinaryIO) -> None:
            # Uncompressed: float weights barely compress, and savez streams each array to
            # disk. allow_pickle=False: only float arrays go in.
            np.savez(handle, allow_pickle=False, **arrays)

        return write_npz
    if suffix in TEXT_SUFFIXES:

        def write_text(handle: BinaryIO) -> None:
            handle.write(text(suffix[1:]).encode("utf-8"))

        return write_text
    raise RegtraceError(f"--out: cannot write {suffix!r} files; use {', '.join(OUT_SUFFIXES)}")
