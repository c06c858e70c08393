"""The pieces of `serve` in process: the interruptible sink, the silence limit, a cut-off turn.

The speaker is an honest fake at the Player seam that "plays" 50 ms blocks and calls the
sink's check before each, as voice.speaker.DeviceSink does; the real speaker goes through
the virtual card in test_serve.py.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from tests.chat_driver import toe_assistant
from tests.scripted import ScriptedRecognizer
from tests.test_capture import ListSource
from voice.audio import AudioChunk, SpeechInterrupted
from voice.capture import LiveCapture, ShuttingDown
from voice.content import Dialog, load_dialog
from voice.errors import AudioError
from voice.events import Event, Prompt, Say
from voice.listeners import PreparedAnswers
from voice.serve import ServeSink, chime
from voice.session import SpokenConsultation

BLOCK = 800  # 50 ms at 16 kHz


@cache
def dialog() -> Dialog:
    return load_dialog("en")


class BlockPlayer:
    """Plays in 50 ms blocks; ``during`` runs before block ``at`` (e.g. a wake word)."""

    def __init__(self, at: int = -1, during: Callable[[], None] | None = None) -> None:
        self.played: list[int] = []  # samples played per chunk
        self.at, self.during = at, during
        self.fail = False

    def play(self, chunk: AudioChunk, check: Callable[[], None] | None = None) -> None:
        if self.fail:
            raise AudioError("the test speaker is gone")
        done = 0
        try:
            for block, start in enumerate(range(0, len(chunk.samples), BLOCK)):
                during = self.during
                if block == self.at and during is not None:
                    self.during = None  # once
                    during()
                if check is not None:
                    check()
                done = start + BLOCK
        finally:
            self.played.append(min(done, len(chunk.samples)))


class Deaf:
    """A detector that never hears anything: these tests tell the wake latch by hand."""

    name = "deaf"

    def process(self, chunk: AudioChunk) -> bool:
        return False

    def reset(self) -> None:
        pass


def no_microphone() -> ListSource:
    raise AudioError("not used here")


def sink_with(player: BlockPlayer) -> tuple[ServeSink, LiveCapture]:
    capture = LiveCapture(no_microphone, Deaf())  # never started: only its wake latch is used
    return ServeSink(lambda: player, capture), capture


def wake(capture: LiveCapture) -> Callable[[], None]:
    def heard() -> None:
        capture.wake.heard(time.monotonic())

    return heard


def second(n_s: float) -> AudioChunk:
    return AudioChunk(16_000, np.ones(round(n_s * 16_000), np.int16))


def test_the_wake_word_stops_a_sentence_at_the_next_block_and_answers() -> None:
    player = BlockPlayer(at=10)
    sink, capture = sink_with(player)
    player.during = wake(capture)
    with pytest.raises(SpeechInterrupted):
        sink.play(second(5.0))
    assert player.played[0] == 10 * BLOCK  # half a second of a five-second sentence
    assert player.played[1] == len(chime().samples)  # then the "I'm listening" chime
    assert sink.woke_s is not None and time.monotonic() - sink.woke_s < 1.0


def test_a_wake_word_already_acted_on_does_not_stop_the_sentence() -> None:
    player = BlockPlayer()
    sink, capture = sink_with(player)
    wake(capture)()  # e.g. the one that started the consultation, or said before it listened
    capture.wake.arm()
    sink.play(second(1.0))
    assert player.played == [16_000] and sink.woke_s is None


def test_a_wake_word_said_between_sentences_stops_the_next_before_it_sounds() -> None:
    player = BlockPlayer()
    sink, capture = sink_with(player)
    wake(capture)()  # while the sentence was being synthesized
    with pytest.raises(SpeechInterrupted):
        sink.play(second(1.0))
    assert player.played == [0, len(chime().samples)]
    sink.play(second(1.0))  # acted on: the next sentence plays
    assert player.played[-1] == 16_000


def test_a_stop_request_stops_the_sentence_without_a_chime() -> None:
    player = BlockPlayer(at=3)
    sink, capture = sink_with(player)
    player.during = capture.stopping.set
    with pytest.raises(ShuttingDown):
        sink.play(second(2.0))
    assert player.played == [3 * BLOCK]


def test_a_failed_speaker_is_looked_for_again_on_the_next_sentence() -> None:
    player = BlockPlayer()
    sink, _ = sink_with(player)
    player.fail = True
    with pytest.raises(AudioError):
        sink.play(second(0.1))
    assert sink.broken
    player.fail = False
    sink.probe()
    assert not sink.broken


class Synth:
    """Half a second of sound per sentence, remembering what it was asked to say."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def synthesize(self, text: str) -> AudioChunk:
        self.texts.append(text)
        return second(0.5)


