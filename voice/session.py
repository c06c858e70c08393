"""The spoken consultation: speak each event, listen for each answer, through the seams."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from voice.asr import Recognizer
from voice.audio import AudioChunk, AudioSink, SpeechInterrupted
from voice.dialog import Conversation
from voice.events import Awaiting, Event, Prompt, Result, Say
from voice.grammar.questions import Grammars
from voice.schema import Dialog

if TYPE_CHECKING:
    from voice.tts import Synthesizer

_LOGGER = logging.getLogger(__name__)


class Listener(Protocol):
    """Where each spoken answer comes from: a microphone, or prepared audio in simulation."""

    def audio_for(self, awaiting: Awaiting) -> Iterator[AudioChunk]:
        """The audio in which the person answers (ends only if the source does)."""
        ...


@dataclass(frozen=True)
class TurnTiming:
    """How long one turn took, from the last audio the recognizer needed to the reply."""

    question: str
    recognize_s: float  # after the last chunk the recognizer pulled, until its transcript
    reply_ready_s: float  # after that same moment, until the reply's first audio was ready


@dataclass
class _TimedAudio:
    """Passes audio through, remembering when the last chunk was taken."""

    audio: Iterator[AudioChunk]
    tap: Callable[[AudioChunk], None] | None = None
    last_pull_s: float = field(default_factory=time.perf_counter)

    def __iter__(self) -> Iterator[AudioChunk]:
        for chunk in self.audio:
            if self.tap is not None:
                self.tap(chunk)
            self.last_pull_s = time.perf_counter()
            yield chunk


@dataclass
class SpokenConsultation:
    """Runs one consultation by voice: events are spoken, answers recognized."""

    dialog: Dialog
    recognizer: Recognizer
    synthesizer: Synthesizer
    sink: AudioSink
    listener: Listener
    emit: Callable[[list[Event]], None]
    grammars: Grammars | None = None
    hear_tap: Callable[[AudioChunk], None] | None = None  # e.g. a recording of both sides
    timings: list[TurnTiming] = field(default_factory=list)

    def run(self) -> Result:
        """Greet, ask, listen and decide; returns the consultation's result."""
        grammars = self.grammars or Grammars(self.dialog)
        conversation = Conversation(self.dialog, check_stop=True)
        events = conversation.start()
        turn_end: tuple[str, float, float] | None = None
        while True:
            self._speak(events, turn_end)
            turn_end = None
            if conversation.result is not None:
                return conversation.result
            awaiting = conversation.awaiting
            if awaiting is None:
                raise RuntimeError("the consultation neither ended nor asked a question")
            question = awaiting.question
            grammar = grammars.get(awaiting)
            audio = _TimedAudio(self.listener.audio_for(awaiting), self.hear_tap)
            _LOGGER.info("listening for %s", question)
            transcript = self.recognizer.transcribe(iter(audio), grammar, awaiting)
            done_s = time.perf_counter()
            turn_end = (question, audio.last_pull_s, done_s)
            if transcript is None or not transcript.in_grammar:
                _LOGGER.info("nothing usable heard for %s", question)
                _LOGGER.debug("heard instead: %s", transcript)  # what was said: --debug only
                # nothing said is silence; speech that fit nothing is an answer not understood
                events = conversation.hear(None if transcript is None else "")
            else:
                events = conversation.hear(transcript.text, transcript.confidence)

    def _speak(self, events: list[Event], turn_end: tuple[str, float, float] | None) -> None:
        self.emit(events)
        try:
            self._say(events, turn_end)
        except SpeechInterrupted:
            # The person cut in (e.g. said the wake word): the rest of this turn's speech is
            # dropped and the loop listens, or returns the result if there is nothing to ask.
            _LOGGER.info("interrupted while speaking")

    def _say(self, events: list[Event], turn_end: tuple[str, float, float] | None) -> None:
        for event in events:
            if not isinstance(event, (Say, Prompt)):
                continue
            audio = self.synthesizer.synthesize(event.text)
            if turn_end is not None:
                question, last_pull_s, done_s = turn_end
                ready_s = time.perf_counter()
                self.timings.append(
                    TurnTiming(question, done_s - last_pull_s, ready_s - last_pull_s)
                )
                turn_end = None
            self.sink.play(audio)
