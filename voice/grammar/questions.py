"""Each question's speech grammar for one dialog, built once from its intents."""

from __future__ import annotations

from voice.events import MORE_TIPS, READBACK, TRIGGERS, WHICH, Awaiting
from voice.grammar import Grammar, build_grammar
from voice.intents import listening_intents
from voice.schema import Dialog


class Grammars:
    """Each turn's speech grammar, built once from the dialog's intents."""

    def __init__(self, dialog: Dialog) -> None:
        self._dialog = dialog
        self._built: dict[str, Grammar] = {}

    def get(self, awaiting: Awaiting) -> Grammar:
        """The grammar for what the dialog awaits: an answer, a confirmation, a follow-up,
        the readback, "What is different?", or the self-care ending's questions."""
        kind = awaiting.question_kind
        turn: str = awaiting.kind
        if turn in ("readback", "which", "triggers", "more_tips"):
            name = turn
        elif turn == "confirm" and kind == "yes_no":
            turn, name = "answer", kind  # yes and no are in the grammar already
        else:
            name = kind if turn == "answer" else f"{kind}_{turn}"
        if name not in self._built:
            intents = listening_intents(kind, turn)
            self._built[name] = build_grammar(
                self._dialog.intents, intents, name, self._dialog.locale
            )
        return self._built[name]

    def all(self) -> list[Grammar]:
        """Every grammar the consultation can listen with."""
        for name, question in self._dialog.consultation.questions.items():
            self.get(Awaiting(name, "answer", question_kind=question.kind))
            self.get(Awaiting(name, "confirm", question_kind=question.kind))
            if question.follow_up:
                self.get(Awaiting(name, "follow_up", question_kind=question.kind))
        self.get(Awaiting(READBACK, "readback"))
        self.get(Awaiting(WHICH, "which"))
        if self._dialog.consultation.triggers is not None:
            self.get(Awaiting(TRIGGERS, "triggers"))
            self.get(Awaiting(MORE_TIPS, "more_tips"))
        return list(self._built.values())
