"""Wake word detection on real models: microWakeWord in the wheel, pocketsphinx keyphrases.

Test audio is synthetic: "okay nabu" and other phrases from espeak-ng and flite voices, and
every sentence the assistant itself says (it must never wake itself).
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.speech import FLITE_VOICES, VOICES, flite_utterance, utterance
from voice.audio import AudioChunk
from voice.content import load_dialog
from voice.errors import UsageError
from voice.tts import EspeakSynthesizer
from voice.wake import AnyOf, MicroWakeWordDetector, WakeDetector, WakeSettings, make_wake_detector

pytestmark = pytest.mark.slow

CHUNK = 1600  # 100 ms, as the microphone delivers it


def hits(detector: WakeDetector, audio: AudioChunk) -> int:
    """How many times the detector fires on ``audio`` fed like a microphone."""
    count = 0
    for start in range(0, len(audio.samples), CHUNK):
        count += detector.process(AudioChunk(audio.rate_hz, audio.samples[start : start + CHUNK]))
    detector.reset()
    return count


@cache
def okay_nabu() -> MicroWakeWordDetector:
    return MicroWakeWordDetector("okay_nabu")


@pytest.mark.parametrize("voice", VOICES)
def test_okay_nabu_wakes_on_each_espeak_voice(voice: str) -> None:
    assert hits(okay_nabu(), utterance("okay nabu", voice=voice)) == 1


@pytest.mark.parametrize("snr_db", [30.0, 10.0])
def test_okay_nabu_wakes_through_noise(snr_db: float) -> None:
    assert hits(okay_nabu(), utterance("okay nabu", voice="en-us", snr_db=snr_db)) == 1


@pytest.mark.parametrize("voice", FLITE_VOICES)
def test_okay_nabu_wakes_on_each_flite_voice(voice: str) -> None:
    assert hits(okay_nabu(), flite_utterance("okay nabu", voice)) == 1


@pytest.mark.parametrize("phrase", ["hey jarvis", "alexa", "hey mycroft", "okay", "nah boo"])
def test_other_phrases_do_not_wake_okay_nabu(phrase: str) -> None:
    for voice in VOICES[:3]:
        assert hits(okay_nabu(), utterance(phrase, voice=voice)) == 0, voice


def test_the_assistant_never_wakes_itself() -> None:
    """Every sentence it can say, as it says them: spotting during playback is safe."""
    synthesizer = EspeakSynthesizer()
    consultation = load_dialog("en").consultation
    sentences = [v for v in consultation.say.model_dump().values() if isinstance(v, str)]
    for question in consultation.questions.values():
        sentences += [question.prompt, question.reprompt, question.help, question.why]
    for outcome in consultation.outcomes.values():
        sentences += [line.text for line in outcome.say]
    from voice.audio import resample

    fired = [s for s in sentences if hits(okay_nabu(), resample(synthesizer.synthesize(s), 16_000))]
    assert fired == []


def test_another_built_in_wake_word_can_be_chosen() -> None:
    alexa = MicroWakeWordDetector("alexa")
    assert hits(alexa, utterance("alexa", voice="en-us")) == 1
    assert hits(alexa, utterance("okay nabu", voice="en-us")) == 0


def test_an_unknown_wake_word_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="choose one of: okay_nabu"):
        MicroWakeWordDetector("hey_toe")


def test_a_wake_phrase_is_heard_beside_the_wake_word() -> None:
    detector = make_wake_detector(WakeSettings(wake_phrase="Okay Toe Helper"), "en", "pocketsphinx")
    assert isinstance(detector, AnyOf)
    assert hits(detector, flite_utterance("okay toe helper", "slt")) == 1
    assert detector.last_heard == "'okay toe helper'"
    assert hits(detector, utterance("okay nabu")) == 1
    assert detector.last_heard == "okay_nabu"
    assert hits(detector, utterance("do you notice weakness in your foot or leg")) == 0


def test_a_wake_phrase_is_refused_where_it_was_not_shown_to_work() -> None:
    with pytest.raises(UsageError, match="pocketsphinx in English only"):
        make_wake_detector(WakeSettings(wake_phrase="발가락"), "ko", "vosk")


@pytest.mark.parametrize(
    ("phrase", "says"), [("okay zorbulax", "does not know zorbulax"), ("", "1 to 6 words")]
)
def test_a_wake_phrase_the_engine_cannot_say_is_a_usage_error(phrase: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        make_wake_detector(WakeSettings(wake_phrase=phrase or " "), "en", "pocketsphinx")
