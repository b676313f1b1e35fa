"""The one domain error type and the named exit codes.

The parser and the engine raise :class:`RegtraceError` with a message a user can act on;
only the CLI turns it into a stderr line and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class RegtraceError(ValueError):
    """Bad input or an impossible request; ``str(error)`` is the user-facing message."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived; unwinds like ``KeyboardInterrupt`` (files being written are
    removed) and ends the run with status ``128 + signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class ExitCode(IntEnum):
    """Exit statuses of the ``regtrace`` command (docs/design.md, exit codes)."""

    OK = 0
    WRONG_ANSWER = 1  # `check` found a wrong answer
    BAD_INPUT = 2  # bad input or usage
    BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away (`regtrace ... | head -1`)
    INTERRUPTED = 130  # 128 + SIGINT: Ctrl-C
