"""Test speech made at test time: espeak-ng turns at 16 kHz, silence, white noise at an SNR.

chunk = utterance("about two weeks", voice="en-gb-scotland", rate_wpm=150, snr_db=10)
transcript = recognizer.transcribe(stream(chunk), grammar)
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import soxr

from voice.audio import AudioChunk, concat, silence

RATE_HZ = 16_000
DEFAULT_VOICE = "en-us"
DEFAULT_RATE_WPM = 160  # espeak-ng's default is 175; people answering a question are slower
VOICES = ("en-us", "en", "en-us+f3", "en-gb-scotland", "en-gb-x-rp", "en-029")


@lru_cache(maxsize=512)
def synthesize(
    text: str, voice: str = DEFAULT_VOICE, rate_wpm: int = DEFAULT_RATE_WPM
) -> AudioChunk:
    """``text`` spoken by espeak-ng (``-v voice -s rate_wpm``), resampled to 16 kHz mono."""
    wav_bytes = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(rate_wpm), "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    resampled = soxr.resample(samples.astype(np.float32), rate, RATE_HZ)
    return AudioChunk(RATE_HZ, np.clip(resampled, -32768, 32767).astype(np.int16))


def add_noise(chunk: AudioChunk, snr_db: float, signal_power: float, seed: int = 0) -> AudioChunk:
    """``chunk`` plus Gaussian white noise ``snr_db`` below ``signal_power`` (mean square)."""
    rng = np.random.default_rng(seed)
    noise_power = signal_power / (10.0 ** (snr_db / 10.0))
    noise = rng.normal(0.0, np.sqrt(noise_power), len(chunk.samples))
    mixed = chunk.samples.astype(np.float64) + noise
    return AudioChunk(chunk.rate_hz, np.clip(mixed, -32768, 32767).astype(np.int16))


def power(chunk: AudioChunk) -> float:
    """Mean square of the samples."""
    return float(np.mean(chunk.samples.astype(np.float64) ** 2))


def utterance(
    text: str,
    voice: str = DEFAULT_VOICE,
    rate_wpm: int = DEFAULT_RATE_WPM,
    snr_db: float | None = None,
    lead_s: float = 0.3,
    tail_s: float = 1.0,
    seed: int = 0,
) -> AudioChunk:
    """One spoken turn: silence, ``text``, silence; noise over all of it, SNR against the speech."""
    speech = synthesize(text, voice, rate_wpm)
    turn = concat([silence(lead_s, RATE_HZ), speech, silence(tail_s, RATE_HZ)])
    if snr_db is None:
        return turn
    return add_noise(turn, snr_db, power(speech), seed)


def stream(chunk: AudioChunk, chunk_ms: int = 30) -> Iterator[AudioChunk]:
    """``chunk`` cut into ``chunk_ms`` pieces, as a microphone would deliver it."""
    step = chunk.rate_hz * chunk_ms // 1000
    for start in range(0, len(chunk.samples), step):
        yield AudioChunk(chunk.rate_hz, chunk.samples[start : start + step])


FLITE_VOICES = ("kal", "slt", "rms", "awb")


@lru_cache(maxsize=128)
def flite_utterance(
    text: str, voice: str = "slt", lead_s: float = 0.3, tail_s: float = 1.0
) -> AudioChunk:
    """``text`` spoken by flite's ``voice`` at 16 kHz, with silence around it."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "speech.wav")
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", path], check=True)
        with wave.open(path) as wav:
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    resampled = soxr.resample(samples.astype(np.float32), rate, RATE_HZ)
    speech = AudioChunk(RATE_HZ, np.clip(resampled, -32768, 32767).astype(np.int16))
    return concat([silence(lead_s, RATE_HZ), speech, silence(tail_s, RATE_HZ)])
