"""The command line: options in, one result or one error line out.

:func:`run` is the whole program as a function (argv in, exit status out) so tests can drive
it in-process; :func:`main` is the console-script entry point.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from regtrace.errors import ExitCode, Terminated

TYPE_CHECKING = False  # not typing's: --version stays as fast as two interpreter start-ups
if TYPE_CHECKING:
    import typer


def _usage_hint(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "regtrace"
    return f" (see '{path} --help')"


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app, holding only the command that ``args`` name when they name one.

    Typer turns every registered command's signature into Click options on each call, and
    each command's module has its own imports; a run needs only its own command. The root
    options are all flags, so the first word that is not an option is the command.
    ``regtrace --help`` and an unknown command get the whole app, so the command list and
    "No such command" stay as they are.
    """
    from regtrace.cli import app as commands

    name = next((a for a in args if not a.startswith("-")), None)
    if name in commands.NAMES:
        return commands.build([name], args)
    return commands.app


def run(argv: Sequence[str] | None = None) -> int:
    """Run regtrace with ``argv`` (default ``sys.argv[1:]``) and return the exit status.

    Errors become one ``Error: ...`` line on stderr and status 2; ``--debug`` anywhere on the
    line re-raises them with their traceback instead.
    """
    import typer

    from regtrace.cli.output import PipeClosed, allow_replacing, write_error
    from regtrace.errors import RegtraceError
    from regtrace.parse import source

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("REGTRACE_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    source.reset()
    allow_replacing(False)
    try:
        result = app_for(args)(args=args, prog_name="regtrace", standalone_mode=False)
    except RegtraceError as exc:
        if debug:
            raise
        write_error(str(exc))
        return ExitCode.BAD_INPUT
    except typer.TyperException as exc:
        if debug:
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `regtrace`: help is the answer
            from regtrace.cli.output import write_text

            shown = exc.format_message()  # empty when Rich has already printed the help
            if shown:
                write_text(shown.rstrip("\n") + "\n")
            return ExitCode.OK
        code = int(getattr(exc, "exit_code", ExitCode.BAD_INPUT))
        hint = _usage_hint(exc) if code == ExitCode.BAD_INPUT else ""
        from regtrace.cli.app import explain_usage

        write_error((explain_usage(exc, args) or exc.format_message()) + hint)
        return code
    except PipeClosed:
        _silence_stdout()
        return ExitCode.BROKEN_PIPE
    except SystemExit as exc:  # Rich ends a help page whose reader went away this way
        if isinstance(exc.__context__, BrokenPipeError):
            _silence_stdout()
            return ExitCode.BROKEN_PIPE
        raise
    except OSError as exc:  # the environment failed under a library writing (a help page)
        if debug:
            raise
        from regtrace.cli.output import stdout_failed

        write_error(str(stdout_failed(exc)))
        _silence_stdout()
        return ExitCode.BAD_INPUT
    except (typer.Abort, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return result if isinstance(result, int) else ExitCode.OK


def _print_version() -> int:
    """``regtrace --version`` alone: the version constant, without importing Typer."""
    from regtrace import __version__
    from regtrace.cli.output import PipeClosed, write_error, write_text
    from regtrace.errors import RegtraceError

    try:
        write_text(f"regtrace {__version__}\n")
    except PipeClosed:
        _silence_stdout()
        return ExitCode.BROKEN_PIPE
    except RegtraceError as exc:
        write_error(str(exc))
        return ExitCode.BAD_INPUT
    return ExitCode.OK


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's exit flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (tests): nothing to silence
        pass


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM or SIGHUP: unwind like Ctrl-C, so a file being written is removed."""
    raise Terminated(signum)


def _guard_signals() -> None:
    """Ctrl-C, SIGTERM and SIGHUP end the run by unwinding (files being written are cleaned
    up); a closed pipe is reported by the write that meets it."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)


def _stdout_closed() -> bool:
    """Whether the shell started regtrace with stdout closed (``>&-``)."""
    try:
        os.fstat(1)
    except OSError:
        return True
    return sys.stdout is None


def _quiet_environment() -> None:
    """No Python warnings on stderr: every problem regtrace knows of is an error line."""
    if not sys.warnoptions:
        import warnings

        warnings.simplefilter("ignore")


def main() -> None:
    """Console-script entry point; Ctrl-C at any point (even while importing) exits 130,
    SIGTERM 143, SIGHUP 129, without a traceback."""
    try:
        _guard_signals()  # first: an early Ctrl-C must meet the handler
        if _stdout_closed():
            if sys.stderr is not None:
                sys.stderr.write(
                    "Error: standard output is closed; redirect it to a file or /dev/null\n"
                )
            os._exit(ExitCode.BAD_INPUT)  # nothing to flush, and no stdout to flush it to
        _quiet_environment()
        version = sys.argv[1:] in (["--version"], ["-V"])  # answered before Typer is imported
        code = _print_version() if version else int(run())
    except KeyboardInterrupt:
        code = ExitCode.INTERRUPTED
    except Terminated as exc:
        code = 128 + exc.signum
    sys.exit(code)


__all__ = ["main", "run"]
