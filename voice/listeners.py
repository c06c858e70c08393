"""Where spoken answers come from: prepared audio per question (simulate, demo) or a microphone."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice.audio import AudioChunk, concat, silence
from voice.errors import UsageError

if TYPE_CHECKING:
    from voice.devices import DeviceSource

ANY_QUESTION = "*"
CHUNK_S = 0.1  # how a prepared answer is fed: like a microphone, a tenth of a second at a time
LEAD_SILENCE_S = 0.4  # the pause before the person answers
TRAIL_SILENCE_S = 2.0  # enough quiet after the answer for any endpointer to end the turn


@dataclass(frozen=True)
class PreparedAnswers:
    """Answers recorded in advance, by question id ('*' answers any question not named)."""

    answers: Mapping[str, AudioChunk]
    rate_hz: int

    def audio_for(self, question: str) -> Iterator[AudioChunk]:
        answer = self.answers.get(question, self.answers.get(ANY_QUESTION))
        if answer is None:
            raise UsageError(
                f"no answer for question {question!r}: add --answer {question}=... "
                f"or --answer '*=...'"
            )
        turn = concat(
            [silence(LEAD_SILENCE_S, self.rate_hz), answer, silence(TRAIL_SILENCE_S, self.rate_hz)]
        )
        step = int(CHUNK_S * self.rate_hz)
        for start in range(0, len(turn.samples), step):
            yield AudioChunk(self.rate_hz, turn.samples[start : start + step])


@dataclass
class MicrophoneListener:
    """Answers from a live microphone; sound captured while the assistant spoke is dropped."""

    source: DeviceSource

    def audio_for(self, question: str) -> Iterator[AudioChunk]:
        self.source.discard_pending()  # half duplex: never hear our own prompt
        return self.source.chunks()
