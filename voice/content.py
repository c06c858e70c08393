"""The consultation as data: the schema of dialogs/<locale>/, checked once where it enters."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hassil import Intents
from pydantic import BaseModel, ConfigDict, Field

from voice.errors import DialogError
from voice.files import inside, load_yaml, read_yaml, shown, validate

DEFAULT_LOCALE = "en"
DIALOGS_ENV = "TOE_ASSISTANT_DIALOGS"
CONSULTATION_FILE = "consultation.yaml"
SUMMARY_FILE = "summary.yaml"  # how `toe-assistant summaries` words a saved consultation
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
    next: str | list[Branch]
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
    source: str


class Line(_Strict):
    text: str
    source: str


class Outcome(_Strict):
    say: list[Line] = Field(min_length=1)


class Settings(_Strict):
    """How patient the engine is; every consultation ends within these bounds."""

    reprompts: int = Field(default=1, ge=0)
    give_up_after: int = Field(default=2, ge=1)
    max_turns_per_question: int = Field(default=5, ge=2, le=20)
    max_turns: int = Field(default=30, ge=5, le=200)
    readback_rounds: int = Field(default=2, ge=1, le=5)


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
    corrected: str
    confirm: str
    answer_words: dict[str, str]
    durations: DurationWords
    readback: str  # "So: {answers}. Is that right?"
    readback_again: str
    readback_failed: str
    help_readback: str
    turn_limit: str
    stopped: str
    check_stop: str  # a spoken "stop" is confirmed: "Do you want to stop here?"
    give_up: str
    goodbye: str
    help_answers: str
    help_duration: str
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


def dialogs_root() -> Path:
    """Where the dialogs are: inside the installed package, else the source checkout."""
    override = os.environ.get(DIALOGS_ENV)
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / "dialogs", here.parent / "dialogs"):
        if (candidate / DEFAULT_LOCALE / CONSULTATION_FILE).is_file():
            return candidate
    raise DialogError("the dialogs are missing from this installation; reinstall toe-assistant")


def available_locales() -> list[str]:
    """Locales that have a consultation; DialogError when there is none at all."""
    root = dialogs_root()
    try:
        found = sorted(p.parent.name for p in root.glob(f"*/{CONSULTATION_FILE}"))
    except OSError as err:
        raise DialogError(f"cannot read the dialogs folder {shown(root)}: {err.strerror}") from err
    if not found:
        raise DialogError(
            f"no consultation in {shown(root)} (looked for */{CONSULTATION_FILE}); "
            f"point {DIALOGS_ENV} at a dialogs folder, or reinstall toe-assistant"
        )
    return found


def load_summary_wording(dialog: Dialog) -> SummaryWording:
    """The summary wording beside a loaded consultation, checked against its outcomes."""
    path = dialog.folder / SUMMARY_FILE
    wording = load_yaml(path, SummaryWording, DialogError)
    from voice.validate import summary_problems  # it builds on this module's schema

    for problem in summary_problems(dialog, wording):
        raise DialogError(f"{shown(path)}: {problem}")
    return wording


def parse_consultation(path: Path) -> Consultation:
    """Validate one consultation file against the schema."""
    return load_yaml(path, Consultation, DialogError)


def parse_intents(path: Path) -> Intents:
    """Load a hassil intents file; a malformed one is one DialogError naming the file."""
    data = read_yaml(path, DialogError)
    validate(IntentsFile, data, shown(path), DialogError)
    try:
        return Intents.from_dict(data)
    except Exception as err:  # hassil raises many kinds on a bad template
        raise DialogError(f"{shown(path)}: bad intent template: {err}") from err


def load_dialog(locale: str = DEFAULT_LOCALE, path: Path | None = None) -> Dialog:
    """Load a consultation by locale, or from an explicit consultation file, and check it.

    Every check of check-dialogs but the speech models' vocabulary runs here, so a broken
    dialog is one DialogError before the first question (voice/validate.py).
    """
    if path is None:
        folder = dialogs_root() / locale
        path = folder / CONSULTATION_FILE
        if not path.is_file():
            known = ", ".join(available_locales())
            raise DialogError(f"no consultation for locale {locale!r}; available: {known}")
    consultation = parse_consultation(path)
    intents_file = inside(path.parent, consultation.intents, DialogError, f"{shown(path)}: intents")
    intents = parse_intents(intents_file)
    dialog = Dialog(consultation=consultation, intents=intents, folder=path.parent)
    from voice.validate import check  # it builds on this module's schema

    check(dialog, shown(path))
    return dialog
