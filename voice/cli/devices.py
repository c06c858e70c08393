"""`devices`: the microphones and speakers PortAudio sees, with the names to choose them by."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from voice.alsa_names import card_ids, stable_name

if TYPE_CHECKING:
    from voice.devices import DeviceInfo, Kind


def register(subparsers: Any) -> None:
    """Add `devices`."""
    devices = subparsers.add_parser(
        "devices",
        help="list audio input and output devices",
        description="List the microphones and speakers, with the index or name to pass to "
        "--input-device / --output-device.",
    )
    devices.add_argument("--json", action="store_true", help="print a JSON list instead")
    devices.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print input devices then output devices; `*` marks the defaults."""
    from voice.devices import list_devices

    found = list_devices()
    if args.json:
        print(json.dumps([asdict(d) for d in found], indent=2))
        return 0
    print_devices(found)
    print("* = default. Choose with --input-device / --output-device INDEX or part of the name;")
    print("a card's plughw:CARD=...,DEV=... name stays the same when devices come and go.")
    return 0


def print_devices(found: list[DeviceInfo]) -> None:
    """Input devices then output devices, with their stable ALSA name where they have one."""
    cards = card_ids()
    kinds: tuple[tuple[str, Kind], ...] = (("Input", "input"), ("Output", "output"))
    for title, kind in kinds:
        rows = [d for d in found if d.channels(kind) > 0]
        print(f"{title} devices:")
        if not rows:
            print("  (none)")
        for d in rows:
            stable = stable_name(d.name, cards)
            print(
                f"  {'*' if d.is_default(kind) else ' '} {d.index:>3}  {d.name}  "
                f"({d.channels(kind)} ch, {d.default_rate_hz} Hz, {d.hostapi})"
                + (f"  {stable}" if stable else "")
            )
