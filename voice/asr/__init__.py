"""The speech recognizer seam: one Protocol and its settings; the factory is voice.asr.engines,
each engine in its own module."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from voice.audio import AudioChunk
from voice.events import Awaiting
from voice.grammar import Grammar  # defined with the grammar compiler; still importable here


@dataclass(frozen=True)
class Transcript:
    """What a recognizer heard in one turn."""

    text: str
    confidence: float  # 0..1 on the shared scale (voice.confidence)
    in_grammar: bool = True  # False when the engine heard speech it could not fit
    evidence: Mapping[str, float] = field(default_factory=dict)  # behind the confidence


# Pause that ends a turn whose words could still become another answer ("no" ... "idea");
# voice/asr/endpoint.py ends a settled phrase sooner and waits longer for a partial one.
DEFAULT_END_SILENCE_S = 0.3
DEFAULT_NO_SPEECH_TIMEOUT_S = 8.0  # nobody started speaking in this long: nothing was heard
DEFAULT_MAX_UTTERANCE_S = 10.0  # a turn is cut here, e.g. a radio that never pauses
ENGINES = ("auto", "vosk", "pocketsphinx", "whisper")
Engine = Literal["vosk", "pocketsphinx", "whisper"]
# `--engine auto` takes the whisper engine (English) on a device with this much memory and the
# whisper extra installed: a Pi 4 or 5 with 2 GB or more; a Pi Zero 2 W (512 MB) and a 1 GB
# board stay on pocketsphinx (the whisper path peaks near 300 MB, bench/results/).
WHISPER_MIN_MEMORY_MB = 1_500
WHISPER_WHEN = ("doubtful", "always")


@dataclass(frozen=True)
class RecognitionSettings:
    """How speech is recognized: built once from the command line and passed down."""

    engine: str = "auto"  # one of ENGINES
    model_path: Path | None = None  # an unpacked model folder; None: resolve by locale
    models_dir: Path | None = None  # where downloaded models live; None: the default folder
    denoise: str = "auto"  # voice.denoise.DENOISERS: auto decides per turn by the noise
    end_silence_s: float = DEFAULT_END_SILENCE_S
    no_speech_timeout_s: float = DEFAULT_NO_SPEECH_TIMEOUT_S
    max_utterance_s: float = DEFAULT_MAX_UTTERANCE_S
    debug: bool = False  # keep the engines' own log lines
    whisper_when: str = "doubtful"  # "doubtful" or "always": when the whisper engine asks Whisper
    device_memory_mb: int | None = None  # what auto choices assume; None: read the machine's

    def __post_init__(self) -> None:
        from voice.denoise import denoiser_name
        from voice.errors import UsageError

        # older spellings (True/False/None, "on") name the same suppressors
        object.__setattr__(self, "denoise", denoiser_name(self.denoise))
        if self.whisper_when not in WHISPER_WHEN:
            raise UsageError(f"whisper_when is one of {', '.join(WHISPER_WHEN)}")


# text, what the dialog awaits -> what the text would tell it (None: nothing)
AnswerMeaning = Callable[[str, Awaiting | None], Hashable | None]


class Recognizer(Protocol):
    """Turns one spoken turn into text, constrained to a grammar."""

    sample_rate_hz: int

    def transcribe(
        self, audio: Iterator[AudioChunk], grammar: Grammar, awaiting: Awaiting | None = None
    ) -> Transcript | None:
        """Consume audio until the end of one utterance; None when nobody spoke in time.
        ``awaiting`` is what the dialog listens for; an engine that weighs its hypotheses by
        what they mean (the whisper engine, and pocketsphinx for a hearing cut short) reads
        them for it; vosk needs only the grammar."""
        ...

    def missing_words(self, grammar: Grammar) -> set[str]:
        """Words of ``grammar`` the engine's model cannot recognize."""
        ...
