"""Drive the Wyoming service as Home Assistant does: the real client, a new connection a turn.

``service`` runs voice.wyoming in this process's event loop on a free loopback port (fast);
``started`` runs the real command (`toe-assistant wyoming`) as a subprocess. Either way every
turn goes over TCP through wyoming's own AsyncTcpClient.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import re
import signal
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.event import Event, async_read_event

from tests.chat_driver import Answers, _next_reply, _replies, shipped_dialog, toe_assistant
from voice.wyoming.conversations import Conversations
from voice.wyoming.handle import Desk
from voice.wyoming.server import Service
from voice.wyoming.settings import ServiceSettings

TIMEOUT_S = 30.0
LISTENING = re.compile(r"listening on tcp://([\d.]+):(\d+)")


@dataclass
class Running:
    """A service in this process: where it listens, and its desk."""

    host: str
    port: int
    service: Service

    @property
    def active(self) -> int:
        return len(self.service.desk.consultations)


@contextlib.asynccontextmanager
async def service(
    locales: tuple[str, ...] = ("en", "ko"), **settings: Any
) -> AsyncIterator[Running]:
    """The service on 127.0.0.1 and a free port, in this event loop, stopped afterwards."""
    config = replace(ServiceSettings(host="127.0.0.1", port=0), **settings)
    desk = Desk(
        {locale: shipped_dialog(locale) for locale in locales},
        Conversations(config.idle_timeout_s, config.max_consultations),
    )
    server = Service(desk, config)
    bound: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(server.run(ready=bound.set_result))
    uri = await asyncio.wait_for(bound, TIMEOUT_S)
    match = LISTENING.match(f"listening on {uri}")
    assert match is not None, uri
    try:
        yield Running(match.group(1), int(match.group(2)), server)
    finally:
        server.stop()
        await asyncio.wait_for(task, TIMEOUT_S)


def context(conversation_id: str | None = None, **more: str) -> dict[str, str]:
    """A transcript's context as Home Assistant sends it."""
    found = {"conversation_id": conversation_id} if conversation_id else {}
    return {**found, **more}


async def exchange(port: int, event: Event, host: str = "127.0.0.1") -> Event | None:
    """One event on a new connection, and the one event that answers it."""
    async with AsyncTcpClient(host, port, connect_timeout=TIMEOUT_S, read_timeout=TIMEOUT_S) as c:
        await c.write_event(event)
        return await c.read_event()


async def say(
    port: int,
    text: str,
    conversation_id: str | None = "room",
    language: str | None = "en",
    **more: str,
) -> Event:
    """One turn: a transcript on a new connection, and the service's answer."""
    transcript = Transcript(text, context=context(conversation_id, **more), language=language)
    answer = await exchange(port, transcript.event())
    assert answer is not None, f"no answer to {text!r}"
    return answer


async def raw(port: int, data: bytes, close: bool = True) -> list[Event]:
    """Send raw bytes (half-closing after them if ``close``); every event read back."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        if close:
            writer.write_eof()
        events = []
        with contextlib.suppress(ConnectionResetError):  # the service may close before we do
            while event := await asyncio.wait_for(async_read_event(reader), TIMEOUT_S):
                events.append(event)
        return events
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


@dataclass
class Visit:
    """One consultation over Wyoming: each reply's words and what it waited for next."""

    replies: list[str] = field(default_factory=list)
    awaited: list[str | None] = field(default_factory=list)
    types: list[str] = field(default_factory=list)

    def said(self) -> str:
        return " ".join(self.replies)

    @property
    def over(self) -> bool:
        return bool(self.awaited) and self.awaited[-1] is None


async def visit(
    port: int,
    answers: Answers,
    conversation_id: str = "room",
    start: str = "my little toe is twitching",
    language: str = "en",
    max_turns: int = 40,
) -> Visit:
    """A whole consultation, answering each question from ``answers`` by the id awaited."""
    queues = _replies(answers)
    result = Visit()
    text: str | None = start
    for _ in range(max_turns):
        assert text is not None
        answer = await say(port, text, conversation_id, language)
        note(result, answer)
        if result.over or answer.type != "handled":
            return result
        text = _next_reply(queues, str(result.awaited[-1]))
        if text is None:
            return result
    raise AssertionError(f"no end after {max_turns} turns: {result}")


def note(result: Visit, answer: Event) -> None:
    """Add one answer to a visit."""
    result.types.append(answer.type)
    result.replies.append(str(answer.data.get("text", "")))
    awaited = (answer.data.get("context") or {}).get("awaiting")
    result.awaited.append(awaited if answer.type == "handled" else None)


@dataclass
class Started:
    """The real command, running: its process, where it listens, and its log so far."""

    process: subprocess.Popen[str]
    port: int
    log: list[str]
    traced: bool = False

    @property
    def pid(self) -> int:
        """The service's own process: under strace, the tracer's child."""
        if not self.traced:
            return self.process.pid
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return int(children.read_text().split()[0])

    def stop(self) -> int:
        """SIGTERM to the service itself; its exit code."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
        return self.process.wait(timeout=TIMEOUT_S)

    def text(self) -> str:
        return "".join(self.log)


@contextlib.contextmanager
def started(
    *args: str,
    prefix: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
    traced: bool = False,
) -> Iterator[Started]:
    """`toe-assistant wyoming --uri tcp://127.0.0.1:0 ARGS`, once it says where it listens.

    ``prefix`` runs before the command; ``traced`` when it is a tracer whose child is the
    service (strace). Its log is read on a thread all along (a full pipe would stall it).
    """
    process = subprocess.Popen(
        [*prefix, *toe_assistant(), "wyoming", "--uri", "tcp://127.0.0.1:0", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    log: list[str] = []
    bound: queue.Queue[int | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            match = LISTENING.search(line)
            if match:
                bound.put(int(match.group(2)))
        bound.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    running = None
    try:
        port = bound.get(timeout=TIMEOUT_S)
        assert port is not None, "".join(log)
        running = Started(process, port, log, traced)
        yield running
    finally:
        if process.poll() is None:
            if running is not None:
                with contextlib.suppress(OSError, subprocess.TimeoutExpired, IndexError):
                    running.stop()
            if process.poll() is None:
                process.kill()
        process.wait(timeout=TIMEOUT_S)
        reader.join(timeout=TIMEOUT_S)


def summaries(folder: Path) -> list[dict[str, Any]]:
    """The summary lines a service kept."""
    import json

    path = folder / "summaries.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
