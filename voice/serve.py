"""`serve`: wait for the wake word, answer, hold a consultation, wait again; for weeks, alone.

Nothing here ends the process but a stop request: a microphone or speaker that goes away is
logged and retried with capped backoff (voice.capture), a consultation cut short by a fault
or by SIGTERM is dropped without a summary, and a summary that cannot be written is logged.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voice.asr import Recognizer
from voice.audio import AudioChunk, SpeechInterrupted
from voice.capture import POLL_S, Backoff, LiveCapture, ShuttingDown
from voice.errors import AudioError, ToeAssistantError
from voice.events import Event, Result
from voice.grammar.questions import Grammars
from voice.listeners import MicrophoneListener
from voice.schema import Dialog
from voice.session import SpokenConsultation
from voice.summaries import save_summary, summary_of, worth_saving
from voice.tts import Synthesizer

_LOGGER = logging.getLogger(__name__)

STOP_GRACE_S = 1.6  # after SIGTERM, leave by force if a driver holds the clean-up longer
CHIME_RATE_HZ = 16_000


@dataclass(frozen=True)
class ServeSettings:
    """How `serve` behaves, built once from the command line."""

    summaries_dir: Path | None = None  # None: nothing about the person is written anywhere
    backoff: Backoff = field(default_factory=Backoff)
    debug: bool = False  # log answers and outcomes (never otherwise)


class Player(Protocol):
    """A speaker that can be stopped between blocks (voice.speaker.DeviceSink)."""

    def play(self, chunk: AudioChunk, check: Callable[[], None] | None = None) -> None: ...


def chime() -> AudioChunk:
    """The answer to the wake word: two short rising notes, 0.2 s in all."""
    parts = []
    for freq_hz in (660.0, 880.0):
        t = np.arange(round(0.1 * CHIME_RATE_HZ)) / CHIME_RATE_HZ
        envelope = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)  # no clicks at the edges
        parts.append(6000 * envelope * np.sin(2 * np.pi * freq_hz * t))
    return AudioChunk(CHIME_RATE_HZ, np.concatenate(parts).astype(np.int16))


class ServeSink:
    """The assistant's voice in `serve`: stops within a block when the wake word is heard."""

    def __init__(self, open_player: Callable[[], Player], capture: LiveCapture) -> None:
        """``open_player`` finds the speaker; it is called again after the speaker failed."""
        self._open_player = open_player
        self._player: Player | None = None
        self._capture = capture
        self._chime = chime()
        self.woke_s: float | None = None  # the wake word that cut the last sentence short
        self.broken = False  # the speaker failed; playing again will look for it afresh
        self.first_sound_s = 0.0  # time.monotonic() when the last play started sounding

    def play(self, chunk: AudioChunk) -> None:
        """Play a sentence; SpeechInterrupted if the wake word cut it short.

        A wake word heard since the assistant last listened counts, also one said while the
        sentence was being synthesized: then it does not start speaking at all. Its time is
        kept in ``woke_s`` for the consultation it starts.
        """
        capture = self._capture
        started = False

        def check() -> None:
            nonlocal started
            capture.raise_if_stopping()
            woke_s = capture.wake.take()
            if woke_s is not None:
                self.woke_s = woke_s
                delay_ms = (time.monotonic() - woke_s) * 1000
                if started:
                    _LOGGER.info("stopped speaking %.0f ms after the wake word", delay_ms)
                else:
                    _LOGGER.info("did not start speaking: the wake word was heard")
                raise SpeechInterrupted()
            started = True

        self.woke_s = None
        try:
            self._play(chunk, check)
        except SpeechInterrupted:
            self.answer()
            raise

    def answer(self) -> None:
        """The short sound that says "I'm listening"."""
        self._play(self._chime, self._capture.raise_if_stopping)

    def probe(self) -> None:
        """Play a moment of silence: AudioError while the speaker is not usable.

        A quarter of a second, as long as the chime: some devices only fail once a whole
        period has been written.
        """
        self._play(AudioChunk(CHIME_RATE_HZ, np.zeros(CHIME_RATE_HZ // 4, np.int16)), None)

    def _play(self, chunk: AudioChunk, check: Callable[[], None] | None) -> None:
        try:
            if self._player is None or self.broken:
                self._player = self._open_player()
                self.broken = False
            first = True

            def timed_check() -> None:
                nonlocal first
                if first:
                    self.first_sound_s = time.monotonic()
                    first = False
                if check is not None:
                    check()

            self._player.play(chunk, timed_check)
        except AudioError:
            self.broken = True
            raise


@dataclass
class Server:
    """The loop of `serve`, over a started capture and a sink on it."""

    dialog: Dialog
    recognizer: Recognizer
    synthesizer: Synthesizer
    capture: LiveCapture
    sink: ServeSink
    emit: Callable[[list[Event]], None]
    settings: ServeSettings
    consultations: int = 0  # held to the end, cut short or not

    def run(self) -> int:
        """Serve until asked to stop; always 0 (faults are survived, not returned)."""
        grammars = Grammars(self.dialog)
        grammars.all()  # compile every grammar now, not during the first consultation
        self.capture.start()
        try:
            while not self.capture.stopping.is_set():
                if not self._devices_ready():
                    continue
                wake = self.capture.wake
                wake.arm()  # only a wake word said from now on starts a consultation
                _LOGGER.info("waiting for the wake word")
                while (woke_s := wake.wait(POLL_S)) is None:
                    if self.capture.stopping.is_set() or not self.capture.connected:
                        break
                else:
                    self._consult_until_done(grammars, woke_s)
        finally:
            self.capture.close()
        _LOGGER.info("stopped after %d consultations", self.consultations)
        return 0

    def _devices_ready(self) -> bool:
        """Wait a moment for the microphone, and make sure a failed speaker is back."""
        if not self.capture.wait_connected(POLL_S * 10):
            return False
        attempt = 0
        while self.sink.broken and not self.capture.stopping.is_set():
            try:
                self.sink.probe()
                _LOGGER.info("speaker is back")
            except AudioError as err:
                delay_s = self.settings.backoff.delay_s(attempt)
                _LOGGER.info("speaker unavailable: %s; trying again in %.1f s", err, delay_s)
                attempt += 1
                self.capture.stopping.wait(delay_s)
        return not self.capture.stopping.is_set()

    def _consult_until_done(self, grammars: Grammars, woke_s: float) -> None:
        """One consultation, and another straight away if its last words were interrupted."""
        answer = True
        next_woke_s: float | None = woke_s
        while next_woke_s is not None:
            next_woke_s = self._consult(grammars, next_woke_s, answer)
            answer = False  # the sink already answered the wake word that cut it short

    def _consult(self, grammars: Grammars, woke_s: float, answer: bool) -> float | None:
        """Hold one consultation; when the wake word cut its last words short, its time."""
        self.consultations += 1
        self.capture.wake.arm()  # a second wake word right after the first starts nothing
        session = SpokenConsultation(
            self.dialog,
            self.recognizer,
            self.synthesizer,
            self.sink,
            MicrophoneListener(self.capture),
            emit=self.emit,
            grammars=grammars,
        )
        try:
            if answer:
                self.sink.answer()
                reply_ms = (self.sink.first_sound_s - woke_s) * 1000
                _LOGGER.info("answered the wake word in %.0f ms", reply_ms)
            result = session.run()
        except ShuttingDown:
            _LOGGER.info("stopping mid-consultation: nothing recorded")
            return None
        except AudioError as err:
            _LOGGER.warning("consultation abandoned, nothing recorded: %s", err)
            return None
        self._finished(result)
        return self.sink.woke_s

    def _finished(self, result: Result) -> None:
        _LOGGER.info("consultation over (%s)", result.ended)
        if self.settings.debug:
            _LOGGER.debug("outcome %s, answers %s", result.outcome, result.answers)
        folder = self.settings.summaries_dir
        if folder is None or not worth_saving(result):
            return
        try:
            path = save_summary(folder, summary_of(result, self.dialog.locale))
        except ToeAssistantError as err:
            _LOGGER.warning("summary not saved (nothing was written): %s", err)
            return
        _LOGGER.info("summary saved to %s", path)


def stop_on_sigterm(stopping: threading.Event, grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM asks the loop to stop; if clean-up hangs in a driver, leave after ``grace_s``."""

    def leave_anyway() -> None:
        _LOGGER.warning("clean-up took longer than %.1f s; leaving now", grace_s)
        logging.shutdown()
        os._exit(0)

    def on_signal(signum: int, frame: Any) -> None:
        # Nothing is written from the handler itself: the main thread may be inside a write
        # to stderr, and logging there re-enters it ("reentrant call inside BufferedWriter"),
        # which under emulation lost the stop. Another thread logs once the write is done.
        stopping.set()
        timer = threading.Timer(grace_s, leave_anyway)
        timer.daemon = True
        timer.start()
        threading.Thread(target=_LOGGER.info, args=("SIGTERM: stopping",), daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
