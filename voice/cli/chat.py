"""`chat`: a consultation as text, questions on stdout and one answer a line on stdin."""

from __future__ import annotations

import argparse
import sys
from typing import Any, BinaryIO

from voice.cli.output import EventPrinter
from voice.cli.streams import standard_input
from voice.content import load_dialog
from voice.dialog import Conversation
from voice.errors import UsageError
from voice.intents import MAX_ANSWER_CHARS
from voice.locale import resolve_locale

MAX_ANSWER_BYTES = MAX_ANSWER_CHARS * 4  # UTF-8 takes at most four bytes a character
MAX_LINE_BYTES = 64 * 1024  # a "line" longer than this is not typed answers: stop reading


def register(subparsers: Any) -> None:
    """Add `chat`."""
    chat = subparsers.add_parser("chat", help="run a consultation as text over stdin/stdout")
    chat.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    chat.add_argument("--locale", default=None, help="dialog locale (default: from LANG, else en)")
    chat.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Ask each question on stdout and read each answer as one line from stdin."""
    dialog = load_dialog(resolve_locale(args.locale))
    source = standard_input()
    conversation = Conversation(dialog)
    printer = EventPrinter(jsonl=args.jsonl)
    printer.emit(conversation.start())
    while conversation.result is None:
        if not args.jsonl and sys.stdin.isatty():
            sys.stdout.write("you: ")
            sys.stdout.flush()
        line = read_answer(source)
        if line is None:
            raise UsageError(
                "input ended before the consultation finished; answer every question, or say stop"
            )
        printer.emit(conversation.hear(line))
    return 0


def read_answer(source: BinaryIO) -> str | None:
    """The next line as text (None at the end of input), in bounded memory and time.

    A line too long to be an answer comes back empty (heard as not understood) and the rest
    of it is skipped; input with no line end for 64 kB is not typed answers and is refused.
    Bytes that are not UTF-8 are replaced, so they too are simply not understood.
    """
    try:
        line = source.readline(MAX_ANSWER_BYTES + 1)
        if not line:
            return None
        if len(line) > MAX_ANSWER_BYTES and not line.endswith(b"\n"):
            _skip_rest_of_line(source)
            return ""
    except OSError as err:
        raise UsageError(f"cannot read standard input ({err.strerror or err})") from err
    return line.decode("utf-8", "replace").strip()


def _skip_rest_of_line(source: BinaryIO) -> None:
    skipped = 0
    while skipped <= MAX_LINE_BYTES:
        more = source.readline(MAX_LINE_BYTES)
        if not more or more.endswith(b"\n"):
            return
        skipped += len(more)
    raise UsageError(
        f"an input line is longer than {MAX_LINE_BYTES // 1024} kB; give one short answer a line"
    )
