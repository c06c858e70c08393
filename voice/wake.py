"""Wake word detection: the WakeDetector seam, microWakeWord models, and a custom spoken phrase.

The built-in wake words are microWakeWord models shipped inside the pymicro-wakeword wheel
(the ones Home Assistant's voice hardware uses). A custom ``--wake-phrase`` is spotted with
pocketsphinx's keyphrase search (voice.wake_phrase). Both only ever see 16 kHz mono audio,
fed a chunk at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from voice.audio import AudioChunk
from voice.errors import ModelError, UsageError

_LOGGER = logging.getLogger(__name__)

WAKE_RATE_HZ = 16_000
WAKE_WORDS = ("okay_nabu", "hey_jarvis", "hey_mycroft", "alexa")
DEFAULT_WAKE_WORD = "okay_nabu"


@dataclass(frozen=True)
class WakeSettings:
    """What wakes the assistant: a built-in model, and optionally a phrase of one's own."""

    wake_word: str = DEFAULT_WAKE_WORD
    wake_phrase: str | None = None


class WakeDetector(Protocol):
    """Listens to a stream of 16 kHz audio for one thing said."""

    name: str

    def process(self, chunk: AudioChunk) -> bool:
        """Feed the next chunk; True when the wake word was completed within it."""
        ...

    def reset(self) -> None:
        """Forget the audio heard so far (after a detection, or a gap in the stream)."""
        ...


class WakeLatch:
    """The wake word between the thread that hears it and the loop that acts on it.

    The capture thread calls ``heard``; everything else goes through ``arm`` (forget what was
    heard so far: a consultation starts, or the assistant starts listening, so an earlier wake
    word is moot), ``take`` (the one heard since, if any, now acted on: it cuts speech short)
    and ``wait`` (block until one is heard, then take it). Only the latest counts.
    """

    def __init__(self) -> None:
        """Nothing heard yet."""
        self._cond = threading.Condition()
        self._heard_s: float | None = None

    def heard(self, at_s: float) -> None:
        """A wake word ended at ``at_s`` (time.monotonic()); wakes a waiting ``wait``."""
        with self._cond:
            self._heard_s = at_s
            self._cond.notify_all()

    def arm(self) -> None:
        """Forget any wake word heard so far: only one heard from now on counts."""
        with self._cond:
            self._heard_s = None

    def take(self) -> float | None:
        """When the wake word heard since the last ``arm`` or ``take`` ended; None if none was."""
        with self._cond:
            heard_s, self._heard_s = self._heard_s, None
            return heard_s

    def wait(self, timeout_s: float) -> float | None:
        """Wait up to ``timeout_s`` for a wake word and take it; None if none came."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._heard_s is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            heard_s, self._heard_s = self._heard_s, None
            return heard_s


class MicroWakeWordDetector:
    """A built-in microWakeWord model (TensorFlow Lite, a few tens of kB, ~0.2% of a core)."""

    def __init__(self, wake_word: str = DEFAULT_WAKE_WORD) -> None:
        """Load the model now, so a missing library or an unknown name fails at start-up."""
        if wake_word not in WAKE_WORDS:
            raise UsageError(
                f"unknown wake word {wake_word!r}; choose one of: {', '.join(WAKE_WORDS)}"
            )
        try:
            from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model
        except (ImportError, OSError) as err:
            raise ModelError(
                f"the wake word library is missing or broken ({err}); "
                "reinstall toe-assistant (pip install pymicro-wakeword)"
            ) from err
        try:
            self._model: Any = MicroWakeWord.from_builtin(Model(wake_word))
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot load the wake word model {wake_word!r}: {err}") from err
        self._features: Any = MicroWakeWordFeatures()
        self.name = wake_word

    def process(self, chunk: AudioChunk) -> bool:
        """Feed 16 kHz audio; True (once) when the wake word was heard."""
        _check_rate(chunk)
        heard = False
        for features in self._features.process_streaming(chunk.to_bytes()):
            if self._model.process_streaming(features):
                heard = True
        if heard:
            self.reset()  # the sliding window still holds the detection: start afresh
        return heard

    def reset(self) -> None:
        """Clear the feature buffer and the model's state."""
        self._model.reset()
        self._features.reset()


class AnyOf:
    """Several detectors on the same audio; the first to hear its phrase wins."""

    def __init__(self, detectors: Sequence[WakeDetector]) -> None:
        """Hold the detectors; ``name`` then says which one fired last."""
        if not detectors:
            raise ValueError("AnyOf needs at least one detector")
        self._detectors = list(detectors)
        self.name = " or ".join(d.name for d in self._detectors)
        self.last_heard: str | None = None

    def process(self, chunk: AudioChunk) -> bool:
        """Feed every detector; True when any of them heard its phrase."""
        heard = [d.name for d in self._detectors if d.process(chunk)]
        if heard:
            self.last_heard = heard[0]
            self.reset()
        return bool(heard)

    def reset(self) -> None:
        """Reset every detector."""
        for detector in self._detectors:
            detector.reset()


def make_wake_detector(settings: WakeSettings, locale: str, engine: str) -> WakeDetector:
    """The built-in wake word, plus the custom phrase spotted by ``engine`` if one is given."""
    word = MicroWakeWordDetector(settings.wake_word)
    if not settings.wake_phrase:
        return word
    from voice.wake_phrase import make_phrase_spotter

    phrase = make_phrase_spotter(settings.wake_phrase, locale, engine)
    return AnyOf([word, phrase])


def _check_rate(chunk: AudioChunk) -> None:
    if chunk.rate_hz != WAKE_RATE_HZ:
        raise ValueError(f"wake detection needs {WAKE_RATE_HZ} Hz audio, got {chunk.rate_hz} Hz")
