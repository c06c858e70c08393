"""Which question a bare correction or a "more"/"less" is about."""

from __future__ import annotations

from collections.abc import Sequence

from voice.intents import just_under
from voice.rules import thresholds
from voice.schema import Consultation
from voice.wording import ABOVE, BELOW

BOUND_INTENTS = {"answer_more": ABOVE, "answer_less": BELOW}


def last_yes_no(consultation: Consultation, history: Sequence[str], asked: str) -> str | None:
    """The yes/no question a bare "no wait, I meant yes" corrects: the last one answered.

    While a yes/no question is asked that has no answer yet, a correction is about the answer
    before it; one that has an answer (asked again) is corrected itself.
    """
    for question in reversed(history):
        if consultation.questions[question].kind == "yes_no":
            return question
    spec = consultation.questions.get(asked)
    return asked if spec is not None and spec.kind == "yes_no" else None


def follow_up_limit(consultation: Consultation, question: str) -> float | None:
    """The duration a follow-up asks about: the smallest one the rules test for."""
    limits = [t for t in thresholds(consultation, question) if t > 0]
    return min(limits) if limits else None


def at_threshold(
    consultation: Consultation, intent: str, question: str
) -> tuple[float, str] | None:
    """ "More" / "less" than the follow-up's duration, as days and a bound ("above"/"below")."""
    limit = follow_up_limit(consultation, question)
    if limit is None or intent not in BOUND_INTENTS:
        return None
    bound = BOUND_INTENTS[intent]
    return (limit if bound == ABOVE else just_under(limit)), bound
