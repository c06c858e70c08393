"""Guessing an answer nothing understood from the labelled answers most like it, and asking
about the guess before it counts (voice/understand/similar.py, voice/dialog/answers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.examples import text as examples_text
from bench.understanding import load
from voice.cli.output import event_json
from voice.content import Dialog, load_dialog
from voice.dialog import Conversation
from voice.errors import DialogError
from voice.events import Heard, Prompt, Say
from voice.understand.similar import (
    EXAMPLES_FILE,
    Guesser,
    TokenMeans,
    guesser_at,
    parse_examples,
)

GUESS_EN = "I think you mean: {answer}. Is that right?"


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    return load_dialog("en")


@pytest.fixture(scope="module")
def guesser(dialog: Dialog) -> Guesser:
    found = guesser_at(dialog.folder, tuple(dialog.consultation.questions))
    assert found is not None, "wordllama is a dependency: its table should be installed"
    return found


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_examples_file_is_the_corpus_tune_and_dev_answers(locale: str) -> None:
    written = (load_dialog(locale).folder / EXAMPLES_FILE).read_text(encoding="utf-8")
    assert written == examples_text(locale), "run python -m bench.examples"


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_no_held_out_answer_is_among_the_examples(locale: str) -> None:
    dialog = load_dialog(locale)
    examples = parse_examples(dialog.folder / EXAMPLES_FILE, list(dialog.consultation.questions))
    known = {(q, text) for q, answers in examples.items() for text, _ in answers}
    tuned = {(e["asked"], e["text"]) for half in ("tune", "dev") for e in load(locale, half)}
    held_out = {(e["asked"], e["text"]) for e in load(locale, "test")}
    assert known <= tuned
    assert not (known & held_out) - tuned  # a test answer is only there if tuned on too


@pytest.mark.parametrize(
    ("question", "said", "meant"),
    [
        ("skin_changes", "the toe looks kind of purple", "yes"),
        ("remedies_helped", "I did all that stuff and it's exactly the same", "no"),
        ("spreading", "now my whole calf is jumping too", "yes"),
        ("duration", "ages, can't remember", "unsure"),
        ("skin_changes", "it looks perfectly normal to me", "no"),
    ],
)
def test_an_answer_worded_like_others_is_guessed_as_they_were(
    guesser: Guesser, question: str, said: str, meant: str
) -> None:
    guess = guesser.guess(question, said)
    assert guess is not None and guess.answer == meant
    assert guess.question == question and guess.like


@pytest.mark.parametrize(
    "said",
    [
        "since the Thursday before last",
        "it began the week my sister visited, so about ten days",
        "a fortnight give or take",
    ],
)
def test_a_length_of_time_is_never_guessed(guesser: Guesser, said: str) -> None:
    guess = guesser.guess("duration", said)
    assert guess is None or guess.answer == "unsure"


@pytest.mark.parametrize("said", ["the quick brown fox", "I like trains", "qwertyuiop", ""])
def test_nothing_like_any_answer_is_not_guessed(
    guesser: Guesser, dialog: Dialog, said: str
) -> None:
    for question in dialog.consultation.questions:
        assert guesser.guess(question, said) is None, question


def test_left_out_an_answer_does_not_vote_for_itself(guesser: Guesser) -> None:
    said = "it's gone a dusky bluey colour at the tip"
    assert [said, {"skin_changes": "yes"}] in [list(e) for e in guesser.examples["skin_changes"]]
    alone = guesser.guess("skin_changes", said)
    left_out = guesser.guess("skin_changes", said, left_out=True)
    assert alone is not None and alone.like == said
    assert left_out is None or left_out.like != said


def test_token_means_are_unit_vectors_and_alike_for_alike_answers() -> None:
    embed = TokenMeans.installed()
    assert embed is not None
    vectors = embed(["my toe is red", "the toe looks red", "I walked to the shops", ""])
    norms = (vectors**2).sum(axis=1)
    assert norms[:3] == pytest.approx([1.0, 1.0, 1.0], abs=1e-4)
    assert norms[3] == 0.0  # nothing to embed
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def talk(dialog: Dialog, *replies: str) -> tuple[Conversation, list]:
    conversation = Conversation(dialog)
    events = conversation.start()
    for reply in replies:
        events += conversation.hear(reply)
    return conversation, events


def said_texts(events: list) -> list[str]:
    return [e.text for e in events if isinstance(e, (Say, Prompt))]


SKIN_YES = GUESS_EN.format(answer="swelling, discoloration or severe pain")  # as read back
SKIN = ("no", "no", "no")  # weakness, numbness, spreading: then the skin question
DUSKY = "the toe has a funny dusky colour"  # no template reads it


def test_a_guess_is_asked_about_and_counts_after_a_yes(dialog: Dialog) -> None:
    conversation, events = talk(dialog, *SKIN, DUSKY)
    assert conversation.expecting == "skin_changes"
    assert "skin_changes" not in conversation.answers  # not taken before the yes
    assert said_texts(events)[-1] == GUESS_EN.format(
        answer="swelling, discoloration or severe pain"
    )
    heard = [e for e in events if isinstance(e, Heard)][-1]
    part = event_json(heard)["parts"][0]
    assert heard.intent == "guess" and part["guess"] == "yes" and part["like"]
    conversation, events = talk(dialog, *SKIN, DUSKY, "yes")
    assert conversation.answers["skin_changes"] == "yes"
    assert conversation.expecting == "duration"


def test_a_guess_denied_asks_the_question_again(dialog: Dialog) -> None:
    conversation, events = talk(dialog, *SKIN, DUSKY, "no")
    assert "skin_changes" not in conversation.answers
    assert conversation.expecting == "skin_changes"
    assert said_texts(events)[-1] != GUESS_EN.format(
        answer="swelling, discoloration or severe pain"
    )


def test_a_guess_answered_with_an_answer_takes_that_answer(dialog: Dialog) -> None:
    conversation, _ = talk(dialog, *SKIN, DUSKY, "not sure")
    assert conversation.answers["skin_changes"] == "unsure"
    strong = "my legs carry me about as well as ever"  # no template reads it
    conversation, events = talk(dialog, strong)
    assert said_texts(events)[-1] == GUESS_EN.format(answer="no weakness")
    conversation, _ = talk(dialog, strong, "no, my leg is weak")
    assert conversation.answers["weakness"] == "yes"


def test_nonsense_is_still_asked_again_and_then_counted_not_sure(dialog: Dialog) -> None:
    conversation, events = talk(dialog, "the quick brown fox", "I like trains")
    assert conversation.answers["weakness"] == "unsure"
    assert not [e for e in events if isinstance(e, Heard) and e.intent == "guess"]


def test_a_dialog_without_examples_guesses_nothing(tmp_path: Path) -> None:
    assert guesser_at(tmp_path, ("weakness",)) is None


def test_examples_for_an_unknown_question_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / EXAMPLES_FILE
    path.write_text('ankle:\n  - ["no", {"ankle": "no"}]\n', encoding="utf-8")
    with pytest.raises(DialogError, match="'ankle' is not a question"):
        parse_examples(path, ["weakness"])
    path.write_text('weakness:\n  - "no"\n', encoding="utf-8")
    with pytest.raises(DialogError, match=r"\[text, \{meaning\}\]"):
        parse_examples(path, ["weakness"])


def test_a_korean_guess_is_asked_in_korean() -> None:
    korean = load_dialog("ko")
    said = "발이 흐물흐물해서 슬리퍼가 자꾸 벗겨져요"  # no template reads it
    conversation, events = talk(korean, said)
    assert said_texts(events)[-1] == "발이나 다리에 힘 빠짐 있음, 이런 뜻으로 이해했는데 맞나요?"
    conversation, _ = talk(korean, said, "네")
    assert conversation.answers["weakness"] == "yes"
