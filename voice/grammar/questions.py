"""Each question's speech grammar for one dialog, built once from its intents."""

from __future__ import annotations

from voice.content import Dialog
from voice.grammar import Grammar, build_grammar
from voice.intents import listening_intents


class Grammars:
    """Each question's speech grammar, built once from the dialog's intents."""

    def __init__(self, dialog: Dialog) -> None:
        self._dialog = dialog
        self._built: dict[tuple[str, bool], Grammar] = {}

    def get(self, question: str, confirming: bool = False) -> Grammar:
        kind = self._dialog.consultation.questions[question].kind
        key = (kind, confirming and kind != "yes_no")
        if key not in self._built:
            name = f"{kind}_confirm" if key[1] else kind
            intents = listening_intents(kind, confirming=key[1])
            self._built[key] = build_grammar(
                self._dialog.intents, intents, name, self._dialog.locale
            )
        return self._built[key]

    def all(self) -> list[Grammar]:
        """Every grammar the consultation can listen with."""
        for question in self._dialog.consultation.questions:
            self.get(question)
            self.get(question, confirming=True)
        return list(self._built.values())
