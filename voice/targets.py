"""Which question an answer is for: a sign names its own, a correction the last answer."""

from __future__ import annotations

from collections.abc import Sequence

from voice.content import Consultation, Question
from voice.intents import DURATION_INTENT, Meaning, just_under
from voice.rules import UNSURE, thresholds
from voice.wording import ABOVE, BELOW

BOUND_INTENTS = {"answer_more": ABOVE, "answer_less": BELOW}


def answers_question(
    consultation: Consultation, meaning: Meaning, asked: str, history: Sequence[str]
) -> str | None:
    """The question ``meaning`` answers while ``asked`` is asked; None if it fits none."""
    if meaning.sign is not None:
        return meaning.sign if meaning.sign in consultation.questions else None
    if meaning.correction:
        for question in reversed(history):
            if accepts(consultation.questions[question], meaning):
                return question
    if accepts(consultation.questions[asked], meaning):
        return asked
    # an answer of another kind, e.g. "about two weeks" while asked about weakness
    others = [q for q, spec in consultation.questions.items() if accepts(spec, meaning)]
    return others[0] if len(others) == 1 and meaning.intent == DURATION_INTENT else None


def accepts(question: Question, meaning: Meaning) -> bool:
    """Can this meaning answer this question at all?"""
    if question.kind == "duration":
        return meaning.intent == DURATION_INTENT or meaning.answer == UNSURE
    return meaning.intent != DURATION_INTENT and isinstance(meaning.answer, str)


def corrects(consultation: Consultation, meaning: Meaning) -> str | None:
    """The answer a sign or a duration named in reply to the readback corrects."""
    if meaning.sign is not None:
        return meaning.sign if meaning.sign in consultation.questions else None
    if meaning.intent == DURATION_INTENT:
        durations = [q for q, s in consultation.questions.items() if s.kind == "duration"]
        return durations[0] if len(durations) == 1 else None
    return None


def follow_up_limit(consultation: Consultation, question: str) -> float | None:
    """The duration a follow-up asks about: the smallest one the rules test for."""
    limits = [t for t in thresholds(consultation, question) if t > 0]
    return min(limits) if limits else None


def at_threshold(consultation: Consultation, meaning: Meaning, question: str) -> Meaning | None:
    """ "More" / "less" than the follow-up's duration, as a duration with its direction."""
    limit = follow_up_limit(consultation, question)
    if limit is None or meaning.intent not in BOUND_INTENTS:
        return None
    bound = BOUND_INTENTS[meaning.intent]
    days = limit if bound == ABOVE else just_under(limit)
    return Meaning(DURATION_INTENT, answer=days, bound=bound)
