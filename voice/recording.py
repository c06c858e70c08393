"""A recording of both sides of a conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from voice.audio import AudioChunk, concat, resample, silence, write_wav

RECORDING_RATE_HZ = 16_000


@dataclass
class Recording:
    """Everything said, in order: the assistant's audio and the person's, both through play."""

    rate_hz: int = RECORDING_RATE_HZ
    _chunks: list[AudioChunk] = field(default_factory=list)

    def play(self, chunk: AudioChunk) -> None:
        """Add a chunk, from either side, in the order it was said."""
        self._chunks.append(resample(chunk, self.rate_hz))

    @property
    def duration_s(self) -> float:
        return sum(chunk.duration_s for chunk in self._chunks)

    def save(self, path: Path) -> None:
        """Write the conversation as one mono 16-bit WAV, whole or not at all."""
        audio = concat(self._chunks) if self._chunks else silence(0.0, self.rate_hz)
        write_wav(path, audio, "the recording")
