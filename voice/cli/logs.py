"""Logging options and set-up, shared by the main parser and commands that repeat them."""

from __future__ import annotations

import argparse
import logging
from typing import Any

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"  # the journal adds the time and the unit
DEBUG_HELP = "show tracebacks and debug logs"


def add_logging_options(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """--verbose and --quiet; ``suppress`` for a subcommand repeating the main options.

    A repeating subcommand also takes --debug, so an options file read after the command
    (`serve --options-file`) can hold it.
    """
    default: Any = argparse.SUPPRESS if suppress else False
    if suppress:
        parser.add_argument("--debug", action="store_true", default=default, help=DEBUG_HELP)
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
