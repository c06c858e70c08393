"""Standard output and input that fail as one clear error: closed, full or a broken pipe."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from voice.errors import OutputError, UsageError


class GuardedOutput(io.TextIOBase):
    """Wraps sys.stdout: a failed write or flush raises OutputError instead of a traceback."""

    def __init__(self, stream: TextIO | None) -> None:
        """Wrap ``stream``; None means stdout was closed when the program started."""
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text``; OutputError if it cannot be written."""
        stream = self._target()
        try:
            return stream.write(text)
        except (OSError, ValueError) as err:
            raise self._failed(err) from err

    def flush(self) -> None:
        """Flush; OutputError if the data cannot be delivered."""
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError) as err:
            raise self._failed(err) from err

    def isatty(self) -> bool:
        """True when writing to a terminal."""
        return self._stream is not None and self._stream.isatty()

    def fileno(self) -> int:
        """The descriptor of the wrapped stream."""
        return self._target().fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding."""
        return self._stream.encoding if self._stream is not None else "utf-8"

    def _target(self) -> TextIO:
        if self._stream is None:
            raise OutputError("standard output is closed; run it with somewhere to write to")
        return self._stream

    def _failed(self, err: Exception) -> OutputError:
        # Nothing more can reach the reader; /dev/null on fd 1 lets the interpreter's final
        # flush succeed instead of printing "Exception ignored ... BrokenPipeError".
        _silence_stdout()
        reason = err.strerror if isinstance(err, OSError) and err.strerror else "closed"
        return OutputError(f"cannot write to standard output ({reason}); the output is incomplete")


def _silence_stdout() -> None:
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
    finally:
        os.close(null)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Route every print through GuardedOutput while the command runs."""
    original = sys.stdout
    sys.stdout = GuardedOutput(original)
    try:
        yield
    finally:
        sys.stdout = original


def standard_input() -> BinaryIO:
    """The binary standard input; UsageError when it was closed."""
    if sys.stdin is None:
        raise UsageError("standard input is closed; pipe the answers in, one a line")
    return sys.stdin.buffer
