"""``--out PATH``: check the target before any work, then save the result through it.

The checks run before the inputs are computed on, so a mistake costs nothing: the extension
must be one regtrace writes, the folder must exist, and the target must not be one of the
input files (``--w @w.npy --out w.npy`` would replace the weights being read, and so would
``--w - --out in.csv < in.csv``) nor a read-only file (unless ``--force``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from regtrace.cli.output import check_target, write_file
from regtrace.engine.penalties import Vector
from regtrace.errors import RegtraceError
from regtrace.parse.source import shown_path
from regtrace.render.outfile import OUT_SUFFIXES, check_npy_fits, file_writer

SUFFIX_WORDS = ", ".join(OUT_SUFFIXES)


@dataclass(frozen=True)
class OutTarget:
    """A checked ``--out`` path and the kind of file it asks for."""

    path: Path
    suffix: str
    force: bool | None = None

    def save(self, arrays: Mapping[str, Vector], text: Callable[[str], str]) -> None:
        """Write the result atomically (see :func:`regtrace.cli.output.write_file`)."""
        write_file(self.path, file_writer(self.suffix, arrays, text), force=self.force)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (also through symlinks and hard links)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except (OSError, RuntimeError):  # unreadable or a symlink loop: not provably the same
        return False


def check_out(
    spec: str | None,
    inputs: Mapping[str, str | None],
    penalties: tuple[str, ...],
    *,
    force: bool | None = None,
) -> OutTarget | None:
    """Validate ``--out``; ``inputs`` maps option names to their text (``@file`` ones count).

    Runs before the inputs are read; :func:`regtrace.cli.output.write_file` checks again
    against every file read (and the file behind stdin) when it writes.
    """
    if spec is None:
        return None
    if not spec.strip():
        raise RegtraceError(f"--out is empty; give a file name ending in {SUFFIX_WORDS}")
    path = Path(spec)
    suffix = path.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        shown = f"'{suffix}'" if suffix else "no extension"
        raise RegtraceError(
            f"--out '{shown_path(spec)}': cannot write {shown}; name the file with one of "
            f"{SUFFIX_WORDS}"
        )
    for option, text in inputs.items():
        if text is not None and text.strip().startswith("@"):
            source = Path(text.strip()[1:])
            if _same_file(path, source):
                raise RegtraceError(
                    f"--out '{shown_path(spec)}' is the input file of {option}; regtrace never "
                    "overwrites its input, write the result to another file"
                )
    check_target(path, "--out", force=force)
    check_npy_fits(suffix, penalties)
    return OutTarget(path, suffix, force)
