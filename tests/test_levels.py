"""Measuring a recording and the one line of advice, on signals built by arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from voice.audio import AudioChunk
from voice.levels import DIGITAL_SILENCE_DBFS, advice, block_dbfs, measure, meter

RATE_HZ = 16_000


def tone(dbfs: float, seconds: float) -> np.ndarray:
    """A 440 Hz sine whose RMS is ``dbfs``."""
    t = np.arange(round(seconds * RATE_HZ)) / RATE_HZ
    amplitude = 32768 * 10 ** (dbfs / 20) * np.sqrt(2)
    return amplitude * np.sin(2 * np.pi * 440 * t)


def noise(dbfs: float, seconds: float, seed: int = 1) -> np.ndarray:
    """White noise whose RMS is ``dbfs``."""
    rms = 32768 * 10 ** (dbfs / 20)
    return np.random.default_rng(seed).normal(0, rms, round(seconds * RATE_HZ))


def chunk(*parts: np.ndarray) -> AudioChunk:
    samples = np.concatenate(parts)
    return AudioChunk(RATE_HZ, np.clip(np.round(samples), -32768, 32767).astype(np.int16))


def speech_in_a_room(speech_dbfs: float, room_dbfs: float) -> AudioChunk:
    """A second of the room, a second of 'speech' over it, a second of the room."""
    return chunk(
        noise(room_dbfs, 1.0, 1),
        tone(speech_dbfs, 1.0) + noise(room_dbfs, 1.0, 2),
        noise(room_dbfs, 1.0, 3),
    )


def test_a_block_level_is_its_rms_against_full_scale() -> None:
    assert block_dbfs(tone(-20.0, 0.5)) == pytest.approx(-20.0, abs=0.05)
    assert block_dbfs(np.zeros(800)) == DIGITAL_SILENCE_DBFS


def test_the_floor_comes_from_the_quiet_blocks_and_the_speech_from_the_loud_ones() -> None:
    levels = measure(speech_in_a_room(-20.0, -60.0))
    assert levels.noise_floor_dbfs == pytest.approx(-60.0, abs=1.0)
    assert levels.speech_dbfs == pytest.approx(-20.0, abs=0.5)
    assert levels.snr_db == pytest.approx(40.0, abs=1.5)
    assert levels.clipped_fraction == 0.0 and not levels.all_zero


@pytest.mark.parametrize(
    ("recording", "says"),
    [
        (speech_in_a_room(-20.0, -60.0), "Good: speech at -20 dBFS, 40 dB above"),
        (speech_in_a_room(-50.0, -75.0), "Too quiet (speech at -50 dBFS)"),
        (speech_in_a_room(-5.0, -60.0), "Very loud (speech at -5 dBFS)"),
        (speech_in_a_room(-25.0, -35.0), "dB above the room's noise: move the microphone"),
        (chunk(noise(-50.0, 3.0)), "Nothing was heard above the room's noise"),
        (chunk(np.zeros(3 * RATE_HZ)), "Nothing but digital silence came in"),
        (chunk(noise(-60.0, 1.0), tone(3.0, 1.0)), "Clipping"),
    ],
    ids=["good", "quiet", "loud", "noisy", "nothing", "zeros", "clipping"],
)
def test_the_advice_names_the_one_thing_to_fix(recording: AudioChunk, says: str) -> None:
    line = advice(measure(recording))
    assert says in line
    assert "\n" not in line


def test_stretches_of_exact_zeros_are_not_the_rooms_noise() -> None:
    levels = measure(chunk(np.zeros(RATE_HZ), speech_in_a_room(-20.0, -60.0).samples))
    assert levels.noise_floor_dbfs == pytest.approx(-60.0, abs=1.0)
    assert not levels.all_zero


def test_clipping_is_reported_before_loudness() -> None:
    levels = measure(chunk(noise(-60.0, 1.0), tone(3.0, 1.0)))
    assert levels.clipped_fraction > 0.1
    assert levels.peak_dbfs == pytest.approx(0.0, abs=0.01)


def test_the_meter_fills_with_the_level_and_shows_silence() -> None:
    assert meter(0.0, width=10).endswith("[##########]")
    assert meter(-35.0, width=10).endswith("[#####     ]")
    assert meter(-90.0, width=10).endswith("[          ]")
    assert meter(DIGITAL_SILENCE_DBFS).startswith("  -inf dBFS")
