"""The speech recognizer seam: one Protocol, one factory, engines in their own modules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from voice.audio import AudioChunk
from voice.grammar import Grammar  # defined with the grammar compiler; still importable here


@dataclass(frozen=True)
class Transcript:
    """What a recognizer heard in one turn."""

    text: str
    confidence: float  # 0..1; below the dialog's threshold the assistant confirms
    in_grammar: bool = True  # False when the engine heard speech it could not fit


CONFIDENT = 0.6  # a calibrated confidence at or above this: the engine's evidence is good


def calibrate(raw: float, raw_confident: float) -> float:
    """Map an engine's raw score onto the shared scale, raw_confident landing on CONFIDENT.

    Each engine's raw score means something different (a phone-loop agreement, a lattice
    posterior); the dialog compares every engine's confidence with one threshold, so each
    adapter names the raw score its benchmark found to separate right from wrong answers.
    """
    raw = min(max(raw, 0.0), 1.0)
    if raw >= raw_confident:
        return CONFIDENT + (1 - CONFIDENT) * (raw - raw_confident) / (1 - raw_confident)
    return CONFIDENT * raw / raw_confident


class Recognizer(Protocol):
    """Turns one spoken turn into text, constrained to a grammar."""

    sample_rate_hz: int

    def transcribe(self, audio: Iterator[AudioChunk], grammar: Grammar) -> Transcript | None:
        """Consume audio until the end of one utterance; None when nobody spoke in time."""
        ...


ENGINES = ("auto", "vosk", "pocketsphinx")


class Denoised:
    """A recognizer that hears audio after webrtc noise suppression and auto gain.

    Off by default: bench/accuracy.py measured it lowering accuracy in every condition
    with pocketsphinx (e.g. 92.3% to 88.5% at 10 dB of white noise).
    """

    def __init__(self, inner: Recognizer) -> None:
        self.inner = inner
        self.sample_rate_hz = inner.sample_rate_hz

    def transcribe(self, audio: Iterator[AudioChunk], grammar: Grammar) -> Transcript | None:
        from voice.denoise import Denoiser

        return self.inner.transcribe(Denoiser().process(audio), grammar)

    def missing_words(self, grammar: Grammar) -> set[str]:
        missing: set[str] = self.inner.missing_words(grammar)  # type: ignore[attr-defined]
        return missing


def make_recognizer(
    engine: str,
    locale: str,
    model_path: Path | None = None,
    models_dir: Path | None = None,
    debug: bool = False,
    denoise: bool = False,
) -> Recognizer:
    """The one factory: `auto` takes vosk when a vosk model for the locale is present."""
    recognizer = _engine(engine, locale, model_path, models_dir, debug)
    return Denoised(recognizer) if denoise else recognizer


def _engine(
    engine: str, locale: str, model_path: Path | None, models_dir: Path | None, debug: bool
) -> Recognizer:
    from voice.errors import ModelError, UsageError

    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if engine == "auto":
        engine = "vosk" if model_path or vosk_model_present(locale, models_dir) else "pocketsphinx"
    if engine == "vosk":
        from voice.asr.vosk import VoskRecognizer, VoskSettings

        return VoskRecognizer.for_locale(locale, model_path, models_dir, VoskSettings(debug=debug))
    if locale != "en":
        raise ModelError(
            f"pocketsphinx has only an English model; for {locale!r} install a vosk model "
            f"(see `toe-assistant models list`)"
        )
    from voice.asr.pocketsphinx import PocketsphinxRecognizer

    return PocketsphinxRecognizer()


def vosk_model_present(locale: str, models_dir: Path | None) -> bool:
    """Is a vosk model for the locale installed (downloaded, packaged or in --models-dir)?"""
    from voice.errors import ModelError
    from voice.models import load_registry, resolve_vosk_model
    from voice.models import models_dir as resolve_dir

    try:
        resolve_vosk_model(locale, resolve_dir(models_dir), load_registry())
    except ModelError:
        return False
    return True
