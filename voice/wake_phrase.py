"""A custom wake phrase, spotted in a continuous stream with pocketsphinx's keyphrase search.

A phone loop stands for everything else said. The spotter has its own decoder, so it listens
while the consultation's recognizer is busy or idle. English only: pocketsphinx has no other
model, and a vosk grammar tried for Korean did not work (see make_phrase_spotter).
"""

from __future__ import annotations

import logging
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


def make_phrase_spotter(phrase: str, locale: str, engine: str) -> KeyphraseSpotter:
    """The spotter for the engine that serves ``locale``: pocketsphinx's, in English."""
    if engine not in ("pocketsphinx", "whisper") or locale != "en":  # whisper: pocketsphinx too
        # A vosk grammar of the phrase against <UNK> heard only <UNK> for the Korean model's
        # phrases said by espeak-ng, and found no end of utterance: not good enough to ship.
        raise UsageError(
            f"--wake-phrase works with pocketsphinx in English only (here: {engine}, {locale}); "
            "use --wake-word instead"
        )
    return KeyphraseSpotter(phrase)
