"""The always-on microphone in process: wake counting, hand-off, half duplex, reconnection.

The device is an honest fake at the LiveSource seam (a list of chunks, then a failure), and the
detector a scripted one that "hears" chunks marked loud; the real microphone and the real
wake word model go through the virtual card in test_serve.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import TracebackType

import numpy as np
import pytest

from voice.audio import AudioChunk
from voice.capture import Backoff, LiveCapture, ShuttingDown
from voice.errors import AudioError
from voice.wake import WakeLatch

RATE_HZ = 16_000
QUIET = AudioChunk(RATE_HZ, np.zeros(1600, np.int16))
WAKE = AudioChunk(RATE_HZ, np.full(1600, 1000, np.int16))
FAST = Backoff(first_s=0.01, max_s=0.04)


class MarkedDetector:
    """Hears the wake word in every loud chunk."""

    name = "marked"

    def __init__(self) -> None:
        self.resets = 0

    def process(self, chunk: AudioChunk) -> bool:
        return bool(chunk.samples.any())

    def reset(self) -> None:
        self.resets += 1


class ListSource:
    """Delivers its chunks at 100 ms pace (sped up tenfold), then fails or waits."""

    def __init__(self, chunks: list[AudioChunk], then_fail: bool, gate: threading.Event) -> None:
        self._chunks = chunks
        self._then_fail = then_fail
        self._gate = gate
        self.closed = threading.Event()

    def __enter__(self) -> ListSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.closed.set()

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in self._chunks:
            self._gate.wait()
            time.sleep(0.01)
            yield chunk
        if self._then_fail:
            raise AudioError("the test microphone went away")
        self.closed.wait()


class Plugs:
    """Opens sources from a script: an AudioError for each None, else a ListSource."""

    def __init__(self, script: list[ListSource | None]) -> None:
        self.script = script
        self.opened: list[float] = []

    def __call__(self) -> ListSource:
        self.opened.append(time.monotonic())
        source = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if source is None:
            raise AudioError("no such test microphone")
        return source


def started(script: list[ListSource | None]) -> tuple[LiveCapture, Plugs, MarkedDetector]:
    plugs, detector = Plugs(script), MarkedDetector()
    return LiveCapture(plugs, detector, FAST).start(), plugs, detector


def test_each_wake_word_is_handed_to_the_latch_and_its_audio_still_handed_on() -> None:
    gate = threading.Event()
    capture, _, _ = started([ListSource([QUIET, WAKE, QUIET, WAKE], False, gate)])
    try:
        assert capture.wait_connected(2.0)
        before_s = time.monotonic()
        gate.set()
        first_s = capture.wake.wait(2.0)
        second_s = capture.wake.wait(2.0)
        assert first_s is not None and second_s is not None
        assert before_s < first_s < second_s <= time.monotonic()
        assert capture.wake.take() is None  # each was taken once
        heard = capture.chunks()
        assert [bool(next(heard).samples.any()) for _ in range(4)] == [False, True, False, True]
    finally:
        capture.close()


def test_audio_captured_before_listening_is_dropped() -> None:
    gate = threading.Event()
    capture, _, _ = started([ListSource([WAKE, QUIET, QUIET], False, gate)])
    try:
        assert capture.wait_connected(2.0)
        gate.set()
        dropped, deadline = 0, time.monotonic() + 2.0
        while dropped < 3 and time.monotonic() < deadline:  # all three heard before listening
            dropped += capture.discard_pending()
            time.sleep(0.01)
        assert dropped == 3
        assert capture.wake.wait(0.1) is None  # listening now: that wake word is moot
    finally:
        capture.close()


def test_a_microphone_that_goes_away_is_reopened_with_growing_waits() -> None:
    gate = threading.Event()
    gate.set()
    back = ListSource([QUIET, WAKE], False, gate)
    capture, plugs, detector = started([ListSource([QUIET], True, gate), None, None, None, back])
    try:
        assert capture.wake.wait(5.0) is not None  # heard once the microphone is back
        assert capture.connection == 2
        assert len(plugs.opened) == 5
        gaps = np.diff(plugs.opened[1:])  # three failed opens, then the one that worked
        assert list(gaps) == pytest.approx([0.01, 0.02, 0.04], abs=0.03)
        assert gaps[2] > gaps[0]
        assert detector.resets >= 2  # each connection starts with a fresh detector
    finally:
        capture.close()


def test_backoff_doubles_up_to_its_cap() -> None:
    delays = [Backoff().delay_s(n) for n in range(12)]
    assert delays[:4] == [0.5, 1.0, 2.0, 4.0]
    assert max(delays) == 30.0 and delays[-1] == 30.0


def test_listening_fails_when_the_microphone_goes_away() -> None:
    gate = threading.Event()
    capture, _, _ = started([ListSource([QUIET] * 3, True, gate), None])
    try:
        assert capture.wait_connected(2.0)
        heard = capture.chunks()
        gate.set()
        with pytest.raises(AudioError, match="went away while listening"):
            for _ in range(10):
                next(heard)
    finally:
        capture.close()


def test_a_stop_ends_listening_and_waiting_at_once() -> None:
    gate = threading.Event()
    source = ListSource([QUIET], False, gate)
    capture, _, _ = started([source])
    assert capture.wait_connected(2.0)
    heard = capture.chunks()
    threading.Timer(0.2, capture.close).start()
    started_s = time.monotonic()
    with pytest.raises(ShuttingDown):
        next(heard)
    assert capture.wake.wait(0.2) is None
    assert time.monotonic() - started_s < 1.0
    assert source.closed.is_set()


def test_the_latch_gives_each_wake_word_once() -> None:
    latch = WakeLatch()
    assert latch.take() is None
    latch.heard(12.5)
    assert latch.take() == 12.5
    assert latch.take() is None


def test_arming_the_latch_forgets_a_wake_word_heard_before() -> None:
    latch = WakeLatch()
    latch.heard(1.0)
    latch.arm()
    assert latch.take() is None
    latch.heard(2.0)
    assert latch.wait(0.0) == 2.0


def test_waiting_on_the_latch_ends_when_the_other_thread_hears_it() -> None:
    latch = WakeLatch()
    threading.Timer(0.1, latch.heard, args=(7.0,)).start()
    started_s = time.monotonic()
    assert latch.wait(5.0) == 7.0
    assert time.monotonic() - started_s < 2.0
    assert latch.wait(0.05) is None  # taken by the wait
