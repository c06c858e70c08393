"""Where spoken answers come from: prepared audio per question (simulate, demo) or a microphone."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from voice.audio import AudioChunk, AudioSource, concat, silence

_LOGGER = logging.getLogger(__name__)

ANY_QUESTION = "*"
CHUNK_S = 0.1  # how a prepared answer is fed: like a microphone, a tenth of a second at a time
LEAD_SILENCE_S = 0.4  # the pause before the person answers
TRAIL_SILENCE_S = 2.0  # enough quiet after the answer for any endpointer to end the turn
ROOM_TONE_RMS = 3.0  # about -80 dBFS
ROOM_TONE_SEED = 7


@dataclass(frozen=True)
class PreparedAnswers:
    """Answers recorded in advance, by question id ('*' answers any question not named)."""

    answers: Mapping[str, AudioChunk]
    rate_hz: int

    def audio_for(self, question: str) -> Iterator[AudioChunk]:
        answer = self.answers.get(question, self.answers.get(ANY_QUESTION))
        if answer is None:  # the person has nothing to say to this one: silence
            _LOGGER.info("no prepared answer for %s: the person stays silent", question)
            answer = silence(0.0, self.rate_hz)
        turn = concat(
            [silence(LEAD_SILENCE_S, self.rate_hz), answer, silence(TRAIL_SILENCE_S, self.rate_hz)]
        )
        # A microphone never hears digital zeros, and pocketsphinx's front end misjudges them:
        # lay a faint, fixed room tone under the turn, as a quiet room would.
        rng = np.random.default_rng(ROOM_TONE_SEED)
        tone = rng.normal(0.0, ROOM_TONE_RMS, len(turn.samples))
        samples = np.clip(turn.samples + tone, -32768, 32767).astype(np.int16)
        step = int(CHUNK_S * self.rate_hz)
        for start in range(0, len(samples), step):
            yield AudioChunk(self.rate_hz, samples[start : start + step])


@dataclass
class MicrophoneListener:
    """Answers from a live microphone; sound captured while the assistant spoke is dropped."""

    source: AudioSource

    def audio_for(self, question: str) -> Iterator[AudioChunk]:
        self.source.discard_pending()  # half duplex: never hear our own prompt
        return self.source.chunks()
