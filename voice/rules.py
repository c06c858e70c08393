"""The consultation's rules and transitions: conditions, the outcome, the next question."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from voice.schema import AnswerValue, Condition, Consultation, DurationTest

DECIDE = "decide"  # the terminal state: every path ends here with an outcome
UNSURE = "unsure"
YES_NO_ANSWERS: tuple[AnswerValue, ...] = ("yes", "no", UNSURE)

Answers = Mapping[str, AnswerValue]


@dataclass(frozen=True)
class Decision:
    """The outcome and the ids of every rule that holds, most urgent first."""

    outcome: str
    reasons: tuple[str, ...]


def holds(condition: Condition | None, answers: Answers) -> bool:
    """Every part of the condition holds; a question not yet answered holds nothing."""
    if condition is None:
        return True
    for question, test in condition.items():
        if question not in answers:
            return False
        value = answers[question]
        if isinstance(test, DurationTest):
            if isinstance(value, str) or value < test.min_days:
                return False
        elif value not in test:
            return False
    return True


def decide(consultation: Consultation, answers: Answers) -> Decision:
    """The most urgent outcome among the rules that hold, else the default outcome."""
    matched = [rule for rule in consultation.rules if holds(rule.when, answers)]
    if not matched:
        return Decision(consultation.default_outcome, ())
    # every matching rule is a reason worth saying, the most urgent first
    matched.sort(key=lambda rule: -consultation.urgency(rule.outcome))
    return Decision(matched[0].outcome, tuple(rule.id for rule in matched))


def thresholds(consultation: Consultation, question: str) -> list[float]:
    """The durations (in days) the rules and branches compare this question's answer with."""
    return sorted(
        {
            test.min_days
            for cond in _conditions(consultation)
            for q, test in cond.items()
            if q == question and isinstance(test, DurationTest)
        }
    )


def possible_answers(consultation: Consultation, question: str) -> tuple[AnswerValue, ...]:
    """One answer from every region the rules and branches can tell apart."""
    if consultation.questions[question].kind == "yes_no":
        return YES_NO_ANSWERS
    values: list[AnswerValue] = [UNSURE, 0.0, *thresholds(consultation, question)]
    return tuple(values)


def matters(consultation: Consultation, question: str, answers: Answers) -> bool:
    """Could some answer to this question still change the outcome?"""
    outcomes = {
        decide(consultation, {**answers, question: value}).outcome
        for value in possible_answers(consultation, question)
    }
    return len(outcomes) > 1


def reassuring(
    consultation: Consultation, question: str, value: AnswerValue, answers: Answers
) -> bool:
    """Would this answer make the advice less urgent than "not sure" would?

    A duration counts as reassuring when it is shorter than any duration the rules or the
    transitions test for (the answers after it are not known yet).
    """
    if value == UNSURE:
        return False
    if not isinstance(value, str):
        thresholds = [v for v in possible_answers(consultation, question) if isinstance(v, float)]
        return any(value < threshold for threshold in thresholds if threshold > 0)
    urgency = consultation.urgency
    with_value = decide(consultation, {**answers, question: value}).outcome
    with_unsure = decide(consultation, {**answers, question: UNSURE}).outcome
    return urgency(with_value) < urgency(with_unsure)


def worrying(consultation: Consultation, question: str, value: AnswerValue) -> bool:
    """Is this answer one some rule or transition looks for (a sign, no relief, a long time)?

    Read off the conditions alone: "yes" and "not sure" to a warning sign, "no" and "not sure"
    to relief, three days or more, or not knowing how long.
    """
    for condition in _conditions(consultation):
        test = condition.get(question)
        if test is None:
            continue
        if isinstance(test, DurationTest):
            if not isinstance(value, str) and value >= test.min_days:
                return True
        elif value in test:
            return True
    return False


def next_question(consultation: Consultation, answers: Answers) -> str | None:
    """The first question on the path from the start that still needs asking; None to decide."""
    state = consultation.start
    seen: set[str] = set()
    while state != DECIDE:
        if state in seen:
            raise ValueError(f"the transitions loop at {state!r}")
        seen.add(state)
        question = consultation.questions[state]
        needed = question.ask == "always" or matters(consultation, state, answers)
        if state not in answers and needed:
            return state
        state = next(b.goto for b in question.branches() if holds(b.when, answers))
    return None


class PathLimit(Exception):
    """More ways through the consultation than the caller wanted to enumerate."""


def walk(
    consultation: Consultation, limit: int | None = None
) -> Iterator[tuple[dict[str, AnswerValue], Decision]]:
    """Every way through the consultation: the answers given and the decision reached.

    There can be exponentially many (3^18 for 18 yes/no questions): past ``limit`` paths,
    PathLimit is raised rather than running on.
    """
    count = 0

    def go(answers: dict[str, AnswerValue]) -> Iterator[tuple[dict[str, AnswerValue], Decision]]:
        nonlocal count
        question = next_question(consultation, answers)
        if question is None:
            count += 1
            if limit is not None and count > limit:
                raise PathLimit(f"more than {limit} paths")
            yield answers, decide(consultation, answers)
            return
        for value in possible_answers(consultation, question):
            yield from go({**answers, question: value})

    yield from go({})


def _conditions(consultation: Consultation) -> Iterator[Condition]:
    for rule in consultation.rules:
        yield rule.when
    for question in consultation.questions.values():
        for branch in question.branches():
            if branch.when is not None:
                yield branch.when
