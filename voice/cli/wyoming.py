"""`wyoming`: the consultation as a Home Assistant conversation agent (a Wyoming handle service)."""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path
from typing import Any

from voice.cli.options_file import add_options_file
from voice.errors import UsageError
from voice.wyoming.settings import (
    DEFAULT_URI,
    IDLE_TIMEOUT_S,
    MAX_CONSULTATIONS,
    ServiceSettings,
    parse_uri,
)


def register(subparsers: Any) -> None:
    """Add `wyoming`."""
    wyoming = subparsers.add_parser(
        "wyoming",
        help="serve consultations to Home Assistant as a Wyoming conversation agent",
        description="A Wyoming handle service for Home Assistant: each transcript goes into the "
        "consultation of its conversation and gets back everything the assistant says next; "
        "words that start no consultation and belong to none are not handled. Listens on "
        "loopback unless --uri says otherwise (Wyoming has no authentication). Nothing about "
        "the person is written unless --save-summaries. See docs/home-assistant.md.",
    )
    wyoming.add_argument(
        "--uri", default=DEFAULT_URI, help=f"where to listen (default: {DEFAULT_URI})"
    )
    wyoming.add_argument(
        "--locale",
        action="append",
        default=None,
        help="a dialog locale to serve; repeat for more (default: from LANG, else en); "
        "the first answers transcripts that name no language",
    )
    wyoming.add_argument(
        "--idle-timeout",
        type=float,
        default=IDLE_TIMEOUT_S,
        metavar="SECONDS",
        help=f"end a consultation with no answer for this long (default: {IDLE_TIMEOUT_S:.0f})",
    )
    wyoming.add_argument(
        "--max-consultations",
        type=int,
        default=MAX_CONSULTATIONS,
        metavar="N",
        help=f"consultations held at once (default: {MAX_CONSULTATIONS})",
    )
    wyoming.add_argument(
        "--save-summaries",
        type=Path,
        default=None,
        metavar="DIR",
        help="append one line per finished consultation to DIR/summaries.jsonl (mode 0600)",
    )
    add_options_file(wyoming)  # what the service's unit starts it with (deploy/install)
    # Listening, consultations starting and ending, and every bad event are logged by default.
    wyoming.set_defaults(func=run, log_names=("voice.wyoming", "voice.cli.wyoming"))


def run(args: argparse.Namespace) -> int:
    """Load the dialogs once (a broken one exits 2), then serve until SIGTERM."""
    from voice.content import load_dialog
    from voice.locale import resolve_locale
    from voice.summaries import prepare_folder
    from voice.wyoming.conversations import Conversations
    from voice.wyoming.handle import Desk
    from voice.wyoming.server import Service

    host, port = parse_uri(args.uri)
    if not args.idle_timeout > 0:
        raise UsageError(f"--idle-timeout {args.idle_timeout}: give a number of seconds above 0")
    if args.max_consultations < 1:
        raise UsageError(f"--max-consultations {args.max_consultations}: give 1 or more")
    if args.save_summaries is not None:
        prepare_folder(args.save_summaries)  # a folder that cannot be written: exit 2 now
    locales = list(dict.fromkeys(resolve_locale(tag) for tag in args.locale or [None]))
    dialogs = {locale: load_dialog(locale) for locale in locales}
    settings = ServiceSettings(
        host=host,
        port=port,
        idle_timeout_s=args.idle_timeout,
        max_consultations=args.max_consultations,
        summaries_dir=args.save_summaries,
    )
    desk = Desk(dialogs, Conversations(settings.idle_timeout_s, settings.max_consultations))
    return asyncio.run(_serve(Service(desk, settings)))


async def _serve(service: Any) -> int:
    """Serve until SIGTERM, which ends the service cleanly (exit 0)."""
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, service.stop)
    try:
        await service.run()
    except OSError as err:  # the address is taken, or not this machine's
        raise UsageError(
            f"cannot listen on {service.settings.host}:{service.settings.port}: "
            f"{err.strerror or err}"
        ) from err
    return 0
