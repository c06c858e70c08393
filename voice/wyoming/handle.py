"""One turn from Home Assistant to one reply: into its consultation, a new one, or not ours.

Rules for the words Home Assistant's speech-to-text sends (docs/home-assistant.md):
- Wyoming carries no confidence, so an answer counts as heard clearly (as typed text does);
  a "stop" is still confirmed ("Do you want to stop here?") as a spoken one is, since a
  misheard stop ends with no advice; and self-care is given only after the answers were read
  back and confirmed, as always (the engine's rule).
- Words that start no consultation and belong to none are not handled, so Home Assistant can
  answer them itself. A start phrase said during a consultation is an answer like any other.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice.content import Dialog
from voice.dialog import Conversation
from voice.errors import ToeAssistantError
from voice.events import Event, Prompt, Result, Say
from voice.summaries import save_summary, summary_of, worth_saving
from voice.wyoming.conversations import Conversations, Full
from voice.wyoming.starts import StartPhrases

_LOGGER = logging.getLogger(__name__)

HEARD_CONFIDENCE = 1.0  # Wyoming's transcript has none: heard text counts as heard clearly
# Where a transcript's context names its conversation, in order: Home Assistant always sends
# conversation_id; a client without one is held by its satellite or device.
KEY_FIELDS = ("conversation_id", "satellite_id", "device_id")
MAX_KEY_CHARS = 256


@dataclass(frozen=True)
class Request:
    """One turn as Home Assistant sends it."""

    text: str
    language: str | None = None  # "en", "en-US", "ko-KR"; None: the service's first locale
    context: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Reply:
    """What the service answers: the words to speak, or not handled."""

    handled: bool
    text: str = ""
    awaiting: str | None = None  # the question the reply asks (None: it asks nothing)
    key: str | None = None
    result: Result | None = None  # set when the consultation ended with this reply
    locale: str | None = None

    @property
    def continues(self) -> bool:
        """Does the reply ask something, so the satellite should listen again?"""
        return self.awaiting is not None

    def context(self) -> dict[str, Any]:
        """The ``handled`` event's context: enough for a client to keep listening."""
        context: dict[str, Any] = {"continue_conversation": self.continues}
        if self.awaiting is not None:
            context["awaiting"] = self.awaiting
        return context


NOT_HANDLED = Reply(handled=False)


def conversation_key(context: Mapping[str, Any] | None) -> str | None:
    """The key a turn's consultation is held under, from its context; None without one."""
    for field in KEY_FIELDS:
        value = (context or {}).get(field)
        if isinstance(value, str) and value.strip() and len(value) <= MAX_KEY_CHARS:
            return f"{field}:{value}"
    return None


def spoken_text(events: list[Event]) -> str:
    """Everything the assistant says in ``events``, as one utterance."""
    return " ".join(e.text for e in events if isinstance(e, (Prompt, Say)))


class Desk:
    """Takes each turn: the consultation of its conversation, a new one, or not handled."""

    def __init__(self, dialogs: Mapping[str, Dialog], consultations: Conversations) -> None:
        if not dialogs:
            raise ValueError("no dialog to serve")
        self.dialogs = dict(dialogs)
        self.consultations = consultations
        self._starts = {locale: StartPhrases(dialog) for locale, dialog in self.dialogs.items()}

    @property
    def locales(self) -> list[str]:
        """The locales served, the default first."""
        return list(self.dialogs)

    def take(self, request: Request) -> Reply:
        """The reply to one turn."""
        key = conversation_key(request.context)
        if key is None:
            _LOGGER.warning(
                "a transcript without conversation_id, satellite_id or device_id: not handled "
                "(Home Assistant's Wyoming agent drops them with wyoming before 1.7; use the "
                "custom component, docs/home-assistant.md)"
            )
            return NOT_HANDLED
        active = self.consultations.get(key)
        if active is not None:
            try:
                events = active.conversation.hear(request.text, HEARD_CONFIDENCE)
            except BaseException:
                self.consultations.end(key)  # its state is unknown now: it cannot go on
                raise
            return self._reply(key, active.locale, active.conversation, events)
        locale = self.locale_for(request.language)
        if locale is None or not self._starts[locale].starts(request.text):
            _LOGGER.debug("not a consultation (%s): %r", request.language, request.text)
            return NOT_HANDLED
        conversation = Conversation(self.dialogs[locale], check_stop=True)
        try:
            self.consultations.add(key, conversation, locale)
        except Full as err:
            _LOGGER.warning("no consultation started: %s (the most allowed)", err)
            return NOT_HANDLED
        _LOGGER.info("consultation started (%s; %d in progress)", locale, len(self.consultations))
        return self._reply(key, locale, conversation, conversation.start())

    def locale_for(self, language: str | None) -> str | None:
        """The served locale for a transcript's language ("en-US" -> "en"); None if not served."""
        if not language:
            return self.locales[0]
        primary = language.replace("_", "-").split("-")[0].lower()
        return primary if primary in self.dialogs else None

    def _reply(
        self, key: str, locale: str, conversation: Conversation, events: list[Event]
    ) -> Reply:
        result = conversation.result
        awaiting = conversation.awaiting
        if result is not None:
            self.consultations.end(key)
            _LOGGER.info(
                "consultation over (%s; %d in progress)", result.ended, len(self.consultations)
            )
        return Reply(
            handled=True,
            text=spoken_text(events),
            awaiting=None if awaiting is None else awaiting.question,
            key=key,
            result=result,
            locale=locale,
        )


def record(folder: Path | None, reply: Reply) -> None:
    """Keep the summary of a consultation that just ended, when summaries are kept at all."""
    if folder is None or reply.result is None or reply.locale is None:
        return
    if not worth_saving(reply.result):
        return
    try:
        path = save_summary(folder, summary_of(reply.result, reply.locale))
    except ToeAssistantError as err:
        _LOGGER.warning("summary not saved (nothing was written): %s", err)
        return
    _LOGGER.info("summary saved to %s", path)
