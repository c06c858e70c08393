"""check-dialogs: a consultation is well formed, complete, traceable, and every word hearable."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from voice.content import (
    CONSULTATION_FILE,
    SUMMARY_FILE,
    available_locales,
    dialogs_root,
    load_dialog,
    load_summary_wording,
)
from voice.errors import DialogError
from voice.files import shown
from voice.rules import PathLimit, walk
from voice.schema import Dialog
from voice.understand.similar import EXAMPLES_FILE, parse_examples

PATHS_COUNTED = 10_000  # the summary counts the ways through up to this many


def check_files(files: Iterable[Path], models_dir: Path | None = None) -> list[str]:
    """Check each consultation (default: every installed locale); one summary line each."""
    paths = list(files) or [dialogs_root() / loc / CONSULTATION_FILE for loc in available_locales()]
    return [check_dialog(path, models_dir) for path in paths]


def check_dialog(path: Path, models_dir: Path | None = None) -> str:
    """Check one consultation file and its intents; raise DialogError on the first problem.

    Loading checks the structure, the sources and the placeholders (voice/validate.py); this
    adds that every grammar word is in each installed speech model of the locale, and that the
    labelled answers guesses are made from name the dialog's questions.
    """
    dialog = load_dialog(path=path)
    if (dialog.folder / SUMMARY_FILE).exists():
        load_summary_wording(dialog)  # the wording of `summaries`, checked as it is loaded
    if (dialog.folder / EXAMPLES_FILE).exists():  # read only at the first guess, so checked here
        parse_examples(dialog.folder / EXAMPLES_FILE, list(dialog.consultation.questions))
    problems: list[str] = []
    checked: list[str] = []
    for engine, missing in _vocabulary(dialog, models_dir):
        checked.append(engine)
        problems += [
            f"{dialog.consultation.intents}: grammar {grammar!r} uses words the {engine} "
            f"model lacks: {' '.join(sorted(words))}"
            for grammar, words in missing.items()
        ]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DialogError(f"{shown(path)}: {problems[0]}{more}")
    consultation = dialog.consultation
    vocabulary = f"; every grammar word is in the {' and '.join(checked)} model" if checked else ""
    return (
        f"ok: {shown(path)} ({len(consultation.questions)} questions, "
        f"{len(consultation.rules)} rules, {len(consultation.outcomes)} outcomes, "
        f"{_count_paths(dialog)}{vocabulary})"
    )


def _count_paths(dialog: Dialog) -> str:
    try:
        count = sum(1 for _ in walk(dialog.consultation, limit=PATHS_COUNTED))
    except PathLimit:
        return f"more than {PATHS_COUNTED} paths"
    return f"{count} paths"


def _vocabulary(
    dialog: Dialog, models_dir: Path | None
) -> Iterator[tuple[str, dict[str, set[str]]]]:
    """For each installed engine of the locale: grammar name -> words its model lacks."""
    from voice.asr import RecognitionSettings
    from voice.asr.engines import build_recognizer, installed_engines
    from voice.grammar.questions import Grammars

    grammars = Grammars(dialog).all()
    settings = RecognitionSettings(models_dir=models_dir)
    for choice in installed_engines(dialog.locale, models_dir):
        recognizer = build_recognizer(choice, settings)
        missing = {g.name: recognizer.missing_words(g) for g in grammars}
        yield choice.engine, {name: words for name, words in missing.items() if words}
