"""Where a dialog's transitions lead: a loop that never ends, and outcomes no path reaches.

Both are linear or near-linear in the size of the dialog: neither enumerates the paths,
except a bounded search when the aimed walks miss an outcome.
"""

from __future__ import annotations

from collections.abc import Iterator

from voice.rules import PathLimit, decide, next_question, possible_answers, walk
from voice.schema import AnswerValue, Condition, Consultation, DurationTest

SEARCH_PATHS = 20_000  # when the aimed walks miss an outcome, how far to look for it


def find_cycle(consultation: Consultation) -> list[str]:
    """A loop in the transitions, as the states on it; empty when every path ends.

    Iterative depth-first search: a dialog with thousands of questions in a row must not
    exhaust Python's recursion limit.
    """
    edges = {name: [b.goto for b in q.branches()] for name, q in consultation.questions.items()}
    done: set[str] = set()
    for root in [consultation.start, *edges]:
        if root in done or root not in edges:
            continue
        path, on_path = [root], {root}
        pending: list[Iterator[str]] = [iter(edges[root])]
        while pending:
            target = next(pending[-1], None)
            if target is None:  # every way on from the last state ends: it is done
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                pending.pop()
            elif target in on_path:
                return [*path[path.index(target) :], target]
            elif target not in done and target in edges:
                path.append(target)
                on_path.add(target)
                pending.append(iter(edges[target]))
    return []


def unreached(consultation: Consultation) -> Iterator[str]:
    """A line for each outcome no path reaches."""
    reached = {decide(consultation, answers).outcome for answers in witnesses(consultation)}
    missing = [outcome for outcome in consultation.outcomes if outcome not in reached]
    if not missing:
        return
    # The aimed walks missed one: look further, but only so far.
    searched = "every path"
    try:
        for _, decision in walk(consultation, limit=SEARCH_PATHS):
            reached.add(decision.outcome)
    except PathLimit:
        searched = f"the first {SEARCH_PATHS} paths"
    for outcome in missing:
        if outcome not in reached:
            yield f"outcome {outcome!r} is reached by no path (searched {searched})"


def witnesses(consultation: Consultation) -> Iterator[dict[str, AnswerValue]]:
    """One way through the dialog for each rule (aiming at it) and one for no rule at all.

    Each walks the transitions once, answering each question asked with the answer that keeps
    the advice least urgent, except where the aimed-at rule needs a particular answer: about
    rules x questions x answers steps, instead of every path (3^18 for 18 yes/no questions).
    """
    yield _walk_towards(consultation, {})
    for rule in consultation.rules:
        yield _walk_towards(consultation, rule.when)


def _walk_towards(consultation: Consultation, aim: Condition) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {}
    for _ in range(len(consultation.questions)):
        question = next_question(consultation, answers)
        if question is None:
            break
        every = possible_answers(consultation, question)
        options = [v for v in every if _fits(aim, question, v)] or list(every)
        answers[question] = min(options, key=lambda v: _urgency(consultation, answers, question, v))
    return answers


def _urgency(
    consultation: Consultation, answers: dict[str, AnswerValue], question: str, value: AnswerValue
) -> int:
    return consultation.urgency(decide(consultation, {**answers, question: value}).outcome)


def _fits(aim: Condition, question: str, value: AnswerValue) -> bool:
    test = aim.get(question)
    if test is None:
        return True
    if isinstance(test, DurationTest):
        return isinstance(value, float) and value >= test.min_days
    return value in test
