"""Stable ALSA names for sound cards: `plughw:CARD=Device,DEV=0`, not an index that moves.

PortAudio names a card's device after its number ("USB PnP Sound Device: Audio (hw:2,0)"),
and card numbers and PortAudio's indices change when a USB device is plugged in another order
or another card appears. The card's ALSA id ("Device", "Headphones", "vc4hdmi0") does not:
`plughw:CARD=<id>,DEV=<n>` names the same device on every boot, and `plug` converts the rate,
format and channels the program asks for. The kernel lists the ids in /proc/asound/cardN/id.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path

ASOUND = Path("/proc/asound")
# ALSA plugin devices that lead to a sound server: a service, outside any desktop session,
# cannot reach one
SOUND_SERVERS = ("pulse", "pipewire", "jack")
# The "(hw:2,0)" PortAudio puts at the end of a card device's name ("(plughw:2,0)" when
# PA_ALSA_PLUGHW is set)
_IN_PORTAUDIO_NAME = re.compile(r"\((?:plug)?hw:(\d+),(\d+)\)$")
# hw:2,0  hw:Device,0  plughw:CARD=Device,DEV=0  plughw:CARD=Device (device 0)
_HW_NAME = re.compile(r"^(?:plug)?hw:(?:CARD=)?([^,=\s]+)(?:,(?:DEV=)?(\d+))?$")


def card_ids(asound: Path = ASOUND) -> dict[int, str]:
    """The ALSA id of each sound card by its number, as the kernel lists them."""
    ids: dict[int, str] = {}
    for folder in asound.glob("card[0-9]*"):
        number = folder.name.removeprefix("card")
        try:
            ids[int(number)] = (folder / "id").read_text(encoding="utf-8").strip()
        except (OSError, ValueError):
            continue  # a card going away while we look, or an odd entry
    return ids


def is_hw_name(spec: str) -> bool:
    """Whether a device option names a card device the ALSA way (hw:…, plughw:CARD=…)."""
    return _HW_NAME.match(spec.strip()) is not None


def hw_address(spec: str, cards: Mapping[int, str]) -> tuple[int, int] | None:
    """The card and device numbers an ALSA card name stands for now; None if no such card."""
    found = _HW_NAME.match(spec.strip())
    if found is None:
        return None
    card, device = found.group(1), int(found.group(2) or 0)
    if card.isdigit():
        return (int(card), device) if int(card) in cards else None
    for number, card_id in cards.items():
        if card_id == card:
            return number, device
    return None


def portaudio_address(name: str) -> tuple[int, int] | None:
    """The card and device numbers in a PortAudio device name; None for a plugin device."""
    found = _IN_PORTAUDIO_NAME.search(name)
    return None if found is None else (int(found.group(1)), int(found.group(2)))


def stable_name(name: str, cards: Mapping[int, str]) -> str | None:
    """`plughw:CARD=<id>,DEV=<n>` for a PortAudio card device; None for anything else."""
    address = portaudio_address(name)
    if address is None or address[0] not in cards:
        return None
    return f"plughw:CARD={cards[address[0]]},DEV={address[1]}"


def suggested_device(name: str, output: bool, cards: Mapping[int, str]) -> str:
    """What to give --input-device / --output-device for a PortAudio device, with a warning
    in brackets where that name is fragile or will not work under the service."""
    stable = stable_name(name, cards)
    if stable is not None and output and "hdmi" in name.lower():
        # HDMI cards take IEC958 frames, which plughw does not make; ALSA's hdmi device does
        return f"hdmi (an HDMI card: {stable} would not play)"
    if stable is not None:
        return stable
    if name.lower().startswith(SOUND_SERVERS):
        return f"? ({name} is a sound server the service cannot reach; pick a card)"
    if name.lower() in ("default", "sysdefault"):
        return f"{name} (follows ALSA's default card; a card's name is steadier)"
    return shlex.quote(name)
