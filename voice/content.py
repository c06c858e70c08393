"""The consultation as data: dialogs/<locale>/ found, loaded and checked once where it enters.

The schema is in voice/schema.py; its names are also importable from here.
"""

from __future__ import annotations

import os
from pathlib import Path

from hassil import Intents

from voice.errors import DialogError
from voice.files import inside, load_yaml, read_yaml, shown, validate
from voice.schema import (
    SOURCE_FILE,
    Answer,
    AnswerValue,
    Condition,
    Consultation,
    Dialog,
    DurationTest,
    DurationWords,
    IntentsFile,
    Outcome,
    Phrases,
    Question,
    Rule,
    Settings,
    SummaryWording,
    Tip,
    Triggers,
)
from voice.validate import check, summary_problems

__all__ = [
    "SOURCE_FILE",
    "Answer",
    "AnswerValue",
    "Condition",
    "Consultation",
    "Dialog",
    "DurationTest",
    "DurationWords",
    "Outcome",
    "Phrases",
    "Question",
    "Rule",
    "Settings",
    "SummaryWording",
    "Tip",
    "Triggers",
    "available_locales",
    "dialogs_root",
    "load_dialog",
    "load_summary_wording",
    "parse_consultation",
    "parse_intents",
]

DEFAULT_LOCALE = "en"
DIALOGS_ENV = "TOE_ASSISTANT_DIALOGS"
CONSULTATION_FILE = "consultation.yaml"
SUMMARY_FILE = "summary.yaml"  # how `toe-assistant summaries` words a saved consultation


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
    check(dialog, shown(path))
    return dialog
