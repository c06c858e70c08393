"""Stable ALSA card names: read from a /proc/asound-shaped folder, matched to PortAudio names.

This machine has no sound card, so the kernel's listing is rebuilt in a temporary folder with
the layout /proc/asound has (cardN/id), with the ids a Raspberry Pi 4 with a USB sound card
shows (Headphones, vc4hdmi0, Device).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.chat_driver import toe_assistant
from voice.alsa_names import (
    card_ids,
    hw_address,
    is_hw_name,
    portaudio_address,
    stable_name,
    suggested_device,
)

PI_CARDS = {0: "Headphones", 1: "vc4hdmi0", 2: "Device"}


@pytest.fixture
def asound(tmp_path: Path) -> Path:
    for number, card_id in PI_CARDS.items():
        (tmp_path / f"card{number}").mkdir()
        (tmp_path / f"card{number}" / "id").write_text(card_id + "\n")
    (tmp_path / "Device").symlink_to(tmp_path / "card2")  # the kernel's alias links
    (tmp_path / "cards").write_text(" 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n")
    return tmp_path


def test_card_ids_are_read_by_number(asound: Path) -> None:
    assert card_ids(asound) == PI_CARDS


def test_no_sound_cards_is_an_empty_list(tmp_path: Path) -> None:
    assert card_ids(tmp_path / "missing") == {}


@pytest.mark.parametrize(
    ("name", "stable"),
    [
        ("USB PnP Sound Device: Audio (hw:2,0)", "plughw:CARD=Device,DEV=0"),
        ("USB PnP Sound Device: Audio (plughw:2,0)", "plughw:CARD=Device,DEV=0"),
        ("bcm2835 Headphones: - (hw:0,0)", "plughw:CARD=Headphones,DEV=0"),
        ("vc4-hdmi-0: MAI PCM i2s-hifi-0 (hw:1,0)", "plughw:CARD=vc4hdmi0,DEV=0"),
        ("default", None),
        ("hdmi", None),
        ("Some Card: x (hw:7,0)", None),  # a card that is gone
    ],
)
def test_a_card_device_gets_its_stable_name(name: str, stable: str | None) -> None:
    assert stable_name(name, PI_CARDS) == stable


@pytest.mark.parametrize(
    ("spec", "address"),
    [
        ("plughw:CARD=Device,DEV=0", (2, 0)),
        ("hw:CARD=Device,DEV=1", (2, 1)),
        ("plughw:Device,0", (2, 0)),
        ("plughw:CARD=Device", (2, 0)),
        ("hw:1,0", (1, 0)),
        ("plughw:CARD=Nope,DEV=0", None),
        ("hw:9,0", None),
    ],
)
def test_a_stable_name_finds_the_card_by_its_id(spec: str, address: tuple[int, int] | None) -> None:
    assert is_hw_name(spec)
    assert hw_address(spec, PI_CARDS) == address


@pytest.mark.parametrize("spec", ["USB", "toecard", "default", "hdmi:CARD=vc4hdmi0,DEV=0", "2"])
def test_other_device_names_are_not_card_names(spec: str) -> None:
    assert not is_hw_name(spec)


def test_the_stable_name_round_trips_to_the_portaudio_device() -> None:
    name = "USB PnP Sound Device: Audio (plughw:2,0)"
    stable = stable_name(name, PI_CARDS)
    assert stable is not None
    assert hw_address(stable, PI_CARDS) == portaudio_address(name)


@pytest.mark.parametrize(
    ("name", "output", "suggested"),
    [
        ("USB PnP Sound Device: Audio (plughw:2,0)", False, "plughw:CARD=Device,DEV=0"),
        ("bcm2835 Headphones: - (plughw:0,0)", True, "plughw:CARD=Headphones,DEV=0"),
        ("vc4-hdmi-0: MAI PCM i2s-hifi-0 (plughw:1,0)", True, "hdmi (an HDMI card: "),
        ("toecard", True, "toecard"),
        ("pulse", False, "? (pulse is a sound server the service cannot reach"),
        ("default", True, "default (follows ALSA's default card"),
        ("A name with spaces", True, "'A name with spaces'"),
    ],
)
def test_the_suggested_name_is_the_stable_one_or_says_why_not(
    name: str, output: bool, suggested: str
) -> None:
    assert suggested_device(name, output, PI_CARDS).startswith(suggested)


def test_a_card_that_is_not_there_is_one_line_and_exit_2() -> None:
    done = subprocess.run(
        [*toe_assistant(), "check-audio", "--input-device", "plughw:CARD=Nope,DEV=0"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "no sound card matches 'plughw:CARD=Nope,DEV=0'" in done.stderr
