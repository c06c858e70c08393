"""Adding the service: its host and port, checked by asking it to describe itself."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT

from . import DEFAULT_HOST, DEFAULT_PORT, DOMAIN
from .forward import ForwardError, languages

CONF_LANGUAGES = "languages"


class ToeAssistantConfigFlow(ConfigFlow, domain=DOMAIN):
    """One entry per service (host and port)."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the host and port; refuse what is not a toe-assistant service."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host, port = user_input[CONF_HOST], user_input[CONF_PORT]
            await self.async_set_unique_id(f"{host}:{port}")
            self._abort_if_unique_id_configured()
            try:
                served = await languages(host, port)
            except ForwardError:
                errors["base"] = "cannot_connect"
            else:
                return self.async_create_entry(
                    title=f"toe-assistant ({host}:{port})",
                    data={CONF_HOST: host, CONF_PORT: port, CONF_LANGUAGES: served},
                )
        schema = vol.Schema(
            {
                vol.Required(CONF_HOST, default=DEFAULT_HOST): str,
                vol.Required(CONF_PORT, default=DEFAULT_PORT): int,
            }
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)
