"""The audio value type, the audio source and sink seams, and WAV reading and writing."""

from __future__ import annotations

import io
import os
import struct
import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

from voice.errors import UsageError
from voice.files import read_bytes, shown, write_atomic

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
    """Where the person's voice comes from live: a microphone, a test card."""

    def chunks(self) -> Iterator[AudioChunk]:
        """Yield audio as it arrives; ends only when the source is exhausted."""
        ...

    def discard_pending(self) -> int:
        """Drop what was captured and not yet read (e.g. while the assistant spoke)."""
        ...


class SpeechInterrupted(Exception):
    """Raised by a sink that stopped playing because the person spoke over it (a barge-in)."""


class AudioSink(Protocol):
    """Where the assistant's voice goes: a speaker, a file, a recording."""

    def play(self, chunk: AudioChunk) -> None:
        """Play the chunk to the end before returning."""
        ...


# --- WAV files and simple arithmetic on chunks ------------------------------------------------

_WAVE_FORMAT_PCM = 0x0001
_WAVE_FORMAT_FLOAT = 0x0003
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_INT16_MAX = 32767
MAX_WAV_BYTES = 64_000_000  # about 33 minutes of 16 kHz mono; far longer than any answer
# What a microphone or a sound file really uses; a header outside this is damaged or hostile.
MIN_RATE_HZ, MAX_RATE_HZ = 4_000, 384_000
MAX_CHANNELS = 32

WavFile = str | os.PathLike[str] | BinaryIO  # a path, or a binary file object (e.g. BytesIO)


def read_wav(source: WavFile, max_bytes: int = MAX_WAV_BYTES) -> AudioChunk:
    """Read a PCM WAV (8/16/24/32-bit or 32-bit float, any rate, channels mixed down) as a chunk."""
    name = _describe(source)
    if isinstance(source, (str, os.PathLike)):
        data = read_bytes(Path(source), UsageError, max_bytes, "WAV file")
    else:
        data = source.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise UsageError(f"{name} is larger than {max_bytes // 1_000_000} MB; give a short WAV")
    fmt, frames = _parse_riff(data, name)
    tag, channels, rate_hz, bits = fmt
    samples = _to_int16(frames, tag, bits, name)
    usable = len(samples) - len(samples) % channels
    if channels > 1:
        mixed = samples[:usable].reshape(-1, channels).astype(np.int32).mean(axis=1)
        samples = np.round(mixed).astype(np.int16)
    return AudioChunk(rate_hz=rate_hz, samples=samples)


def write_wav(target: WavFile, chunk: AudioChunk, what: str = "the WAV file") -> None:
    """Write the chunk as a mono 16-bit PCM WAV to a path (atomically) or a binary file object."""
    if isinstance(target, (str, os.PathLike)):
        buffer = io.BytesIO()
        write_wav(buffer, chunk)
        write_atomic(Path(target), lambda handle: handle.write(buffer.getvalue()), what)
        return
    with wave.open(target, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH_BYTES)
        w.setframerate(chunk.rate_hz)
        w.writeframes(chunk.to_bytes())


def resample(chunk: AudioChunk, rate_hz: int) -> AudioChunk:
    """The same sound at ``rate_hz`` (soxr, high quality); the duration is kept."""
    if rate_hz == chunk.rate_hz:
        return chunk
    import soxr

    samples = soxr.resample(chunk.samples.astype(np.int16, copy=False), chunk.rate_hz, rate_hz)
    return AudioChunk(rate_hz=rate_hz, samples=np.asarray(samples, dtype=np.int16))


def concat(chunks: Iterable[AudioChunk]) -> AudioChunk:
    """Join chunks end to end at the first chunk's rate (the others are resampled)."""
    items = list(chunks)
    if not items:
        raise ValueError("concat needs at least one chunk")
    rate_hz = items[0].rate_hz
    parts = [resample(c, rate_hz).samples for c in items]
    return AudioChunk(rate_hz=rate_hz, samples=np.concatenate(parts).astype(np.int16, copy=False))


def silence(duration_s: float, rate_hz: int) -> AudioChunk:
    """``duration_s`` seconds of digital silence."""
    return AudioChunk(rate_hz=rate_hz, samples=np.zeros(round(duration_s * rate_hz), np.int16))


def _describe(source: WavFile) -> str:
    if isinstance(source, (str, os.PathLike)):
        return shown(os.fspath(source))
    return shown(str(getattr(source, "name", "<in-memory file>")))


def _parse_riff(data: bytes, name: str) -> tuple[tuple[int, int, int, int], bytes]:
    """The (format tag, channels, rate, bits) and the sample bytes of a RIFF/WAVE file."""
    hint = "; give a PCM .wav file (convert with: sox in.ext -b 16 out.wav)"
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise UsageError(f"{name} is not a WAV file (no RIFF/WAVE header){hint}")
    fmt: tuple[int, int, int, int] | None = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id == b"fmt " and len(body) >= 16:
            tag, channels, rate_hz, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _WAVE_FORMAT_EXTENSIBLE and len(body) >= 26:
                (tag,) = struct.unpack_from("<H", body, 24)  # first field of the SubFormat GUID
            fmt = (tag, channels, rate_hz, bits)
        elif chunk_id == b"data":
            if fmt is None:
                break
            _check_format(fmt, name, hint)
            return fmt, body
        pos += 8 + size + (size & 1)  # chunks are padded to an even length
    raise UsageError(f"{name} is not a readable WAV file (no fmt and data chunks){hint}")


def _check_format(fmt: tuple[int, int, int, int], name: str, hint: str) -> None:
    """Refuse a header no real recording has (e.g. 4294967295 Hz, 65535 channels)."""
    _, channels, rate_hz, _ = fmt
    if not 1 <= channels <= MAX_CHANNELS:
        raise UsageError(f"{name} declares {channels} channels; 1 to {MAX_CHANNELS} work{hint}")
    if not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:
        raise UsageError(
            f"{name} declares {rate_hz} Hz; {MIN_RATE_HZ} to {MAX_RATE_HZ} Hz work{hint}"
        )


def _to_int16(frames: bytes, tag: int, bits: int, name: str) -> np.ndarray:
    """Convert little-endian PCM or float samples to int16, keeping the top 16 bits."""
    if tag == _WAVE_FORMAT_PCM and bits == 8:
        raw = np.frombuffer(frames, np.uint8)
        return ((raw.astype(np.int16) - 128) << 8).astype(np.int16)
    if tag == _WAVE_FORMAT_PCM and bits == 16:
        return np.frombuffer(frames[: len(frames) // 2 * 2], "<i2").astype(np.int16)
    if tag == _WAVE_FORMAT_PCM and bits == 24:
        raw = np.frombuffer(frames[: len(frames) // 3 * 3], np.uint8).reshape(-1, 3)
        return raw[:, 1:].copy().view("<i2").reshape(-1).astype(np.int16)
    if tag == _WAVE_FORMAT_PCM and bits == 32:
        return (np.frombuffer(frames[: len(frames) // 4 * 4], "<i4") >> 16).astype(np.int16)
    if tag == _WAVE_FORMAT_FLOAT and bits == 32:
        floats = np.frombuffer(frames[: len(frames) // 4 * 4], "<f4")
        return np.round(np.clip(floats, -1.0, 1.0) * _INT16_MAX).astype(np.int16)
    raise UsageError(
        f"{name} uses format {tag:#06x} with {bits}-bit samples; "
        "give 8/16/24/32-bit PCM (convert with: sox in.wav -b 16 out.wav)"
    )
