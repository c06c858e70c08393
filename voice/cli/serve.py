"""`serve`: always on; wake word, consultation, back to waiting, until SIGTERM."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from voice.cli.logs import add_logging_options
from voice.cli.options_file import add_options_file
from voice.cli.spoken import add_device_options, add_voice_options, device, spoken_setup
from voice.wake import DEFAULT_WAKE_WORD, WAKE_WORDS


def register(subparsers: Any) -> None:
    """Add `serve`."""
    serve = subparsers.add_parser(
        "serve",
        help="always on: wait for the wake word, hold a consultation, wait again",
        description="Wait for the wake word, answer with a short sound, hold a consultation, "
        "and wait again, until stopped (SIGTERM). Saying the wake word while the assistant "
        "speaks interrupts it. Nothing about the person is written unless --save-summaries.",
    )
    add_voice_options(serve)
    add_device_options(serve)
    serve.add_argument(
        "--wake-word", default=DEFAULT_WAKE_WORD, choices=WAKE_WORDS, help="built-in wake word"
    )
    serve.add_argument(
        "--wake-phrase",
        default=None,
        metavar="TEXT",
        help="also wake on this phrase (English, pocketsphinx's keyphrase search)",
    )
    serve.add_argument(
        "--save-summaries",
        type=Path,
        default=None,
        metavar="DIR",
        help="append one line per finished consultation to DIR/summaries.jsonl (mode 0600)",
    )
    add_logging_options(serve, suppress=True)
    add_options_file(serve)  # what the service's unit starts it with (deploy/install)
    # Waiting, waking, device faults and the end of each consultation are logged by default.
    serve.set_defaults(func=run, log_names=("voice.serve", "voice.capture", "voice.cli.serve"))


def run(args: argparse.Namespace) -> int:
    """Load everything once (a broken dialog or missing model exits 2), then serve."""
    from voice.asr.engines import resolve_engine
    from voice.capture import CLOSE_TIMEOUT_S, LiveCapture
    from voice.cli.output import EventPrinter
    from voice.reconnect import Reconnector
    from voice.serve import Server, ServeSettings, ServeSink, stop_on_sigterm
    from voice.summaries import prepare_folder
    from voice.wake import WakeSettings, make_wake_detector

    if args.save_summaries is not None:
        prepare_folder(args.save_summaries)  # a folder that cannot be written: exit 2 now
    setup = spoken_setup(args)
    locale = setup.dialog.locale
    choice = resolve_engine(setup.settings, locale)
    wake = WakeSettings(args.wake_word, args.wake_phrase)
    detector = make_wake_detector(wake, locale, choice.engine)
    devices = Reconnector(
        device(args.input_device),
        device(args.output_device),
        setup.recognizer.sample_rate_hz,
        CLOSE_TIMEOUT_S,
    )
    capture = LiveCapture(devices.microphone, detector)
    stop_on_sigterm(capture.stopping)
    # The conversation goes to stdout only when asked for: under a service it would be logged.
    printer = EventPrinter(jsonl=True) if args.jsonl else None
    server = Server(
        setup.dialog,
        setup.recognizer,
        setup.synthesizer,
        capture,
        ServeSink(devices.speaker, capture),
        emit=printer.emit if printer else _discard,
        settings=ServeSettings(summaries_dir=args.save_summaries, debug=args.debug),
    )
    logging.getLogger(__name__).info(
        "serving %s with %s; wake word %s", locale, choice.engine, detector.name
    )
    code = server.run()
    if devices.stuck:
        # A microphone thread is still inside its driver: tearing the interpreter down around
        # it crashed (SIGSEGV) in tests. Everything is written and flushed; leave now.
        logging.getLogger(__name__).info("leaving without waiting for the stuck microphone")
        sys.stdout.flush()
        logging.shutdown()
        os._exit(code)
    return code


def _discard(events: list[Any]) -> None:
    """Events are not printed: they hold the person's answers."""
