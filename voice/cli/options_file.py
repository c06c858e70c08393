"""`--options-file FILE`: more of a command's options, read from a file a person can edit.

A service's unit starts a fixed command line that points at the file (deploy/install writes it),
so systemd never splits the options itself: its `$VAR` splits on every space and ignores quotes.
The file is split into words the way a POSIX shell would (Python's shlex): single and double
quotes, backslashes, `#` comments to the end of the line, nothing expanded. So
`--wake-phrase "okay toe helper"` means there what it means typed after the command.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voice.errors import UsageError
from voice.files import read_bytes, shown

OPTION = "--options-file"
MAX_OPTIONS_BYTES = 64_000  # a page of options; anything larger is the wrong file


def add_options_file(parser: argparse.ArgumentParser) -> None:
    """Add --options-file FILE: its options are read where it stands on the command line."""
    parser.add_argument(
        OPTION,
        action=OptionsFileAction,
        default=argparse.SUPPRESS,
        metavar="FILE",
        help="read options from FILE, split as a shell would (quotes, # comments); options "
        "after it on the command line win",
    )


def read_options(path: Path) -> list[str]:
    """The words of an options file; UsageError naming the line of an unclosed quote."""
    data = read_bytes(path, UsageError, MAX_OPTIONS_BYTES, "options file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(
            f"options file {shown(path)}: not UTF-8 text (byte {err.start}); save it as UTF-8"
        ) from err
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True  # words end at spaces only, as in a shell
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError as err:  # shlex says "No closing quotation" or "No escaped character"
        raise UsageError(
            f"options file {shown(path)}, line {_broken_line(text, lexer.lineno)}: "
            f"{str(err).lower()}; close the quote or escape it with a backslash"
        ) from err
    nested = [word for word in words if word.split("=", 1)[0] == OPTION]
    if nested:
        raise UsageError(f"options file {shown(path)}: it cannot name another {OPTION}")
    return words


class OptionsFileAction(argparse.Action):
    """Parses the file's words with the same parser, into the same namespace."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        """Read the file named by ``values`` and apply its options now."""
        path = Path(str(values))
        words = read_options(path)
        try:
            parser.parse_args(words, namespace)
        except UsageError as err:
            raise UsageError(f"options file {shown(path)}: {err}") from err


def _broken_line(text: str, fallback: int) -> int:
    """The first line that does not split on its own (where the quote was opened)."""
    for number, line in enumerate(text.splitlines(), 1):
        try:
            shlex.split(line, comments=True)
        except ValueError:
            return number
    return fallback
