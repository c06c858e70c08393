"""The spoken turn loop in process: a scripted recognizer, real speech out, a recording sink."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest

from tests.scripted import ScriptedRecognizer, heard
from voice.audio import AudioChunk
from voice.content import Dialog, load_dialog
from voice.events import Awaiting, Event, Heard, Prompt, Result
from voice.listeners import PreparedAnswers, SimulatedPerson
from voice.recording import Recording
from voice.session import SpokenConsultation
from voice.tts import EspeakSynthesizer

NOS = ["no", "no", "no", "no"]


@cache
def dialog() -> Dialog:
    return load_dialog("en")


_SYNTHESIZER: list[EspeakSynthesizer] = []


@pytest.fixture(scope="module", autouse=True)
def synthesizer() -> Iterator[None]:
    """One synthesizer for the module, let go before the interpreter shuts down (pyttsx3's
    engine otherwise complains from __del__ at exit)."""
    _SYNTHESIZER.append(EspeakSynthesizer())
    yield
    _SYNTHESIZER.clear()


def consult(
    recognizer: ScriptedRecognizer,
) -> tuple[Result, list[Event], Recording, SpokenConsultation]:
    events: list[Event] = []
    sink = Recording()
    listener = PreparedAnswers({}, 16_000)
    session = SpokenConsultation(
        dialog(), recognizer, _SYNTHESIZER[0], sink, listener, emit=events.extend
    )
    return session.run(), events, sink, session


def test_each_question_is_asked_aloud_and_heard_with_its_own_grammar() -> None:
    # the self-care ending's questions are optional: silence goes on with the usual tips
    recognizer = ScriptedRecognizer.of([*NOS, "since yesterday", "yes", None, None])
    result, events, sink, session = consult(recognizer)
    assert result.outcome == "self_care"
    assert recognizer.grammars == ["yes_no"] * 4 + ["duration", "readback", "triggers", "more_tips"]
    asked = ["weakness", "numbness", "spreading", "skin_changes", "duration", "readback",
             "triggers", "more_tips"]  # fmt: skip
    assert [e.id for e in events if isinstance(e, Prompt)] == asked
    assert sink.duration_s > 30  # every sentence was spoken, advice included
    assert [t.question for t in session.timings] == asked
    assert all(0 <= t.recognize_s <= t.reply_ready_s for t in session.timings)


def test_a_faint_answer_is_confirmed_with_a_grammar_that_takes_yes_and_no() -> None:
    recognizer = ScriptedRecognizer.of(
        [*NOS, heard("since yesterday", 0.3), "yes", "yes", "no", "no"]
    )
    result, events, _, _ = consult(recognizer)
    assert recognizer.grammars[4:7] == ["duration", "duration_confirm", "readback"]
    # the recognizer is told what each turn awaits (the whisper engine reads answers for it)
    confirming = recognizer.awaited[5]
    assert confirming is not None and (confirming.question, confirming.kind) == (
        "duration",
        "confirm",
    )
    assert confirming.confirming == 1
    assert Prompt("duration", "Did you say about a day?") in events
    assert result.answers["duration"] == 1


def test_a_confirmation_denied_asks_the_question_again() -> None:
    recognizer = ScriptedRecognizer.of([heard("yes", 0.2), "no", "no", *NOS[1:], "two weeks", "no"])
    result, events, _, _ = consult(recognizer)
    prompts = [e for e in events if isinstance(e, Prompt)]
    assert [p.id for p in prompts[:3]] == ["weakness"] * 3  # asked, confirmed, asked again
    assert prompts[1].text == "Did you say yes?"
    assert recognizer.grammars[:3] == ["yes_no"] * 3
    assert result.answers["weakness"] == "no"


def test_silence_and_speech_out_of_grammar_are_not_understood() -> None:
    recognizer = ScriptedRecognizer.of([None, heard("banana", in_grammar=False), *NOS[1:]])
    recognizer.script += [heard("since yesterday")]
    result, events, _, _ = consult(recognizer)
    assert result.answers["weakness"] == "unsure"  # never self-care on a sign not understood
    assert result.outcome == "see_provider"
    assert not [e for e in events if isinstance(e, Heard) and e.id == "weakness"]


@pytest.mark.parametrize("word", ["stop", "stop please"])
def test_stop_ends_the_spoken_consultation_without_advice(word: str) -> None:
    result, events, _, _ = consult(ScriptedRecognizer.of(["no", word, "yes"]))
    assert result.outcome is None and result.ended == "stopped"
    assert not any(isinstance(e, Prompt) and e.id == "spreading" for e in events)


# --- the simulated person answers confirmations and the readback truthfully ------------------

# Each prepared sound is a flat level of its own, so the reply played can be told apart.
WORDS = {w: AudioChunk(16_000, np.full(800, 1000 * (i + 1), dtype=np.int16))
         for i, w in enumerate(("yes", "no", "more", "less", "unsure"))}  # fmt: skip
ANSWER = AudioChunk(16_000, np.full(800, 9000, dtype=np.int16))


def reply(person: SimulatedPerson, awaiting: Awaiting) -> str:
    """Which prepared sound the person plays: one of WORDS, or "answer"."""
    samples = np.concatenate([c.samples for c in person.audio_for(awaiting)])
    level = np.median(samples[np.abs(samples) > 500])  # the sound, not the room tone
    return next((w for w, a in WORDS.items() if abs(a.samples[0] - level) < 100), "answer")


@pytest.mark.parametrize(
    ("awaiting", "said"),
    [
        (Awaiting("weakness"), "answer"),
        (Awaiting("weakness", "confirm", "no"), "yes"),
        (Awaiting("weakness", "confirm", "yes"), "no"),
        (Awaiting("duration", "confirm", 14.0), "yes"),
        (Awaiting("duration", "confirm", 1.0), "no"),
        (Awaiting("duration", "follow_up", limit=3.0), "more"),
        (Awaiting("readback", "readback", answers={"weakness": "no", "duration": 14.0}), "yes"),
        (Awaiting("readback", "readback", answers={"weakness": "yes"}), "no"),
        (Awaiting("readback", "readback", answers={"numbness": "no"}), "yes"),  # not known
        (Awaiting("numbness", "confirm", "no"), "answer"),  # no meaning known: says it again
    ],
)
def test_the_simulated_person_says_yes_only_to_what_they_meant(
    awaiting: Awaiting, said: str
) -> None:
    person = SimulatedPerson({"*": ANSWER}, {"weakness": "no", "duration": 14.0}, WORDS, 16_000)
    assert reply(person, awaiting) == said
