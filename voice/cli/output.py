"""How the CLI prints a consultation: a readable transcript or one JSON object a line."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from voice.events import Event, Heard, Prompt, Result, Say


def event_json(event: Event) -> dict[str, Any]:
    """The JSON-lines form of an event (the contract of `chat --jsonl` and `simulate --jsonl`)."""
    if isinstance(event, Prompt):
        return {"type": "prompt", "id": event.id, "text": event.text}
    if isinstance(event, Say):
        return {"type": "say", "text": event.text}
    if isinstance(event, Heard):
        return {
            "type": "heard",
            "id": event.id,
            "text": event.text,
            "intent": event.intent,
            "confidence": round(event.confidence, 3),
            "parts": [dict(part) for part in event.parts],
            "understood": dict(event.understood),
        }
    return {
        "type": "result",
        "outcome": event.outcome,
        "reasons": list(event.reasons),
        "answers": event.answers,
        "ended": event.ended,
    }


@dataclass
class EventPrinter:
    """Prints events as they happen, flushing so a reading process sees each at once."""

    jsonl: bool = False
    stream: TextIO | None = None  # None: sys.stdout as it is when printing

    def emit(self, events: list[Event]) -> None:
        """Print each event, then flush."""
        stream = self.stream or sys.stdout
        for event in events:
            stream.write(self._line(event) + "\n")
        stream.flush()

    def _line(self, event: Event) -> str:
        if self.jsonl:
            return json.dumps(event_json(event), ensure_ascii=False)
        if isinstance(event, (Prompt, Say)):
            return f"assistant: {event.text}"
        if isinstance(event, Heard):
            return _heard_line(event)
        return _result_line(event)


def _heard_line(heard: Heard) -> str:
    """What was heard, how each clause was read, and what the dialog took from it."""
    named = (_part_name(part) for part in heard.parts)
    intents = " + ".join(dict.fromkeys(named))
    line = (
        f"  (heard {heard.text!r} as {intents or heard.intent}, confidence {heard.confidence:.2f}"
    )
    taken = ", ".join(f"{key}={value}" for key, value in heard.understood.items())
    return f"{line}; understood {taken})" if taken else f"{line})"


def _part_name(part: Any) -> str:
    """How one clause was read: its intent, an aside, or a guess and the answer most like it."""
    if "guess" in part:
        return f"a guess of {part['guess']} (most like {part['like']!r})"
    return "aside" if part.get("aside") else str(part["intent"])


def _result_line(result: Result) -> str:
    answers = ", ".join(f"{key}={value}" for key, value in result.answers.items())
    reasons = ", ".join(result.reasons) or "none"
    return f"outcome: {result.outcome or result.ended} (reasons: {reasons}; answers: {answers})"
