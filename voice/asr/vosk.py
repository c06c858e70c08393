"""The vosk (Kaldi) recognizer: grammar-mode decoding of one spoken turn per call.

Every turn gets new KaldiRecognizers (creating one takes about a millisecond), so nothing a
decoder adapts, its i-vector adaptation included, carries over from one turn to the next. Two
decode side by side, one on the raw audio and one after noise suppression: the turn's own
noise floor picks which is heard (voice/asr/endpoint.py), and their agreement is evidence.
The endpointer is this package's (the words heard so far decide how long a pause ends the
turn), not vosk's fixed 0.5 s rule.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voice.asr import RecognitionSettings, Transcript
from voice.asr.endpoint import Listening
from voice.asr.evidence import VOSK
from voice.asr.turn import Decoding, Heard, listen
from voice.audio import AudioChunk
from voice.denoise import Suppressors
from voice.errors import ModelError
from voice.events import Awaiting
from voice.grammar import Grammar
from voice.grammar.endings import OFF, Endings, endings
from voice.models import Registry, fix_for_broken, load_registry

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 16_000
# Unknown-word symbols differ between vosk models: "[unk]" in most, "<UNK>" in the Korean one.
UNKNOWN_WORDS = ("[unk]", "<UNK>", "<unk>")
DITHER = 1.0  # Kaldi's default dither (one LSB), added here from a fixed seed instead
DITHER_SEED = 5


@dataclass(frozen=True)
class VoskEvidence:
    """What one vosk turn offers as evidence that it heard right."""

    word_confidence: float  # the lowest word posterior of the hypothesis (0..1)
    agrees: bool  # the other decode (raw or noise-suppressed) heard the same words
    in_grammar: bool  # exactly one of the grammar's phrases, no unknown word

    def features(self) -> dict[str, float]:
        """The inputs of the confidence model."""
        return {"agrees": float(self.agrees), "word_confidence": self.word_confidence}

    def confidence(self) -> float:
        """On the shared scale (voice.confidence)."""
        return VOSK.confidence(self.features()) if self.in_grammar else 0.0


def load_model(path: Path, registry: Registry | None = None, debug: bool = False) -> Any:
    """A vosk.Model from ``path``; ModelError naming the repair command when it will not load."""
    import vosk

    vosk.SetLogLevel(0 if debug else -1)
    try:
        return vosk.Model(str(without_dither(path)))
    except Exception as err:  # vosk raises a bare Exception("Failed to create a model")
        fix = fix_for_broken(path, registry or load_registry())
        raise ModelError(f"vosk cannot load the model at {path} (corrupt?); run `{fix}`") from err


def without_dither(path: Path) -> Path:
    """The model seen through a folder whose features are computed without Kaldi's dither.

    Kaldi adds random dither (--dither, 1.0 by default) to every sample before its features,
    so a fresh KaldiRecognizer on the same audio gave word confidences from 0.44 to 0.64.
    The folder (in the user cache) links to the model's parts and copies its conf/ with
    --dither=0; the recognizer adds its own dither, seeded the same for every turn. Where
    links cannot be made, the model is used as it is.
    """
    from platformdirs import user_cache_dir

    conf = path / "conf" / "mfcc.conf"
    if not conf.is_file() or "--dither" in conf.read_text(encoding="utf-8"):
        return path
    key = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    overlay = Path(user_cache_dir("toe-assistant")) / "vosk" / f"{path.name}-{key}"
    try:
        (overlay / "conf").mkdir(parents=True, exist_ok=True)
        for part in path.iterdir():
            link = overlay / part.name
            if part.name != "conf" and not link.exists():
                link.symlink_to(part.resolve(), target_is_directory=part.is_dir())
        for part in (path / "conf").iterdir():
            text = part.read_text(encoding="utf-8")
            if part.name == "mfcc.conf":
                text = text.rstrip("\n") + "\n--dither=0.0\n"
            (overlay / "conf" / part.name).write_text(text, encoding="utf-8")
    except OSError as err:
        _LOGGER.warning("vosk model used with Kaldi's random dither (%s)", err)
        return path
    return overlay


class VoskRecognizer:
    """Recognizer Protocol implementation over one loaded vosk model."""

    sample_rate_hz: int = SAMPLE_RATE_HZ

    def __init__(self, model_path: Path, settings: RecognitionSettings | None = None) -> None:
        """Load the model at ``model_path`` (seconds for a large model; do it once)."""
        self.settings = settings or RecognitionSettings()
        self.model = load_model(model_path, debug=self.settings.debug)
        self._unknown = next(
            (w for w in UNKNOWN_WORDS if self.model.vosk_model_find_word(w) >= 0), None
        )
        self._checked: set[str] = set()  # grammar names already checked against the vocabulary
        self._endings: dict[str, tuple[Grammar, Endings]] = {}
        self._suppressors = Suppressors(self.settings.denoise, self.settings.device_memory_mb)
        self.denoising = self._suppressors.name != "off"

    @property
    def unknown_word(self) -> str | None:
        """The model's unknown-word symbol added to every grammar, if it has one."""
        return self._unknown

    def missing_words(self, grammar: Grammar) -> set[str]:
        """Grammar words absent from the model vocabulary (vosk would silently drop them)."""
        words = {word for phrase in grammar.phrases for word in phrase.split()}
        return {word for word in words if self.model.vosk_model_find_word(word) < 0}

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

    def ending(self, grammar: Grammar, words: list[str]) -> str:
        """Where the words heard so far could end (voice.grammar.endings)."""
        cached = self._endings.get(grammar.name)
        if cached is None or cached[0] != grammar:
            cached = (grammar, endings(grammar))
            self._endings[grammar.name] = cached
        return cached[1].ending(words) if words else OFF

    def transcribe(
        self, audio: Iterator[AudioChunk], grammar: Grammar, awaiting: Awaiting | None = None
    ) -> Transcript | None:
        """Decode until the turn ends; None when nobody spoke in time."""
        return listen(audio, lambda: self.start(grammar), self.settings, self._suppressors.new)

    def start(self, grammar: Grammar) -> Decoding:
        """The decoding of one turn (voice/asr/turn.py runs the turn)."""
        return _Turn(self, grammar, self._grammar_json(grammar))

    def transcript(
        self, heard: list[dict[str, Any]], other: list[dict[str, Any]] | None, grammar: Grammar
    ) -> Transcript | None:
        """The transcript of a turn's chosen decode, with the other as evidence."""
        if not heard:
            return None
        words = [w["word"] for w in heard if w["word"] not in UNKNOWN_WORDS]
        text = " ".join(words)
        unknown = len(words) < len(heard)
        # The grammar is compiled to a bigram model, so vosk may string phrase words together
        # into a sequence no phrase has: treat that as out of grammar too.
        in_grammar = not unknown and (not grammar.phrases or text in grammar.phrases)
        other_words = [w["word"] for w in other or []]
        evidence = VoskEvidence(
            word_confidence=min(float(w.get("conf", 0.0)) for w in heard),
            agrees=other is None or other_words == [w["word"] for w in heard],
            in_grammar=in_grammar,
        )
        level = evidence.confidence()
        _LOGGER.debug("heard %r conf=%.2f %s", text, level, evidence)
        return Transcript(
            text=text, confidence=level, in_grammar=in_grammar, evidence=evidence.features()
        )


