"""`chat`: a consultation over stdin and stdout; `check-dialogs`: validate dialog files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from voice.cli.output import EventPrinter
from voice.content import load_dialog
from voice.dialog import Conversation
from voice.errors import UsageError


def register(subparsers: Any) -> None:
    """Add the text commands."""
    chat = subparsers.add_parser("chat", help="run a consultation as text over stdin/stdout")
    chat.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    chat.add_argument("--locale", default=None, help="dialog locale (default: from LANG, else en)")
    chat.set_defaults(func=run_chat)

    check = subparsers.add_parser("check-dialogs", help="validate dialog files")
    check.add_argument(
        "files", nargs="*", type=Path, help="consultation.yaml files (default: installed)"
    )
    check.add_argument(
        "--models-dir", type=Path, default=None, help="where to look for installed models"
    )
    check.set_defaults(func=run_check)


def run_chat(args: argparse.Namespace) -> int:
    """Ask each question on stdout and read each answer as one line from stdin."""
    from voice.locale import resolve_locale

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


def run_check(args: argparse.Namespace) -> int:
    """Validate every consultation given, or the installed ones; print one line each."""
    from voice.check import check_files

    for line in check_files(args.files, args.models_dir):
        print(line)
    return 0
