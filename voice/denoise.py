"""Optional noise suppression and auto gain for 16 kHz audio, with webrtc-noise-gain."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import numpy as np

from voice.audio import AudioChunk
from voice.errors import AudioError, ModelError

_LOGGER = logging.getLogger(__name__)

RATE_HZ = 16_000
FRAME_SAMPLES = 160  # webrtc processes 10 ms frames
DEFAULT_NOISE_SUPPRESSION = 2  # 0..4
DEFAULT_AUTO_GAIN_DBFS = 3  # 0..31 target level below full scale


class Denoiser:
    """Cleans a stream of 16 kHz chunks; ``enabled=False`` passes audio through untouched."""

    def __init__(
        self,
        enabled: bool = True,
        noise_suppression: int = DEFAULT_NOISE_SUPPRESSION,
        auto_gain_dbfs: int = DEFAULT_AUTO_GAIN_DBFS,
    ) -> None:
        self.enabled = enabled
        self._processor: Any = None
        if enabled:
            try:
                from webrtc_noise_gain import AudioProcessor
            except ImportError as err:
                raise ModelError(
                    "webrtc-noise-gain is not installed: pip install webrtc-noise-gain "
                    "or turn denoising off"
                ) from err
            self._processor = AudioProcessor(auto_gain_dbfs, noise_suppression)
        self._leftover = np.zeros(0, dtype=np.int16)

    def process(self, chunks: Iterator[AudioChunk]) -> Iterator[AudioChunk]:
        """Yield cleaned chunks; samples short of a 10 ms frame wait for the next chunk."""
        for chunk in chunks:
            if not self.enabled:
                yield chunk
                continue
            if chunk.rate_hz != RATE_HZ:
                raise AudioError(f"the denoiser needs {RATE_HZ} Hz audio, got {chunk.rate_hz} Hz")
            samples = np.concatenate([self._leftover, chunk.samples.astype(np.int16)])
            usable = len(samples) - len(samples) % FRAME_SAMPLES
            self._leftover = samples[usable:]
            if usable:
                yield AudioChunk(RATE_HZ, self._clean(samples[:usable]))

    def clean(self, samples: np.ndarray) -> np.ndarray:
        """Clean samples whose length is a multiple of FRAME_SAMPLES (10 ms), in order."""
        if len(samples) % FRAME_SAMPLES:
            raise AudioError(f"the denoiser takes whole {FRAME_SAMPLES}-sample frames")
        return self._clean(samples) if self.enabled else samples

    def _clean(self, samples: np.ndarray) -> np.ndarray:
        out = bytearray()
        for start in range(0, len(samples), FRAME_SAMPLES):
            frame = samples[start : start + FRAME_SAMPLES].astype("<i2").tobytes()
            out += self._processor.Process10ms(frame).audio
        return np.frombuffer(bytes(out), dtype="<i2").astype(np.int16)
