"""What the dialog engine says and hears: its events, and what it is waiting for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from voice.schema import AnswerValue

FINISHED, STOPPED, GAVE_UP, TURN_LIMIT = "finished", "stopped", "gave_up", "turn_limit"
# Prompt ids besides the questions': the readback before self-care, "What is different?"
# after a denied readback, and the self-care ending's two optional questions.
READBACK, WHICH, TRIGGERS, MORE_TIPS = "readback", "which", "triggers", "more_tips"
Kind = Literal["answer", "confirm", "follow_up", "readback", "which", "triggers", "more_tips"]


@dataclass(frozen=True)
class Prompt:
    """A question the assistant asks and then waits for an answer to."""

    id: str
    text: str


@dataclass(frozen=True)
class Say:
    """Anything else the assistant says."""

    text: str


@dataclass(frozen=True)
class Heard:
    """An answer understood, for the question being asked, and how it was read.

    ``parts`` explains the reading clause by clause (text, intent, and what it named);
    ``understood`` is every answer it gave, by question id.
    """

    id: str
    text: str
    intent: str
    confidence: float = 1.0
    parts: tuple[Mapping[str, Any], ...] = ()
    understood: Mapping[str, AnswerValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """The end of the consultation; outcome is None when the person stopped before advice."""

    outcome: str | None
    reasons: tuple[str, ...]
    answers: dict[str, AnswerValue]
    ended: str = FINISHED
    heard: bool = True  # anything at all was heard (False: nobody answered; nothing to keep)


Event = Prompt | Say | Heard | Result


@dataclass(frozen=True)
class Awaiting:
    """What the assistant listens for next; grammars and listeners take it as it is."""

    question: str  # a question id, or READBACK, WHICH, TRIGGERS, MORE_TIPS
    kind: Kind = "answer"
    confirming: AnswerValue | None = None  # the answer "Did you say ...?" asks about, or "stop"
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)  # what is read back
    bounds: Mapping[str, str] = field(default_factory=dict)  # "more/less than" answers
    limit: float | None = None  # the follow-up's duration: "More or less than three days?"
    question_kind: str = "yes_no"  # the kind of the question asked (yes_no, duration)
