"""check-dialogs passes the shipped dialogs and rejects deliberately broken copies."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.chat_driver import toe_assistant
from voice.cli import main
from voice.content import dialogs_root


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_check(capsys: pytest.CaptureFixture[str]) -> Callable[..., Done]:
    """`toe-assistant check-dialogs FILE...` in process: its exit code and output."""

    def run(*files: Path) -> Done:
        code = main(["check-dialogs", *map(str, files)])
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return run


def test_shipped_dialogs_pass() -> None:
    done = subprocess.run(
        [*toe_assistant(), "check-dialogs"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "ok:" in done.stdout and "en/consultation.yaml" in done.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the dialogs tree, to break."""
    root = tmp_path / "dialogs"
    shutil.copytree(dialogs_root(), root)
    return root / "en" / "consultation.yaml"


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def drop_source(d: dict) -> None:
    del d["questions"]["weakness"]["source"]


def unknown_key(d: dict) -> None:
    d["questions"]["numbness"]["colour"] = "blue"


def unread_question(d: dict) -> None:
    d["rules"] = [r for r in d["rules"] if "numbness" not in r["when"]]


def unreached_outcome(d: dict) -> None:
    for rule in d["rules"]:
        if rule["outcome"] == "see_provider_promptly":
            rule["outcome"] = "see_provider"


def endless_path(d: dict) -> None:
    d["questions"]["remedies_helped"]["next"] = "weakness"
    d["questions"]["weakness"]["next"] = "duration"


def unknown_goto(d: dict) -> None:
    d["questions"]["skin_changes"]["next"] = "nowhere"


def invented_source(d: dict) -> None:
    d["rules"][0]["source"] = "Twitching toes mean you should eat more chocolate."


def unknown_placeholder(d: dict) -> None:
    d["outcomes"]["see_provider"]["say"][0]["text"] = "See a provider about {diagnosis}."


BROKEN = [
    (drop_source, "questions.weakness.source"),
    (unknown_key, "colour"),
    (unread_question, "no rule reads"),
    (unreached_outcome, "reached by no path"),
    (endless_path, "never ends"),
    (unknown_goto, "nowhere"),
    (invented_source, "not found in SOURCE.txt"),
    (unknown_placeholder, "{diagnosis}"),
]


@pytest.mark.parametrize(("change", "says"), BROKEN, ids=[c.__name__ for c, _ in BROKEN])
def test_broken_consultation_is_rejected(
    run_check: Callable[..., Done], copy: Path, change: Callable, says: str
) -> None:
    edit(copy, change)
    done = run_check(copy)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(copy) in lines[0] and says in lines[0]
    assert "Traceback" not in done.stderr


def test_intent_without_sentences_is_rejected(run_check: Callable[..., Done], copy: Path) -> None:
    intents = copy.parent / "intents.yaml"
    edit(intents, lambda d: d["intents"]["why"]["data"][0].update(sentences=[]))
    done = run_check(copy)
    assert done.returncode == 2
    assert "intents.yaml" in done.stderr and "sentences" in done.stderr


def test_missing_required_intent_is_rejected(run_check: Callable[..., Done], copy: Path) -> None:
    edit(copy.parent / "intents.yaml", lambda d: d["intents"].pop("repeat"))
    done = run_check(copy)
    assert done.returncode == 2 and "'repeat' is missing" in done.stderr


def test_labelled_answers_for_an_unknown_question_are_rejected(
    run_check: Callable[..., Done], copy: Path
) -> None:
    examples = copy.parent / "examples.yaml"
    assert examples.exists(), "the copy should hold the shipped labelled answers"
    examples.write_text(examples.read_text(encoding="utf-8") + "ankle: [[no, {}]]\n", "utf-8")
    done = run_check(copy)
    assert done.returncode == 2
    assert "examples.yaml" in done.stderr and "'ankle' is not a question" in done.stderr


def test_yaml_syntax_error_names_file_and_line(run_check: Callable[..., Done], copy: Path) -> None:
    lines = copy.read_text(encoding="utf-8").splitlines()
    lines[20] = "  broken: [unclosed"
    copy.write_text("\n".join(lines), encoding="utf-8")
    done = run_check(copy)
    assert done.returncode == 2
    assert f"{copy}:2" in done.stderr  # the line YAML reports
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(copy: Path) -> None:
    edit(copy, drop_source)
    done = subprocess.run(
        [*toe_assistant(), "--debug", "check-dialogs", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_missing_file_is_one_line(run_check: Callable[..., Done], tmp_path: Path) -> None:
    done = run_check(tmp_path / "nope.yaml")
    assert done.returncode == 2 and "cannot read" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_grammar_word_missing_from_the_model_is_rejected(
    run_check: Callable[..., Done], copy: Path
) -> None:
    def add_unknown_word(d: dict) -> None:
        d["intents"]["answer_yes"]["data"][0]["sentences"].append("yes zyzzogeton")

    edit(copy.parent / "intents.yaml", add_unknown_word)
    done = run_check(copy)
    assert done.returncode == 2
    assert "pocketsphinx model lacks: zyzzogeton" in done.stderr
