"""A scripted Recognizer: it "hears" a given transcript and confidence on each turn.

The honest fake at the recognizer seam, so the spoken turn loop (questions, confirmations,
reprompts, grammars, timings) is tested in process in milliseconds. Real speech goes through
the real engines in the tests marked slow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from voice.asr import Grammar, Transcript
from voice.audio import AudioChunk
from voice.events import Awaiting


def heard(text: str, confidence: float = 0.9, in_grammar: bool = True) -> Transcript:
    """One scripted turn: what the recognizer reports."""
    return Transcript(text=text, confidence=confidence, in_grammar=in_grammar)


@dataclass
class ScriptedRecognizer:
    """Returns the next scripted transcript per turn (None: nobody spoke) after taking
    ``chunks_per_turn`` chunks of the listener's audio, as a real recognizer would."""

    script: list[Transcript | None]
    sample_rate_hz: int = 16_000
    chunks_per_turn: int = 3
    grammars: list[str] = field(default_factory=list)  # the grammar each turn listened with
    awaited: list[Awaiting | None] = field(default_factory=list)  # what each turn was for

    @classmethod
    def of(cls, turns: Iterable[Transcript | str | None]) -> ScriptedRecognizer:
        """A script from transcripts, plain texts (heard confidently) or None."""
        return cls([heard(t) if isinstance(t, str) else t for t in turns])

    def transcribe(
        self, audio: Iterator[AudioChunk], grammar: Grammar, awaiting: Awaiting | None = None
    ) -> Transcript | None:
        if not self.script:
            raise AssertionError(f"the script has no turn left for grammar {grammar.name}")
        self.grammars.append(grammar.name)
        self.awaited.append(awaiting)
        for _ in islice(audio, self.chunks_per_turn):
            pass
        return self.script.pop(0)

    def missing_words(self, grammar: Grammar) -> set[str]:
        return set()
