"""What the engine is waiting for: the turn, and the one record of what awaits a "yes"."""

from __future__ import annotations

from dataclasses import dataclass

from voice.events import Kind
from voice.schema import AnswerValue


@dataclass(frozen=True)
class Pending:
    """An answer heard with low confidence, or a spoken "stop", awaiting a clear "yes"."""

    value: AnswerValue | None  # None: a "stop"
    bound: str | None = None

    @property
    def stop(self) -> bool:
        """Is this a spoken "stop" waiting to be confirmed?"""
        return self.value is None


STOP = Pending(None)


@dataclass
class Turn:
    """One question (or readback, or ending question) being asked, and how often."""

    question: str
    kind: Kind = "answer"  # "confirm" is never stored: a turn with a pending record is one
    asked: int = 1
    failures: int = 0
    pending: Pending | None = None
