"""The conversation entity: each turn forwarded, a question keeps the satellite listening."""

from __future__ import annotations

import logging
from typing import Literal

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .config_flow import CONF_LANGUAGES
from .forward import ForwardError, Turn, forward

_LOGGER = logging.getLogger(__name__)


async def async_setup_entry(
    hass: HomeAssistant, entry: ConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    """One agent per configured service."""
    async_add_entities([ToeAssistantAgent(entry)])


class ToeAssistantAgent(conversation.ConversationEntity, conversation.AbstractConversationAgent):
    """Forwards every turn to the toe-assistant Wyoming service."""

    _attr_has_entity_name = True
    _attr_name = None

    def __init__(self, entry: ConfigEntry) -> None:
        self._host: str = entry.data[CONF_HOST]
        self._port: int = entry.data[CONF_PORT]
        self._languages: list[str] = list(entry.data.get(CONF_LANGUAGES, []))
        self._attr_unique_id = entry.entry_id

    @property
    def supported_languages(self) -> list[str] | Literal["*"]:
        """The languages the service said it serves."""
        return self._languages or "*"

    async def _async_handle_message(
        self, user_input: conversation.ConversationInput, chat_log: conversation.ChatLog
    ) -> conversation.ConversationResult:
        """Forward the turn; speak the reply; keep listening when it asks something."""
        response = intent.IntentResponse(language=user_input.language)
        turn = Turn(
            text=user_input.text,
            language=user_input.language,
            conversation_id=chat_log.conversation_id,
            device_id=user_input.device_id,
            satellite_id=getattr(user_input, "satellite_id", None),
        )
        try:
            reply = await forward(self._host, self._port, turn)
        except ForwardError as err:
            _LOGGER.warning("toe-assistant: %s", err)
            response.async_set_error(intent.IntentResponseErrorCode.UNKNOWN, str(err))
            return conversation.ConversationResult(response, chat_log.conversation_id)
        if not reply.handled:
            # Not a consultation: as Home Assistant's Wyoming agent answers not-handled.
            response.async_set_error(intent.IntentResponseErrorCode.FAILED_TO_HANDLE, reply.text)
            return conversation.ConversationResult(response, chat_log.conversation_id)
        chat_log.async_add_assistant_content_without_tools(
            conversation.AssistantContent(agent_id=user_input.agent_id, content=reply.text)
        )
        response.async_set_speech(reply.text)
        return conversation.ConversationResult(
            response=response,
            conversation_id=chat_log.conversation_id,
            continue_conversation=reply.continue_conversation,
        )
