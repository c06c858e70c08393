"""How answers are put into words: safe template filling, durations, and the readback.

str.format would follow ``{label.__class__.__mro__}`` or ``{0}`` from a dialog file into the
program's objects; ``fill`` takes a field only as a bare name, and refuses anything else.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from voice.intents import under_limit
from voice.rules import Decision
from voice.schema import AnswerValue, Consultation, DurationWords

Bound = str  # "above" ("more than three days") or "below" ("less than three days")
ABOVE, BELOW = "above", "below"
UNSURE = "unsure"


_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TemplateError(ValueError):
    """A template with a field that is not a plain name, or a brace left open."""


def fields(template: str) -> set[str]:
    """The names of the fields in ``template``; TemplateError for anything else."""
    names: set[str] = set()
    for match in _TOKEN.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise TemplateError(f"a single {token!r} (write {token * 2} for the character)")
        name = match.group(1)
        if not _NAME.fullmatch(name):
            raise TemplateError(f"placeholder {{{name}}} is not a plain name")
        names.add(name)
    return names


def fill(template: str, **values: object) -> str:
    """``template`` with each {name} replaced by ``str(values[name])``; {{ and }} are braces."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name is None or not _NAME.fullmatch(name):
            raise TemplateError(f"{token!r} in {template!r} is not a plain placeholder")
        if name not in values:
            raise TemplateError(f"{{{name}}} in {template!r} has no value")
        return str(values[name])

    return _TOKEN.sub(replace, template)


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


def answer_phrase(
    consultation: Consultation, question: str, value: AnswerValue, bound: Bound | None = None
) -> str:
    """One answer as it is read back: "no weakness", "it has lasted about a week"."""
    spec = consultation.questions[question]
    if isinstance(value, str):
        return spec.readback.get(value, value)
    said = duration_words(consultation.say.durations, float(value), bound)
    return fill(spec.readback.get("duration", "{duration}"), duration=said)


def readback(
    consultation: Consultation,
    answers: Mapping[str, AnswerValue],
    bounds: Mapping[str, Bound],
) -> str:
    """One sentence restating every answer, in the order the questions come."""
    parts = [
        answer_phrase(consultation, name, answers[name], bounds.get(name))
        for name in consultation.questions
        if name in answers
    ]
    return fill(consultation.say.readback, answers=join(consultation, parts))


def reasons(
    consultation: Consultation,
    decision: Decision,
    answers: Mapping[str, AnswerValue],
    unclear: Collection[str] = (),
) -> str:
    """The reasons for the decision in words, most urgent first.

    A rule that holds because a question counts as not sure, though the person never said
    so (``unclear``), says that no clear answer came, not "you weren't sure".
    """
    said = []
    for rule in consultation.rules:
        if rule.id not in decision.reasons:
            continue
        counted = [
            q
            for q, test in rule.when.items()
            if isinstance(test, list) and UNSURE in test and answers.get(q) == UNSURE
        ]
        honest = counted and rule.unclear_reason and all(q in unclear for q in counted)
        said.append(rule.unclear_reason if honest and rule.unclear_reason else rule.reason)
    return join(consultation, said)


def advice(
    consultation: Consultation,
    decision: Decision,
    answers: Mapping[str, AnswerValue],
    unclear: Collection[str] = (),
) -> list[str]:
    """What is said for the outcome, with the reasons in words (not the self-care tips)."""
    because = reasons(consultation, decision, answers, unclear)
    return [
        fill(line.text, reasons=because) for line in consultation.outcomes[decision.outcome].say
    ]


def noted(consultation: Consultation, question: str, answer: AnswerValue) -> str:
    """ "Noted: weakness." for a sign volunteered while another question was asked; a length
    or a "not sure" is said as it is read back ("Noted: it has lasted about 3 weeks.")."""
    say = consultation.say
    if answer not in ("yes", "no"):
        return fill(say.noted_answer, answer=answer_phrase(consultation, question, answer))
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
