"""What `--engine auto` and `--denoise auto` choose for a device's memory (passed in), and the
whisper engine's pure rules: de-duplication, written forms, the features and the weighing."""

from __future__ import annotations

import numpy as np
import pytest

from voice.asr import WHISPER_MIN_MEMORY_MB, RecognitionSettings
from voice.asr.engines import resolve_engine, whisper_installed
from voice.asr.evidence import WHISPER, whisper_evidence
from voice.asr.mel import N_MELS, RATE_HZ, log_mel, mel_filters
from voice.asr.posterior import candidates, nearest, weigh
from voice.asr.whisper import FreeDecoding, collapse_repeats, words, written_form
from voice.confidence import CONFIRM_BELOW
from voice.denoise import (
    DEEPFILTER_MIN_MEMORY_MB,
    Suppressors,
    deepfilter_affordable,
    deepfilter_installed,
)
from voice.device import total_memory
from voice.errors import UsageError

PI_ZERO_MB, PI4_MB = 512, 4096


def test_a_pi_zero_stays_on_pocketsphinx() -> None:
    settings = RecognitionSettings(device_memory_mb=PI_ZERO_MB)
    assert PI_ZERO_MB < WHISPER_MIN_MEMORY_MB
    assert resolve_engine(settings, "en").engine == "pocketsphinx"


def test_a_pi_4_takes_the_whisper_engine_when_it_is_installed() -> None:
    expected = "whisper" if whisper_installed() else "pocketsphinx"
    assert resolve_engine(RecognitionSettings(device_memory_mb=PI4_MB), "en").engine == expected


def test_an_explicit_engine_is_taken_whatever_the_memory() -> None:
    settings = RecognitionSettings(engine="pocketsphinx", device_memory_mb=PI4_MB)
    assert resolve_engine(settings, "en").engine == "pocketsphinx"


def test_auto_noise_suppression_is_webrtc_and_deepfilter_is_asked_for() -> None:
    assert Suppressors("auto", PI_ZERO_MB).name == "webrtc"
    assert Suppressors("auto", PI4_MB).name == "webrtc"  # DeepFilterNet3 lost in reverb (bench)
    assert Suppressors("off", PI4_MB).name == "off"
    assert Suppressors("deepfilter", PI4_MB).name == "deepfilter"
    assert PI4_MB >= DEEPFILTER_MIN_MEMORY_MB > PI_ZERO_MB
    assert deepfilter_affordable(PI4_MB) == deepfilter_installed()
    assert not deepfilter_affordable(PI_ZERO_MB)


@pytest.mark.parametrize(("old", "name"), [(None, "auto"), (True, "webrtc"), (False, "off")])
def test_older_denoise_values_still_name_a_suppressor(old: object, name: str) -> None:
    assert RecognitionSettings(denoise=old).denoise == name  # type: ignore[arg-type]


def test_unknown_settings_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        RecognitionSettings(denoise="loud")
    with pytest.raises(UsageError):
        RecognitionSettings(whisper_when="sometimes")


def test_the_memory_is_read_from_meminfo(tmp_path: object) -> None:
    from pathlib import Path

    meminfo = Path(str(tmp_path)) / "meminfo"
    meminfo.write_text("MemTotal:         428032 kB\nMemFree: 1 kB\n", encoding="ascii")
    assert total_memory(meminfo) == 418
    assert total_memory(Path(str(tmp_path)) / "missing") == 0  # unknown: the smallest device


@pytest.mark.parametrize(
    ("text", "kept", "runaway"),
    [
        ("Not even. Not even. Not even. Not even.", "Not even.", True),
        ("No, no, no, no, no.", "No,", True),
        ("No, no.", "No, no.", False),
        ("Yes, a little.", "Yes, a little.", False),
        ("I think so I think so I think so", "I think so", True),
    ],
)
def test_repeats_are_kept_once(text: str, kept: str, runaway: bool) -> None:
    assert collapse_repeats(text) == (kept, runaway)


def test_grammar_phrases_are_written_as_whisper_writes() -> None:
    assert written_form("i don't know") == "I don't know."
    assert written_form("yes a little") == "Yes a little."
    assert words("About 2 weeks, I'm sure!") == ["about", "2", "weeks", "i'm", "sure"]


def free(text: str, no_speech: float = 0.1) -> FreeDecoding:
    return FreeDecoding(text=text, logprob=-0.3, no_speech=no_speech, runaway=False)


def test_candidates_are_the_free_decoding_its_nearest_phrases_and_the_hint() -> None:
    phrases = ["no", "nope", "not really", "yes", "yes a little", "i don't know"]
    found = candidates(phrases, free("Not really."), "nope")
    assert found[0] == "not really" and "nope" in found and len(found) == len(set(found))
    assert nearest(phrases, ["yes", "little"], 1) == ["yes a little"]


MEANS = {
    "no": "no",
    "nope": "no",
    "not really": "no",
    "yes": "yes",
    "thank you": None,
    "i'm out": None,
}


def test_meanings_sum_their_phrases_and_something_else_is_the_competitor() -> None:
    phrases = frozenset(["no", "nope", "not really", "yes"])
    texts = ["no", "nope", "yes"]
    verdict = weigh(texts, [-1.0, -1.5, -1.2], MEANS.get, free("No."), phrases, "yes")
    assert verdict.meaning == "no" and verdict.text == "no"
    assert verdict.features["margin"] > 0 and verdict.features["grammar_agrees"] == 0.0
    other = weigh(["thank you", "no"], [-0.5, -9.0], MEANS.get, free("Thank you."), phrases, None)
    assert other.features["else_ahead"] > 4.0 and other.features["margin"] < -4.0
    assert WHISPER.confidence(whisper_evidence(other.features)) < CONFIRM_BELOW  # never taken
    nothing = weigh(["thank you"], [-0.5], MEANS.get, free("Thank you."), phrases, None)
    assert nothing.meaning is None and nothing.text == ""
    close = weigh(["i'm out", "no"], [-1.0, -1.6], MEANS.get, free("I'm out."), phrases, None)
    assert close.meaning == "no" and close.features["margin"] < 0  # a close call is no verdict


def test_log_mel_features_have_whispers_shape_and_scale() -> None:
    tone = (8000 * np.sin(2 * np.pi * 1000 * np.arange(RATE_HZ) / RATE_HZ)).astype(np.int16)
    features = log_mel(tone, 1000)
    assert features.shape == (N_MELS, 1000)
    assert features.max() <= 3.0 and features.min() >= features.max() - 2.0 - 1e-6
    band = int(np.argmax(features[:, 50]))
    centre = np.argmax(mel_filters()[band]) * RATE_HZ / 400
    assert abs(centre - 1000) < 120  # the loudest band sits at the tone
    assert np.allclose(features[:, 150:], features[:, 150:].min())  # the padding is the floor
