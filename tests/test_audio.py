"""WAV reading and writing, resampling, joining and silence on AudioChunk."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice.audio import AudioChunk, concat, read_wav, resample, silence, write_wav
from voice.errors import UsageError


def tone(freq_hz: float, duration_s: float, rate_hz: int, amplitude: int = 8000) -> AudioChunk:
    """A sine tone made by arithmetic."""
    t = np.arange(round(duration_s * rate_hz)) / rate_hz
    return AudioChunk(
        rate_hz, np.round(amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.int16)
    )


def wav_bytes(frames: bytes, rate_hz: int, width_bytes: int, channels: int) -> io.BytesIO:
    """A PCM WAV written by the standard library, for widths our writer never produces."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width_bytes)
        w.setframerate(rate_hz)
        w.writeframes(frames)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("rate_hz", [8000, 16000, 22050, 44100, 48000])
def test_wav_round_trip_keeps_rate_and_samples(rate_hz: int) -> None:
    chunk = tone(440, 0.25, rate_hz)
    buffer = io.BytesIO()
    write_wav(buffer, chunk)
    buffer.seek(0)
    back = read_wav(buffer)
    assert back.rate_hz == rate_hz
    np.testing.assert_array_equal(back.samples, chunk.samples)


def test_wav_round_trip_through_a_path(tmp_path: Path) -> None:
    chunk = tone(300, 0.1, 16000)
    write_wav(tmp_path / "a.wav", chunk)
    np.testing.assert_array_equal(read_wav(tmp_path / "a.wav").samples, chunk.samples)
    np.testing.assert_array_equal(read_wav(str(tmp_path / "a.wav")).samples, chunk.samples)


@pytest.mark.parametrize("width_bytes", [1, 2, 3, 4])
def test_every_pcm_width_reads_as_the_same_16_bit_samples(width_bytes: int) -> None:
    samples = tone(440, 0.05, 16000).samples.astype(np.int64)
    if width_bytes == 1:
        frames = ((samples >> 8) + 128).astype(np.uint8).tobytes()
        expected = (samples >> 8) << 8
    else:
        wide = samples << (8 * (width_bytes - 2))
        as_bytes = wide.astype("<i8").view(np.uint8).reshape(-1, 8)[:, :width_bytes]
        frames = as_bytes.tobytes()
        expected = samples
    chunk = read_wav(wav_bytes(frames, 16000, width_bytes, 1))
    np.testing.assert_array_equal(chunk.samples, expected.astype(np.int16))


def test_stereo_is_mixed_down_to_the_mean_of_the_channels() -> None:
    left = tone(440, 0.1, 22050).samples
    right = np.zeros_like(left)
    frames = np.column_stack([left, right]).astype("<i2").tobytes()
    chunk = read_wav(wav_bytes(frames, 22050, 2, 2))
    assert chunk.rate_hz == 22050
    assert len(chunk.samples) == len(left)
    np.testing.assert_allclose(chunk.samples, left / 2, atol=1)


def test_sox_written_24_bit_extensible_wav_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sox24.wav"
    write_wav(tmp_path / "in.wav", tone(440, 0.1, 16000))
    subprocess.run(["sox", str(tmp_path / "in.wav"), "-b", "24", "-c", "2", str(path)], check=True)
    chunk = read_wav(path)
    np.testing.assert_allclose(chunk.samples, tone(440, 0.1, 16000).samples, atol=1)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "not a WAV file"),
        (b"ID3\x03 this is an mp3", "not a WAV file"),
        (b"RIFF\x04\x00\x00\x00WAVE", "not a readable WAV"),
    ],
)
def test_unreadable_wav_is_a_usage_error_naming_the_file(
    tmp_path: Path, content: bytes, needle: str
) -> None:
    path = tmp_path / "answer.wav"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=needle) as caught:
        read_wav(path)
    assert "answer.wav" in str(caught.value)


def test_missing_wav_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nowhere\.wav"):
        read_wav(tmp_path / "nowhere.wav")


@pytest.mark.parametrize(
    ("source_hz", "target_hz"), [(22050, 16000), (16000, 48000), (44100, 8000)]
)
def test_resampling_keeps_duration_and_pitch(source_hz: int, target_hz: int) -> None:
    chunk = tone(440, 1.0, source_hz)
    out = resample(chunk, target_hz)
    assert out.rate_hz == target_hz
    assert out.samples.dtype == np.int16
    assert abs(out.duration_s - chunk.duration_s) < 0.002
    spectrum = np.abs(np.fft.rfft(out.samples.astype(float)))
    peak_hz = np.argmax(spectrum) * target_hz / len(out.samples)
    assert abs(peak_hz - 440) < 2


@settings(max_examples=30, deadline=None)
@given(
    duration_s=st.floats(min_value=0.0, max_value=2.0),
    rate_hz=st.sampled_from([8000, 16000, 22050, 44100, 48000]),
)
def test_silence_has_the_asked_length_and_no_energy(duration_s: float, rate_hz: int) -> None:
    quiet = silence(duration_s, rate_hz)
    assert abs(quiet.duration_s - duration_s) <= 1 / rate_hz
    assert not quiet.samples.any()


def test_concat_joins_at_the_first_rate_and_adds_durations() -> None:
    joined = concat([tone(440, 0.5, 16000), silence(0.25, 16000), tone(440, 0.5, 22050)])
    assert joined.rate_hz == 16000
    assert abs(joined.duration_s - 1.25) < 0.002
    assert not joined.samples[8000:12000].any()
    assert np.abs(joined.samples[12000:]).max() > 7000
