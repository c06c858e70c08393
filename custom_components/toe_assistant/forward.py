"""Forwarding one turn to the toe-assistant Wyoming service; no Home Assistant imports here.

The conversation entity (conversation.py) hands each turn to ``forward`` and turns the
``Forwarded`` value into Home Assistant's result; this module is tested on its own against
the real service (tests/test_ha_forward.py), and inside Home Assistant's harness with the rest.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info

TIMEOUT_S = 10.0  # the service answers a turn in milliseconds; this is for a dead one
TRANSCRIPT = "transcript"
MAX_EVENTS = 16  # events read while waiting for the answer (a service may send others first)


class ForwardError(Exception):
    """The service could not be reached, or did not answer the turn."""


@dataclass(frozen=True)
class Forwarded:
    """The service's answer to one turn."""

    handled: bool
    text: str = ""
    continue_conversation: bool = False  # the reply asks a question: keep listening


@dataclass(frozen=True)
class Turn:
    """One turn as Home Assistant hands it to a conversation agent."""

    text: str
    language: str | None
    conversation_id: str | None
    device_id: str | None = None
    satellite_id: str | None = None

    def event(self) -> Event:
        """The transcript event, its context as Home Assistant's own Wyoming agent sends it.

        Written out here because the ``Transcript`` of wyoming 1.5.4 (what Home Assistant
        2025.4 ships) has no ``language``; the wire format is the same in every version.
        """
        context = {
            name: value
            for name, value in (
                ("conversation_id", self.conversation_id),
                ("device_id", self.device_id),
                ("satellite_id", self.satellite_id),
            )
            if value
        }
        data: dict[str, object] = {"text": self.text, "context": context}
        if self.language:
            data["language"] = self.language
        return Event(type=TRANSCRIPT, data=data)


async def forward(host: str, port: int, turn: Turn, timeout_s: float = TIMEOUT_S) -> Forwarded:
    """Send one turn on a new connection (as Home Assistant does) and read the answer."""
    try:
        async with asyncio.timeout(timeout_s):
            async with AsyncTcpClient(host, port) as client:
                await client.write_event(turn.event())
                for _ in range(MAX_EVENTS):
                    event = await client.read_event()
                    if event is None:
                        raise ForwardError("the service closed the connection without answering")
                    data = event.data or {}  # wyoming 1.5.4 reads an event without data as None
                    if Handled.is_type(event.type):
                        keep = bool((data.get("context") or {}).get("continue_conversation"))
                        return Forwarded(True, str(data.get("text") or ""), keep)
                    if NotHandled.is_type(event.type):
                        return Forwarded(False, str(data.get("text") or ""))
                    if Error.is_type(event.type):
                        raise ForwardError(f"the service answered: {data.get('text')}")
    except (OSError, TimeoutError) as err:
        raise ForwardError(f"cannot reach the service at {host}:{port}: {err}") from err
    raise ForwardError(f"no answer among the first {MAX_EVENTS} events")


async def languages(host: str, port: int, timeout_s: float = TIMEOUT_S) -> list[str]:
    """The languages the service serves, from its ``info``; ForwardError if it serves none."""
    try:
        async with asyncio.timeout(timeout_s):
            async with AsyncTcpClient(host, port) as client:
                await client.write_event(Describe().event())
                for _ in range(MAX_EVENTS):
                    event = await client.read_event()
                    if event is None:
                        break
                    if Info.is_type(event.type):
                        info = Info.from_event(event)
                        found = {
                            lang for p in info.handle for m in p.models for lang in m.languages
                        }
                        if not found:
                            raise ForwardError(f"{host}:{port} is not a conversation service")
                        return sorted(found)
    except (OSError, TimeoutError) as err:
        raise ForwardError(f"cannot reach the service at {host}:{port}: {err}") from err
    raise ForwardError(f"{host}:{port} did not describe itself as a Wyoming service")
