"""toe-assistant for Home Assistant: a conversation agent that forwards to its Wyoming service.

Home Assistant's own Wyoming agent cannot ask a satellite to keep listening, so every answer
needs the wake word; this agent forwards each turn to the same service and, when the reply is
a question, sets ``continue_conversation`` (Home Assistant 2025.4 and later), so satellites
that honour it (ESPHome, Linux Voice Assistant) listen for the answer without the wake word.
Home Assistant is imported inside the functions, so forward.py can be tested without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

DOMAIN = "toe_assistant"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 10700


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up the conversation agent of one service."""
    from homeassistant.const import Platform

    await hass.config_entries.async_forward_entry_setups(entry, [Platform.CONVERSATION])
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Remove it again."""
    from homeassistant.const import Platform

    return await hass.config_entries.async_unload_platforms(entry, [Platform.CONVERSATION])
