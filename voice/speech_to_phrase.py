"""The consultation's spoken phrases as custom sentences for Home Assistant's Speech-to-Phrase.

Speech-to-Phrase (`--custom-sentences-dir DIR`) reads every ``DIR/<language>/*.yaml`` as a
hassil intents file and merges it into its own sentences before training (its ``train.py``:
``merge_dict`` then ``Intents.from_dict``), so it can only hear what those files list. The
export writes each intent the consultation listens for, and the start phrases, as plain
phrases compiled from the same templates as this project's own speech grammars: no lists or
expansion rules of ours that could clash with Speech-to-Phrase's, and every phrase comes back
as text the consultation understands.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import IO, Any, get_args

import yaml

from voice.content import Dialog
from voice.errors import DialogError
from voice.events import Kind
from voice.files import write_atomic
from voice.grammar import build_grammar
from voice.intents import listening_intents

_LOGGER = logging.getLogger(__name__)

START_INTENT = "start_consultation"  # voice.wyoming.starts.START_INTENT, without the import
FILE_NAME = "toe_assistant.yaml"
INTENT_PREFIX = "ToeAssistant"
# The languages Speech-to-Phrase 1.4.1 has models for (its const.py); others are written anyway
# for a later version, with a note.
SPEECH_TO_PHRASE_LANGUAGES = frozenset(
    {"ca", "cs", "de", "el", "en", "es", "eu", "fa", "fi", "fr", "hi", "it", "mn", "nl", "pl"}
    | {"pt", "ro", "ru", "sl", "sw", "tr"}
)
_TEMPLATE_SYNTAX = re.compile(r"[\[\]()<>{}|]")
_KINDS = ("yes_no", "duration")
_AWAITING = get_args(Kind)  # every turn, the self-care ending's questions too


def spoken_intents(dialog: Dialog) -> list[str]:
    """Every intent a spoken answer may carry in this consultation, and the start phrases."""
    names = [n for kind in _KINDS for a in _AWAITING for n in listening_intents(kind, a)]
    if START_INTENT in dialog.intents.intents:
        names.append(START_INTENT)
    return list(dict.fromkeys(names))


def intent_name(intent: str) -> str:
    """``answer_yes`` -> ``ToeAssistantAnswerYes``: clear of Home Assistant's own names."""
    return INTENT_PREFIX + "".join(part.capitalize() for part in intent.split("_"))


def custom_sentences(dialog: Dialog) -> dict[str, Any]:
    """The hassil intents dict Speech-to-Phrase merges: one intent per spoken intent."""
    intents: dict[str, Any] = {}
    for intent in spoken_intents(dialog):
        grammar = build_grammar(dialog.intents, [intent], intent, dialog.locale)
        phrases = [p for p in grammar.phrases if p]
        for phrase in phrases:
            if _TEMPLATE_SYNTAX.search(phrase):  # normalize_words keeps words only; be sure
                raise DialogError(f"{intent}: phrase {phrase!r} would read as template syntax")
        if phrases:
            intents[intent_name(intent)] = {"data": [{"sentences": phrases}]}
    return {"language": dialog.locale, "intents": intents}


def export(dialog: Dialog, folder: Path) -> Path:
    """Write ``folder/<locale>/toe_assistant.yaml``; the path written."""
    if dialog.locale not in SPEECH_TO_PHRASE_LANGUAGES:
        _LOGGER.warning(
            "Speech-to-Phrase 1.4.1 has no model for %r: the sentences are written, but only a "
            "later version with such a model will use them",
            dialog.locale,
        )
    data = custom_sentences(dialog)
    path = folder / dialog.locale / FILE_NAME
    text = (
        "# toe-assistant: the consultation's phrases for Speech-to-Phrase "
        "(written by `toe-assistant sentences`; do not edit, export again)\n"
        + yaml.dump(data, Dumper=_Quoted, allow_unicode=True, sort_keys=False, width=1000)
    )

    def write(handle: IO[bytes]) -> None:
        handle.write(text.encode("utf-8"))

    write_atomic(path, write, "the custom sentences")
    return path


class _Quoted(yaml.SafeDumper):
    """Every string double-quoted, as Speech-to-Phrase asks ("no" stays a word, not false)."""


def _quoted_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_Quoted.add_representer(str, _quoted_str)
