"""The answers so far: what each question was answered, and how each answer came about."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice.rules import UNSURE
from voice.schema import AnswerValue


@dataclass
class Record:
    """Answers by question, their "more/less than" bounds, and which "not sure"s were counted.

    A "not sure" is ``unclear`` when the person never said it: no clear answer came (not
    understood, asked too often, the consultation gave up, the readback could not be
    confirmed). The reasons then say so instead of "you weren't sure".
    """

    answers: dict[str, AnswerValue] = field(default_factory=dict)
    bounds: dict[str, str] = field(default_factory=dict)  # question -> "above" / "below"
    unclear: set[str] = field(default_factory=set)
    history: list[str] = field(default_factory=list)  # questions answered, latest last
    triggers: frozenset[str] = frozenset()  # what may have set the twitching off

    def set(self, question: str, value: AnswerValue, bound: str | None = None) -> None:
        """Record an answer the person gave."""
        self.answers[question] = value
        if bound:
            self.bounds[question] = bound
        else:
            self.bounds.pop(question, None)
        self.unclear.discard(question)
        if question in self.history:
            self.history.remove(question)
        self.history.append(question)

    def count_unsure(self, question: str) -> None:
        """No clear answer came: the question counts as not sure (which never reassures)."""
        self.set(question, UNSURE)
        self.unclear.add(question)

    def forget(self, question: str) -> None:
        """Drop an answer, to ask its question again."""
        self.answers.pop(question, None)
        self.bounds.pop(question, None)
        self.unclear.discard(question)
        if question in self.history:
            self.history.remove(question)

    def clear(self) -> None:
        """Every answer dropped: the questions are asked again."""
        self.answers.clear()
        self.bounds.clear()
        self.unclear.clear()
        self.history.clear()
