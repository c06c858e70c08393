"""What an answer would tell the dialog (voice.dialog.conversation.answer_meaning): the value a
recognizer sums its hypotheses by, so that two wordings of one answer count as one meaning."""

from __future__ import annotations

import pytest

from voice.content import load_dialog
from voice.dialog.conversation import answer_meaning
from voice.events import READBACK, Awaiting
from voice.schema import Dialog


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    return load_dialog("en")


def asked(question: str, kind: str = "yes_no") -> Awaiting:
    return Awaiting(question, question_kind=kind)


@pytest.mark.parametrize(
    ("question", "one", "other"),
    [
        ("weakness", "yes", "yeah my foot feels kind of weak"),
        ("spreading", "no", "no it's only the little toe"),
        ("numbness", "yes", "a bit of tingling now and then"),
    ],
)
def test_wordings_of_one_answer_mean_the_same(
    dialog: Dialog, question: str, one: str, other: str
) -> None:
    meaning = answer_meaning(dialog, one, asked(question))
    assert meaning is not None
    assert answer_meaning(dialog, other, asked(question)) == meaning


def test_the_question_asked_decides_what_a_yes_is_about(dialog: Dialog) -> None:
    # "yes" answers whichever question is asked; "my foot feels weak" is always weakness.
    weak = answer_meaning(dialog, "my foot feels weak", asked("numbness"))
    assert weak != answer_meaning(dialog, "yes", asked("numbness"))
    assert answer_meaning(dialog, "yes", asked("numbness")) != answer_meaning(
        dialog, "yes", asked("weakness")
    )


def test_news_added_to_a_confirmation_is_a_different_meaning(dialog: Dialog) -> None:
    readback = Awaiting(READBACK, "readback", answers={"weakness": "no"})
    plain = answer_meaning(dialog, "yes", readback)
    assert plain is not None
    assert answer_meaning(dialog, "yes but my ankle tingles", readback) != plain
    assert answer_meaning(dialog, "i think so", readback) != plain  # a hedge does not confirm


@pytest.mark.parametrize("text", ["the weather in paris", "no tom", ""])
def test_what_the_dialog_would_ask_again_about_means_nothing(dialog: Dialog, text: str) -> None:
    assert answer_meaning(dialog, text, asked("weakness")) is None


def test_durations_are_told_apart_by_length(dialog: Dialog) -> None:
    duration = asked("duration", "duration")
    two_weeks = answer_meaning(dialog, "about two weeks", duration)
    assert two_weeks == answer_meaning(dialog, "two weeks or so", duration)
    assert two_weeks != answer_meaning(dialog, "since yesterday", duration)


def test_a_reassuring_answer_is_marked(dialog: Dialog) -> None:
    # The whisper engine never takes a reassuring meaning outright unless its own words say it.
    no, yes = (answer_meaning(dialog, t, asked("weakness")) for t in ("no", "yes"))
    assert no is not None and no.reassuring
    assert yes is not None and not yes.reassuring
    short = answer_meaning(dialog, "since yesterday", asked("duration", "duration"))
    assert short is not None and short.reassuring
