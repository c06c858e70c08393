"""The audio value type and the audio source and sink seams."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

SAMPLE_WIDTH_BYTES = 2  # everything inside the pipeline is signed 16-bit PCM


@dataclass(frozen=True)
class AudioChunk:
    """Mono signed 16-bit PCM samples at ``rate_hz`` Hertz."""

    rate_hz: int
    samples: np.ndarray  # dtype int16, shape (n,)

    @property
    def duration_s(self) -> float:
        """Length of the chunk in seconds."""
        return len(self.samples) / self.rate_hz

    def to_bytes(self) -> bytes:
        """Little-endian 16-bit PCM, as recognizers expect it."""
        return self.samples.astype("<i2", copy=False).tobytes()


class AudioSource(Protocol):
    """Where the person's voice comes from: a microphone, a file, a test card."""

    def chunks(self) -> Iterator[AudioChunk]:
        """Yield audio as it arrives; ends only when the source is exhausted."""
        ...


class AudioSink(Protocol):
    """Where the assistant's voice goes: a speaker, a file, a recording."""

    def play(self, chunk: AudioChunk) -> None:
        """Play the chunk to the end before returning."""
        ...
