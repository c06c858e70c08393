"""`chat`: a consultation as text, questions on stdout and one answer a line on stdin."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from voice.cli.output import EventPrinter
from voice.content import load_dialog
from voice.dialog import Conversation
from voice.errors import UsageError
from voice.locale import resolve_locale


def register(subparsers: Any) -> None:
    """Add `chat`."""
    chat = subparsers.add_parser("chat", help="run a consultation as text over stdin/stdout")
    chat.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    chat.add_argument("--locale", default=None, help="dialog locale (default: from LANG, else en)")
    chat.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Ask each question on stdout and read each answer as one line from stdin."""
    dialog = load_dialog(resolve_locale(args.locale))
    conversation = Conversation(dialog)
    printer = EventPrinter(jsonl=args.jsonl)
    printer.emit(conversation.start())
    while conversation.result is None:
        if not args.jsonl and sys.stdin.isatty():
            sys.stdout.write("you: ")
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            raise UsageError(
                "input ended before the consultation finished; answer every question, or say stop"
            )
        printer.emit(conversation.hear(line.strip()))
    return 0
