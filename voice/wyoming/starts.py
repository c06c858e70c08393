"""Start phrases: what begins a consultation when nobody is in one ("toe check")."""

from __future__ import annotations

import dataclasses

from hassil import Intents, recognize_best

from voice.content import Dialog
from voice.errors import DialogError
from voice.intents import MAX_ANSWER_CHARS

START_INTENT = "start_consultation"
# The intent requires this context (dialogs/<locale>/intents.yaml): only the service gives it,
# so the consultation's own understanding, which passes none, never matches a start phrase.
IDLE_CONTEXT = {"consultation": "none"}


class StartPhrases:
    """Matches text against one dialog's start phrases only."""

    def __init__(self, dialog: Dialog) -> None:
        intent = dialog.intents.intents.get(START_INTENT)
        if intent is None:
            raise DialogError(
                f"{dialog.consultation.intents} ({dialog.locale}): intent {START_INTENT!r} is "
                "missing; the Home Assistant agent needs the phrases that start a consultation"
            )
        self._intents: Intents = dataclasses.replace(dialog.intents, intents={START_INTENT: intent})

    def starts(self, text: str) -> bool:
        """Does ``text`` ask for a consultation ("my little toe is twitching", "toe check")?"""
        cleaned = text.strip()
        if not cleaned or len(cleaned) > MAX_ANSWER_CHARS:
            return False
        found = recognize_best(
            cleaned, self._intents, intent_context=IDLE_CONTEXT, language=self._intents.language
        )
        return found is not None
