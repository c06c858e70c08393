"""Speech synthesis through pyttsx3 and espeak-ng, headless and repeatedly in one process."""

from __future__ import annotations

import numpy as np
import pytest

from voice.audio import AudioChunk, resample
from voice.errors import UsageError
from voice.tts import EspeakSynthesizer, TtsSettings, list_voices

PROMPT = "How many days has your little toe been twitching?"

pytestmark = pytest.mark.slow


def rms(chunk: AudioChunk) -> float:
    return float(np.sqrt(np.mean(chunk.samples.astype(np.float64) ** 2)))


def test_a_sentence_becomes_audible_speech_of_plausible_length() -> None:
    chunk = EspeakSynthesizer().synthesize(PROMPT)
    assert chunk.rate_hz in (16000, 22050, 24000)
    # nine words at 160 words per minute is about 3.4 s; allow for pauses and voice differences
    assert 1.5 < chunk.duration_s < 7.0
    assert rms(chunk) > 500
    assert np.abs(chunk.samples).max() > 5000


def test_speech_resampled_to_16_khz_keeps_its_length() -> None:
    chunk = EspeakSynthesizer().synthesize(PROMPT)
    at_16k = resample(chunk, 16000)
    assert at_16k.rate_hz == 16000
    assert abs(at_16k.duration_s - chunk.duration_s) < 0.01


def same_length(a: AudioChunk, b: AudioChunk) -> bool:
    """espeak-ng's output varies by a few samples from run to run; 1% is a different sentence."""
    return abs(a.duration_s - b.duration_s) < 0.01 * max(a.duration_s, b.duration_s)


def test_repeated_synthesis_in_one_process_gives_each_sentence_anew() -> None:
    synthesizer = EspeakSynthesizer()
    short = [synthesizer.synthesize("Yes.") for _ in range(3)]
    long = synthesizer.synthesize(PROMPT)
    again = synthesizer.synthesize("Yes.")
    assert all(same_length(s, short[0]) for s in [*short[1:], again])
    assert long.duration_s > 2 * short[0].duration_s


def test_each_synthesizer_keeps_its_rate_when_calls_alternate() -> None:
    fast = EspeakSynthesizer(TtsSettings(rate_wpm=260))
    slow = EspeakSynthesizer(TtsSettings(rate_wpm=110))
    durations = [s.synthesize(PROMPT).duration_s for s in (fast, slow, fast, slow)]
    assert durations[1] > 1.5 * durations[0]
    assert durations[3] > 1.5 * durations[2]


def test_two_synthesizers_sharing_the_engine_keep_their_own_voice() -> None:
    us = EspeakSynthesizer(TtsSettings(voice="gmw/en-us"))
    scottish = EspeakSynthesizer(TtsSettings(voice="gmw/en-gb-scotland"))
    first = us.synthesize(PROMPT)
    other = scottish.synthesize(PROMPT)
    assert same_length(us.synthesize(PROMPT), first)
    assert not same_length(other, first)


@pytest.mark.parametrize("voice", ["gmw/en-us", "English (America)", "en-us", "EN-US"])
def test_a_voice_is_found_by_id_name_or_language(voice: str) -> None:
    assert EspeakSynthesizer(TtsSettings(voice=voice)).voice_id == "gmw/en-us"


def test_an_unknown_voice_is_a_usage_error_saying_how_to_list_voices() -> None:
    with pytest.raises(UsageError, match="espeak-ng --voices") as caught:
        EspeakSynthesizer(TtsSettings(voice="klingon-warrior"))
    assert "klingon-warrior" in str(caught.value)


def test_an_out_of_range_rate_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="80 to 450"):
        EspeakSynthesizer(TtsSettings(rate_wpm=5))


def test_blank_text_is_an_empty_chunk() -> None:
    assert len(EspeakSynthesizer().synthesize("   ").samples) == 0


def test_voices_are_listed_with_ids_names_and_languages() -> None:
    voices = {v.id: v for v in list_voices()}
    assert "gmw/en-us" in voices
    assert voices["gmw/en-us"].name == "English (America)"
    assert "en-us" in voices["gmw/en-us"].languages


def test_synthesis_prints_nothing_on_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    EspeakSynthesizer().synthesize("Hello.")
    assert capfd.readouterr().out == ""
