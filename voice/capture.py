"""The always-on microphone of `serve`: one thread reads it, spots the wake word, hands on audio.

The capture thread owns the device. It feeds every chunk to the wake detector (while waiting
and while the assistant speaks, so the person can interrupt), tells ``wake`` (a WakeLatch, the
one owner of the wake word) when it was heard, and puts every chunk into a short queue that the
consultation reads answers from, as an AudioSource. A device that vanishes, stalls or is busy
is closed and reopened with capped backoff until it is back; the thread never gives up.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

from voice.audio import AudioChunk
from voice.errors import AudioError
from voice.wake import WakeDetector, WakeLatch

_LOGGER = logging.getLogger(__name__)

ANSWER_QUEUE_S = 10.0  # audio kept for the consultation; older audio is dropped beyond it
POLL_S = 0.1  # how often waiting loops look at the stop flag
CLOSE_TIMEOUT_S = 0.8  # a stuck microphone must not hold up a stop (SIGTERM has 2 s in all)


class ShuttingDown(Exception):
    """Raised through the audio seams when `serve` is asked to stop (SIGTERM)."""


class LiveSource(Protocol):
    """What the capture thread opens: a DeviceSource, as a context manager."""

    def __enter__(self) -> LiveSource: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def chunks(self) -> Iterator[AudioChunk]: ...


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts to reopen a device: doubling from ``first_s`` up to ``max_s``."""

    first_s: float = 0.5
    max_s: float = 30.0

    def delay_s(self, attempt: int) -> float:
        """The wait before attempt number ``attempt`` (0 is the first retry)."""
        return float(min(self.max_s, self.first_s * 2 ** min(attempt, 16)))


class LiveCapture:
    """An AudioSource over a microphone that reopens itself, with wake word spotting."""

    def __init__(
        self,
        open_source: Callable[[], LiveSource],
        detector: WakeDetector,
        backoff: Backoff | None = None,
        queue_s: float = ANSWER_QUEUE_S,
        chunk_s: float = 0.1,
    ) -> None:
        """``open_source`` builds a fresh, unopened source for each (re)connection."""
        self._open_source = open_source
        self._detector = detector
        self._backoff = backoff or Backoff()
        self._answers: queue.Queue[tuple[float, AudioChunk]] = queue.Queue(
            maxsize=max(1, round(queue_s / chunk_s))
        )
        self._discarded_before = 0.0
        self._cond = threading.Condition()
        self.wake = WakeLatch()  # the serve loop arms, takes and waits for it
        self.connection = 0  # counts the times the microphone was (re)opened
        self.connected = False
        self.stopping = threading.Event()
        self._source: LiveSource | None = None
        self._thread = threading.Thread(target=self._run, name="toe-capture", daemon=True)

    # --- life cycle --------------------------------------------------------------------------

    def start(self) -> LiveCapture:
        """Start the capture thread; it opens the microphone as soon as it can."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop the thread and close the device, waiting at most about a second."""
        self.stopping.set()
        with self._cond:
            self._cond.notify_all()
        source = self._source
        if source is not None:
            source.__exit__(None, None, None)  # ends the thread's chunks() at once
        self._thread.join(timeout=CLOSE_TIMEOUT_S)

    def raise_if_stopping(self) -> None:
        """ShuttingDown once `close` (or a signal handler via ``stopping``) asked for a stop."""
        if self.stopping.is_set():
            raise ShuttingDown()

    # --- waiting -----------------------------------------------------------------------------

    def wait_connected(self, timeout_s: float) -> bool:
        """Whether the microphone is open (waiting up to ``timeout_s`` for it)."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not self.connected and not self.stopping.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(min(left, POLL_S))
            return self.connected

    # --- the AudioSource seam ----------------------------------------------------------------

    def chunks(self) -> Iterator[AudioChunk]:
        """Audio for the consultation as it arrives; AudioError if the microphone goes away."""
        connection = self.connection
        while True:
            self.raise_if_stopping()
            if not self.connected or self.connection != connection:
                raise AudioError("the microphone went away while listening for an answer")
            try:
                arrived_s, chunk = self._answers.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if arrived_s >= self._discarded_before:
                yield chunk

    def discard_pending(self) -> int:
        """Drop audio captured so far (half duplex: never an answer from our own speech)."""
        self.wake.arm()  # listening now: a wake word said before is moot
        self._discarded_before = time.monotonic()
        dropped = 0
        while True:
            try:
                self._answers.get_nowait()
            except queue.Empty:
                return dropped
            dropped += 1

    # --- the capture thread ------------------------------------------------------------------

    def _run(self) -> None:
        attempt = 0
        while not self.stopping.is_set():
            opened = self.connection
            try:
                self._capture()
            except AudioError as err:
                if self.connection != opened:
                    attempt = 0  # it worked for a while: this loss starts the backoff afresh
                delay_s = self._backoff.delay_s(attempt)
                log = _LOGGER.warning if attempt == 0 else _LOGGER.info
                log("microphone unavailable: %s; trying again in %.1f s", err, delay_s)
                attempt += 1
                self.stopping.wait(delay_s)

    def _capture(self) -> None:
        source = self._open_source()
        source.__enter__()
        self._source = source
        self._detector.reset()
        with self._cond:
            self.connection += 1
            self.connected = True
            self._cond.notify_all()
        _LOGGER.info("microphone open")
        try:
            for chunk in source.chunks():
                if self.stopping.is_set():
                    return
                self._on_chunk(chunk)
            if not self.stopping.is_set():
                raise AudioError("the microphone stream ended")
        finally:
            with self._cond:
                self.connected = False
                self._cond.notify_all()
            self._source = None
            if not self.stopping.is_set():
                source.__exit__(None, None, None)

    def _on_chunk(self, chunk: AudioChunk) -> None:
        now = time.monotonic()
        if self._detector.process(chunk):
            self.wake.heard(now)
            heard = getattr(self._detector, "last_heard", None) or self._detector.name
            _LOGGER.info("wake word heard (%s)", heard)
        try:
            self._answers.put_nowait((now, chunk))
        except queue.Full:  # nobody is listening for an answer: keep only the latest audio
            with contextlib.suppress(queue.Empty):
                self._answers.get_nowait()
            self._answers.put_nowait((now, chunk))
