"""A loaded dialog is consistent: references, cycles, placeholders, sources, reachable outcomes.

Run on every load (chat, simulate, demo, listen, serve) and by check-dialogs, so a broken
dialog is one DialogError line before the first question, never a crash mid-consultation.
Every check is linear or near-linear in the size of the dialog: none enumerates the paths.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from voice.errors import DialogError
from voice.files import read_text
from voice.intents import (
    ANSWER_INTENTS,
    BOUND_INTENTS,
    COMMAND_INTENTS,
    DURATION_INTENT,
    SIGN_INTENTS,
    TRIGGER_INTENT,
)
from voice.paths import find_cycle, unreached
from voice.rules import (
    DECIDE,
    UNSURE,
)
from voice.schema import (
    SOURCE_FILE,
    Condition,
    Consultation,
    Dialog,
    DurationTest,
    Question,
    SummaryWording,
)
from voice.wording import TemplateError, fields

REQUIRED_INTENTS = (
    *ANSWER_INTENTS,
    DURATION_INTENT,
    *BOUND_INTENTS,
    *SIGN_INTENTS,
    *COMMAND_INTENTS,
)
# A quote must say something: "", "..." or "a" would be "found" in any source.
MIN_QUOTE_WORDS = 6
MIN_FRAGMENT_WORDS = 2
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
# The placeholders the engine fills in, by where the text is spoken.
_SAY_FIELDS = {
    "corrected": {"answer"},
    "noted": {"label"},
    "noted_not": {"label"},
    "noted_answer": {"answer"},
    "confirm": {"answer"},
    "guess": {"answer"},
    "readback": {"answers"},
}
_DURATION_FIELDS = {"weeks": {"weeks"}, "months": {"months"}}


def check(dialog: Dialog, origin: str) -> None:
    """Raise one DialogError naming ``origin`` and the first problem (and how many more)."""
    found = list(problems(dialog))
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise DialogError(f"{origin}: {found[0]}{more}")


def problems(dialog: Dialog) -> Iterator[str]:
    """Everything wrong with ``dialog``, most fundamental first."""
    consultation = dialog.consultation
    structural = [*_reference_problems(consultation), *_cycle_problems(consultation)]
    yield from structural
    yield from _intent_problems(dialog)
    yield from _source_problems(dialog)
    yield from _template_problems(consultation)
    if not structural:  # following the transitions needs them sound
        yield from unreached(consultation)


def _reference_problems(consultation: Consultation) -> Iterator[str]:
    questions, outcomes = consultation.questions, consultation.outcomes
    states = {*questions, DECIDE}
    if consultation.start not in questions:
        yield f"start: unknown question {consultation.start!r}"
    for name, question in questions.items():
        branches = question.branches()
        if branches[-1].when is not None:
            yield f"questions.{name}.next: the last branch needs no `if` (a way on for any answer)"
        for branch in branches:
            if branch.goto not in states:
                yield f"questions.{name}.next: unknown question {branch.goto!r}"
            when = branch.when or {}
            yield from _condition_problems(f"questions.{name}.next", when, consultation)
    for rule in consultation.rules:
        if rule.outcome not in outcomes:
            yield f"rules.{rule.id}: unknown outcome {rule.outcome!r}"
        yield from _condition_problems(f"rules.{rule.id}", rule.when, consultation)
    if consultation.default_outcome not in outcomes:
        yield f"default_outcome: unknown outcome {consultation.default_outcome!r}"
    read_by_rules = {read for rule in consultation.rules for read in rule.when}
    for name in questions:
        if name not in read_by_rules:
            yield f"questions.{name}: no rule reads this question"
    for rule in consultation.rules:
        tests_unsure = any(isinstance(test, list) and UNSURE in test for test in rule.when.values())
        if tests_unsure and rule.unclear_reason is None:
            yield (
                f'rules.{rule.id}: tests "unsure" but has no unclear_reason (how the reason '
                "is said when no clear answer came)"
            )
    yield from _tip_problems(consultation)
    counts = Counter(rule.id for rule in consultation.rules)
    for duplicate in sorted(i for i, n in counts.items() if n > 1):
        yield f"rules: id {duplicate!r} is used twice"


def _tip_problems(consultation: Consultation) -> Iterator[str]:
    triggers = consultation.triggers
    known = set(triggers.options) if triggers is not None else set()
    for name, outcome in consultation.outcomes.items():
        for index, tip in enumerate(outcome.tips):
            for fit in tip.fits:
                if fit not in known:
                    yield f"outcomes.{name}.tips.{index}.fits: unknown trigger {fit!r}"
        if outcome.tips and name != list(consultation.outcomes)[-1]:
            yield f"outcomes.{name}.tips: only the least urgent outcome (self-care) has tips"


def _condition_problems(
    where: str, condition: Condition, consultation: Consultation
) -> Iterator[str]:
    for read, test in condition.items():
        question = consultation.questions.get(read)
        if question is None:
            yield f"{where}: condition on unknown question {read!r}"
        elif question.kind == "duration" and not isinstance(test, DurationTest):
            if set(test) - {UNSURE}:  # a duration is days, or not known
                yield f"{where}: condition on {read!r} tests a duration for yes or no"
        elif question.kind == "yes_no" and isinstance(test, DurationTest):
            yield f"{where}: condition on {read!r} tests a yes/no question for days"


def _cycle_problems(consultation: Consultation) -> Iterator[str]:
    cycle = find_cycle(consultation)
    if cycle:
        yield f"a path never ends: {' -> '.join(cycle)}"


def _intent_problems(dialog: Dialog) -> Iterator[str]:
    required = [*REQUIRED_INTENTS]
    if dialog.consultation.triggers is not None:
        required.append(TRIGGER_INTENT)
    for name in required:
        if name not in dialog.intents.intents:
            yield f"{dialog.consultation.intents}: intent {name!r} is missing"
    for name, intent in dialog.intents.intents.items():
        if not any(data.sentences for data in intent.data):
            yield f"{dialog.consultation.intents}: intent {name!r} has no sentences"


def source_path(dialog: Dialog) -> Path:
    """The clinical source the dialog's quotes come from."""
    return dialog.folder.parent / SOURCE_FILE


