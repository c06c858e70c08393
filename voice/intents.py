"""The intents every dialog uses, and what one understood clause means (a Meaning)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from voice.schema import AnswerValue

HOURS_PER_DAY = 24.0
# An answer is a few words ("no", "about two weeks", "yes, but my ankle tingles"); anything
# longer is not one, and is not handed to the matcher (whose time grows with the text).
MAX_ANSWER_CHARS = 300

# The intent names every locale's intents file uses (see dialogs/en/intents.yaml).
ANSWER_INTENTS = {"answer_yes": "yes", "answer_no": "no", "answer_unsure": "unsure"}
DURATION_INTENT = "answer_duration"
# A sign (or relief) named with the question it answers: slot `sign` holds the question id,
# slot `answer` overrides the intent's own answer ("it helped a bit at first": unsure).
SIGN_INTENTS = {"report_sign": "yes", "deny_sign": "no"}
COMMAND_INTENTS = ("repeat", "help", "why", "stop")
BOUND_INTENTS = ("answer_more", "answer_less")  # "more" / "less" than the duration asked about
TRIGGER_INTENT = "report_trigger"  # slot trigger: what may have set the twitching off
QUESTION_INTENT = "name_question"  # slot question: "the weakness one", in reply to "which?"
ASIDE_INTENT = "aside"  # understood, and says nothing the dialog records ("thanks", "I tried")
OPTIONAL_INTENTS = (TRIGGER_INTENT, QUESTION_INTENT, ASIDE_INTENT)


def listening_intents(kind: str, awaiting: str = "answer") -> tuple[str, ...]:
    """The intents a spoken answer may carry, for a question of this kind: its speech grammar.

    Kept as small as the turn allows (fewer phrases, fewer confusions in noise): the answers
    of its kind, warning signs volunteered or denied, and the conversation commands. While
    confirming ("Did you say three days?") yes and no are added; "More or less than three
    days?" takes more and less; the readback and "What is different?" take yes, no and any
    correction; the self-care ending's questions take triggers, or yes and no.
    """
    answers = tuple(ANSWER_INTENTS) if kind == "yes_no" else (DURATION_INTENT, "answer_unsure")
    if awaiting in ("readback", "which"):
        answers = (*ANSWER_INTENTS, DURATION_INTENT)
    elif awaiting == "triggers":
        return (TRIGGER_INTENT, "answer_no", "answer_unsure", *SIGN_INTENTS, *COMMAND_INTENTS)
    elif awaiting == "more_tips":
        return ("answer_yes", "answer_no", *SIGN_INTENTS, *COMMAND_INTENTS)
    elif awaiting == "follow_up":
        answers = (*BOUND_INTENTS, *answers)
    if awaiting in ("confirm", "follow_up") and kind != "yes_no":
        answers = (*answers, "answer_yes", "answer_no")
    return (*answers, *SIGN_INTENTS, *COMMAND_INTENTS)


@dataclass(frozen=True)
class Meaning:
    """One understood clause."""

    intent: str
    answer: AnswerValue | None = None  # "yes" / "no" / "unsure", or days for a duration
    about: str | None = None  # the question a named sign (or relief) answers
    correction: bool = False  # "no wait, I meant yes"
    hedged: bool = False  # "a little", "sometimes": never a plain yes to relief
    fine: bool = False  # "all good", "I'm fine": no to a sign, yes to the readback
    spotted: bool = False  # found inside a clause no template matched (voice/understand/)
    bound: str | None = None  # "above" / "below": "more than three days", "less than a week"
    trigger: str | None = None  # report_trigger: "stimulants", "stress", ...
    question: str | None = None  # name_question: the question named

    @property
    def command(self) -> str | None:
        """repeat / help / why / stop, or None for an answer."""
        return self.intent if self.intent in COMMAND_INTENTS else None


def meaning_of(intent: str, slots: Mapping[str, Any], today: date) -> Meaning | None:
    """The Meaning of an intent matched with these slots; None when its slots make no sense.

    ``today`` turns "since Tuesday" into days.
    """
    correction = bool(slots.get("correction", False))
    hedged = bool(slots.get("hedge", False))
    if intent in ANSWER_INTENTS:
        answer = ANSWER_INTENTS[intent]
        fine = bool(slots.get("fine", False))
        return Meaning(intent, answer=answer, correction=correction, hedged=hedged, fine=fine)
    if intent == DURATION_INTENT:
        days = duration_days(slots, today)
        if days is None:
            return None
        bound = str(slots["bound"]) if slots.get("bound") in ("above", "below") else None
        return Meaning(intent, answer=round_days(days), correction=correction, bound=bound)
    if intent in SIGN_INTENTS:
        answer = str(slots.get("answer", SIGN_INTENTS[intent]))
        return Meaning(intent, answer=answer, about=str(slots["sign"]), correction=correction)
    if intent == TRIGGER_INTENT:
        return Meaning(intent, trigger=str(slots["trigger"]))
    if intent == QUESTION_INTENT:
        return Meaning(intent, question=str(slots["question"]))
    return Meaning(intent, correction=correction, hedged=hedged)


LAST_WEEKDAY = 10  # weekday values from 10 are "last <weekday>" (the intents' weekday list)
LAST_WEEKDAY_WITHIN = 3  # days: "last Friday" that close is taken as the week before's


def duration_days(slots: Mapping[str, Any], today: date) -> float | None:
    """Days from the duration slots: count or amount times unit (hours), a span (hours), or
    a weekday ("since Tuesday": back to the last Tuesday before today, a week on the day).

    "less than N" (slot bound: below) is recorded just under N (``just_under``): the longer
    end of the range, which is the cautious one.
    """
    if "weekday" in slots:
        # "since Tuesday": the last Tuesday before today. "Since LAST Thursday" said on a
        # Saturday is as likely the week before's: a day or two would reassure, so a week on.
        weekday, last = int(slots["weekday"]) % LAST_WEEKDAY, int(slots["weekday"]) >= LAST_WEEKDAY
        days = float((today.weekday() - weekday) % 7 or 7)
        if slots.get("week") == "before":  # "Tuesday last week", "지난주 화요일": the week before
            days = float(today.weekday() + 7 - weekday)  # this one's (weeks start on Monday)
        elif slots.get("week") == "before_last" or (last and days < LAST_WEEKDAY_WITHIN):
            days += 7  # "the Tuesday before last"; "last Friday" said on a Saturday
    elif slots.get("calendar") == "month_start":
        days = float(max(today.day - 1, 1))
    elif slots.get("calendar") == "last_month_end":
        days = float(today.day)
    elif slots.get("calendar") == "last_month" and "day" in slots:  # "since the 5th of last month"
        days = _days_since(today, (today.month - 2) % 12 + 1, int(slots["day"]))
    elif "month" in slots and "day" in slots:
        days = _days_since(today, int(slots["month"]), int(slots["day"]))
    elif "day" in slots:  # "since the 1st": this month's, or last month's if still to come
        month = today.month if int(slots["day"]) <= today.day else (today.month - 2) % 12 + 1
        days = _days_since(today, month, int(slots["day"]))
    elif "holiday" in slots:
        days = _days_since_holiday(today, str(slots["holiday"]))
    elif "span" in slots:
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


def _days_since_holiday(today: date, holiday: str) -> float:
    """Days since a holiday: a fixed day of the year (month * 100 + day, "1225"), or the nth
    weekday of a month ("11/4/3": November's fourth Thursday, Monday being 0)."""
    if "/" not in holiday:
        month, day = divmod(int(holiday), 100)
        return _days_since(today, month, day)
    month, nth, weekday = (int(part) for part in holiday.split("/"))
    for year in (today.year, today.year - 1):
        first = date(year, month, 1)
        then = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
        if then <= today:
            return float(max((today - then).days, 1))
    return 1.0


def _days_since(today: date, month: int, day: int) -> float:
    """Days since a date said without a year: this year's, or last year's if still to come."""
    for year in (today.year, today.year - 1):
        try:
            then = date(year, month, day)
        except ValueError:
            continue
        if then <= today:
            return float(max((today - then).days, 1))
    return 1.0


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
