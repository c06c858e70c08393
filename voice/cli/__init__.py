"""The toe-assistant command line: one module per command, one error line each."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from voice.cli import chat, check_dialogs, demo, devices, listen, models, simulate
from voice.errors import ToeAssistantError

# Each module has register(subparsers), adding a parser whose `func(args) -> int` runs it.
_COMMANDS = (listen, chat, simulate, demo, devices, models, check_dialogs)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="toe-assistant",
        description="Offline voice assistant for a twitching pinky toe. "
        "General information, not a diagnosis.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; ToeAssistantError becomes one line on stderr and exit 2."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command is None:  # no subcommand: one live consultation, microphone to speaker
        args = parser.parse_args([*argv, "listen"])
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except ToeAssistantError as err:
        if args.debug:
            raise
        print(f"toe-assistant: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("toe-assistant: stopped.", file=sys.stderr)
        return 130
