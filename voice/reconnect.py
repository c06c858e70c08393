"""Finding the microphone and speaker again for `serve`, after they went away or were busy.

Devices are looked up by the name or index given on the command line each time they are
opened. When a lookup or an open fails, PortAudio's device list is rebuilt before the next
try (a USB device plugged back in may not be in the old list); never while a stream is open,
and never after a stream got stuck in its driver (re-initialising would hang on it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TypeVar

from voice.audio import AudioChunk
from voice.devices import DeviceSink, DeviceSource, DeviceSpec, rescan_devices
from voice.errors import AudioError

_LOGGER = logging.getLogger(__name__)
_Device = TypeVar("_Device")


class Reconnector:
    """Opens the microphone and speaker by their command-line names, rescanning after faults."""

    def __init__(
        self,
        input_device: DeviceSpec,
        output_device: DeviceSpec,
        rate_hz: int,
        close_timeout_s: float,
    ) -> None:
        """Remember what to open; nothing is opened here."""
        self._input = input_device
        self._output = output_device
        self._rate_hz = rate_hz
        self._close_timeout_s = close_timeout_s
        self.lock = threading.Lock()  # held while playing, so a rescan never cuts a sentence
        self._rescan = False
        self._last: DeviceSource | None = None
        self._stuck = False  # a microphone never closed: PortAudio must not be re-initialised
        self.microphone_open = False

    def microphone(self) -> _Microphone:
        """A new, unopened microphone (LiveCapture opens it with ``with``)."""
        source = self._find(
            lambda: DeviceSource(
                self._input, rate_hz=self._rate_hz, close_timeout_s=self._close_timeout_s
            )
        )
        self._last = source
        return _Microphone(source, self)

    def speaker(self) -> _Speaker:
        """The speaker, found afresh."""
        return _Speaker(self._find(lambda: DeviceSink(self._output)), self)

    @property
    def stuck(self) -> bool:
        """Whether a microphone never closed (its driver thread may still be running)."""
        return self._stuck or (self._last is not None and self._last.stuck)

    def failed(self) -> None:
        """A device failed to open or went away: rescan before the next lookup."""
        self._rescan = True

    def _find(self, build: Callable[[], _Device]) -> _Device:
        with self.lock:
            # Re-initialising PortAudio closes every stream, and hangs on a stuck one.
            self._stuck = self._stuck or (self._last is not None and self._last.stuck)
            if self._rescan and not self._stuck and not self.microphone_open:
                _LOGGER.debug("rescanning audio devices")
                rescan_devices()
                self._rescan = False
            try:
                return build()
            except AudioError:
                self._rescan = True
                raise


class _Microphone:
    """A DeviceSource that asks for a rescan when it fails to open."""

    def __init__(self, source: DeviceSource, owner: Reconnector) -> None:
        self._source = source
        self._owner = owner

    def __enter__(self) -> _Microphone:
        try:
            self._source.__enter__()
        except AudioError:
            self._owner.failed()
            raise
        self._owner.microphone_open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        self._owner.microphone_open = False
        self._source.__exit__(exc_type, exc, tb)

    def chunks(self) -> Iterator[AudioChunk]:
        try:
            yield from self._source.chunks()
        except AudioError:
            self._owner.failed()
            raise


class _Speaker:
    """A DeviceSink that plays under the device lock and asks for a rescan when it fails."""

    def __init__(self, sink: DeviceSink, owner: Reconnector) -> None:
        self._sink = sink
        self._owner = owner

    def play(self, chunk: AudioChunk, check: Callable[[], None] | None = None) -> None:
        with self._owner.lock:
            try:
                self._sink.play(chunk, check)
            except AudioError:
                self._owner.failed()
                raise
