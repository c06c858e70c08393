"""A custom wake phrase, spotted in a continuous stream by the recognizer's own engine.

English uses pocketsphinx's keyphrase search (a phone loop stands for everything else said);
other locales use a vosk grammar holding the phrase and the model's unknown word, so speech
that is not the phrase comes out as unknown. Each spotter has its own decoder: it listens
while the consultation's recognizer is busy or idle.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from voice.audio import AudioChunk
from voice.errors import ModelError, UsageError

_LOGGER = logging.getLogger(__name__)

# Keyphrase search tuning, chosen on synthetic speech (bench/wake.py): a phone-loop penalty of
# 1e-10 and a threshold of 1e-30 heard the phrase from 7 of 8 espeak-ng/flite voices with no
# false alarm in 48 other utterances; 1e-20 heard all 8 but fired on 2 to 7 of the others.
KWS_PHONE_LOOP_PENALTY = 1e-10
KWS_THRESHOLD = 1e-30
MAX_PHRASE_WORDS = 6


def normalize_phrase(text: str) -> str:
    """The phrase as the engines want it: lower case, single spaces, 1 to 6 words."""
    words = text.lower().split()
    if not 1 <= len(words) <= MAX_PHRASE_WORDS:
        raise UsageError(
            f"--wake-phrase {text!r}: give 1 to {MAX_PHRASE_WORDS} words "
            "(2 to 4 words of 3 or more syllables together spot best)"
        )
    return " ".join(words)


class KeyphraseSpotter:
    """pocketsphinx's keyphrase search over an English acoustic model."""

    def __init__(self, phrase: str) -> None:
        """Load a decoder for ``phrase`` on the English model inside the pocketsphinx wheel."""
        import pocketsphinx

        self.phrase = normalize_phrase(phrase)
        self.name = f"'{self.phrase}'"
        options: dict[str, Any] = {
            "lm": None,
            "loglevel": "FATAL",
            "kws_threshold": KWS_THRESHOLD,
            "kws_plp": KWS_PHONE_LOOP_PENALTY,
        }
        try:
            self._decoder: Any = pocketsphinx.Decoder(**options)
        except (RuntimeError, ValueError) as err:
            raise ModelError(
                f"pocketsphinx could not load its model for the wake phrase ({err}); "
                "reinstall pocketsphinx"
            ) from err
        unknown = [w for w in self.phrase.split() if self._decoder.lookup_word(w) is None]
        if unknown:
            raise UsageError(
                f"--wake-phrase {self.phrase!r}: pocketsphinx does not know "
                f"{', '.join(unknown)}; choose other words"
            )
        self._decoder.add_keyphrase("wake", self.phrase)
        self._decoder.activate_search("wake")
        self._decoder.start_utt()

    def process(self, chunk: AudioChunk) -> bool:
        """Feed 16 kHz audio; True when the phrase was spotted."""
        self._decoder.process_raw(chunk.to_bytes(), False, False)
        if self._decoder.hyp() is None:
            return False
        self.reset()
        return True

    def reset(self) -> None:
        """Start a new utterance: the search forgets what it heard."""
        self._decoder.end_utt()
        self._decoder.start_utt()


class GrammarSpotter:
    """A vosk grammar of the phrase and the unknown word: anything else is [unk]."""

    def __init__(self, phrase: str, model_path: Path) -> None:
        """Load the vosk model at ``model_path`` (a second copy, beside the recognizer's)."""
        from voice.asr.vosk import UNKNOWN_WORDS, load_model

        self.phrase = normalize_phrase(phrase)
        self.name = f"'{self.phrase}'"
        self._model = load_model(model_path)
        missing = [w for w in self.phrase.split() if self._model.vosk_model_find_word(w) < 0]
        if missing:
            raise UsageError(
                f"--wake-phrase {self.phrase!r}: the vosk model does not know "
                f"{', '.join(missing)}; choose other words"
            )
        unknown = next((w for w in UNKNOWN_WORDS if self._model.vosk_model_find_word(w) >= 0), None)
        self._grammar = json.dumps([self.phrase, *([unknown] if unknown else [])])
        self._decoder: Any = None
        self.reset()

    def process(self, chunk: AudioChunk) -> bool:
        """Feed 16 kHz audio; True when an utterance was exactly the phrase."""
        if not self._decoder.AcceptWaveform(chunk.to_bytes()):
            return False
        text = json.loads(self._decoder.Result()).get("text", "")
        if text != self.phrase:
            return False
        self.reset()
        return True

    def reset(self) -> None:
        """A fresh decoder: nothing of the last utterance is kept."""
        import vosk

        self._decoder = vosk.KaldiRecognizer(self._model, 16_000, self._grammar)


def make_phrase_spotter(
    phrase: str, locale: str, engine: str, model_path: Path | None
) -> KeyphraseSpotter | GrammarSpotter:
    """The spotter for the engine that serves ``locale``."""
    if engine == "pocketsphinx":
        return KeyphraseSpotter(phrase)
    if model_path is None:
        raise ModelError(f"no vosk model for {locale!r} to spot the wake phrase with")
    return GrammarSpotter(phrase, model_path)