def _source_problems(dialog: Dialog) -> Iterator[str]:
    path = source_path(dialog)
    if not path.is_file():
        yield f"the clinical source {path} is missing"
        return
    source = _squash(read_text(path, DialogError))
    for where, quote in _sources(dialog.consultation):
        fragments = [f for f in _ELLIPSIS.split(quote) if f.strip()]
        words = sum(len(f.split()) for f in fragments)
        if words < MIN_QUOTE_WORDS or any(len(f.split()) < MIN_FRAGMENT_WORDS for f in fragments):
            yield (
                f"{where}.source: {quote.strip()[:60]!r} is too short to show where the text "
                f"comes from; quote at least {MIN_QUOTE_WORDS} words of {SOURCE_FILE}"
            )
            continue
        for fragment in fragments:
            if not re.search(rf"(?<!\w){re.escape(_squash(fragment))}(?!\w)", source):
                yield f"{where}.source: not found in {SOURCE_FILE}: {fragment.strip()[:60]!r}"


def _sources(consultation: Consultation) -> Iterator[tuple[str, str]]:
    for name, question in consultation.questions.items():
        yield f"questions.{name}", question.source
    for rule in consultation.rules:
        yield f"rules.{rule.id}", rule.source
    for name, outcome in consultation.outcomes.items():
        for index, line in enumerate(outcome.say):
            yield f"outcomes.{name}.say.{index}", line.source
        for index, tip in enumerate(outcome.tips):
            yield f"outcomes.{name}.tips.{index}", tip.source
        for index, line in enumerate(outcome.closing):
            yield f"outcomes.{name}.closing.{index}", line.source
    if consultation.triggers is not None:
        yield "triggers", consultation.triggers.source


