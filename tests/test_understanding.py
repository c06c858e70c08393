"""Answers as people give them: the labelled corpus, and the promise behind it.

The corpus (bench/data/understanding/) is read in process, every set, in seconds. `test` was
written by authors who never saw the software and is never tuned on; its figures are what the
understanding is worth on phrasings nobody saw (bench/results/understanding.md has them). `dev`
was the held-out half until its figures were reported, and is tuned on since. The floors below
are the figures this checkout reaches, so a change that loses ground fails here.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.understanding import evaluate, summary
from voice.content import Dialog, load_dialog
from voice.dialog import Conversation

# (locale, set): the least share understood right, the most unsafe readings. The goal for the
# held-out set is 97% and none unsafe (issue 15); these are where this checkout stands.
FLOORS = {
    ("en", "tune"): (0.98, 0),
    ("en", "dev"): (0.87, 7),
    ("en", "test"): (0.74, 4),
    ("ko", "tune"): (0.99, 0),
    ("ko", "dev"): (0.83, 3),
    ("ko", "test"): (0.76, 2),
}


@pytest.mark.parametrize(("locale", "half"), list(FLOORS))
def test_the_corpus_is_understood(locale: str, half: str) -> None:
    result = evaluate(locale, half, "toe")
    figures = summary(result)
    least, most_unsafe = FLOORS[(locale, half)]
    share = figures["right"] / figures["answers"]
    unsafe = [(r["asked"], r["text"], r["read"]) for r in result["rows"] if r["unsafe"]]
    print(f"{locale} {half}: {figures['right']}/{figures['answers']} right, unsafe {unsafe}")
    assert share >= least, f"{locale} {half}: {share:.1%} right"
    assert len(unsafe) <= most_unsafe, unsafe


# --- at any turn, an answer that adds a warning sign never ends in self-care -----------------

PLAIN = {"answer": "no", "follow_up": "less", "readback": "yes", "which": "nothing"}
ADDED = [
    "{plain}, but my ankle tingles",
    "{plain}, although my foot feels a bit weak",
    "{plain} and the twitching has spread to my other toes",
    "{plain}, though the toe is slightly swollen now",
    "{plain}. oh and it burns sometimes",
]


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    return load_dialog("en")


def plain_reply(conversation: Conversation) -> str:
    """A reassuring answer to whatever is asked (the self-care path)."""
    awaiting = conversation.awaiting
    assert awaiting is not None
    if awaiting.kind == "answer" and awaiting.question_kind == "duration":
        return "since yesterday"
    return PLAIN.get(awaiting.kind, "no")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(0, 9), template=st.sampled_from(ADDED))
def test_a_sign_added_at_any_turn_never_ends_in_self_care(
    dialog: Dialog, at: int, template: str
) -> None:
    conversation = Conversation(dialog)
    conversation.start()
    turn = 0
    while conversation.result is None and turn < 40:
        plain = plain_reply(conversation)
        conversation.hear(template.format(plain=plain) if turn == at else plain)
        turn += 1
    result = conversation.result
    assert result is not None
    if turn > at:  # the sign was said (the consultation had that many turns)
        assert result.outcome != "self_care", (at, template, result)
