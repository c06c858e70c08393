"""The dialog engine, in process: conversation habits, uncertainty, and safety invariants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice.content import Dialog, load_dialog
from voice.dialog import Conversation
from voice.events import Heard, Prompt, Result, Say
from voice.rules import decide, walk

WARNING_SIGNS = ("weakness", "numbness", "spreading", "skin_changes")


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    return load_dialog("en")


def talk(dialog: Dialog, *replies: str | tuple[str, float]) -> tuple[Conversation, list]:
    conversation = Conversation(dialog)
    events = conversation.start()
    for reply in replies:
        text, confidence = reply if isinstance(reply, tuple) else (reply, 1.0)
        events += conversation.hear(text, confidence)
    return conversation, events


def prompts(events: list) -> list[str]:
    return [e.id for e in events if isinstance(e, Prompt)]


def test_correction_changes_the_previous_answer(dialog: Dialog) -> None:
    conversation, events = talk(dialog, "yes", "no wait, I meant no")
    assert conversation.answers["weakness"] == "no"
    assert conversation.expecting == "numbness"
    assert any(isinstance(e, Say) and "changed" in e.text for e in events)


def test_volunteered_sign_counts_and_is_not_asked_again(dialog: Dialog) -> None:
    conversation, events = talk(dialog, "no", "my toe is swollen")
    assert conversation.answers["skin_changes"] == "yes"
    assert conversation.expecting == "numbness"
    conversation, events = talk(dialog, "no", "my toe is swollen", "no", "no")
    assert "skin_changes" not in prompts(events)
    assert conversation.expecting == "duration"


def test_volunteered_duration_is_kept(dialog: Dialog) -> None:
    conversation, events = talk(dialog, "it's been about two weeks", "no", "no", "no", "no")
    assert conversation.answers["duration"] == 14
    assert "duration" not in prompts(events)
    assert conversation.expecting == "remedies_helped"


def test_not_understood_is_reprompted_then_counted_unsure(dialog: Dialog) -> None:
    conversation, events = talk(dialog, "banana", "banana")
    assert prompts(events) == ["weakness", "weakness", "numbness"]
    assert conversation.answers["weakness"] == "unsure"


def test_silence_counts_like_an_answer_not_understood(dialog: Dialog) -> None:
    conversation = Conversation(dialog)
    conversation.start()
    conversation.hear(None)
    conversation.hear(None)
    assert conversation.answers["weakness"] == "unsure"


def test_gives_up_gracefully_and_conservatively(dialog: Dialog) -> None:
    conversation, events = talk(dialog, *["mumble"] * 4)
    result = conversation.result
    assert result is not None and result.ended == "gave_up"
    assert result.outcome != "self_care"
    assert any(isinstance(e, Say) and "healthcare provider" in e.text for e in events)


def test_low_confidence_answer_is_confirmed_before_it_counts(dialog: Dialog) -> None:
    conversation, events = talk(dialog, ("no", 0.3))
    assert "weakness" not in conversation.answers
    assert isinstance(events[-1], Prompt) and events[-1].text == "Did you say no?"
    conversation.hear("yes")
    assert conversation.answers["weakness"] == "no"


def test_the_same_faint_worrying_answer_twice_counts(dialog: Dialog) -> None:
    conversation, _ = talk(dialog, ("yes", 0.3), ("yes", 0.3))
    assert conversation.answers["weakness"] == "yes"
    conversation, _ = talk(dialog, ("yes", 0.3), ("no", 0.3))
    assert "weakness" not in conversation.answers


def test_a_faint_reassuring_answer_is_never_taken_on_repetition(dialog: Dialog) -> None:
    conversation, _ = talk(dialog, *[("no", 0.3)] * 4)
    assert conversation.answers["weakness"] == "unsure"
    replies = ["no"] * 4 + [("since yesterday", 0.3)] * 4
    conversation, _ = talk(dialog, *replies)
    assert conversation.answers["duration"] == "unsure"
    conversation, _ = talk(dialog, ("no", 0.3), "yes")  # a clear "yes" to "Did you say no?"
    assert conversation.answers["weakness"] == "no"


def test_denied_confirmation_asks_again(dialog: Dialog) -> None:
    conversation, _ = talk(dialog, ("yes", 0.3), "no")
    assert "weakness" not in conversation.answers
    assert conversation.expecting == "weakness"


def test_doubtful_stop_or_volunteered_sign_is_asked_again(dialog: Dialog) -> None:
    conversation, events = talk(dialog, ("stop", 0.2))
    assert conversation.result is None and conversation.expecting == "weakness"
    conversation, events = talk(dialog, "no", ("my foot is swollen", 0.2))
    assert "skin_changes" not in conversation.answers
    assert prompts(events)[-1] == "numbness"


def test_help_why_and_repeat_keep_the_question(dialog: Dialog) -> None:
    conversation, events = talk(dialog, "what do you mean", "why do you ask", "say that again")
    assert conversation.expecting == "weakness"
    assert prompts(events) == ["weakness"] * 4
    said = " ".join(e.text for e in events if isinstance(e, Say))
    assert "muscle weakness" in said and "loss of motor function" in said
    assert [e.intent for e in events if isinstance(e, Heard)] == ["help", "why", "repeat"]


def test_stop_ends_without_advice(dialog: Dialog) -> None:
    conversation, _ = talk(dialog, "no", "cancel")
    assert conversation.result == Result(None, (), {"weakness": "no"}, "stopped")
    assert conversation.expecting is None


def test_every_outcome_is_reachable(dialog: Dialog) -> None:
    reached = {decision.outcome for _, decision in walk(dialog.consultation)}
    assert reached == set(dialog.consultation.outcomes)


def test_unsure_about_any_warning_sign_never_ends_in_self_care(dialog: Dialog) -> None:
    for answers, decision in walk(dialog.consultation):
        if any(answers.get(sign) == "unsure" for sign in WARNING_SIGNS):
            assert decision.outcome != "self_care", answers


ANSWER = st.sampled_from(["yes", "no", "unsure"])


@given(
    signs=st.fixed_dictionaries({s: ANSWER for s in WARNING_SIGNS}),
    days=st.one_of(st.just("unsure"), st.floats(0, 400)),
    remedies=ANSWER,
)
def test_self_care_only_without_any_sign_of_concern(
    dialog: Dialog, signs: dict[str, str], days: object, remedies: str
) -> None:
    answers = {**signs, "duration": days, "remedies_helped": remedies}
    outcome = decide(dialog.consultation, answers).outcome  # type: ignore[arg-type]
    concern = any(v != "no" for v in signs.values()) or (
        (days == "unsure" or float(days) >= 3) and remedies != "yes"  # type: ignore[arg-type]
    )
    assert (outcome == "self_care") == (not concern)


REPLY = st.one_of(
    st.sampled_from(
        [
            "yes",
            "no",
            "not sure",
            "stop",
            "repeat",
            "why",
            "help",
            "two weeks",
            "no wait I meant yes",
            "my foot feels weak",
            "it has not spread",
            "",
        ]
    ),
    st.text(max_size=40),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(st.tuples(REPLY, st.floats(0, 1)), max_size=40))
def test_any_input_never_crashes_and_always_ends(dialog: Dialog, replies: list) -> None:
    conversation = Conversation(dialog)
    conversation.start()
    for text, confidence in [*replies, *[("mumble", 1.0)] * 40]:
        if conversation.result is not None:
            break
        conversation.hear(text, confidence)
    result = conversation.result
    assert result is not None, "the consultation must end"
    if result.outcome == "self_care":
        assert all(result.answers.get(s) == "no" for s in WARNING_SIGNS)


def test_nobody_answering_twice_ends_the_consultation_with_its_advice(dialog: Dialog) -> None:
    """Silence to a question and to its reprompt: nobody is there. The consultation ends
    through the give-up path, saying so, with the conservative advice and its urgency."""
    conversation = Conversation(dialog)
    conversation.start()
    conversation.hear(None)
    events = conversation.hear(None)
    result = conversation.result
    assert result is not None and result.ended == "gave_up" and not result.heard
    assert result.outcome == "see_provider_promptly"
    text = " ".join(e.text for e in events if isinstance(e, Say))
    assert "didn't hear an answer" in text and "promptly" in text
    assert "couldn't get a clear answer" in text and "weren't sure" not in text
    assert "haven't clearly helped" not in text  # nobody was asked about home remedies


def test_an_answer_between_silences_starts_the_count_again(dialog: Dialog) -> None:
    conversation = Conversation(dialog)
    conversation.start()
    for reply in (None, "no", None, "no", None):
        conversation.hear(reply)
    assert conversation.result is None and conversation.answers == {
        "weakness": "no",
        "numbness": "no",
    }
