"""What the ``regtrace`` command does before it loads anything: a quiet early Ctrl-C."""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # C module; ``signal`` loads ``enum`` (ms)
import os
import sys


def _exit(signum: int, frame: object) -> None:
    os._exit(128 + signum)  # nothing loaded yet, so nothing to clean up


def _is_the_command() -> bool:
    """Whether this process is ``regtrace`` (the console script or ``python -m regtrace``)."""
    argv = sys.orig_argv
    if "-m" in argv and argv[argv.index("-m") + 1 :][:1] == ["regtrace"]:
        return True
    return os.path.basename(sys.argv[0]) == "regtrace" if sys.argv else False  # noqa: PTH119


def quiet_ctrl_c_if_command() -> None:
    """In the command, until :func:`regtrace.cli.main` takes over, Ctrl-C exits 130 without
    a traceback. A library user's ``import regtrace`` keeps its own handler."""
    if _is_the_command():
        _signal.signal(_signal.SIGINT, _exit)
