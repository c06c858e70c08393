"""The spoken turn loop, written once for every engine: frames, voice activity, noise
suppression, the end of the turn and restarts. An engine only decodes (`Decoding`).

The audio arrives in microphone blocks; the loop cuts it into the VAD's 30 ms frames, cleans
each frame with the turn's noise suppressor (voice/denoise.py), and hands both versions to the
endpointer (voice/asr/endpoint.py) and to the engine. After a pause worth checking it asks the
engine what it heard so far; the words decide how long a pause ends the turn. A turn whose
onset was noise (the engine heard no words in a short sound: a cough, a knock) listens on from
scratch; speech as long as an answer that no engine could make words of is an answer not
understood (the dialog asks again at once, instead of after no_speech_timeout_s of waiting).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voice.asr import RecognitionSettings, Transcript
from voice.asr.endpoint import CHECK_S, Listening, silence_needed
from voice.asr.vad import Vad
from voice.audio import AudioChunk
from voice.denoise import Suppressor
from voice.errors import AudioError
from voice.grammar.endings import SETTLED

_LOGGER = logging.getLogger(__name__)

RATE_HZ = 16_000
RECHECK_S = 0.45  # while the answer seems to go on, look at its words this often
SETTLE_AFTER_S = 1.5  # but only once the turn is this long: a short pause ends most answers
# Voiced this long, a turn with no words in it was speech nobody could make out, not a noise:
# on the bench every such turn was the answer (0.4-1.6 s voiced, babble and white noise at
# 10 dB), listened past until the recording ran out; a noise onset voiced 0.1 s.
UNCLEAR_SPEECH_S = 0.5
UNCLEAR = Transcript("", 0.0, in_grammar=False)  # speech that fit nothing


@dataclass(frozen=True)
class Heard:
    """What an engine made of the speech so far: its words and where they could end."""

    words: tuple[str, ...]
    ending: str  # voice.grammar.endings: settled, open, partial, off


class Decoding(Protocol):
    """One engine's work on one turn."""

    def feed(self, frame: bytes, clean: bytes) -> None:
        """Take the next frame, raw and noise-suppressed (a streaming engine decodes it now)."""
        ...

    def heard(self, listening: Listening) -> Heard:
        """The words heard so far, for the endpointer."""
        ...

    def finish(self, listening: Listening) -> Transcript | None:
        """The turn's transcript; None when no words were heard in it (the onset was noise)."""
        ...


def listen(
    audio: Iterator[AudioChunk],
    start: Callable[[], Decoding],
    settings: RecognitionSettings,
    suppressor: Callable[[], Suppressor],
) -> Transcript | None:
    """Consume ``audio`` until one answer has ended and return what ``start()``'s decoding made
    of it; None when nobody spoke before the no-speech timeout or the audio ran out.
    ``suppressor()`` gives the turn's noise suppressor (voice.denoise.Suppressors.new)."""
    vad = Vad.create(RATE_HZ)
    frame_bytes = vad.frame_bytes
    listening = Listening(vad.frame_s, settings)
    # A fresh suppressor per turn (it adapts to the room), fed from the turn's start.
    denoiser = suppressor()
    decoding = start()
    settling: tuple[tuple[str, ...], float] = ((), 0.0)  # words at the last look, and when
    buffer = b""
    for chunk in audio:
        if chunk.rate_hz != RATE_HZ:
            raise AudioError(f"the recognizer needs {RATE_HZ} Hz audio, got {chunk.rate_hz} Hz")
        buffer += chunk.to_bytes()
        while len(buffer) >= frame_bytes:
            frame, buffer = buffer[:frame_bytes], buffer[frame_bytes:]
            clean = denoiser.clean(np.frombuffer(frame, dtype="<i2")).astype("<i2").tobytes()
            listening.push(frame, vad.is_speech(frame), clean)
            decoding.feed(frame, clean)
        if listening.timed_out:
            return None
        if not listening.started:
            continue
        if listening.silent_s >= CHECK_S or listening.too_long:
            needed = silence_needed(decoding.heard(listening).ending, settings)
            if not (listening.too_long or listening.silent_s >= needed):
                continue
        elif listening.speech_s >= SETTLE_AFTER_S and listening.speech_s - settling[1] >= RECHECK_S:
            # Other voices (babble) can keep the room "in speech" after the answer: when the
            # words heard have settled into a whole answer and stayed the same since the last
            # look, the answer is over.
            heard = decoding.heard(listening)
            words, settling = settling[0], (heard.words, listening.speech_s)
            if not (heard.ending == SETTLED and heard.words and heard.words == words):
                continue
            _LOGGER.debug("the words settled while the room went on: %s", " ".join(words))
        else:
            continue
        transcript = decoding.finish(listening)
        if transcript is not None or listening.too_long:
            return transcript
        if _answer_long(listening):
            _LOGGER.debug("speech with no words made out: an answer not understood")
            return UNCLEAR
        _LOGGER.debug("no words in what set off the onset: listening on")
        listening.restart()
        decoding = start()
        settling = ((), 0.0)
    if not listening.started:
        return None
    transcript = decoding.finish(listening)
    return UNCLEAR if transcript is None and _answer_long(listening) else transcript


def _answer_long(listening: Listening) -> bool:
    """Whether the turn held as much speech as an answer (not a cough or a knock)."""
    return listening.voiced_frames * listening.frame_s >= UNCLEAR_SPEECH_S