def test_a_cut_off_turn_drops_its_other_sentences_and_listens() -> None:
    player = BlockPlayer(at=2)
    sink, capture = sink_with(player)
    player.during = wake(capture)
    events: list[Event] = []
    session = SpokenConsultation(
        dialog(),
        ScriptedRecognizer.of(["stop", "yes"]),  # a spoken stop is confirmed
        Synth(),
        sink,
        PreparedAnswers({}, 16_000),
        emit=events.extend,
    )
    result = session.run()
    assert result.ended == "stopped"
    # greeting cut short, chime; disclaimer and first question never played; then "Do you
    # want to stop here?" and "stopping"
    assert len(player.played) == 4
    assert player.played[0] == 2 * BLOCK and player.played[2:] == [8_000] * 2
    assert [e.id for e in events if isinstance(e, Prompt)] == ["weakness", "weakness"]
    assert any(isinstance(e, Say) and "stopping" in e.text for e in events)


def broken_dialogs(tmp_path: Path) -> Path:
    """A copy of the dialogs whose English consultation is not valid YAML."""
    root = tmp_path / "dialogs"
    shutil.copytree(dialog().folder.parent, root)
    (root / "en" / "consultation.yaml").write_text("questions: [unclosed\n")
    return root


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--locale", "en"], "consultation.yaml:2"),  # with the broken dialogs below
        (["--engine", "vosk", "--model", "/nonexistent/model"], "/nonexistent/model"),
        (["--save-summaries", "/proc/self/status"], "not a folder"),
        (["--wake-phrase", "okay zorbulax"], "does not know zorbulax"),
        (["--wake-word", "hey_toe"], "invalid choice"),
    ],
)
def test_serve_refuses_to_start_with_one_line_and_exit_2(
    tmp_path: Path, args: list[str], says: str
) -> None:
    env = dict(os.environ)
    if args[:2] == ["--locale", "en"]:
        env["TOE_ASSISTANT_DIALOGS"] = str(broken_dialogs(tmp_path))
    done = subprocess.run(
        [*toe_assistant(), "serve", "--input-device", "none", *args],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("toe-assistant")]
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr


class _Interrupted(logging.Handler):
    """A log handler that receives SIGTERM in the middle of writing a line, as a slow stderr
    under emulation did; it notes whether anything was logged from inside that line."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = False
        self.reentered = False
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if self.writing:
            self.reentered = True
            return
        self.writing = True
        try:
            if record.getMessage() == "waiting for the wake word":
                signal.raise_signal(signal.SIGTERM)  # the handler runs here, mid-write
            self.lines.append(record.getMessage())
        finally:
            self.writing = False


def test_sigterm_during_a_log_line_stops_without_writing_inside_it() -> None:
    """The signal handler logged "SIGTERM: stopping" itself: inside a line being written to
    stderr that re-entered the write, and on arm64 the stop was lost."""
    from voice.serve import _LOGGER as serve_log
    from voice.serve import stop_on_sigterm

    handler, stopping = _Interrupted(), threading.Event()
    previous, level = signal.getsignal(signal.SIGTERM), serve_log.level
    serve_log.addHandler(handler)
    serve_log.setLevel(logging.INFO)
    try:
        stop_on_sigterm(stopping, grace_s=1e6)  # its timer would end this process: never
        serve_log.info("waiting for the wake word")
        deadline = time.monotonic() + 5.0
        while "SIGTERM: stopping" not in handler.lines and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        signal.signal(signal.SIGTERM, previous)
        serve_log.removeHandler(handler)
        serve_log.setLevel(level)
    assert stopping.is_set()
    assert not handler.reentered
    assert handler.lines == ["waiting for the wake word", "SIGTERM: stopping"]
