"""The parser and the dispatch: every command registered, every error one line."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from voice.cli import (
    chat,
    check_audio,
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
from voice.cli.logs import DEBUG_HELP, add_logging_options, setup_logging
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
    check_audio,
    models,
    check_dialogs,
    serve,
    summaries,
    wyoming,
    sentences,
)
_PROG = "toe-assistant"


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
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    add_logging_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(subparsers)
    return parser


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
