"""`check-audio` through the virtual sound card, in real time: what it plays, records and says."""

from __future__ import annotations

import os
import pty
import subprocess
import time

import numpy as np
import pytest

from tests.alsa_card import CardProcess, VirtualCard
from tests.chat_driver import toe_assistant
from tests.speech import utterance

SECONDS = "4"


def check_audio(card: VirtualCard) -> list[str]:
    return [*toe_assistant(), "check-audio", "--input-device", card.device,
            "--output-device", card.device, "--seconds", SECONDS]  # fmt: skip


def wait_for(run: CardProcess, text: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not any(text in line for line in run.stdout_lines):
        if time.monotonic() > deadline or run.process.poll() is not None:
            raise AssertionError(f"no {text!r}:\n{''.join(run.stdout_lines)}{run.log()}")
        time.sleep(0.02)


@pytest.mark.slow
@pytest.mark.realtime
def test_speech_is_measured_played_back_and_the_device_name_suggested(
    toecard: VirtualCard,
) -> None:
    run = toecard.start(check_audio(toecard))
    wait_for(run, " dBFS [")  # recording: the card's stale pipe has been read by now
    said = utterance("my little toe", snr_db=30).samples
    toecard.hear(said)
    assert run.wait(60) == 0, run.log()
    out = "".join(run.stdout_lines)
    assert "Input devices:" in out and "Output devices:" in out
    assert "Microphone: 1 toecard" in out
    assert out.count(" dBFS [") >= 3  # the meter, every half second without a terminal
    assert "\r" not in out  # no live bar when stdout is not a terminal
    assert "Advice: Good: speech at" in out
    assert "For the options file: --input-device toecard --output-device toecard" in out
    # What it played last is what it recorded: the card's file holds the last playback.
    played = toecard.played().astype(np.float64)
    assert len(played) == pytest.approx(float(SECONDS) * toecard.rate_hz, rel=0.1)
    heard = said.astype(np.float64)
    match = np.max(np.correlate(played, heard, mode="full"))
    assert match / np.sqrt(np.sum(played**2) * np.sum(heard**2)) > 0.9  # the same sound


@pytest.mark.slow
@pytest.mark.realtime
def test_a_device_that_sends_only_zeros_is_called_the_wrong_device(toecard: VirtualCard) -> None:
    run = toecard.start(check_audio(toecard))
    assert run.wait(60) == 0, run.log()
    out = "".join(run.stdout_lines)
    assert "-inf dBFS" in out
    advice = [line for line in run.stdout_lines if line.startswith("Advice: ")]
    assert len(advice) == 1 and "Nothing but digital silence" in advice[0]
    assert "choose another --input-device" in advice[0]


@pytest.mark.slow
@pytest.mark.realtime
def test_in_a_terminal_the_meter_is_one_live_line(toecard: VirtualCard) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        check_audio(toecard), stdout=follower, stderr=subprocess.PIPE, env=toecard.env
    )
    os.close(follower)
    output, spoken = bytearray(), False
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        output += data
        if b"Recording" in output and not spoken:
            toecard.hear(utterance("yes", snr_db=30).samples)
            spoken = True
    assert process.wait(60) == 0, process.stderr.read() if process.stderr else ""
    os.close(leader)
    text = output.decode()
    meter_line = next(line for line in text.split("\n") if "dBFS [" in line)
    assert meter_line.count("\r") >= 10  # updated in place, ten times a second
    assert "Advice: " in text


def test_a_recording_length_out_of_range_is_a_usage_error() -> None:
    done = subprocess.run(
        [*toe_assistant(), "check-audio", "--seconds", "0.1"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == "toe-assistant: --seconds 0.1: record 0.5 to 60 seconds"
