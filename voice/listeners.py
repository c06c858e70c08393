"""Where spoken answers come from: prepared audio per question (simulate, demo) or a microphone."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from voice.audio import AudioChunk, AudioSource, concat, silence
from voice.events import Awaiting
from voice.intents import under_limit
from voice.schema import AnswerValue

_LOGGER = logging.getLogger(__name__)

ANY_QUESTION = "*"
CHUNK_S = 0.1  # how a prepared answer is fed: like a microphone, a tenth of a second at a time
LEAD_SILENCE_S = 0.4  # the pause before the person answers
TRAIL_SILENCE_S = 2.0  # enough quiet after the answer for any endpointer to end the turn
ROOM_TONE_RMS = 3.0  # about -80 dBFS
ROOM_TONE_SEED = 7


@dataclass(frozen=True)
class PreparedAnswers:
    """Answers recorded in advance, by question id ('*' answers any question not named).

    To "Did you say ...?" the person says their answer again, whatever was heard; use
    SimulatedPerson for someone who answers confirmations and the readback truthfully.
    """

    answers: Mapping[str, AudioChunk]
    rate_hz: int

    def audio_for(self, awaiting: Awaiting) -> Iterator[AudioChunk]:
        answer = self.answers.get(awaiting.question, self.answers.get(ANY_QUESTION))
        if answer is None:  # the person has nothing to say to this one: silence
            _LOGGER.info("no prepared answer for %s: the person stays silent", awaiting.question)
            answer = silence(0.0, self.rate_hz)
        return as_microphone(answer, self.rate_hz)


@dataclass(frozen=True)
class SimulatedPerson:
    """A person who means something by each answer and says so when asked to confirm.

    ``means`` holds what each answer means (as the dialog records it: "yes", "no", "unsure"
    or days); ``words`` holds the person's own "yes", "no", "more", "less" and "unsure".
    To "Did you say ...?" and to the readback they say yes when it matches what they meant
    and no otherwise; to "What is different?" they give again the answer that was misheard;
    to "More or less than three days?" they say which. Where a meaning is not known they
    behave like PreparedAnswers.
    """

    answers: Mapping[str, AudioChunk]
    means: Mapping[str, AnswerValue]
    words: Mapping[str, AudioChunk]
    rate_hz: int

    def audio_for(self, awaiting: Awaiting) -> Iterator[AudioChunk]:
        word = self._reply(awaiting)
        if word is not None and word in self.words:
            return as_microphone(self.words[word], self.rate_hz)
        if awaiting.kind == "which":  # "What is different?": the answer that was misheard
            wrong = self._misheard(awaiting)
            if wrong is not None and wrong in self.answers:
                return as_microphone(self.answers[wrong], self.rate_hz)
        return PreparedAnswers(self.answers, self.rate_hz).audio_for(awaiting)

    def _misheard(self, awaiting: Awaiting) -> str | None:
        for question, value in awaiting.answers.items():
            meant = self.means.get(question)
            if meant is not None and not agrees(meant, value, awaiting.bounds.get(question)):
                return question
        return None

    def _reply(self, awaiting: Awaiting) -> str | None:
        """yes / no / more / less / unsure, or None to say the prepared answer."""
        if awaiting.kind == "readback":
            agree = all(
                agrees(self.means[q], value, awaiting.bounds.get(q))
                for q, value in awaiting.answers.items()
                if q in self.means
            )
            return "yes" if agree else "no"
        meant = self.means.get(awaiting.question)
        if meant is None:
            return None
        if awaiting.kind == "confirm" and awaiting.confirming is not None:
            bound = awaiting.bounds.get(awaiting.question)
            return "yes" if agrees(meant, awaiting.confirming, bound) else "no"
        if awaiting.kind == "follow_up" and awaiting.limit is not None:
            if isinstance(meant, str):
                return "unsure"
            return "more" if meant >= awaiting.limit else "less"
        return None


def agrees(meant: AnswerValue, heard: AnswerValue, bound: str | None = None) -> bool:
    """Would a person who meant ``meant`` say yes to hearing ``heard`` read back?"""
    if isinstance(meant, str) or isinstance(heard, str):
        return meant == heard
    if bound == "above":
        return meant >= heard
    if bound == "below":
        return meant < under_limit(heard)
    return abs(meant - heard) <= max(0.5, 0.3 * meant)  # "about two weeks" for 14 or 15 days


def as_microphone(answer: AudioChunk, rate_hz: int) -> Iterator[AudioChunk]:
    """A prepared answer as a microphone would deliver it: lead-in, answer, quiet, in chunks."""
    turn = concat([silence(LEAD_SILENCE_S, rate_hz), answer, silence(TRAIL_SILENCE_S, rate_hz)])
    # A microphone never hears digital zeros, and pocketsphinx's front end misjudges them:
    # lay a faint, fixed room tone under the turn, as a quiet room would.
    rng = np.random.default_rng(ROOM_TONE_SEED)
    tone = rng.normal(0.0, ROOM_TONE_RMS, len(turn.samples))
    samples = np.clip(turn.samples + tone, -32768, 32767).astype(np.int16)
    step = int(CHUNK_S * rate_hz)
    for start in range(0, len(samples), step):
        yield AudioChunk(rate_hz, samples[start : start + step])


@dataclass
class MicrophoneListener:
    """Answers from a live microphone; sound captured while the assistant spoke is dropped."""

    source: AudioSource

    def audio_for(self, awaiting: Awaiting) -> Iterator[AudioChunk]:
        self.source.discard_pending()  # half duplex: never hear our own prompt
        return self.source.chunks()
