"""Bad input to the Wyoming service: each answered or dropped with one log line, never a crash.

After every case the same service still answers ``describe`` and holds its consultations.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wyoming.asr import Transcript
from wyoming.info import Describe

from tests.chat_driver import shipped_dialog
from tests.wyoming_driver import Running, exchange, raw, say, service
from voice.wyoming.conversations import Conversations
from voice.wyoming.handle import Desk, Reply, Request
from voice.wyoming.protocol import MAX_DATA_BYTES, MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES
from voice.wyoming.server import Service
from voice.wyoming.settings import ServiceSettings


def header(**fields: object) -> bytes:
    return json.dumps(fields).encode() + b"\n"


# (case, bytes sent, the error code answered; None: dropped without an answer)
CLOSING = [
    ("invalid JSON", b'{"type": "transcript", "data": {\n', "malformed-event"),
    ("not an object", b"[1, 2, 3]\n", "malformed-event"),
    ("no type", header(data={"text": "no"}), "malformed-event"),
    ("type not a string", header(type=7), "malformed-event"),
    ("data not an object", header(type="transcript", data=["no"]), "malformed-event"),
    ("negative data length", header(type="transcript", data_length=-1), "malformed-event"),
    ("data length a string", header(type="transcript", data_length="9"), "malformed-event"),
    ("bad UTF-8", b'{"type": "transcript\xff\xfe"}\n', "malformed-event"),
    ("absurd nesting", b"[" * 20_000 + b"]" * 20_000 + b"\n", "too-large"),
    ("deep nesting", b'{"type": "ping", "data": ' + b"[" * 5000 + b"]" * 5000 + b"}\n",
     "malformed-event"),
    ("data not JSON", header(type="transcript", data_length=5) + b"nope!", "malformed-event"),
    ("huge header", b'{"type": "' + b"x" * (MAX_HEADER_BYTES * 4), "too-large"),
    ("huge data", header(type="transcript", data_length=MAX_DATA_BYTES + 1), "too-large"),
    ("huge payload", header(type="audio-chunk", payload_length=1 << 30), "too-large"),
    ("cut off in the header", b'{"type": "transcr', None),
    ("cut off in the data", header(type="transcript", data_length=100) + b'{"text"', None),
    ("cut off in the payload", header(type="x", payload_length=50) + b"abc", None),
]  # fmt: skip


async def still_serving(running: Running) -> None:
    answer = await exchange(running.port, Describe().event())
    assert answer is not None and answer.type == "info"


@pytest.mark.parametrize(("case", "sent", "code"), CLOSING, ids=[c[0] for c in CLOSING])
def test_bad_event_is_answered_or_dropped_with_a_log_line(
    case: str, sent: bytes, code: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="voice.wyoming")

    async def scenario() -> list[str]:
        async with service() as running:
            await say(running.port, "toe check", "kept")
            events = await raw(running.port, sent)
            await still_serving(running)
            assert (await say(running.port, "no", "kept")).type == "handled"  # not lost
        return [f"{e.type}:{e.data.get('code')}" for e in events]

    answered = asyncio.run(scenario())
    assert answered == ([f"error:{code}"] if code else [])
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, [r.getMessage() for r in caplog.records]
    assert lines[0].getMessage().startswith("127.0.0.1:")
    assert ("closed" if code else "dropped") in lines[0].getMessage()


def test_unknown_event_type_is_answered_and_the_connection_stays_open(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent = header(type="audio-chunk", data={"rate": 16000}, payload_length=4) + b"\0\0\0\0"
    sent += header(type="describe")

    async def scenario() -> list[str]:
        async with service() as running:
            return [e.type for e in await raw(running.port, sent)]

    assert asyncio.run(scenario()) == ["error", "info"]
    assert "unknown event type 'audio-chunk'" in caplog.text


@pytest.mark.parametrize(
    "data",
    [{"text": 5}, {"language": "en"}, {"text": "no", "context": ["room"]},
     {"text": "no", "language": 3}],
)  # fmt: skip
def test_transcript_with_bad_fields_is_answered_with_an_error(data: dict[str, object]) -> None:
    async def scenario() -> list[str]:
        async with service() as running:
            events = await raw(running.port, header(type="transcript", data=data))
            await still_serving(running)
        return [f"{e.type}:{e.data.get('code')}" for e in events]

    assert asyncio.run(scenario()) == ["error:malformed-event"]


def test_silent_client_is_closed_after_the_read_timeout(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="voice.wyoming")

    async def scenario() -> list[object]:
        async with service(read_timeout_s=0.3) as running:
            events = await raw(running.port, b"", close=False)  # connects, says nothing
            await still_serving(running)
        return list(events)

    assert asyncio.run(scenario()) == []
    assert "no event for 0.3 s; closed" in caplog.text


def test_connections_beyond_the_limit_are_turned_away(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> list[str]:
        async with service(max_connections=2, read_timeout_s=5) as running:
            held = [await asyncio.open_connection("127.0.0.1", running.port) for _ in range(2)]
            await asyncio.sleep(0.1)
            turned = await raw(running.port, header(type="describe"))
            for _, writer in held:
                writer.close()
            await asyncio.sleep(0.1)
            await still_serving(running)
        return [f"{e.type}:{e.data.get('code')}" for e in turned]

    assert asyncio.run(scenario()) == ["error:busy"]
    assert "turned away" in caplog.text


def test_long_text_is_bounded(caplog: pytest.LogCaptureFixture) -> None:
    """A transcript of 60 kB is simply not a start phrase, and not understood as an answer."""
    long = "my little toe is twitching " * 2000

    async def scenario() -> list[str]:
        async with service() as running:
            first = await say(running.port, long[: MAX_DATA_BYTES - 200], "a")
            await say(running.port, "toe check", "b")
            second = await say(running.port, long[: MAX_DATA_BYTES - 200], "b")
        return [first.type, second.data["context"]["awaiting"]]

    assert asyncio.run(scenario()) == ["not-handled", "weakness"]  # asked again


@given(st.binary(max_size=2000))
def test_any_bytes_leave_the_service_serving(data: bytes) -> None:
    async def scenario() -> None:
        async with service(read_timeout_s=1.0) as running:
            await raw(running.port, data)
            await still_serving(running)

    asyncio.run(scenario())


def test_payload_within_bounds_is_read_and_skipped() -> None:
    data = {"text": "toe check", "context": {"conversation_id": "p"}}
    sent = header(type="transcript", data=data, payload_length=MAX_PAYLOAD_BYTES)
    sent += b"\0" * MAX_PAYLOAD_BYTES

    async def scenario() -> list[str]:
        async with service() as running:
            return [e.type for e in await raw(running.port, sent)]

    assert asyncio.run(scenario()) == ["handled"]


def test_transcript_event_from_the_wyoming_package_round_trips() -> None:
    """The same event the package writes, with data after the header (data_length)."""

    async def scenario() -> str:
        async with service() as running:
            event = Transcript("toe check", context={"conversation_id": "x"}, language="en")
            answer = await exchange(running.port, event.event())
        assert answer is not None
        return answer.type

    assert asyncio.run(scenario()) == "handled"


class FailingDesk(Desk):
    """A desk whose every turn fails: the one honest fake here, for the loop boundary."""

    def take(self, request: Request) -> Reply:
        raise RuntimeError("a turn that fails")


def test_a_failing_turn_is_an_error_event_and_the_service_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> list[str]:
        dialogs = {"en": shipped_dialog("en")}
        desk = FailingDesk(dialogs, Conversations(60, 10))
        server = Service(desk, ServiceSettings(host="127.0.0.1", port=0))
        bound: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(server.run(ready=bound.set_result))
        port = int((await bound).rsplit(":", 1)[1])
        answer = await say(port, "toe check")
        info = await exchange(port, Describe().event())
        server.stop()
        await task
        assert info is not None
        return [f"{answer.type}:{answer.data.get('code')}", info.type]

    assert asyncio.run(scenario()) == ["error:internal-error", "info"]
    assert "the turn failed" in caplog.text and "RuntimeError: a turn that fails" in caplog.text
