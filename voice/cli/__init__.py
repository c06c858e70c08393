"""The toe-assistant command line: one module per command, one error line each.

This module imports only the standard library, so Ctrl-C or SIGTERM while the rest loads is
still one line and a proper exit code: everything heavy is imported inside ``main``.
"""

from __future__ import annotations

import _signal  # the C module: `signal` would import enum first, a long window for Ctrl-C
import os
import sys

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every ``finally`` runs and nothing is left half done."""


def main(argv: list[str] | None = None) -> int:
    """Run one command; any failure is one line on stderr: exit 2, Ctrl-C 130, SIGTERM 143."""
    caught: list[int] = []  # the signals that arrived, whatever became of their exception
    previous = {
        signum: _signal.signal(signum, _raiser(caught))
        for signum in (_signal.SIGINT, _signal.SIGTERM)
    }
    unraisable, sys.unraisablehook = sys.unraisablehook, _quiet_interrupts
    try:
        _guard_standard_streams()
        from voice.cli.app import run

        _raise_if(caught)  # an interrupt during an import can be swallowed (see _raiser)
        code = run(list(sys.argv[1:] if argv is None else argv))
        _raise_if(caught)
        return code
    except KeyboardInterrupt as interrupt:
        return _stopped(isinstance(interrupt, Terminated))
    except Exception:
        # Python can wrap the interrupt in another error on its way out, e.g. a RuntimeError
        # "Error calling __set_name__" when it arrives while an imported class is being made
        if not caught:
            raise
        return _stopped(_signal.SIGTERM in caught)
    finally:
        sys.unraisablehook = unraisable
        for signum, handler in previous.items():
            _signal.signal(signum, handler)


def _raiser(caught: list[int]) -> object:
    """A handler raising KeyboardInterrupt (SIGINT) or Terminated (SIGTERM), and noting it.

    CPython drops an exception raised inside a weakref callback ("Exception ignored in
    _get_module_lock.<locals>.cb") and the import goes on: the note lets main act on it anyway.
    """

    def handle(signum: int, frame: object) -> None:
        caught.append(signum)
        raise Terminated if signum == _signal.SIGTERM else KeyboardInterrupt

    return handle


def _quiet_interrupts(unraisable: object) -> None:
    """Say nothing of an interrupt CPython could not raise: main raises it again itself."""
    if not isinstance(getattr(unraisable, "exc_value", None), KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)  # type: ignore[arg-type]


def _raise_if(caught: list[int]) -> None:
    if _signal.SIGTERM in caught:
        raise Terminated
    if caught:
        raise KeyboardInterrupt


def _guard_standard_streams() -> None:
    """Put /dev/null on closed descriptors 0-2, so no file we open later lands on one of them.

    A closed stdin or stdout stays closed for the program (reading or writing it is one clear
    error, see voice/cli/streams.py); a closed stderr becomes /dev/null.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process


def _stopped(terminated: bool) -> int:
    """One line and the exit code a shell expects: 143 for SIGTERM, 130 for Ctrl-C."""
    if terminated:
        return _fail("terminated.", EXIT_TERMINATED)
    return _fail("stopped.", EXIT_INTERRUPTED)


def _fail(message: str, code: int) -> int:
    # contextlib.suppress would be one more import to wait for before Ctrl-C is handled
    try:  # noqa: SIM105
        print(f"toe-assistant: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass  # stderr is gone too: the exit code still tells
    return code
