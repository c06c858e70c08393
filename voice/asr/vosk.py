"""The vosk (Kaldi) recognizer: grammar-mode decoding of one spoken turn per call."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from voice.asr import RecognitionSettings, Transcript
from voice.audio import AudioChunk
from voice.confidence import calibrate
from voice.errors import AudioError, ModelError
from voice.grammar import Grammar
from voice.models import Registry, fix_for_broken, load_registry

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 16_000
# Unknown-word symbols differ between vosk models: "[unk]" in most, "<UNK>" in the Korean one.
# The lowest word posterior that counts as confident. Measured with espeak-ng's Korean voice in
# grammar mode: right answers came at 0.38-1.0 (most >= 0.5), wrong ones often at 1.0, so
# vosk's posterior says little and the dialog's caution about reassuring answers does the work.
RAW_CONFIDENT = 0.5
UNKNOWN_WORDS = ("[unk]", "<UNK>", "<unk>")


def load_model(path: Path, registry: Registry | None = None, debug: bool = False) -> Any:
    """A vosk.Model from ``path``; ModelError naming the repair command when it will not load."""
    import vosk

    vosk.SetLogLevel(0 if debug else -1)
    try:
        return vosk.Model(str(path))
    except Exception as err:  # vosk raises a bare Exception("Failed to create a model")
        fix = fix_for_broken(path, registry or load_registry())
        raise ModelError(f"vosk cannot load the model at {path} (corrupt?); run `{fix}`") from err


class VoskRecognizer:
    """Recognizer Protocol implementation over one loaded vosk model."""

    sample_rate_hz: int = SAMPLE_RATE_HZ

    def __init__(self, model_path: Path, settings: RecognitionSettings | None = None) -> None:
        """Load the model at ``model_path`` (seconds for a large model; do it once).

        vosk's own endpointer decides where an utterance ends; the settings bound how long
        to wait for speech and how long a turn may be.
        """
        self._settings = settings or RecognitionSettings()
        self._model = load_model(model_path, debug=self._settings.debug)
        self._unknown = next(
            (w for w in UNKNOWN_WORDS if self._model.vosk_model_find_word(w) >= 0), None
        )
        self._checked: set[str] = set()  # grammar names already checked against the vocabulary

    @property
    def unknown_word(self) -> str | None:
        """The model's unknown-word symbol added to every grammar, if it has one."""
        return self._unknown

    def missing_words(self, grammar: Grammar) -> set[str]:
        """Grammar words absent from the model vocabulary (vosk would silently drop them)."""
        words = {word for phrase in grammar.phrases for word in phrase.split()}
        return {word for word in words if self._model.vosk_model_find_word(word) < 0}

    def _grammar_json(self, grammar: Grammar) -> str | None:
        if not grammar.phrases:
            return None  # free text: the model's full language model
        if grammar.name not in self._checked:
            self._checked.add(grammar.name)
            missing = self.missing_words(grammar)
            if missing:
                _LOGGER.warning(
                    "grammar %s: words not in the vosk vocabulary, ignored: %s",
                    grammar.name, " ".join(sorted(missing)),
                )  # fmt: skip
        phrases = list(grammar.phrases)
        if self._unknown:
            phrases.append(self._unknown)
        return json.dumps(phrases, ensure_ascii=False)

    def _new_decoder(self, grammar: Grammar, rate_hz: int) -> Any:
        import vosk

        grammar_json = self._grammar_json(grammar)
        if grammar_json is None:
            decoder = vosk.KaldiRecognizer(self._model, rate_hz)
        else:
            decoder = vosk.KaldiRecognizer(self._model, rate_hz, grammar_json)
        decoder.SetWords(True)
        return decoder

    def transcribe(self, audio: Iterator[AudioChunk], grammar: Grammar) -> Transcript | None:
        """Decode until vosk detects the end of an utterance; None when nobody spoke in time."""
        decoder: Any = None
        rate_hz = 0
        heard_samples = 0  # counted in samples: summing float seconds drifts
        no_speech_samples = max_samples = 0
        speech_started = False
        for chunk in audio:
            if decoder is None:
                rate_hz = chunk.rate_hz
                decoder = self._new_decoder(grammar, rate_hz)
                no_speech_samples = round(self._settings.no_speech_timeout_s * rate_hz)
                max_samples = round(self._settings.max_utterance_s * rate_hz)
            elif chunk.rate_hz != rate_hz:
                raise AudioError(
                    f"audio rate changed mid-utterance: {rate_hz} -> {chunk.rate_hz} Hz"
                )
            heard_samples += len(chunk.samples)
            if decoder.AcceptWaveform(chunk.to_bytes()):
                transcript = self._transcript(decoder.Result(), grammar)
                if transcript is not None:
                    return transcript
                speech_started = False  # an endpoint on noise alone: keep listening
            elif not speech_started:
                speech_started = bool(json.loads(decoder.PartialResult()).get("partial"))
            if not speech_started and heard_samples >= no_speech_samples:
                return None
            if heard_samples >= max_samples:
                break
        if decoder is None:
            return None
        return self._transcript(decoder.FinalResult(), grammar)

    def _transcript(self, result_json: str, grammar: Grammar) -> Transcript | None:
        result = json.loads(result_json)
        words = result.get("result", [])
        if not words:
            return None
        heard = [w["word"] for w in words if w["word"] not in UNKNOWN_WORDS]
        text = " ".join(heard)
        unknown = len(heard) < len(words)
        confidence = min(float(w.get("conf", 0.0)) for w in words)
        # The grammar is compiled to a bigram model, so vosk may string phrase words together
        # into a sequence no phrase has: treat that as out of grammar too.
        in_grammar = not unknown and (not grammar.phrases or text in grammar.phrases)
        _LOGGER.debug("heard %r raw conf=%.2f in_grammar=%s", text, confidence, in_grammar)
        calibrated = calibrate(confidence, RAW_CONFIDENT)
        return Transcript(text=text, confidence=calibrated, in_grammar=in_grammar)
