"""The custom component's forwarding (custom_components/toe_assistant/forward.py), on its own.

It has no Home Assistant import, so it runs here against the real service; the component as
a whole runs inside Home Assistant's own test harness in ha_tests/ (scripts/test-ha).
"""

from __future__ import annotations

import asyncio
import socket

import pytest
from wyoming.error import Error
from wyoming.event import async_write_event

from custom_components.toe_assistant.forward import (
    Forwarded,
    ForwardError,
    Turn,
    forward,
    languages,
)
from tests.chat_driver import converse
from tests.wyoming_driver import service

SELF_CARE = {"*": "no", "duration": "two days", "readback": "yes"}


def test_a_consultation_forwarded_keeps_listening_until_the_advice() -> None:
    async def scenario() -> list[Forwarded]:
        replies = []
        async with service() as running:
            text: str | None = "my little toe is twitching"
            asked = converse(SELF_CARE).asked
            while text is not None:
                turn = Turn(text, "en", conversation_id="01HX", satellite_id="kitchen")
                replies.append(await forward(running.host, running.port, turn))
                question = asked[len(replies) - 1] if len(replies) <= len(asked) else None
                text = None if question is None else SELF_CARE.get(question, "no")
        return replies

    replies = asyncio.run(scenario())
    asked = converse(SELF_CARE).asked
    assert [r.continue_conversation for r in replies] == [True] * len(asked) + [False]
    assert all(r.handled for r in replies)
    assert " ".join(r.text for r in replies) == converse(SELF_CARE).said()


def test_not_ours_is_forwarded_as_not_handled() -> None:
    async def scenario() -> Forwarded:
        async with service() as running:
            return await forward(running.host, running.port, Turn("turn on the light", "en", "x"))

    assert asyncio.run(scenario()) == Forwarded(handled=False)


def test_languages_come_from_the_service() -> None:
    async def scenario() -> list[str]:
        async with service(("ko", "en")) as running:
            return await languages(running.host, running.port)

    assert asyncio.run(scenario()) == ["en", "ko"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_service_is_a_forward_error() -> None:
    port = _closed_port()
    with pytest.raises(ForwardError, match="cannot reach"):
        asyncio.run(forward("127.0.0.1", port, Turn("toe check", "en", "x")))
    with pytest.raises(ForwardError, match="cannot reach"):
        asyncio.run(languages("127.0.0.1", port))


def test_an_error_event_is_a_forward_error() -> None:
    """A stand-in service (not toe-assistant) that answers every event with an error."""

    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readline()
        await async_write_event(Error("no such thing", code="test").event(), writer)
        writer.close()

    async def scenario() -> None:
        refusing = await asyncio.start_server(refuse, "127.0.0.1", 0)
        port = refusing.sockets[0].getsockname()[1]
        async with refusing:
            await forward("127.0.0.1", port, Turn("toe check", "en", "x"))

    with pytest.raises(ForwardError, match="answered: no such thing"):
        asyncio.run(scenario())


def test_a_silent_service_times_out() -> None:
    async def scenario() -> None:
        mute = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = mute.sockets[0].getsockname()[1]
        async with mute:
            await forward("127.0.0.1", port, Turn("toe check", "en", "x"), timeout_s=0.3)

    with pytest.raises(ForwardError, match="cannot reach"):
        asyncio.run(scenario())
