"""Start phrases: they start a consultation from idle, and change nothing inside one."""

from __future__ import annotations

import dataclasses

import pytest

from tests.chat_driver import shipped_dialog
from voice.content import Dialog
from voice.errors import DialogError
from voice.grammar import build_grammar
from voice.grammar.questions import Grammars
from voice.understand import Understanding
from voice.wyoming.starts import START_INTENT, StartPhrases

STARTS = {
    "en": [
        "my little toe is twitching", "toe check", "my pinky toe keeps twitching",
        "My little toe is twitching!", "Toe check.", "hey, my pinky toe's twitching again",
        "my right pinky twitches", "i need a toe check please", "why is my little toe twitching",
        "I've got a twitchy little toe", "what should i do about my twitching pinky toe",
    ],
    "ko": [
        "새끼발가락이 떨려요", "새끼 발가락이 자꾸 떨려요", "발가락 체크", "발가락 상담",
        "왼쪽 새끼발가락이 계속 씰룩거려요", "새끼발가락에 경련이 있어요", "새끼발가락 떨림",
        "새끼발가락이 왜 자꾸 떨려요", "발가락이 떨려", "새끼발가락이 떨려요.",
        "오른발 새끼발가락이 요즘 움찔거려요",
    ],
}  # fmt: skip
NOT_STARTS = {
    "en": ["turn on the kitchen light", "what time is it", "no", "yes", "stop", "my toe",
           "set a timer for ten minutes", "the kitchen light is twitching"],
    "ko": ["불 켜 줘", "지금 몇 시야", "아니요", "네", "그만", "발가락"],
}  # fmt: skip


def without_starts(dialog: Dialog) -> Dialog:
    intents = {k: v for k, v in dialog.intents.intents.items() if k != START_INTENT}
    return dataclasses.replace(dialog, intents=dataclasses.replace(dialog.intents, intents=intents))


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_start_phrases_start_and_nothing_else_does(locale: str) -> None:
    starts = StartPhrases(shipped_dialog(locale))
    assert [t for t in STARTS[locale] if not starts.starts(t)] == []
    assert [t for t in NOT_STARTS[locale] if starts.starts(t)] == []


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_every_spoken_start_phrase_starts(locale: str) -> None:
    dialog = shipped_dialog(locale)
    phrases = build_grammar(dialog.intents, [START_INTENT], "start", locale).phrases
    starts = StartPhrases(dialog)
    assert phrases and [p for p in phrases if not starts.starts(p)] == []


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_no_answer_the_consultation_listens_for_is_a_start_phrase(locale: str) -> None:
    dialog = shipped_dialog(locale)
    starts = StartPhrases(dialog)
    phrases = {p for g in Grammars(dialog).all() for p in g.phrases}
    assert phrases and sorted(p for p in phrases if starts.starts(p)) == []


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_the_start_block_changes_no_understanding_and_no_grammar(locale: str) -> None:
    """The same answers mean the same with and without the block, and every spoken grammar
    is the same: inside a consultation a start phrase is just words not understood."""
    dialog = shipped_dialog(locale)
    bare = without_starts(dialog)
    with_block, without = Understanding(dialog.intents), Understanding(bare.intents)
    grammars = {g.name: g.phrases for g in Grammars(dialog).all()}
    assert grammars == {g.name: g.phrases for g in Grammars(bare).all()}
    said = sorted({p for phrases in grammars.values() for p in phrases})
    for text in [*said[:: max(1, len(said) // 100)], *STARTS[locale], *NOT_STARTS[locale]]:
        assert with_block.parse(text) == without.parse(text), text
    assert all(with_block.parse(t) is None for t in STARTS[locale] if without.parse(t) is None)


def test_a_dialog_without_start_phrases_is_one_clear_error() -> None:
    with pytest.raises(DialogError, match=r"start_consultation.*missing"):
        StartPhrases(without_starts(shipped_dialog("en")))
