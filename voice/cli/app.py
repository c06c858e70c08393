"""The parser and the dispatch: every command registered, every error one line."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, NoReturn

from voice.cli import (
    chat,
    check_dialogs,
    demo,
    devices,
    listen,
    models,
    sentences,
    serve,
    simulate,
    summaries,
    wyoming,
)
from voice.cli.streams import guarded_stdout
from voice.errors import ToeAssistantError, UsageError
from voice.files import shown

# Each module has register(subparsers), adding a parser whose `func(args) -> int` runs it.
# A command may also set `log_names`: its loggers that report at INFO unless --quiet.
_COMMANDS = (
    listen,
    chat,
    simulate,
    demo,
    devices,
    models,
    check_dialogs,
    serve,
    summaries,
    wyoming,
    sentences,
)
_PROG = "toe-assistant"
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"  # the journal adds the time and the unit


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one UsageError line rather than the usage block."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage and exiting."""
        command = self.prog.removeprefix(_PROG).strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message}; see `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every subcommand registered."""
    parser = _Parser(
        prog=_PROG,
        description="Offline voice assistant for a twitching pinky toe. "
        "General information, not a diagnosis.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    add_logging_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(subparsers)
    return parser


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


def run(argv: list[str]) -> int:
    """Parse ``argv`` and run the command; ToeAssistantError becomes one line and exit 2."""
    debug = False
    try:
        with guarded_stdout():  # --help and every command print through it
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.command is None:  # no subcommand: one live consultation, mic to speaker
                args = parser.parse_args([*argv, "listen"])
            debug = args.debug
            setup_logging(args)
            return int(args.func(args))
    except ToeAssistantError as err:
        if debug:
            raise
        print(f"toe-assistant: {one_line(str(err))}", file=sys.stderr, flush=True)
        return err.exit_code


def one_line(message: str) -> str:
    """A message as one printable line, whatever a library or a file put in it."""
    return shown(" ".join(message.splitlines()))
