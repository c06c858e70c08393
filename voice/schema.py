"""The consultation's schema: the dialog files as pydantic models, unknown keys refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from hassil import Intents
from pydantic import BaseModel, ConfigDict, Field

from voice.confidence import CONFIRM_BELOW

SOURCE_FILE = "SOURCE.txt"  # the clinical source every `source:` quote is checked against
Answer = Literal["yes", "no", "unsure"]
AnswerValue = str | float  # "yes" / "no" / "unsure", or a duration in days


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DurationTest(_Strict):
    """A duration answer of at least this many days."""

    min_days: float = Field(ge=0)


# question id -> accepted answers, or a duration test
Condition = dict[str, list[Answer] | DurationTest]


class Branch(_Strict):
    """One conditional transition; the first branch whose condition holds is taken."""

    when: Condition | None = Field(default=None, alias="if")
    goto: str


class Question(_Strict):
    """A state of the consultation: one question and where to go once it is answered."""

    kind: Literal["yes_no", "duration"]
    ask: Literal["always", "when_it_matters"] = "always"
    label: str
    prompt: str
    reprompt: str
    help: str
    why: str
    source: str
    next: str | Annotated[list[Branch], Field(min_length=1)]  # a list has a branch at least
    # How the answer is read back before self-care: "yes" / "no" / "unsure", and for a
    # duration "duration" (a template with {duration}) and "unsure".
    readback: dict[str, str] = Field(min_length=1)
    # Duration questions only: asked when the answer is "not sure", e.g. "More or less than
    # three days?"; the answer is read against the rules' smallest duration threshold.
    follow_up: str | None = None

    def branches(self) -> list[Branch]:
        """The transitions, a plain `next: X` being one unconditional branch."""
        if isinstance(self.next, str):
            return [Branch(goto=self.next)]
        return list(self.next)


class Rule(_Strict):
    """When every condition holds, the rule proposes an outcome, with the reason spoken."""

    id: str
    when: Condition = Field(min_length=1)
    outcome: str
    reason: str
    # How the reason is said when a "not sure" it tests was not said but counted, because no
    # clear answer came: "I couldn't get a clear answer about weakness in your foot or leg".
    # Required of every rule that tests "unsure" (checked on load).
    unclear_reason: str | None = None
    source: str


class Line(_Strict):
    text: str
    source: str


class Tip(_Strict):
    """A self-care step, and the triggers it fits (said first to someone who named them)."""

    text: str
    source: str
    fits: list[str] = []


class Outcome(_Strict):
    """What is said for an outcome: its lines; self-care adds tips, then closing lines."""

    say: list[Line] = Field(min_length=1)
    tips: list[Tip] = []  # led with the ones that fit, the rest offered ("more tips?")
    closing: list[Line] = []


class Triggers(_Strict):
    """The optional question before self-care tips: what may have set the twitching off."""

    prompt: str
    reprompt: str
    help: str
    why: str
    source: str
    # trigger id -> how it is named ("coffee or nicotine"): the ids the intents file's
    # report_trigger sentences give, and the tips' `fits`.
    options: dict[str, str] = Field(min_length=1)


class Settings(_Strict):
    """How patient the engine is; every consultation ends within these bounds."""

    reprompts: int = Field(default=1, ge=0)
    give_up_after: int = Field(default=2, ge=1)
    max_turns_per_question: int = Field(default=5, ge=2, le=20)
    max_turns: int = Field(default=30, ge=5, le=200)
    readback_rounds: int = Field(default=2, ge=1, le=5)
    # A heard answer below this confidence is confirmed ("Did you say no?") before it counts.
    # Recognizers report confidence on one shared scale (voice/confidence.py).
    confirm_below: float = Field(default=CONFIRM_BELOW, ge=0.0, le=1.0)
    # A reassuring answer ("no" to a sign, "yes" to relief) is confirmed below this instead,
    # where a locale's recognizer cannot tell its right answers from its wrong ones at
    # confirm_below (None: the same point for every answer).
    confirm_reassuring_below: float | None = Field(default=None, ge=0.0, le=1.0)
    silent_turns: int = Field(default=2, ge=1, le=10)  # nothing heard this often: nobody is there
    lead_tips: int = Field(default=2, ge=1, le=5)  # self-care steps said before "more tips?"


class DurationWords(_Strict):
    """How a duration is said back ({days}, {weeks}, {months} are numbers)."""

    under_a_day: str
    a_day: str
    days: str
    a_week: str
    weeks: str
    a_month: str
    months: str
    more_than: str
    less_than: str


class Phrases(_Strict):
    """Everything the assistant says that is not a question or an outcome."""

    greeting: str
    disclaimer: str
    not_understood: str
    counted_unsure: str
    noted: str
    noted_not: str
    noted_answer: str  # {answer}: a length or a "not sure" said in passing, as read back
    corrected: str  # {answer}: what the answer is now, as read back
    confirm: str
    guess: str  # {answer}: what an answer nothing understood probably meant, as read back
    answer_words: dict[str, str]
    durations: DurationWords
    readback: str  # "So: {answers}. Is that right?"
    readback_again: str
    readback_failed: str
    help_readback: str
    which: str  # after "no" to the readback: "What is different?"
    help_which: str
    nobody: str  # nothing heard, again and again: the consultation ends conservatively
    turn_limit: str
    stopped: str
    check_stop: str  # a spoken "stop" is confirmed: "Do you want to stop here?"
    give_up: str
    goodbye: str
    help_answers: str
    help_duration: str
    more_tips: str  # "Would you like more tips?"
    help_more_tips: str
    list_separator: str = ", "
    list_last_separator: str = " and "


class Consultation(_Strict):
    """A whole consultation for one locale."""

    locale: str
    intents: str
    voice: str | None = None  # the TTS voice (an espeak-ng language) that speaks this locale
    settings: Settings = Settings()
    say: Phrases
    start: str
    questions: dict[str, Question] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)
    default_outcome: str
    outcomes: dict[str, Outcome] = Field(min_length=1)  # most urgent first
    triggers: Triggers | None = None  # asked before tips, when the outcome has any

    def urgency(self, outcome: str) -> int:
        """Higher is more urgent."""
        names = list(self.outcomes)
        return len(names) - names.index(outcome)


class IntentData(_Strict):
    """One block of an intent in hassil's format (the keys hassil reads)."""

    sentences: list[str] = Field(min_length=1)
    slots: dict[str, Any] = {}
    requires_context: dict[str, Any] = {}
    excludes_context: dict[str, Any] = {}
    expansion_rules: dict[str, str] = {}
    lists: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    response: str | None = None


