"""The turn loop when the engine makes no words of what set off the turn: a short sound is
listened past, speech as long as an answer is an answer not understood.

The engine is the one seam stood in for: `HearsNothing` decodes nothing, as pocketsphinx does
for some real voices (tests/asr/test_whisper.py has one, through the real engine). The audio
and the voice-activity detector are real.
"""

from __future__ import annotations

import numpy as np

from tests.speech import stream, synthesize
from voice.asr import RecognitionSettings, Transcript
from voice.asr.endpoint import Listening
from voice.asr.turn import UNCLEAR, UNCLEAR_SPEECH_S, Heard, listen
from voice.audio import AudioChunk, concat, silence
from voice.denoise import PassThrough
from voice.grammar.endings import OFF

RATE_HZ = 16_000


class HearsNothing:
    """A decoding that makes no words of any audio (counts how many turns it was given)."""

    turns = 0

    def __init__(self) -> None:
        HearsNothing.turns += 1

    def feed(self, frame: bytes, clean: bytes) -> None:
        """Takes the frame and makes nothing of it."""

    def heard(self, listening: Listening) -> Heard:
        return Heard((), OFF)

    def finish(self, listening: Listening) -> Transcript | None:
        return None


def turn(sound: AudioChunk, after_s: float) -> Transcript | None:
    HearsNothing.turns = 0
    audio = concat([silence(0.5, RATE_HZ), sound, silence(after_s, RATE_HZ)])
    settings = RecognitionSettings(no_speech_timeout_s=3.0)
    return listen(stream(audio), HearsNothing, settings, PassThrough)


def test_an_answer_nobody_could_make_out_is_not_understood_at_once() -> None:
    answer = synthesize("no I don't think it has")
    assert len(answer.samples) / RATE_HZ > 2 * UNCLEAR_SPEECH_S
    assert turn(answer, after_s=6.0) is UNCLEAR  # not after the no-speech timeout
    assert HearsNothing.turns == 1


def test_a_short_sound_with_no_words_is_listened_past() -> None:
    speech = synthesize("yes").samples
    knock = AudioChunk(RATE_HZ, speech[: round(0.15 * RATE_HZ)].astype(np.int16))
    assert turn(knock, after_s=6.0) is None  # the no-speech timeout: nobody answered
    assert HearsNothing.turns == 2  # the knock's turn, then a fresh one
