"""The end-of-turn policy and the turn tracker, on frames made by arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from voice.asr import RecognitionSettings
from voice.asr.endpoint import (
    LOOKBACK_S,
    PARTIAL_SILENCE_S,
    SETTLED_SILENCE_S,
    TAIL_KEPT_S,
    Listening,
    silence_needed,
)
from voice.grammar.endings import OFF, OPEN, PARTIAL, SETTLED

FRAME_S = 0.03
FRAME = round(16_000 * FRAME_S)


def frame(level: float, seed: int = 0) -> bytes:
    """One frame of noise at RMS ``level``."""
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(0.0, level, FRAME), -32768, 32767).astype("<i2").tobytes()


def feed(listening: Listening, level: float, seconds: float, voiced: bool) -> None:
    for n in range(round(seconds / FRAME_S)):
        listening.push(frame(level, n), voiced, frame(level / 4, n))


def test_a_settled_phrase_needs_the_shortest_pause() -> None:
    settings = RecognitionSettings()
    assert silence_needed(SETTLED, settings) == SETTLED_SILENCE_S
    assert silence_needed(OPEN, settings) == settings.end_silence_s > SETTLED_SILENCE_S
    assert silence_needed(OFF, settings) == settings.end_silence_s
    assert silence_needed(PARTIAL, settings) == PARTIAL_SILENCE_S > settings.end_silence_s


def test_speech_after_a_quiet_room_starts_the_turn_and_its_pause_is_counted() -> None:
    listening = Listening(FRAME_S, RecognitionSettings())
    feed(listening, 5.0, 0.6, voiced=False)
    assert not listening.started
    feed(listening, 3000.0, 0.6, voiced=True)
    assert listening.started and listening.silent_s == 0.0
    feed(listening, 5.0, 0.3, voiced=False)
    assert listening.silent_s == pytest.approx(0.3, abs=0.01)
    assert listening.snr_db() > 40
    # the audio decoded: the pre-roll, the answer, and TAIL_KEPT_S of its pause at most
    frames = len(listening.audio()) // (2 * FRAME)
    assert frames * FRAME_S <= 0.3 + 0.6 + TAIL_KEPT_S + FRAME_S


def test_voice_activity_at_the_room_s_own_level_is_not_an_onset() -> None:
    """A VAD calls much of white noise speech; frames no louder than the floor are not."""
    listening = Listening(FRAME_S, RecognitionSettings())
    feed(listening, 800.0, 2.0, voiced=True)
    assert not listening.started


def test_frames_far_below_the_answer_are_a_pause_even_when_the_vad_hears_speech() -> None:
    """Babble: other voices keep a VAD 'in speech', but they are quieter than the answer."""
    listening = Listening(FRAME_S, RecognitionSettings())
    feed(listening, 200.0, 0.6, voiced=True)
    feed(listening, 6000.0, 0.6, voiced=True)
    feed(listening, 300.0, 0.3, voiced=True)
    assert listening.silent_s == pytest.approx(0.3, abs=0.01)


def test_a_room_of_voices_within_the_quieter_margin_still_leaves_a_pause() -> None:
    """Babble about 12 dB below the answer with a louder syllable every fourth frame (7 dB
    below it): voiced, above the floor and within QUIETER_DB of the answer, each syllable used
    to end the pause; judged on the room's level over SMOOTH_FRAMES it is no answer."""
    listening = Listening(FRAME_S, RecognitionSettings())
    below_db = (12.0, 12.0, 11.0, 7.0)

    def room(seconds: float) -> None:
        for n in range(round(seconds / FRAME_S)):
            level = 6000.0 * 10 ** (-below_db[n % len(below_db)] / 20)
            listening.push(frame(level, n), True, frame(level / 4, n))

    room(0.6)
    feed(listening, 6000.0, 0.6, voiced=True)
    assert listening.started and listening.silent_s == 0.0
    room(0.6)
    assert listening.silent_s == pytest.approx(0.6, abs=0.01)


def test_a_false_start_is_forgotten_and_the_wait_goes_on() -> None:
    settings = RecognitionSettings(no_speech_timeout_s=2.0)
    listening = Listening(FRAME_S, settings)
    feed(listening, 5.0, 0.6, voiced=False)
    feed(listening, 3000.0, 0.15, voiced=True)
    assert listening.started
    feed(listening, 5.0, 1.0, voiced=False)
    listening.restart()
    assert not listening.started and listening.silent_s == 0.0
    feed(listening, 5.0, 0.5, voiced=False)
    assert listening.timed_out  # the false start counts towards the no-speech timeout


@pytest.mark.parametrize(
    ("denoise", "room", "noisy"),
    [("auto", 5.0, False), ("auto", 1500.0, True), ("webrtc", 5.0, True), ("off", 1500.0, False)],
)
def test_noise_suppression_is_chosen_from_the_room_unless_set(
    denoise: str, room: float, noisy: bool
) -> None:
    settings = RecognitionSettings(denoise=denoise)
    listening = Listening(FRAME_S, settings)
    feed(listening, room, 0.6, voiced=False)
    feed(listening, 6000.0, 0.6, voiced=True)
    assert listening.noisy(settings) is noisy
    clean = listening.audio(clean=True)
    assert len(clean) == len(listening.audio()) and clean != listening.audio()


@pytest.mark.parametrize("quiet_before_s", [0.0, 0.09, 0.21])
def test_an_answer_from_the_first_frame_is_found_where_it_started(quiet_before_s: float) -> None:
    """The person answered at once: the floor is learnt on the answer itself, then on the
    quiet after it, and the onset is placed back at the answer's start."""
    listening = Listening(FRAME_S, RecognitionSettings())
    feed(listening, 5.0, quiet_before_s, voiced=False)
    for _ in range(3):  # speech: syllables with the dips between them
        feed(listening, 3000.0, 0.15, voiced=True)
        feed(listening, 60.0, 0.06, voiced=False)
    feed(listening, 5.0, 0.6, voiced=False)
    assert listening.started
    pushed = round((quiet_before_s + 3 * 0.21 + 0.6) / FRAME_S)
    assert len(listening.frames) == pushed  # the turn holds the answer from its first frame
    speech = 3 * round(0.15 / FRAME_S)
    # most of it counted as speech (a floor learnt on the answer itself hides a few frames)
    assert listening.voiced_frames >= 0.8 * speech
    assert listening.silent_s == pytest.approx(0.66, abs=0.01)  # and the pause after it


def test_a_long_wait_is_not_searched_for_an_old_onset() -> None:
    """Only the last LOOKBACK_S is kept while waiting: the wait costs no more as it grows."""
    listening = Listening(FRAME_S, RecognitionSettings())
    feed(listening, 5.0, 5.0, voiced=False)
    assert not listening.started and len(listening._waiting) <= round(LOOKBACK_S / FRAME_S)
    assert listening.waited_s == pytest.approx(5.0, abs=0.01)
