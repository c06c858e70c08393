"""How answers are put into words: safe template filling, durations, and the readback."""

from __future__ import annotations

import string
from collections.abc import Mapping

from voice.content import AnswerValue, Consultation, DurationWords
from voice.intents import under_limit
from voice.rules import Decision

Bound = str  # "above" ("more than three days") or "below" ("less than three days")
ABOVE, BELOW = "above", "below"
UNSURE = "unsure"


def fill(template: str, **values: object) -> str:
    """``template`` with its plain ``{name}`` fields replaced; nothing else is evaluated.

    str.format would follow ``{label.__class__}`` or ``{0[1]}`` in a dialog file; here a
    field is only ever a name from ``values`` (check-dialogs rejects any other).
    """
    out = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field, "")) if field.isidentifier() else "")
    return "".join(out)


def duration_words(words: DurationWords, days: float, bound: Bound | None = None) -> str:
    """A duration in days as the dialog says it: "about a day", "more than 3 days"."""
    if bound == ABOVE:
        return fill(words.more_than, days=_number(days))
    if bound == BELOW:
        return fill(words.less_than, days=_number(under_limit(days)))
    if days < 1:
        return words.under_a_day
    if days < 1.5:
        return words.a_day
    if days % 7 == 0 and days <= 56:
        weeks = int(days // 7)
        return words.a_week if weeks == 1 else fill(words.weeks, weeks=weeks)
    if days >= 30 and days % 30 == 0:
        months = int(days // 30)
        return words.a_month if months == 1 else fill(words.months, months=months)
    return fill(words.days, days=_number(days))


def answer_words(
    consultation: Consultation, answer: AnswerValue, bound: Bound | None = None
) -> str:
    """An answer as it is read back in "Did you say ...?"."""
    if isinstance(answer, str):
        return consultation.say.answer_words.get(answer, answer)
    return duration_words(consultation.say.durations, float(answer), bound)


def readback(
    consultation: Consultation,
    answers: Mapping[str, AnswerValue],
    bounds: Mapping[str, Bound],
) -> str:
    """One sentence restating every answer, in the order the questions come."""
    parts = []
    for name, question in consultation.questions.items():
        if name not in answers:
            continue
        value = answers[name]
        if isinstance(value, str):
            parts.append(question.readback.get(value, value))
        else:
            said = duration_words(consultation.say.durations, float(value), bounds.get(name))
            parts.append(fill(question.readback.get("duration", "{duration}"), duration=said))
    return fill(consultation.say.readback, answers=join(consultation, parts))


def advice(consultation: Consultation, decision: Decision) -> list[str]:
    """What is said for the outcome, with the reasons in words."""
    reasons = [rule.reason for rule in consultation.rules if rule.id in decision.reasons]
    said = join(consultation, reasons)
    return [fill(line.text, reasons=said) for line in consultation.outcomes[decision.outcome].say]


def noted(consultation: Consultation, question: str, answer: AnswerValue) -> str:
    """ "Noted: weakness." for a sign volunteered while another question was asked."""
    say = consultation.say
    template = say.noted_not if answer == "no" else say.noted
    return fill(template, label=consultation.questions[question].label)


def join(consultation: Consultation, parts: list[str]) -> str:
    """ "a, b and c" in the dialog's language."""
    say = consultation.say
    if len(parts) <= 1:
        return "".join(parts)
    return say.list_separator.join(parts[:-1]) + say.list_last_separator + parts[-1]


def _number(days: float) -> int | float:
    return int(days) if float(days).is_integer() else round(days, 1)