class _Turn:
    """One vosk turn: two decoders stream side by side, on the raw and the cleaned audio."""

    def __init__(self, recognizer: VoskRecognizer, grammar: Grammar, grammar_json: str | None):
        self._recognizer = recognizer
        self._grammar = grammar
        model = recognizer.model
        self._raw = _Decoder(model, grammar_json)
        self._clean = _Decoder(model, grammar_json) if recognizer.denoising else None
        self._dither = np.random.default_rng(DITHER_SEED)  # the same for every turn

    def feed(self, frame: bytes, clean: bytes) -> None:
        """Dither each version as Kaldi would (from a fixed seed) and decode it."""
        for decoder, audio in ((self._raw, frame), (self._clean, clean)):
            if decoder is None:
                continue
            samples = np.frombuffer(audio, dtype="<i2").astype(np.float64)
            samples += self._dither.normal(0.0, DITHER, len(samples))
            decoder.accept(np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes())

    def _chosen(self, listening: Listening) -> tuple[_Decoder, _Decoder | None]:
        """The decoder the turn's noise floor picks, and the other one."""
        if self._clean is not None and listening.noisy(self._recognizer.settings):
            return self._clean, self._raw
        return self._raw, self._clean

    def heard(self, listening: Listening) -> Heard:
        """The chosen decoder's words so far."""
        words = tuple(self._chosen(listening)[0].words_so_far())
        return Heard(words, self._recognizer.ending(self._grammar, list(words)))

    def finish(self, listening: Listening) -> Transcript | None:
        """The turn's transcript (None: no words)."""
        chosen, other = self._chosen(listening)
        final = other.final() if other is not None else None
        return self._recognizer.transcript(chosen.final(), final, self._grammar)


class _Decoder:
    """One KaldiRecognizer for one turn; vosk's own end of utterance keeps its first result."""

    def __init__(self, model: Any, grammar_json: str | None) -> None:
        import vosk

        if grammar_json is None:
            self._recognizer = vosk.KaldiRecognizer(model, SAMPLE_RATE_HZ)
        else:
            self._recognizer = vosk.KaldiRecognizer(model, SAMPLE_RATE_HZ, grammar_json)
        self._recognizer.SetWords(True)
        self._result: list[dict[str, Any]] | None = None  # vosk ended an utterance with words

    def accept(self, frame: bytes) -> None:
        """Feed audio until vosk has ended an utterance with words in it."""
        if self._result is None and self._recognizer.AcceptWaveform(frame):
            words = json.loads(self._recognizer.Result()).get("result", [])
            if words:  # an end on noise alone (no words) is not the answer: keep listening
                self._result = words

    def words_so_far(self) -> list[str]:
        """The words of the hypothesis so far."""
        if self._result is not None:
            return [w["word"] for w in self._result]
        return str(json.loads(self._recognizer.PartialResult()).get("partial", "")).split()

    def final(self) -> list[dict[str, Any]]:
        """The words (with their confidences) of the turn."""
        if self._result is None:
            self._result = json.loads(self._recognizer.FinalResult()).get("result", [])
        return self._result
