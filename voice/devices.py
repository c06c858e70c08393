"""Microphones through sounddevice (PortAudio): the device list, lookup, and the source.

Speakers are in voice/speaker.py.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any, Literal

import numpy as np

from voice.alsa_names import card_ids, hw_address, is_hw_name, portaudio_address
from voice.audio import AudioChunk
from voice.errors import AudioError

_LOGGER = logging.getLogger(__name__)

Kind = Literal["input", "output"]
DeviceSpec = int | str | None  # an index, a name substring, or None for the default device

DEFAULT_RECOGNIZER_RATE_HZ = 16000
DEFAULT_BLOCK_S = 0.1
DEFAULT_QUEUE_S = 10.0  # audio kept while the consumer lags; older blocks are dropped beyond it
DEFAULT_STALL_S = 5.0  # no audio for this long from an open stream: the device went away
CLOSE_TIMEOUT_S = 2.0  # how long closing a microphone may take before we stop waiting
LIST_HINT = "run `toe-assistant devices` to list them"


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device as the CLI shows it."""

    index: int
    name: str
    hostapi: str
    input_channels: int
    output_channels: int
    default_rate_hz: int
    is_default_input: bool
    is_default_output: bool

    def channels(self, kind: Kind) -> int:
        """How many channels the device has for input or output (0: none)."""
        return self.input_channels if kind == "input" else self.output_channels

    def is_default(self, kind: Kind) -> bool:
        """Whether PortAudio uses this device for ``kind`` when none is named."""
        return self.is_default_input if kind == "input" else self.is_default_output


def list_devices() -> list[DeviceInfo]:
    """Every input and output device PortAudio sees."""
    sd = portaudio()
    default_in, default_out = _default_index(sd, "input"), _default_index(sd, "output")
    hostapis = sd.query_hostapis()
    return [
        DeviceInfo(
            index=int(d["index"]),
            name=str(d["name"]),
            hostapi=str(hostapis[d["hostapi"]]["name"]),
            input_channels=int(d["max_input_channels"]),
            output_channels=int(d["max_output_channels"]),
            default_rate_hz=round(d["default_samplerate"]),
            is_default_input=d["index"] == default_in,
            is_default_output=d["index"] == default_out,
        )
        for d in sd.query_devices()
    ]


def find_device(spec: DeviceSpec, kind: Kind) -> DeviceInfo:
    """The device for an index or a (case-insensitive) name substring; None: the default one."""
    devices = [d for d in list_devices() if d.channels(kind) > 0]
    flag = f"--{kind}-device"
    if spec is None or spec == "":
        for device in devices:
            if device.is_default(kind):
                return device
        raise AudioError(f"there is no default {kind} device; choose one with {flag} ({LIST_HINT})")
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for device in devices:
            if device.index == index:
                return device
        raise AudioError(f"no {kind} device has index {index}; {LIST_HINT}")
    if is_hw_name(spec):
        return _card_device(spec, devices, kind)
    key = spec.strip().lower()
    exact = [d for d in devices if d.name.lower() == key]
    found = exact or [d for d in devices if key in d.name.lower()]
    if not found:
        raise AudioError(f"no {kind} device matches {spec!r}; {LIST_HINT}")
    if len(found) > 1:
        names = ", ".join(f"{d.index}: {d.name}" for d in found)
        raise AudioError(f"{spec!r} matches several {kind} devices ({names}); pass {flag} INDEX")
    return found[0]


def _card_device(spec: str, devices: list[DeviceInfo], kind: Kind) -> DeviceInfo:
    """The device an ALSA card name (plughw:CARD=Device,DEV=0) stands for, found by number."""
    address = hw_address(spec, card_ids())
    if address is None:
        raise AudioError(f"no sound card matches {spec!r}: is it plugged in? ({LIST_HINT})")
    for device in devices:
        if portaudio_address(device.name) == address:
            return device
    raise AudioError(f"the sound card {spec!r} has no {kind} device there; {LIST_HINT}")


