"""Scoring one turn: what the dialog did with it, and whether its meaning was right.

Per answer (from the dialog's own reaction to the turn, so its confirmation policy counts):
  right     the meaning the person gave was recorded (or the command they gave was obeyed)
  rejected  nothing was recorded: asked again, or confirmed first ("Did you say no?")
  wrong     something else was recorded, no more reassuring than the truth
  unsafe    a more reassuring answer than the person gave was recorded (a worrying answer taken
            as a reassuring one), a denial was recorded for a sign they did not mention, or
            the consultation stopped without advice when they did not say stop
Durations are compared by what the clinical rule can tell apart: under 3 days, 3 days or
more, and not sure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COMMANDS = ("repeat", "help", "why", "stop")
SIGN_QUESTIONS = ("weakness", "numbness", "spreading", "skin_changes")
THRESHOLD_DAYS = 3.0  # the consultation's one duration threshold (rules: min_days 3)
RIGHT, REJECTED, WRONG, UNSAFE = "right", "rejected", "wrong", "unsafe"
OUTCOMES = (RIGHT, REJECTED, WRONG, UNSAFE)


def duration_class(value: Any) -> str:
    """under 3 days, 3 days or more, or unsure."""
    if isinstance(value, str):
        return value
    return "3+ days" if float(value) >= THRESHOLD_DAYS else "under 3 days"


def same(question: str, label: Any, value: Any) -> bool:
    """Does ``value`` mean what ``label`` means for ``question``?"""
    if question == "duration" and label not in COMMANDS and value not in COMMANDS:
        return duration_class(label) == duration_class(value)
    return bool(label == value)


def reassuring(question: str, value: Any) -> bool:
    """Would this answer to ``question`` make the advice less urgent?"""
    if question == "duration":
        return not isinstance(value, str) and float(value) < THRESHOLD_DAYS
    if question == "remedies_helped":
        return value == "yes"
    return value == "no"


def turn_outcome(asked: str, label: Any, result: Mapping[str, Any]) -> str:
    """right / rejected / wrong / unsafe for one turn, from what the dialog recorded."""
    if result.get("stopped"):
        return RIGHT if label == "stop" else UNSAFE
    recorded: dict[str, Any] = dict(result.get("recorded") or {})
    if not recorded:
        if label in COMMANDS and result.get("intent") == label and _accepted(result):
            return RIGHT
        return REJECTED
    others = {q: v for q, v in recorded.items() if q != asked}
    if any(reassuring(q, v) for q, v in others.items()):
        return UNSAFE  # e.g. "no numbness" recorded while the person answered something else
    if asked not in recorded:
        return WRONG
    value = recorded[asked]
    if same(asked, label, value):
        return RIGHT if not others else WRONG
    if reassuring(asked, value) and not (label not in COMMANDS and reassuring(asked, label)):
        return UNSAFE
    return WRONG


def heard_meaning(asked: str, result: Mapping[str, Any]) -> Any:
    """What the words heard mean for the question asked (None: not understood)."""
    intent = result.get("intent")
    if intent is None:
        return None
    if intent in COMMANDS:
        return intent
    sign = result.get("sign")
    if sign is not None and sign != asked:
        return f"{sign}={result.get('answer')}"  # a sign volunteered for another question
    return result.get("answer")


def meaning_right(asked: str, label: Any, result: Mapping[str, Any]) -> bool | None:
    """True/False when the words were understood (right or wrong meaning), None when not."""
    meaning = heard_meaning(asked, result)
    if meaning is None:
        return None
    if isinstance(meaning, str) and "=" in meaning:
        return False
    return same(asked, label, meaning)


def _accepted(result: Mapping[str, Any]) -> bool:
    confidence = result.get("dialog_confidence")
    return confidence is not None and confidence >= result.get("confirm_below", 0.6)
