"""Speakers through sounddevice (PortAudio): the sink that plays the assistant's voice."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from voice.audio import AudioChunk, resample
from voice.devices import LIST_HINT, DeviceSpec, find_device, portaudio
from voice.errors import AudioError

PLAY_BLOCK_S = 0.05  # playback is written in blocks this long, checking between them
# Playback is kept at most this far ahead of the clock: a stop drops no more than this much
# queued sound, whatever buffer the device or sound server keeps (the virtual test card,
# with no clock at all, would otherwise take a whole sentence at once).
PLAY_LEAD_S = 0.1


class DeviceSink:
    """An AudioSink to a speaker: resamples to the device rate, plays in small blocks."""

    def __init__(
        self, device: DeviceSpec = None, block_s: float = PLAY_BLOCK_S, lead_s: float = PLAY_LEAD_S
    ) -> None:
        """Pick the device now, so a bad name fails before anything is said."""
        self.device = find_device(device, "output")
        self.rate_hz = self.device.default_rate_hz
        self._block_frames = max(1, round(block_s * self.rate_hz))
        self._lead_s = lead_s

    def play(self, chunk: AudioChunk, check: Callable[[], None] | None = None) -> None:
        """Play the chunk and return when the device has played it.

        ``check`` runs before each block; an exception from it stops the sound at once
        (what is queued is dropped) and propagates, e.g. when the person interrupts.
        """
        samples = resample(chunk, self.rate_hz).samples.astype(np.int16, copy=False)
        if len(samples) == 0:
            return
        sd = portaudio()
        try:
            stream = sd.OutputStream(
                samplerate=self.rate_hz, device=self.device.index, channels=1, dtype="int16"
            )
        except (sd.PortAudioError, ValueError) as err:
            raise self._failed(err) from err
        try:
            self._write(stream, samples.reshape(-1, 1), check)
        except (sd.PortAudioError, ValueError) as err:
            stream.abort()
            raise self._failed(err) from err
        except BaseException:
            stream.abort()  # drop what is queued: silence now, not after the buffer drains
            raise
        finally:
            stream.close()

    def _write(self, stream: Any, frames: np.ndarray, check: Callable[[], None] | None) -> None:
        stream.start()
        started = time.monotonic()
        for start in range(0, len(frames), self._block_frames):
            if check is not None:
                check()
            ahead_s = start / self.rate_hz - (time.monotonic() - started)
            if ahead_s > self._lead_s:
                time.sleep(ahead_s - self._lead_s)
                if check is not None:
                    check()
            stream.write(frames[start : start + self._block_frames])
        stream.stop()  # returns once every buffer has played

    def _failed(self, err: Exception) -> AudioError:
        return AudioError(
            f"cannot play on output device {self.device.index} ({self.device.name}): {err}; "
            f"check the speaker is connected ({LIST_HINT})"
        )
