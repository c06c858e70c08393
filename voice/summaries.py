"""Visit summaries, only when asked for: one JSON line per finished consultation, told back plainly.

A line holds the time, the locale, each answer as understood, the outcome, the reasons and
how it ended: no audio and no transcript. It is appended in one write and fsynced, to a file
only its owner can read (files.append_line).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from voice.errors import UsageError
from voice.events import STOPPED, Result
from voice.files import append_line, read_text, shown
from voice.schema import AnswerValue, Dialog, SummaryWording
from voice.wording import answer_words, fill, join

_LOGGER = logging.getLogger(__name__)

SUMMARIES_FILE = "summaries.jsonl"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
MAX_SUMMARIES_BYTES = 50_000_000  # about 150,000 consultations


@dataclass(frozen=True)
class Summary:
    """What is kept of one consultation."""

    time: str  # ISO 8601, local time with its offset
    locale: str
    answers: dict[str, AnswerValue]
    outcome: str | None
    reasons: tuple[str, ...]
    ended: str

    def to_line(self) -> str:
        """The JSON line written for it."""
        return json.dumps({**asdict(self), "reasons": list(self.reasons)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: Any) -> Summary:
        """Back from a parsed line; ValueError when it is not one of ours."""
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            raise ValueError("not a summary")
        return cls(
            time=str(data["time"]),
            locale=str(data["locale"]),
            answers=dict(data["answers"]),
            outcome=data.get("outcome"),
            reasons=tuple(str(r) for r in data.get("reasons", [])),
            ended=str(data.get("ended", "finished")),
        )


def worth_saving(result: Result) -> bool:
    """A consultation that reached advice is saved; one the person stopped, or in which
    nobody ever answered (a wake word heard by mistake), is not."""
    return result.ended != STOPPED and result.outcome is not None and result.heard


def summary_of(result: Result, locale: str, now: datetime | None = None) -> Summary:
    """The summary of a result, stamped with the local time."""
    stamp = (now or datetime.now()).astimezone().isoformat(timespec="seconds")
    return Summary(
        stamp, locale, dict(result.answers), result.outcome, tuple(result.reasons), result.ended
    )


def prepare_folder(folder: Path) -> None:
    """Make the summaries folder (private) if it is new; UsageError if it cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"summaries folder {shown(folder)}: not a folder")
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(
            f"cannot create the summaries folder {shown(folder)}: {err.strerror}"
        ) from err
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"summaries folder {shown(folder)}: this user cannot write there")


def save_summary(folder: Path, summary: Summary) -> Path:
    """Append the summary to ``folder``/summaries.jsonl (the folder made private if new)."""
    prepare_folder(folder)
    path = folder / SUMMARIES_FILE
    append_line(path, summary.to_line(), "the visit summary", FILE_MODE)
    return path


def read_summaries(folder: Path) -> list[Summary]:
    """Every summary saved in ``folder``, oldest first; a damaged line is skipped and logged."""
    path = folder / SUMMARIES_FILE
    if not folder.is_dir():
        raise UsageError(f"{shown(folder)} is not a folder; give the --save-summaries folder")
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(read_text(path, UsageError, MAX_SUMMARIES_BYTES).splitlines()):
        if not line.strip():
            continue
        try:
            found.append(Summary.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            _LOGGER.warning("%s:%d: not a summary line, skipped", shown(path), number + 1)
    return found


def describe(summary: Summary, dialog: Dialog, wording: SummaryWording) -> list[str]:
    """The summary as plain sentences in the dialog's language, one per line."""
    consultation = dialog.consultation
    date, time = _when(summary.time)
    lines = [fill(wording.heading, date=date, time=time)]
    for question, spec in consultation.questions.items():
        if question in summary.answers:
            answer = answer_words(consultation, summary.answers[question])
            label = spec.label[:1].upper() + spec.label[1:]
            lines.append(fill(wording.answer, label=label, answer=answer))
    if summary.outcome in wording.outcomes:
        lines.append(fill(wording.advice, advice=wording.outcomes[summary.outcome]))
        reasons = [r.reason for r in consultation.rules if r.id in summary.reasons]
        if reasons:
            lines.append(fill(wording.because, reasons=join(consultation, reasons)))
    if summary.ended in wording.ended:
        lines.append(wording.ended[summary.ended])
    lines.append(wording.note)
    return lines


def _when(stamp: str) -> tuple[str, str]:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp, ""
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M")