class DeviceSource:
    """An AudioSource from a microphone: records at the device rate, yields ``rate_hz`` chunks."""

    def __init__(
        self,
        device: DeviceSpec = None,
        rate_hz: int = DEFAULT_RECOGNIZER_RATE_HZ,
        block_s: float = DEFAULT_BLOCK_S,
        queue_s: float = DEFAULT_QUEUE_S,
        stall_s: float = DEFAULT_STALL_S,
        close_timeout_s: float = CLOSE_TIMEOUT_S,
    ) -> None:
        """Pick the device now (so a bad name fails early); the stream opens in ``with``."""
        self.device = find_device(device, "input")
        self.rate_hz = rate_hz
        self.capture_rate_hz = self.device.default_rate_hz
        self._block_frames = max(1, round(block_s * self.capture_rate_hz))
        self._blocks: queue.Queue[np.ndarray | None] = queue.Queue(
            maxsize=max(1, round(queue_s / block_s))
        )
        self._stall_s = stall_s
        self._close_timeout_s = close_timeout_s
        self._stream: Any = None
        self._dropped_blocks = 0
        self.open_latency_s = 0.0
        self.stuck = False  # closing hung in the driver; PortAudio cannot terminate either

    def __enter__(self) -> DeviceSource:
        """Open and start the input stream."""
        sd = portaudio()
        started = time.perf_counter()
        try:
            self._stream = sd.InputStream(
                samplerate=self.capture_rate_hz,
                blocksize=self._block_frames,
                device=self.device.index,
                channels=1,
                dtype="int16",
                callback=self._on_audio,
                finished_callback=self._on_finished,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as err:
            self._close()
            raise AudioError(
                f"cannot open input device {self.device.index} ({self.device.name}): {err}; "
                f"is it plugged in and free? {LIST_HINT}"
            ) from err
        self.open_latency_s = time.perf_counter() - started
        _LOGGER.debug(
            "recording from %s at %d Hz (opened in %.3f s)",
            self.device.name,
            self.capture_rate_hz,
            self.open_latency_s,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop and close the stream."""
        self._close()

    def chunks(self) -> Iterator[AudioChunk]:
        """Yield audio at ``rate_hz`` as it arrives, until the stream ends or stalls."""
        if self._stream is None:
            raise AudioError("the microphone is not open; use DeviceSource in a `with` block")
        import soxr

        stream = soxr.ResampleStream(self.capture_rate_hz, self.rate_hz, 1, dtype="int16")
        same_rate = self.capture_rate_hz == self.rate_hz
        dropped = 0
        while True:
            try:
                block = self._blocks.get(timeout=self._stall_s)
            except queue.Empty:
                raise self._gone("stopped sending audio") from None
            if block is None:
                if self._stream is None:
                    return  # closed by us
                raise self._gone("went away")
            if self._dropped_blocks != dropped:
                _LOGGER.warning(
                    "audio is processed slower than it arrives: dropped %d blocks",
                    self._dropped_blocks - dropped,
                )
                dropped = self._dropped_blocks
            samples = block[:, 0] if same_rate else stream.resample_chunk(block[:, 0])
            if len(samples):
                yield AudioChunk(rate_hz=self.rate_hz, samples=np.asarray(samples, np.int16))

    def discard_pending(self) -> int:
        """Drop audio captured so far (e.g. while the assistant spoke); returns blocks dropped."""
        dropped = 0
        while True:
            try:
                block = self._blocks.get_nowait()
            except queue.Empty:
                return dropped
            if block is None:  # the end of the stream: keep it for chunks() to report
                self._blocks.put_nowait(block)
                return dropped
            dropped += 1

    def _on_audio(self, indata: np.ndarray, frames: int, when: Any, status: Any) -> None:
        # PortAudio's thread: copy and hand off, nothing else.
        try:
            self._blocks.put_nowait(indata.copy())
        except queue.Full:
            self._dropped_blocks += 1

    def _on_finished(self) -> None:
        try:
            self._blocks.put_nowait(None)
        except queue.Full:
            self._dropped_blocks += 1

    def _gone(self, what: str) -> AudioError:
        return AudioError(
            f"input device {self.device.index} ({self.device.name}) {what}; "
            f"check the microphone is connected, then restart ({LIST_HINT})"
        )

    def _close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        # A capture thread stuck in its driver (a vanished USB device, a stalled pipe) can
        # block PortAudio's abort for ever: close aside, and stop waiting after a while.
        closer = threading.Thread(target=_abort_and_close, args=(stream,), daemon=True)
        closer.start()
        closer.join(timeout=self._close_timeout_s)
        if closer.is_alive():
            self.stuck = True
            _LOGGER.warning("the input device did not close within %.1f s", self._close_timeout_s)
            # PortAudio's exit handler (Pa_Terminate) would wait on the same stuck thread and
            # hang the process at exit: leave the library to the operating system instead.
            atexit.unregister(portaudio()._exit_handler)


def _abort_and_close(stream: Any) -> None:
    try:
        stream.abort()
        stream.close()
    except Exception as err:  # closing a vanished device must not hide the first error
        _LOGGER.debug("closing input stream: %s", err)


def portaudio() -> ModuleType:
    """sounddevice, or an AudioError when PortAudio is not installed.

    PortAudio opens a card's devices through ALSA's `plughw` (PA_ALSA_PLUGHW), which converts
    rate, format and channels: a USB speaker that only plays stereo still plays our mono.
    """
    os.environ.setdefault("PA_ALSA_PLUGHW", "1")  # read once, when PortAudio initialises
    try:
        import sounddevice
    except OSError as err:
        raise AudioError(
            "no audio system: the PortAudio library is missing; "
            "install it with `sudo apt install libportaudio2`"
        ) from err
    return sounddevice


def _default_index(sd: Any, kind: Kind) -> int:
    """The default device's index for the kind, or -1 when there is none."""
    try:
        return int(sd.query_devices(kind=kind)["index"])
    except (sd.PortAudioError, ValueError):
        return -1


def rescan_devices() -> None:
    """Make PortAudio list the devices afresh, e.g. a USB microphone plugged in after start-up.

    PortAudio reads the device list once; re-initialising it closes every stream, so call it
    only with none open.
    """
    sd = portaudio()
    sd._terminate()
    sd._initialize()
