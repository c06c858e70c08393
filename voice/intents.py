"""Understanding: what a typed or recognized answer means, matched by hassil."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hassil import Intents, recognize_best

from voice.content import AnswerValue

_LOGGER = logging.getLogger(__name__)

HOURS_PER_DAY = 24.0
# An answer is a few words ("no", "about two weeks", "no wait, I meant yes"); anything longer
# is not one, and is not handed to the matcher (whose time grows with the text).
MAX_ANSWER_CHARS = 300

# The intent names every locale's intents file uses (see dialogs/en/intents.yaml).
ANSWER_INTENTS = {"answer_yes": "yes", "answer_no": "no", "answer_unsure": "unsure"}
DURATION_INTENT = "answer_duration"
SIGN_INTENTS = {"report_sign": "yes", "deny_sign": "no"}
COMMAND_INTENTS = ("repeat", "help", "why", "stop")
BOUND_INTENTS = ("answer_more", "answer_less")  # "more" / "less" than the duration asked about


def listening_intents(kind: str, awaiting: str = "answer") -> tuple[str, ...]:
    """The intents a spoken answer may carry, for a question of this kind: its speech grammar.

    Kept as small as the turn allows (fewer phrases, fewer confusions in noise): the answers
    of its kind, warning signs volunteered or denied, and the conversation commands. While
    confirming ("Did you say three days?") yes and no are added; "More or less than three
    days?" takes more and less; the readback takes yes, no and any correction.
    """
    answers = tuple(ANSWER_INTENTS) if kind == "yes_no" else (DURATION_INTENT, "answer_unsure")
    if awaiting == "readback":
        answers = (*ANSWER_INTENTS, DURATION_INTENT)
    elif awaiting == "follow_up":
        answers = (*BOUND_INTENTS, *answers)
    if awaiting in ("confirm", "follow_up") and kind != "yes_no":
        answers = (*answers, "answer_yes", "answer_no")
    return (*answers, *SIGN_INTENTS, *COMMAND_INTENTS)


@dataclass(frozen=True)
class Meaning:
    """One understood utterance."""

    intent: str
    answer: AnswerValue | None = None  # "yes" / "no" / "unsure", or days for a duration
    sign: str | None = None  # the question a volunteered sign answers
    correction: bool = False  # "no wait, I meant yes"
    bound: str | None = None  # "above" / "below": "more than three days", "less than a week"

    @property
    def command(self) -> str | None:
        """repeat / help / why / stop, or None for an answer."""
        return self.intent if self.intent in COMMAND_INTENTS else None


def duration_days(slots: dict[str, object]) -> float | None:
    """Days from the duration slots: count or amount times unit (hours), or a span (hours).

    "less than N" (slot bound: below) is recorded just under N (``just_under``): the longer
    end of the range, which is the cautious one.
    """
    if "span" in slots:
        days = _number(slots["span"]) / HOURS_PER_DAY
    else:
        unit = slots.get("unit")
        count = slots.get("count_max", slots.get("count", slots.get("amount", 1)))
        if unit is None:
            return None
        half = _number(slots.get("half", 0))  # "two and a half weeks"
        days = (_number(count) + half) * _number(unit) / HOURS_PER_DAY
    if slots.get("bound") == "below":
        days = just_under(days)
    return days


def just_under(days: float) -> float:
    """What "less than N days" is recorded as: N minus a day, or half of N under two days."""
    return days - min(1.0, days / 2)


def under_limit(recorded: float) -> float:
    """The N of "less than N days" back from what just_under recorded."""
    return recorded + 1.0 if recorded >= 1.0 else 2.0 * recorded


def _number(value: object) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    return float(str(value))


def round_days(days: float) -> float:
    """Days as reported: whole days stay whole, fractions keep two decimals."""
    return float(round(days, 2))


class Understanding:
    """Matches text against a dialog's hassil intents."""

    def __init__(self, intents: Intents) -> None:
        self._intents = intents

    @property
    def intent_names(self) -> frozenset[str]:
        return frozenset(self._intents.intents)

    def parse(self, text: str) -> Meaning | None:
        """The meaning of text, or None when no intent matches."""
        cleaned = text.strip()
        if not cleaned or len(cleaned) > MAX_ANSWER_CHARS:
            return None
        result = recognize_best(cleaned, self._intents, language=self._intents.language)
        if result is None:
            _LOGGER.debug("no intent for %r", cleaned)
            return None
        name = result.intent.name
        slots = {key: entity.value for key, entity in result.entities.items()}
        correction = bool(slots.get("correction", False))
        if name in ANSWER_INTENTS:
            return Meaning(name, answer=ANSWER_INTENTS[name], correction=correction)
        if name == DURATION_INTENT:
            days = duration_days(slots)
            if days is None:
                return None
            bound = str(slots["bound"]) if slots.get("bound") in ("above", "below") else None
            return Meaning(name, answer=round_days(days), correction=correction, bound=bound)
        if name in SIGN_INTENTS:
            return Meaning(name, answer=SIGN_INTENTS[name], sign=str(slots["sign"]))
        return Meaning(name)
