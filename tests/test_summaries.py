"""Visit summaries: one complete line per consultation, private, told back in plain sentences."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.chat_driver import converse, toe_assistant
from tests.conftest import fill
from voice.check import check_dialog
from voice.content import Dialog, load_dialog, load_summary_wording
from voice.errors import DialogError, UsageError
from voice.events import Result
from voice.files import append_line
from voice.summaries import (
    SUMMARIES_FILE,
    Summary,
    describe,
    read_summaries,
    save_summary,
    summary_of,
    worth_saving,
)

NOON = datetime(2025, 3, 4, 12, 30, tzinfo=timezone.utc)
SEE_PROVIDER = Result(
    "see_provider",
    ("weakness",),
    {"weakness": "yes", "numbness": "no", "spreading": "no", "skin_changes": "no",
     "duration": 14.0, "remedies_helped": "no"},
)  # fmt: skip


def test_a_summary_line_holds_answers_outcome_and_reasons_and_nothing_else() -> None:
    line = summary_of(SEE_PROVIDER, "en", NOON).to_line()
    data = json.loads(line)
    assert set(data) == {"time", "locale", "answers", "outcome", "reasons", "ended"}
    assert data["answers"]["duration"] == 14.0 and data["reasons"] == ["weakness"]
    assert datetime.fromisoformat(data["time"]) == NOON
    assert Summary.from_json(data) == summary_of(SEE_PROVIDER, "en", NOON)


def test_only_consultations_that_reached_advice_are_worth_saving() -> None:
    assert worth_saving(SEE_PROVIDER)
    assert worth_saving(Result("see_provider", (), {"weakness": "unsure"}, "gave_up"))
    assert not worth_saving(Result(None, (), {"weakness": "no"}, "stopped"))


def test_saved_summaries_are_appended_complete_and_private(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    for _ in range(3):
        path = save_summary(folder, summary_of(SEE_PROVIDER, "en", NOON))
    assert path == folder / SUMMARIES_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    text = path.read_text()
    assert text.endswith("\n") and len(text.splitlines()) == 3
    assert [s.outcome for s in read_summaries(folder)] == ["see_provider"] * 3


def test_an_existing_file_is_made_private_again(tmp_path: Path) -> None:
    path = tmp_path / SUMMARIES_FILE
    path.write_text("")
    path.chmod(0o644)
    save_summary(tmp_path, summary_of(SEE_PROVIDER, "en", NOON))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_full_disk_leaves_the_file_as_it_was(full_disk: Path) -> None:
    save_summary(full_disk, summary_of(SEE_PROVIDER, "en", NOON))
    path = full_disk / SUMMARIES_FILE
    with path.open("ab") as handle:  # end on a page boundary: the next line needs a new page
        handle.write(b"\n" * (-path.stat().st_size % 4096))
    before = path.read_bytes()
    fill(full_disk)
    with pytest.raises(UsageError, match=r"No space left|cut short"):
        save_summary(full_disk, summary_of(SEE_PROVIDER, "en", NOON))
    assert path.read_bytes() == before  # no half line
    assert len(read_summaries(full_disk)) == 1


def test_append_line_writes_one_line_whatever_the_text_ends_with(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    append_line(path, '{"a": 1}\n')
    append_line(path, '{"a": 2}')
    assert path.read_text() == '{"a": 1}\n{"a": 2}\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    save_summary(tmp_path, summary_of(SEE_PROVIDER, "en", NOON))
    with (tmp_path / SUMMARIES_FILE).open("a") as handle:
        handle.write('{"time": \n[1, 2]\n')
    save_summary(tmp_path, summary_of(SEE_PROVIDER, "en", NOON))
    assert len(read_summaries(tmp_path)) == 2


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_each_outcome_reads_as_plain_sentences(locale: str) -> None:
    dialog = load_dialog(locale)
    wording = load_summary_wording(dialog)
    people = {
        "self_care": {"*": "no", "duration": "since yesterday", "readback": "yes"},
        "see_provider": {"*": "no", "weakness": "yes", "duration": "two weeks"},
        "see_provider_promptly": {"*": "no", "spreading": "yes", "duration": "three days"},
    }
    if locale == "ko":
        people = {
            "self_care": {"*": "아니요", "duration": "어제부터", "readback": "네"},
            "see_provider": {"*": "아니요", "weakness": "네", "duration": "일주일"},
            "see_provider_promptly": {"*": "아니요", "spreading": "네", "duration": "사흘"},
        }
    for outcome, answers in people.items():
        result = converse(answers, locale).result
        assert result["outcome"] == outcome
        summary = Summary.from_json({**result, "time": NOON.isoformat(), "locale": locale})
        lines = describe(summary, dialog, wording)
        text = "\n".join(lines)
        assert wording.outcomes[outcome] in text
        assert "{" not in text and "}" not in text
        for rule in dialog.consultation.rules:
            assert (rule.reason in text) == (rule.id in result["reasons"])
        labels = [q.label for q in dialog.consultation.questions.values()]
        assert sum(label[1:] in text for label in labels) == len(result["answers"])


def _dialog_copy(tmp_path: Path, summary_yaml: str) -> Dialog:
    folder = tmp_path / "en"
    folder.mkdir()
    for name in ("consultation.yaml", "intents.yaml"):
        (folder / name).write_text((load_dialog("en").folder / name).read_text())
    (folder / "summary.yaml").write_text(summary_yaml)
    source = load_dialog("en").folder.parent / "SOURCE.txt"
    (tmp_path / "SOURCE.txt").write_text(source.read_text())
    return load_dialog(path=folder / "consultation.yaml")


def test_summary_wording_is_checked_against_the_outcomes(tmp_path: Path) -> None:
    wording = (load_dialog("en").folder / "summary.yaml").read_text()
    dialog = _dialog_copy(tmp_path, wording.replace("  self_care:", "  self_caring:"))
    with pytest.raises(DialogError, match="no wording for self_care"):
        load_summary_wording(dialog)


@pytest.mark.slow
def test_summaries_command_prints_the_last_n(tmp_path: Path) -> None:
    for outcome in ("self_care", "see_provider", "see_provider_promptly"):
        result = Result(outcome, (), {"weakness": "no"})
        save_summary(tmp_path, summary_of(result, "en", NOON))
    done = subprocess.run(
        [*toe_assistant(), "summaries", str(tmp_path), "--last", "2"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Consultation of 2025-03-04") == 2
    assert "self-care" not in done.stdout  # the oldest is left out
    assert "see a healthcare provider promptly" in done.stdout
    assert "Weakness in your foot or leg: no." in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--last", "0"], "--last 0"),
        (["/nonexistent/folder"], "is not a folder"),
    ],
)
def test_summaries_bad_input_is_one_line(args: list[str], says: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STATE_DIRECTORY"}
    done = subprocess.run(
        [*toe_assistant(), "summaries", *args],
        capture_output=True, text=True, check=False, timeout=60, env=env,
    )  # fmt: skip
    assert done.returncode == 2
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_summaries_command_with_nothing_saved_says_so(tmp_path: Path) -> None:
    env = {**os.environ, "STATE_DIRECTORY": str(tmp_path), "LANG": "C"}
    done = subprocess.run(
        [*toe_assistant(), "summaries"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"No consultations are saved in {tmp_path}."


def test_check_dialogs_finds_a_stray_placeholder_in_the_summary_wording(tmp_path: Path) -> None:
    wording = (load_dialog("en").folder / "summary.yaml").read_text()
    dialog = _dialog_copy(tmp_path, wording.replace("{reasons}", "{reasons} {answers}"))
    with pytest.raises(
        DialogError, match=r"summary.yaml: because: unknown placeholder \{answers\}"
    ):
        check_dialog(dialog.folder / "consultation.yaml")
