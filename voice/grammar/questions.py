"""Each question's speech grammar for one dialog, built once from its intents."""

from __future__ import annotations

from voice.content import Dialog
from voice.grammar import Grammar, build_grammar
from voice.intents import listening_intents


class Grammars:
    """Each question's speech grammar, built once from the dialog's intents."""

    def __init__(self, dialog: Dialog) -> None:
        self._dialog = dialog
        self._built: dict[str, Grammar] = {}

    def get(self, question: str, awaiting: str = "answer") -> Grammar:
        """The grammar for an answer, a confirmation, a follow-up, or (question "readback")
        the readback."""
        questions = self._dialog.consultation.questions
        kind = questions[question].kind if question in questions else "yes_no"
        if question not in questions or awaiting == "readback":
            awaiting = "readback"
        elif awaiting == "confirm" and kind == "yes_no":
            awaiting = "answer"  # yes and no are in the grammar already
        intents = listening_intents(kind, awaiting)
        name = kind if awaiting == "answer" else f"{kind}_{awaiting}"
        if awaiting == "readback":
            name = "readback"
        if name not in self._built:
            self._built[name] = build_grammar(
                self._dialog.intents, intents, name, self._dialog.locale
            )
        return self._built[name]

    def all(self) -> list[Grammar]:
        """Every grammar the consultation can listen with."""
        for name, question in self._dialog.consultation.questions.items():
            for awaiting in ("answer", "confirm"):
                self.get(name, awaiting)
            if question.follow_up:
                self.get(name, "follow_up")
        self.get("readback", "readback")
        return list(self._built.values())
