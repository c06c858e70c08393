"""What the dialog engine says and hears: its events, and what it is waiting for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from voice.content import AnswerValue
from voice.intents import Meaning

FINISHED, STOPPED, GAVE_UP, TURN_LIMIT = "finished", "stopped", "gave_up", "turn_limit"
READBACK = "readback"  # the prompt id of the readback before self-care
Kind = Literal["answer", "confirm", "follow_up", "readback"]


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
    """An answer understood, for the question being asked."""

    id: str
    text: str
    intent: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Result:
    """The end of the consultation; outcome is None when the person stopped."""

    outcome: str | None
    reasons: tuple[str, ...]
    answers: dict[str, AnswerValue]
    ended: str = FINISHED


Event = Prompt | Say | Heard | Result


@dataclass(frozen=True)
class Awaiting:
    """What the assistant listens for next: an answer, a confirmation, the readback."""

    question: str  # a question id, or READBACK
    kind: Kind = "answer"
    confirming: AnswerValue | None = None  # the answer "Did you say ...?" asks about
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)  # what is read back
    bounds: Mapping[str, str] = field(default_factory=dict)  # "more/less than" answers
    limit: float | None = None  # the follow-up's duration: "More or less than three days?"


@dataclass
class Turn:
    """What the engine is waiting for, and how often it has asked (the engine's own state)."""

    question: str
    kind: Kind = "answer"
    asked: int = 1
    failures: int = 0
    pending: Meaning | None = None  # an answer heard with low confidence, awaiting "yes"
    stop_heard: bool = False  # the last reply to the readback was a spoken "stop"
