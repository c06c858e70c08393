"""`toe-assistant sentences --format speech-to-phrase`: custom sentences Speech-to-Phrase reads.

Speech-to-Phrase is not on PyPI, so its trainer cannot run here; the file is loaded with the
calls its train.py makes (hassil's ``merge_dict`` into the language's sentences, then
``Intents.from_dict``), read with a YAML 1.2 and a YAML 1.1 loader, and every phrase is checked
to come back as what the consultation understands.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from hassil import Intents, merge_dict

from tests.chat_driver import shipped_dialog, toe_assistant
from voice.cli import main
from voice.grammar.questions import Grammars
from voice.speech_to_phrase import FILE_NAME, custom_sentences, export, intent_name
from voice.understand import understanding_for
from voice.wyoming.starts import START_INTENT, StartPhrases

# A small stand-in for Speech-to-Phrase's own en.yaml after LanguageData.to_intents_dict():
# lists and rules of its own, which the export must not need or clash with.
THEIRS = {
    "language": "en",
    "intents": {"HassTurnOn": {"data": [{"sentences": ["turn on [the] {name}"]}]}},
    "lists": {"name": {"values": ["kitchen light"]}},
    "expansion_rules": {"area": "{area}"},
}


def load_as_speech_to_phrase(path: Path) -> Intents:
    """What Speech-to-Phrase's train.py does with a custom sentences file."""
    sentences = {k: (dict(v) if isinstance(v, dict) else v) for k, v in THEIRS.items()}
    merge_dict(sentences, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return Intents.from_dict(sentences)


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_export_loads_as_speech_to_phrase_loads_it(locale: str, tmp_path: Path) -> None:
    path = export(shipped_dialog(locale), tmp_path)
    assert path == tmp_path / locale / FILE_NAME
    intents = load_as_speech_to_phrase(path)
    ours = {n for n in intents.intents if n.startswith("ToeAssistant")}
    assert intent_name(START_INTENT) in ours and intent_name("answer_duration") in ours
    assert "HassTurnOn" in intents.intents  # theirs kept, nothing renamed
    assert intents.slot_lists.keys() == {"name"}  # the export adds no list of its own


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_every_exported_phrase_is_understood_as_its_intent(locale: str) -> None:
    dialog = shipped_dialog(locale)
    understanding, starts = understanding_for(dialog.intents), StartPhrases(dialog)
    wrong: list[tuple[object, ...]] = []
    for name, spec in custom_sentences(dialog)["intents"].items():
        phrases = spec["data"][0]["sentences"]
        for phrase in phrases[:: max(1, len(phrases) // 60)]:
            if name == intent_name(START_INTENT):
                if not starts.starts(phrase):
                    wrong.append((name, phrase))
                continue
            # read as at the turn that asks for it ("오래 됐어요" to "more or less than…?")
            intents = [i for i in dialog.intents.intents if intent_name(i) == name]
            meanings = understanding.read(phrase, prefer=intents).meanings
            if [intent_name(m.intent) for m in meanings] != [name]:
                wrong.append((name, phrase, meanings))
    assert wrong == []


def test_export_holds_every_phrase_the_consultation_listens_for() -> None:
    dialog = shipped_dialog("en")
    specs = custom_sentences(dialog)["intents"].values()
    exported = {p for spec in specs for p in spec["data"][0]["sentences"]}
    listened = {p for g in Grammars(dialog).all() for p in g.phrases}
    assert listened - exported == set()


def test_every_string_is_quoted_so_no_stays_a_word(tmp_path: Path) -> None:
    """ "no" unquoted is false to a YAML 1.1 reader; Speech-to-Phrase asks for quotes."""
    path = export(shipped_dialog("en"), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert '- "no"' in text and "- no\n" not in text
    loaded = yaml.load(text, Loader=yaml.BaseLoader)  # no type guessing at all
    assert loaded == yaml.safe_load(text)
    assert "no" in loaded["intents"][intent_name("answer_no")]["data"][0]["sentences"]


@pytest.mark.slow
def test_command_writes_one_file_per_locale(tmp_path: Path) -> None:
    """The installed command, as a person runs it."""
    done = subprocess.run(
        [*toe_assistant(), "sentences", "--format", "speech-to-phrase", str(tmp_path),
         "--locale", "en", "--locale", "ko"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(tmp_path / x / FILE_NAME) for x in ("en", "ko")]
    assert "no model for 'ko'" in done.stderr  # Speech-to-Phrase has no Korean model yet


def test_writing_again_replaces_the_file(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / FILE_NAME).write_text("old")
    assert main(["sentences", str(tmp_path), "--locale", "en"]) == 0
    assert capfd.readouterr().out.split() == [str(tmp_path / "en" / FILE_NAME)]
    assert (tmp_path / "en" / FILE_NAME).read_text().count("\n") > 1000


@pytest.mark.parametrize(
    ("args", "says"),
    [(["--format", "whisper"], "invalid choice"), (["--locale", "xx"], "unknown locale")],
)
def test_bad_use_is_one_line_and_exit_2(
    args: list[str], says: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code = main(["sentences", str(tmp_path), *args])
    err = capfd.readouterr().err
    assert code == 2 and err.count("\n") == 1 and says in err, err


def test_a_folder_that_cannot_be_written_is_one_line(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(["sentences", str(blocker), "--locale", "en"])
    err = capfd.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot write" in err, err
