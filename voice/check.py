"""check-dialogs: a consultation is well formed, complete, and traceable to its source."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from pathlib import Path

from voice.content import (
    CONSULTATION_FILE,
    SOURCE_FILE,
    Consultation,
    Dialog,
    available_locales,
    dialogs_root,
    load_dialog,
)
from voice.errors import DialogError
from voice.files import read_text
from voice.intents import (
    ANSWER_INTENTS,
    BOUND_INTENTS,
    COMMAND_INTENTS,
    DURATION_INTENT,
    SIGN_INTENTS,
)
from voice.rules import DECIDE, walk

REQUIRED_INTENTS = (
    *ANSWER_INTENTS,
    DURATION_INTENT,
    *BOUND_INTENTS,
    *SIGN_INTENTS,
    *COMMAND_INTENTS,
)
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


def check_files(files: Iterable[Path], models_dir: Path | None = None) -> list[str]:
    """Check each consultation (default: every installed locale); one summary line each."""
    paths = list(files) or [dialogs_root() / loc / CONSULTATION_FILE for loc in available_locales()]
    return [check_dialog(path, models_dir) for path in paths]


def check_dialog(path: Path, models_dir: Path | None = None) -> str:
    """Check one consultation file and its intents; raise DialogError on the first problem."""
    dialog = load_dialog(path=path)
    problems = list(_problems(dialog))
    checked: list[str] = []
    if not problems:
        for engine, missing in _vocabulary(dialog, models_dir):
            checked.append(engine)
            problems += [
                f"{dialog.consultation.intents}: grammar {grammar!r} uses words the {engine} "
                f"model lacks: {' '.join(sorted(words))}"
                for grammar, words in missing.items()
            ]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DialogError(f"{path}: {problems[0]}{more}")
    consultation = dialog.consultation
    paths = sum(1 for _ in walk(consultation))
    vocabulary = f"; every grammar word is in the {' and '.join(checked)} model" if checked else ""
    return (
        f"ok: {path} ({len(consultation.questions)} questions, {len(consultation.rules)} rules, "
        f"{len(consultation.outcomes)} outcomes, {paths} paths{vocabulary})"
    )


def _vocabulary(
    dialog: Dialog, models_dir: Path | None
) -> Iterator[tuple[str, dict[str, set[str]]]]:
    """For each installed engine of the locale: grammar name -> words its model lacks."""
    from voice.asr import RecognitionSettings, build_recognizer, installed_engines
    from voice.grammar.questions import Grammars

    grammars = Grammars(dialog).all()
    settings = RecognitionSettings(models_dir=models_dir)
    for choice in installed_engines(dialog.locale, models_dir):
        recognizer = build_recognizer(choice, settings)
        missing = {g.name: recognizer.missing_words(g) for g in grammars}
        yield choice.engine, {name: words for name, words in missing.items() if words}


def _problems(dialog: Dialog) -> Iterator[str]:
    consultation = dialog.consultation
    yield from _reference_problems(consultation)
    yield from _intent_problems(dialog)
    yield from _source_problems(dialog)
    yield from _template_problems(consultation)
    cycle = _find_cycle(consultation)
    if cycle:
        yield f"a path never ends: {' -> '.join(cycle)}"
        return  # walking the paths would not end either
    if any(_reference_problems(consultation)):
        return
    reached = {decision.outcome for _, decision in walk(consultation)}
    for outcome in consultation.outcomes:
        if outcome not in reached:
            yield f"outcome {outcome!r} is reached by no path"


def _reference_problems(consultation: Consultation) -> Iterator[str]:
    questions, outcomes = consultation.questions, consultation.outcomes
    states = {*questions, DECIDE}
    if consultation.start not in questions:
        yield f"start: unknown question {consultation.start!r}"
    for name, question in questions.items():
        for branch in question.branches():
            if branch.goto not in states:
                yield f"questions.{name}.next: unknown question {branch.goto!r}"
            for read in branch.when or {}:
                if read not in questions:
                    yield f"questions.{name}.next: condition on unknown question {read!r}"
    for rule in consultation.rules:
        if rule.outcome not in outcomes:
            yield f"rules.{rule.id}: unknown outcome {rule.outcome!r}"
        for read in rule.when:
            if read not in questions:
                yield f"rules.{rule.id}: condition on unknown question {read!r}"
    if consultation.default_outcome not in outcomes:
        yield f"default_outcome: unknown outcome {consultation.default_outcome!r}"
    read_by_rules = {read for rule in consultation.rules for read in rule.when}
    for name in questions:
        if name not in read_by_rules:
            yield f"questions.{name}: no rule reads this question"
    ids = [rule.id for rule in consultation.rules]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"rules: id {duplicate!r} is used twice"


def _intent_problems(dialog: Dialog) -> Iterator[str]:
    for name in REQUIRED_INTENTS:
        if name not in dialog.intents.intents:
            yield f"{dialog.consultation.intents}: intent {name!r} is missing"
    for name, intent in dialog.intents.intents.items():
        if not any(data.sentences for data in intent.data):
            yield f"{dialog.consultation.intents}: intent {name!r} has no sentences"


def _source_problems(dialog: Dialog) -> Iterator[str]:
    source_path = dialog.folder.parent / SOURCE_FILE
    if not source_path.is_file():
        yield f"the clinical source {source_path} is missing"
        return
    source = _squash(read_text(source_path, DialogError))
    for where, quote in _sources(dialog.consultation):
        for fragment in _ELLIPSIS.split(quote):
            if fragment.strip() and _squash(fragment) not in source:
                yield f"{where}.source: not found in {SOURCE_FILE}: {fragment.strip()[:60]!r}"


def _sources(consultation: Consultation) -> Iterator[tuple[str, str]]:
    for name, question in consultation.questions.items():
        yield f"questions.{name}", question.source
    for rule in consultation.rules:
        yield f"rules.{rule.id}", rule.source
    for name, outcome in consultation.outcomes.items():
        for index, line in enumerate(outcome.say):
            yield f"outcomes.{name}.say.{index}", line.source


def _template_problems(consultation: Consultation) -> Iterator[str]:
    """Placeholders in spoken text must be ones the engine fills in."""
    say = consultation.say
    allowed = {
        "noted": {"label"},
        "noted_not": {"label"},
        "confirm": {"answer"},
        "readback": {"answers"},
    }
    durations = {"weeks": {"weeks"}, "months": {"months"}}
    for key, value in say.model_dump().items():
        if key == "durations":
            for name, text in value.items():
                fields = durations.get(name, {"days"})
                yield from _unknown_fields(f"say.durations.{name}", text, fields)
            continue
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            yield from _unknown_fields(f"say.{key}", text, allowed.get(key, set()))
    needed = {"yes_no": {"yes", "no", "unsure"}, "duration": {"duration", "unsure"}}
    for name, question in consultation.questions.items():
        for missing in sorted(needed[question.kind] - set(question.readback)):
            yield f"questions.{name}.readback: says nothing for the answer {missing!r}"
        if question.follow_up is not None and question.kind != "duration":
            yield f"questions.{name}.follow_up: only a duration question has a follow-up"
        for answer, text in question.readback.items():
            fields = {"duration"} if answer == "duration" else set()
            yield from _unknown_fields(f"questions.{name}.readback.{answer}", text, fields)
        if question.follow_up is not None:
            yield from _unknown_fields(f"questions.{name}.follow_up", question.follow_up, set())
    for name, outcome in consultation.outcomes.items():
        for index, line in enumerate(outcome.say):
            yield from _unknown_fields(f"outcomes.{name}.say.{index}", line.text, {"reasons"})


def _unknown_fields(where: str, text: str, allowed: set[str]) -> Iterator[str]:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as err:
        yield f"{where}: {err}"
        return
    for name in sorted(fields - allowed):
        yield f"{where}: unknown placeholder {{{name}}}"


def _find_cycle(consultation: Consultation) -> list[str]:
    """A loop in the transitions, as the states on it; empty when every path ends."""
    edges = {name: [b.goto for b in q.branches()] for name, q in consultation.questions.items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(state: str) -> list[str]:
        if state in visiting:
            return [*visiting[visiting.index(state) :], state]
        if state in done or state not in edges:
            return []
        visiting.append(state)
        for target in edges[state]:
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(state)
        return []

    for start in [consultation.start, *edges]:
        cycle = visit(start)
        if cycle:
            return cycle
    return []


def _squash(text: str) -> str:
    """Compare quotes ignoring case, whitespace and typographic apostrophes."""
    return " ".join(text.replace("\u2019", "'").lower().split())