def _template_problems(consultation: Consultation) -> Iterator[str]:
    """Every spoken text's placeholders are plain names the engine fills in."""
    for key, value in consultation.say.model_dump().items():
        if key == "durations":
            for name, text in value.items():
                allowed = _DURATION_FIELDS.get(name, {"days"})
                yield from _unknown_fields(f"say.durations.{name}", text, allowed)
            continue
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            yield from _unknown_fields(f"say.{key}", text, _SAY_FIELDS.get(key, set()))
    for name, question in consultation.questions.items():
        for key in ("label", "prompt", "reprompt", "help", "why"):
            yield from _unknown_fields(f"questions.{name}.{key}", getattr(question, key), set())
        yield from _readback_problems(name, question)
    for rule in consultation.rules:
        yield from _unknown_fields(f"rules.{rule.id}.reason", rule.reason, set())
        if rule.unclear_reason is not None:
            where = f"rules.{rule.id}.unclear_reason"
            yield from _unknown_fields(where, rule.unclear_reason, set())
    for name, outcome in consultation.outcomes.items():
        for index, line in enumerate(outcome.say):
            yield from _unknown_fields(f"outcomes.{name}.say.{index}", line.text, {"reasons"})
        for index, tip in enumerate(outcome.tips):
            yield from _unknown_fields(f"outcomes.{name}.tips.{index}", tip.text, set())
        for index, line in enumerate(outcome.closing):
            yield from _unknown_fields(f"outcomes.{name}.closing.{index}", line.text, set())
    if consultation.triggers is not None:
        for key in ("prompt", "reprompt", "help", "why"):
            text = getattr(consultation.triggers, key)
            yield from _unknown_fields(f"triggers.{key}", text, set())


def _readback_problems(name: str, question: Question) -> Iterator[str]:
    needed = {"yes_no": {"yes", "no", "unsure"}, "duration": {"duration", "unsure"}}
    for missing in sorted(needed[question.kind] - set(question.readback)):
        yield f"questions.{name}.readback: says nothing for the answer {missing!r}"
    if question.follow_up is not None and question.kind != "duration":
        yield f"questions.{name}.follow_up: only a duration question has a follow-up"
    for answer, text in question.readback.items():
        allowed = {"duration"} if answer == "duration" else set()
        yield from _unknown_fields(f"questions.{name}.readback.{answer}", text, allowed)
    if question.follow_up is not None:
        yield from _unknown_fields(f"questions.{name}.follow_up", question.follow_up, set())


def summary_problems(dialog: Dialog, wording: SummaryWording) -> Iterator[str]:
    """The wording of `toe-assistant summaries`: every outcome, only the placeholders filled."""
    missing = set(dialog.consultation.outcomes) - set(wording.outcomes)
    if missing:
        yield f"outcomes: no wording for {', '.join(sorted(missing))}"
    allowed = {"heading": {"date", "time"}, "answer": {"label", "answer"},
               "advice": {"advice"}, "because": {"reasons"}, "none_saved": {"folder"}}  # fmt: skip
    for key, value in wording.model_dump().items():
        for text in value.values() if isinstance(value, dict) else [value]:
            yield from _unknown_fields(key, text, allowed.get(key, set()))


def _unknown_fields(where: str, text: str, allowed: set[str]) -> Iterator[str]:
    try:
        names = fields(text)
    except TemplateError as err:
        yield f"{where}: {err}"
        return
    for name in sorted(names - allowed):
        yield f"{where}: unknown placeholder {{{name}}}"


def _squash(text: str) -> str:
    """Compare quotes ignoring case, whitespace and typographic apostrophes."""
    return " ".join(text.replace("\u2019", "'").lower().split())
