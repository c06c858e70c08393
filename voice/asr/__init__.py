"""The speech recognizer seam: one Protocol, one factory, engines in their own modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from voice.audio import AudioChunk
from voice.grammar import Grammar  # defined with the grammar compiler; still importable here


@dataclass(frozen=True)
class Transcript:
    """What a recognizer heard in one turn."""

    text: str
    confidence: float  # 0..1 on the shared scale (voice.confidence)
    in_grammar: bool = True  # False when the engine heard speech it could not fit


# Pause that ends a turn whose words could still become another answer ("no" ... "idea");
# voice/asr/endpoint.py ends a settled phrase sooner and waits longer for a partial one.
DEFAULT_END_SILENCE_S = 0.3
DEFAULT_NO_SPEECH_TIMEOUT_S = 8.0  # nobody started speaking in this long: nothing was heard
DEFAULT_MAX_UTTERANCE_S = 10.0  # a turn is cut here, e.g. a radio that never pauses
ENGINES = ("auto", "vosk", "pocketsphinx")
Engine = Literal["vosk", "pocketsphinx"]


@dataclass(frozen=True)
class RecognitionSettings:
    """How speech is recognized: built once from the command line and passed down."""

    engine: str = "auto"  # one of ENGINES
    model_path: Path | None = None  # an unpacked model folder; None: resolve by locale
    models_dir: Path | None = None  # where downloaded models live; None: the default folder
    denoise: bool | None = None  # webrtc noise suppression: None decides per turn by the noise
    end_silence_s: float = DEFAULT_END_SILENCE_S
    no_speech_timeout_s: float = DEFAULT_NO_SPEECH_TIMEOUT_S
    max_utterance_s: float = DEFAULT_MAX_UTTERANCE_S
    debug: bool = False  # keep the engines' own log lines


class Recognizer(Protocol):
    """Turns one spoken turn into text, constrained to a grammar."""

    sample_rate_hz: int

    def transcribe(self, audio: Iterator[AudioChunk], grammar: Grammar) -> Transcript | None:
        """Consume audio until the end of one utterance; None when nobody spoke in time."""
        ...

    def missing_words(self, grammar: Grammar) -> set[str]:
        """Words of ``grammar`` the engine's model cannot recognize."""
        ...


@dataclass(frozen=True)
class EngineChoice:
    """An engine and the model folder it loads (None: pocketsphinx's bundled model)."""

    engine: Engine
    model_path: Path | None


def resolve_engine(settings: RecognitionSettings, locale: str) -> EngineChoice:
    """The one place the engine and its model are chosen: `auto` prefers an installed vosk model."""
    from voice.errors import ModelError, UsageError

    if settings.engine not in ENGINES:
        raise UsageError(f"unknown engine {settings.engine!r}; choose one of: {', '.join(ENGINES)}")
    if settings.engine == "pocketsphinx":
        return _pocketsphinx(locale, settings.model_path)
    try:
        return EngineChoice("vosk", _vosk_model(settings, locale))
    except ModelError:
        if settings.engine == "vosk" or settings.model_path is not None:
            raise
    return _pocketsphinx(locale, None)


def installed_engines(locale: str, models_dir: Path | None) -> list[EngineChoice]:
    """Every engine that can serve ``locale`` on this machine, pocketsphinx first."""
    from voice.errors import ModelError

    found = []
    if locale == "en":
        found.append(EngineChoice("pocketsphinx", None))
    with contextlib.suppress(ModelError):  # no vosk model for the locale
        found.append(
            EngineChoice("vosk", _vosk_model(RecognitionSettings(models_dir=models_dir), locale))
        )
    return found


def make_recognizer(settings: RecognitionSettings, locale: str) -> Recognizer:
    """The one factory: the resolved engine with its settings."""
    return build_recognizer(resolve_engine(settings, locale), settings)


def build_recognizer(choice: EngineChoice, settings: RecognitionSettings) -> Recognizer:
    """Load the chosen engine's model (seconds for a large vosk model: do it once)."""
    recognizer: Recognizer
    if choice.engine == "vosk":
        from voice.asr.vosk import VoskRecognizer

        if choice.model_path is None:
            raise ValueError("a vosk engine choice needs a model folder")
        recognizer = VoskRecognizer(choice.model_path, settings)
    else:
        from voice.asr.pocketsphinx import PocketsphinxRecognizer

        recognizer = PocketsphinxRecognizer(settings, choice.model_path)
    return recognizer


def _pocketsphinx(locale: str, model_path: Path | None) -> EngineChoice:
    from voice.errors import ModelError

    if locale != "en":
        raise ModelError(
            f"pocketsphinx has only an English model; for {locale!r} install a vosk model "
            f"(see `toe-assistant models list`)"
        )
    return EngineChoice("pocketsphinx", model_path)


def _vosk_model(settings: RecognitionSettings, locale: str) -> Path:
    from voice.models import load_registry, models_dir, resolve_vosk_model

    return resolve_vosk_model(
        locale, models_dir(settings.models_dir), load_registry(), settings.model_path
    )