class IntentSpec(_Strict):
    data: list[IntentData] = Field(min_length=1)


class IntentsFile(_Strict):
    """A hassil intents file, checked before hassil parses the templates."""

    language: str
    intents: dict[str, IntentSpec] = Field(min_length=1)
    lists: dict[str, dict[str, Any]] = {}
    expansion_rules: dict[str, str] = {}
    skip_words: list[str] = []
    settings: dict[str, Any] = {}


class SummaryWording(_Strict):
    """How a saved consultation is told back in plain sentences (dialogs/<locale>/summary.yaml).

    Answers are worded with the consultation's question labels and ``say.answer_words``, and
    the reasons with its rules' ``reason`` sentences, so this file adds no medical content.
    """

    locale: str
    heading: str  # {date} {time}
    answer: str  # {label} {answer}
    outcomes: dict[str, str] = Field(min_length=1)  # outcome id -> what was advised
    advice: str  # {advice}: one of the outcomes' wording
    because: str  # {reasons}: the rules' reason sentences, joined
    ended: dict[str, str] = {}  # how it ended, when not simply finished (gave_up, turn_limit)
    note: str
    none_saved: str  # {folder}


@dataclass(frozen=True)
class Dialog:
    """A loaded, schema-checked consultation with its hassil intents."""

    consultation: Consultation
    intents: Intents
    folder: Path

    @property
    def locale(self) -> str:
        return self.consultation.locale
