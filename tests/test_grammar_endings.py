"""Where a phrase can end: settled, open, partial and off words, per intent of a grammar."""

from __future__ import annotations

from functools import cache

import pytest
from hassil import Intents

from voice.content import load_dialog
from voice.events import Awaiting
from voice.grammar import Grammar, build_grammar
from voice.grammar.endings import OFF, OPEN, PARTIAL, SETTLED, endings
from voice.grammar.questions import Grammars

INTENTS = Intents.from_dict(
    {
        "language": "en",
        "intents": {
            "answer_yes": {"data": [{"sentences": ["yes [it does]", "a little"]}]},
            "answer_no": {"data": [{"sentences": ["no [it doesn't]", "i don't think so"]}]},
            "answer_unsure": {"data": [{"sentences": ["no idea", "i don't know"]}]},
            "answer_duration": {"data": [{"sentences": ["about (two|three) (days|weeks)"]}]},
        },
    }
)


@cache
def small() -> Grammar:
    names = ["answer_yes", "answer_no", "answer_unsure", "answer_duration"]
    return build_grammar(INTENTS, names, "small", "en")


@pytest.mark.parametrize(
    ("words", "ending"),
    [
        ("yes", SETTLED),  # "yes it does" goes on, but means the same
        ("yes it does", SETTLED),
        ("a little", SETTLED),
        ("no", OPEN),  # "no idea" is another answer
        ("no it doesn't", SETTLED),
        ("i don't", PARTIAL),  # "... know" or "... think so"
        ("about two", PARTIAL),
        ("about two weeks", SETTLED),
        ("weeks about", OFF),
        ("", PARTIAL),
    ],
)
def test_words_end_a_phrase_that_cannot_become_another_answer(words: str, ending: str) -> None:
    assert endings(small()).ending(words.split()) == ending


def test_a_plain_phrase_list_is_one_group() -> None:
    grammar = Grammar.from_phrases("plain", ["no", "no idea"])
    assert endings(grammar).ending(["no"]) == SETTLED


@pytest.mark.parametrize(
    ("locale", "question", "words", "ending"),
    [
        ("en", "weakness", "yes", SETTLED),
        ("en", "weakness", "yeah", SETTLED),
        ("en", "weakness", "nope", SETTLED),
        ("en", "weakness", "maybe", SETTLED),
        ("en", "duration", "since yesterday", SETTLED),
        ("en", "duration", "about a", PARTIAL),
        ("ko", "weakness", "네", SETTLED),
        ("ko", "weakness", "아니요", SETTLED),
        ("ko", "weakness", "아니", PARTIAL),  # "아니 잠깐 ..." corrects the last answer
        ("ko", "duration", "일주일", SETTLED),
    ],
)
def test_the_common_answers_of_the_dialogs_end_the_turn_soon(
    locale: str, question: str, words: str, ending: str
) -> None:
    dialog = load_dialog(locale)
    kind = dialog.consultation.questions[question].kind
    grammar = Grammars(dialog).get(Awaiting(question, question_kind=kind))
    assert endings(grammar).ending(words.split()) == ending
