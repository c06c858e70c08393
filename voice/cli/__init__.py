"""The toe-assistant command line: one module per command, one error line each."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from voice.cli import (
    chat,
    check_dialogs,
    demo,
    devices,
    listen,
    models,
    serve,
    simulate,
    summaries,
)
from voice.errors import ToeAssistantError

# Each module has register(subparsers), adding a parser whose `func(args) -> int` runs it.
# A command may also set `log_names`: its loggers that report at INFO unless --quiet.
_COMMANDS = (listen, chat, simulate, demo, devices, models, check_dialogs, serve, summaries)
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"  # the journal adds the time and the unit


def add_logging_options(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """--verbose and --quiet; ``suppress`` for a subcommand repeating the main options."""
    default: Any = argparse.SUPPRESS if suppress else False
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="log each step"
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="log only problems"
    )


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="toe-assistant",
        description="Offline voice assistant for a twitching pinky toe. "
        "General information, not a diagnosis.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    add_logging_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(subparsers)
    return parser


def setup_logging(args: argparse.Namespace) -> None:
    """Logging, set up once: levels from --debug / --verbose / --quiet, no timestamps.

    Only --debug logs what the person said; INFO and above never hold an answer.
    """
    if args.debug:
        level = logging.DEBUG
    elif args.verbose:
        level = logging.INFO
    else:
        level = logging.WARNING
    logging.basicConfig(level=level, format=LOG_FORMAT)
    if not args.quiet and level > logging.INFO:
        for name in getattr(args, "log_names", ()):
            logging.getLogger(name).setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; ToeAssistantError becomes one line on stderr and exit 2."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command is None:  # no subcommand: one live consultation, microphone to speaker
        args = parser.parse_args([*argv, "listen"])
    setup_logging(args)
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
