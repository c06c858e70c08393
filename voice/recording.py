"""A recording of both sides of a conversation, and a sink that plays to several sinks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from voice.audio import AudioChunk, AudioSink, concat, resample, silence, write_wav
from voice.errors import UsageError

RECORDING_RATE_HZ = 16_000


@dataclass
class Recording:
    """Everything said, in order: an AudioSink for the assistant, `hear` for the person."""

    rate_hz: int = RECORDING_RATE_HZ
    _chunks: list[AudioChunk] = field(default_factory=list)

    def play(self, chunk: AudioChunk) -> None:
        self._chunks.append(resample(chunk, self.rate_hz))

    def hear(self, chunk: AudioChunk) -> None:
        self._chunks.append(resample(chunk, self.rate_hz))

    @property
    def duration_s(self) -> float:
        return sum(chunk.duration_s for chunk in self._chunks)

    def save(self, path: Path) -> None:
        """Write the conversation as one mono 16-bit WAV."""
        audio = concat(self._chunks) if self._chunks else silence(0.0, self.rate_hz)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_wav(path, audio)
        except OSError as err:
            raise UsageError(f"cannot write the recording to {path}: {err.strerror}") from err


@dataclass(frozen=True)
class TeeSink:
    """Plays each chunk to every sink in turn (e.g. the speaker and a recording)."""

    sinks: tuple[AudioSink, ...]

    def play(self, chunk: AudioChunk) -> None:
        for sink in self.sinks:
            sink.play(chunk)
