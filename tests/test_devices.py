"""Microphone and speaker adapters and `toe-assistant devices`, through the virtual ALSA card.

PortAudio reads ALSA's configuration when it starts, so every audio side runs in a subprocess
started with the card's environment; these tests only feed the card and read what it received.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soxr

from tests.alsa_card import VirtualCard, virtual_card
from tests.chat_driver import toe_assistant
from voice.audio import read_wav, resample, write_wav
from voice.tts import EspeakSynthesizer

RECORD = """
import sys
from voice.audio import concat, write_wav
from voice.devices import DeviceSource
device, out, wanted, block_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
got, total = [], 0
with DeviceSource(device, rate_hz=16000, block_s=block_s) as source:
    print(f"capture_rate_hz={source.capture_rate_hz} open_latency_s={source.open_latency_s:.4f}")
    for chunk in source.chunks():
        got.append(chunk)
        total += len(chunk.samples)
        if total >= wanted:
            break
write_wav(out, concat(got))
"""

PLAY = """
import sys
from voice.audio import read_wav
from voice.speaker import DeviceSink
DeviceSink(sys.argv[1]).play(read_wav(sys.argv[2]))
"""

ERROR_LINE = """
import sys
from voice.devices import DeviceSource
from voice.speaker import DeviceSink
from voice.errors import AudioError
kind, spec = sys.argv[1], sys.argv[2]
try:
    DeviceSource(spec) if kind == "input" else DeviceSink(spec)
except AudioError as err:
    print(err)
"""


def chirp(duration_s: float, rate_hz: int) -> np.ndarray:
    """A rising tone: unlike a steady one, a shifted or dropped block cannot line up with it."""
    t = np.arange(round(duration_s * rate_hz)) / rate_hz
    return np.round(8000 * np.sin(2 * np.pi * (200 + 300 * t) * t)).astype(np.int16)


LEAD_ALLOWANCE_S = 3.0  # the card's real-time silence queued before the recording starts


def onset(samples: np.ndarray, period: int) -> int:
    """Where the heard sound starts: the card sends whole periods, so a period boundary."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 20)
    assert len(loud), "the recording is silent"
    return round(loud[0] / period) * period


def test_devices_command_lists_the_virtual_card(toecard: VirtualCard) -> None:
    out = toecard.run([*toe_assistant(), "devices"]).stdout
    inputs, outputs = out.split("Output devices:")
    for section in (inputs, outputs):
        line = next(x for x in section.splitlines() if " toecard " in x)
        index, name = line.split()[-7:-5]  # "*   1  toecard  (128 ch, 16000 Hz, ALSA)"
        assert index.isdigit() and name == "toecard"
        assert "16000 Hz, ALSA)" in line


def test_devices_json_gives_index_name_channels_and_rate(toecard: VirtualCard) -> None:
    devices = json.loads(toecard.run([*toe_assistant(), "devices", "--json"]).stdout)
    card = next(d for d in devices if d["name"] == "toecard")
    assert card["default_rate_hz"] == 16000
    assert card["input_channels"] >= 1 and card["output_channels"] >= 1
    assert isinstance(card["index"], int)
    assert {"is_default_input", "is_default_output", "hostapi"} <= card.keys()


@pytest.mark.slow
def test_source_records_exactly_what_the_microphone_hears(
    toecard: VirtualCard, tmp_path: Path
) -> None:
    heard = chirp(2.0, 16000)
    toecard.hear(heard)
    out = tmp_path / "recorded.wav"
    wanted = len(heard) + 8000 + round(LEAD_ALLOWANCE_S * 16000)
    toecard.run_python(RECORD, "toecard", str(out), str(wanted), "0.1")
    recorded = read_wav(out)
    assert recorded.rate_hz == 16000
    start = onset(recorded.samples, toecard.block_frames)
    assert not recorded.samples[:start].any()  # the quiet room before it
    np.testing.assert_array_equal(recorded.samples[start : start + len(heard)], heard)
    assert not recorded.samples[start + len(heard) :].any()  # then the silence the card sends


@pytest.mark.slow
def test_source_resamples_a_48_khz_microphone_to_16_khz(tmp_path: Path) -> None:
    block_s = 0.04  # 1920 frames at 48 kHz: one atomic pipe write per period
    with virtual_card(tmp_path, rate_hz=48000, block_frames=1920) as card:
        card.hear(chirp(2.0, 48000))
        out = tmp_path / "recorded.wav"
        wanted = 32000 + round(LEAD_ALLOWANCE_S * 16000)
        result = card.run_python(RECORD, "toecard", str(out), str(wanted), str(block_s))
    assert "capture_rate_hz=48000" in result.stdout
    samples = read_wav(out).samples
    start = onset(samples, 1920 // 3)  # a 48 kHz period is 640 samples at 16 kHz
    recorded = samples[start : start + 32000].astype(np.float64)
    expected = soxr.resample(chirp(2.0, 48000), 48000, 16000)[:32000].astype(np.float64)
    assert len(recorded) == 32000
    inner = slice(100, 31900)  # the resampler's edges differ between one-shot and streaming
    assert np.abs(recorded[inner] - expected[inner]).max() < 50
    assert np.corrcoef(recorded, expected)[0, 1] > 0.999


@pytest.mark.slow
def test_sink_plays_a_synthesized_prompt_to_the_card(toecard: VirtualCard, tmp_path: Path) -> None:
    prompt = EspeakSynthesizer().synthesize("How many days has your toe been twitching?")
    wav = tmp_path / "prompt.wav"
    write_wav(wav, prompt)
    toecard.run_python(PLAY, "toecard", str(wav))
    played = toecard.played()
    expected = resample(prompt, 16000).samples
    # everything arrives, followed at most by the padding of the last period
    assert len(expected) <= len(played) <= len(expected) + 16000 * 0.3
    np.testing.assert_array_equal(played[: len(expected)], expected)
    energy = float(np.sum(played.astype(np.float64) ** 2))
    assert energy == pytest.approx(float(np.sum(expected.astype(np.float64) ** 2)), rel=1e-6)


@pytest.mark.parametrize(
    ("kind", "spec", "message"),
    [
        ("output", "no-such-speaker", "no output device matches 'no-such-speaker'"),
        ("input", "no-such-mic", "no input device matches 'no-such-mic'"),
        ("output", "999", "no output device has index 999"),
        ("input", "toe", "'toe' matches several input devices"),
    ],
)
def test_a_device_that_is_not_there_is_one_clear_audio_error(
    toecard: VirtualCard, kind: str, spec: str, message: str
) -> None:
    line = toecard.run_python(ERROR_LINE, kind, spec).stdout.strip()
    assert message in line
    assert "toe-assistant devices" in line or "INDEX" in line
    assert "\n" not in line


def test_exact_name_wins_over_a_longer_name_containing_it(toecard: VirtualCard) -> None:
    code = "from voice.devices import find_device; print(find_device('toecard', 'input').name)"
    assert toecard.run_python(code).stdout.strip() == "toecard"


def test_a_microphone_that_fails_to_open_is_an_audio_error(toecard: VirtualCard) -> None:
    code = """
import os, sys
from voice.devices import DeviceSource
from voice.errors import AudioError
source = DeviceSource("toecard")
os.rename(sys.argv[1], sys.argv[1] + ".gone")  # unplugged between listing and opening
try:
    with source:
        pass
except AudioError as err:
    print(err)
"""
    line = toecard.run_python(code, str(toecard.infile)).stdout.strip()
    assert line.startswith("cannot open input device")
    assert "toecard" in line
