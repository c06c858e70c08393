"""`listen` (the default command): one live consultation, microphone in, speaker out."""

from __future__ import annotations

import argparse
from typing import Any

from voice.cli.spoken import add_device_options, add_voice_options, device, spoken_setup


def register(subparsers: Any) -> None:
    """Add `listen`."""
    listen = subparsers.add_parser(
        "listen", help="one live consultation: microphone in, speaker out (the default)"
    )
    add_voice_options(listen)
    add_device_options(listen)
    listen.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Speak each question, listen for each answer, give the advice."""
    from voice.devices import DeviceSource
    from voice.listeners import MicrophoneListener
    from voice.speaker import DeviceSink

    setup = spoken_setup(args)
    sink = DeviceSink(device(args.output_device))
    with DeviceSource(device(args.input_device), rate_hz=setup.recognizer.sample_rate_hz) as mic:
        result = setup.consultation(sink, MicrophoneListener(mic)).run()
    return 0 if result.outcome is not None or result.ended == "stopped" else 1
