"""Whisper's input features: an 80-band log-mel spectrogram of 16 kHz audio, in numpy.

The same computation as OpenAI's Whisper (25 ms Hann windows every 10 ms, Slaney mel filters,
log10 clamped 8 below the maximum, scaled by (x + 4) / 4); the audio is padded with digital
silence to the model's window first, as Whisper pads to 30 s.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

RATE_HZ = 16_000
N_FFT = 400
HOP = 160  # samples per feature frame: 100 frames a second
N_MELS = 80


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    linear = hz / (200.0 / 3)
    log_start = 1000.0 / (200.0 / 3)
    step = np.log(6.4) / 27.0
    return np.where(hz >= 1000.0, log_start + np.log(np.maximum(hz, 1e-10) / 1000.0) / step, linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    log_start = 1000.0 / (200.0 / 3)
    step = np.log(6.4) / 27.0
    return np.where(mel >= log_start, 1000.0 * np.exp(step * (mel - log_start)), mel * (200.0 / 3))


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """The (N_MELS, N_FFT // 2 + 1) filter bank, Slaney-normalized (librosa's defaults)."""
    fft_hz = np.fft.rfftfreq(N_FFT, 1.0 / RATE_HZ)
    edges = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(RATE_HZ / 2)), N_MELS + 2)
    )
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    lower = -ramps[:N_MELS] / widths[:N_MELS, None]
    upper = ramps[2:] / widths[1 : N_MELS + 1, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (edges[2 : N_MELS + 2] - edges[:N_MELS]))[:, None]
    return weights.astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)


def log_mel(samples: np.ndarray, frames: int) -> np.ndarray:
    """The (N_MELS, frames) features of int16 ``samples``, padded or cut to ``frames``."""
    audio = samples.astype(np.float32) / 32768.0
    wanted = frames * HOP
    audio = np.pad(audio[:wanted], (0, max(0, wanted - len(audio))))
    padded = np.pad(audio, (N_FFT // 2, N_FFT // 2), mode="reflect")
    count = 1 + (len(padded) - N_FFT) // HOP
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    power = np.abs(np.fft.rfft(padded[index] * _window(), axis=1)) ** 2
    mel = mel_filters() @ power[:frames].T
    logs = np.log10(np.maximum(mel, 1e-10))
    logs = np.maximum(logs, logs.max() - 8.0)
    return ((logs + 4.0) / 4.0).astype(np.float32)
