"""Real pocketsphinx with its bundled en-us model, hearing espeak-ng answers made at test time."""

from __future__ import annotations

from pathlib import Path

import pytest
from hassil import Intents, recognize

from tests.speech import RATE_HZ, stream, utterance
from voice.asr import RecognitionSettings
from voice.asr.pocketsphinx import PocketsphinxRecognizer
from voice.audio import silence
from voice.errors import ModelError
from voice.grammar import Grammar, build_grammar

pytestmark = pytest.mark.slow

INTENTS = Intents.from_dict(
    {
        "language": "en",
        "lists": {
            "count": {"range": {"from": 1, "to": 10}},
            "unit": {
                "values": [
                    {"in": "(day|days)", "out": 24},
                    {"in": "(week|weeks)", "out": 168},
                    {"in": "(month|months)", "out": 720},
                ]
            },
        },
        "intents": {
            "answer_yes": {"data": [{"sentences": ["yes", "yeah", "yes it is"]}]},
            "answer_no": {"data": [{"sentences": ["no", "nope", "not really"]}]},
            "answer_unsure": {"data": [{"sentences": ["not sure", "i don't know", "maybe"]}]},
            "answer_duration": {
                "data": [
                    {"sentences": ["[about] {count} {unit}"]},
                    {"sentences": ["since (yesterday|last week)"], "slots": {"span": 24}},
                ]
            },
            "spoken_oddly": {"data": [{"sentences": ["yes zzyzxqy", "no"]}]},
        },
    }
)


@pytest.fixture(scope="session")
def recognizer() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


@pytest.fixture(scope="session")
def yes_no() -> Grammar:
    return build_grammar(INTENTS, ["answer_yes", "answer_no", "answer_unsure"], "yes_no", "en")


@pytest.fixture(scope="session")
def duration() -> Grammar:
    return build_grammar(INTENTS, ["answer_duration", "answer_unsure"], "duration", "en")


DURATIONS = ["about two weeks", "since yesterday", "three days"]


def meaning(text: str) -> tuple[str, dict[str, object]] | None:
    result = recognize(text, INTENTS)
    if result is None:
        return None
    return result.intent.name, {k: v.value for k, v in result.entities.items()}


@pytest.mark.parametrize("snr_db", [None, 10.0])
@pytest.mark.parametrize("text", ["yes", "no", "i don't know"])
def test_short_answers_are_heard(
    recognizer: PocketsphinxRecognizer, yes_no: Grammar, text: str, snr_db: float | None
) -> None:
    transcript = recognizer.transcribe(stream(utterance(text, snr_db=snr_db)), yes_no)
    assert transcript is not None
    assert transcript.text == text
    assert transcript.in_grammar


@pytest.mark.parametrize("snr_db", [None, 10.0])
@pytest.mark.parametrize("text", DURATIONS)
def test_durations_are_understood(
    recognizer: PocketsphinxRecognizer, duration: Grammar, text: str, snr_db: float | None
) -> None:
    transcript = recognizer.transcribe(stream(utterance(text, snr_db=snr_db)), duration)
    assert transcript is not None
    assert meaning(transcript.text) == meaning(text)


def test_pure_silence_is_none(recognizer: PocketsphinxRecognizer, yes_no: Grammar) -> None:
    settings = RecognitionSettings(no_speech_timeout_s=1.0)
    quick = PocketsphinxRecognizer(settings)
    assert quick.transcribe(stream(silence(3.0, RATE_HZ)), yes_no) is None
    assert recognizer.transcribe(stream(silence(1.0, RATE_HZ)), yes_no) is None  # audio ran out


@pytest.mark.parametrize("denoise", [True, False])
def test_speech_in_noise_is_heard_with_and_without_suppression(
    yes_no: Grammar, denoise: bool
) -> None:
    recognizer = PocketsphinxRecognizer(RecognitionSettings(denoise=denoise))
    transcript = recognizer.transcribe(stream(utterance("yes", snr_db=10.0, lead_s=1.0)), yes_no)
    assert transcript is not None and transcript.text == "yes"


def test_out_of_grammar_speech_is_flagged(
    recognizer: PocketsphinxRecognizer, yes_no: Grammar
) -> None:
    heard = stream(utterance("the weather in paris is lovely today"))
    transcript = recognizer.transcribe(heard, yes_no)
    assert transcript is not None
    assert transcript.confidence < 0.5 or not transcript.in_grammar


def test_in_grammar_answer_is_confident(
    recognizer: PocketsphinxRecognizer, yes_no: Grammar
) -> None:
    transcript = recognizer.transcribe(stream(utterance("not really")), yes_no)
    assert transcript is not None and transcript.text == "not really"
    assert transcript.in_grammar


def test_missing_words_are_reported_and_their_phrases_dropped(
    recognizer: PocketsphinxRecognizer,
) -> None:
    grammar = build_grammar(INTENTS, ["spoken_oddly"], "oddly", "en")
    assert recognizer.missing_words(grammar) == {"zzyzxqy"}
    transcript = recognizer.transcribe(stream(utterance("no")), grammar)
    assert transcript is not None and transcript.text == "no"


def test_a_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="reinstall pocketsphinx"):
        PocketsphinxRecognizer(model_path=tmp_path)
