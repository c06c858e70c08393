"""The speech recognizer seam: one Protocol, one factory, engines in their own modules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from voice.audio import AudioChunk


@dataclass(frozen=True)
class Grammar:
    """The phrases one question accepts, compiled from its hassil intents for speech."""

    name: str
    phrases: tuple[str, ...]  # every accepted word sequence, lower case, words only
    jsgf: str  # the same language as a JSGF grammar, for pocketsphinx


@dataclass(frozen=True)
class Transcript:
    """What a recognizer heard in one turn."""

    text: str
    confidence: float  # 0..1; below the dialog's threshold the assistant confirms
    in_grammar: bool = True  # False when the engine heard speech it could not fit


class Recognizer(Protocol):
    """Turns one spoken turn into text, constrained to a grammar."""

    sample_rate_hz: int

    def transcribe(self, audio: Iterator[AudioChunk], grammar: Grammar) -> Transcript | None:
        """Consume audio until the end of one utterance; None when nobody spoke in time."""
        ...
