"""Wyoming events read with bounds: every malformed or oversized event is a typed error.

The wire format is wyoming's (a JSON header line, then ``data_length`` bytes of JSON data and
``payload_length`` bytes of payload). The ``wyoming`` package's own reader trusts both lengths
and lets a missing ``type`` or a cut-off event escape as an exception, so a service open to a
network reads through this one instead and writes with the package's writer.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from wyoming.event import Event

MAX_HEADER_BYTES = 16 * 1024  # a header line is well under 1 kB; data goes after it
MAX_DATA_BYTES = 64 * 1024  # a transcript's data: its text and context
MAX_PAYLOAD_BYTES = 64 * 1024  # nothing this service takes has a payload; small ones are skipped
MAX_TYPE_CHARS = 64


class EventError(Exception):
    """An event that cannot be taken; ``code`` goes into the ``error`` event sent back."""

    code = "malformed-event"


class TooLarge(EventError):
    """An event larger than the bounds: the rest of it is not read."""

    code = "too-large"


class CutOff(EventError):
    """The client went away in the middle of an event."""

    code = "cut-off"


@dataclass(frozen=True)
class Limits:
    """The most this service reads of one event."""

    header_bytes: int = MAX_HEADER_BYTES
    data_bytes: int = MAX_DATA_BYTES
    payload_bytes: int = MAX_PAYLOAD_BYTES


async def read_event(reader: asyncio.StreamReader, limits: Limits) -> Event | None:
    """The next event; None when the client closed cleanly between events.

    The reader's own limit (set where the server starts) must be at least
    ``limits.header_bytes``; a longer line is TooLarge.
    """
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as err:
        if not err.partial.strip():
            return None
        raise CutOff("the connection closed in the middle of an event header") from err
    except asyncio.LimitOverrunError as err:
        raise TooLarge(f"an event header longer than {limits.header_bytes} bytes") from err
    if len(line) > limits.header_bytes:
        raise TooLarge(f"an event header longer than {limits.header_bytes} bytes")
    header = _json_object(line, "the event header")
    event_type = header.get("type")
    if not isinstance(event_type, str) or not event_type or len(event_type) > MAX_TYPE_CHARS:
        raise EventError("the event has no type (a short string)")
    data = header.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise EventError("the event's data is not a JSON object")
    data_length = _length(header, "data_length", limits.data_bytes)
    payload_length = _length(header, "payload_length", limits.payload_bytes)
    if data_length:
        data = {**data, **_json_object(await _read(reader, data_length), "the event's data")}
    payload = await _read(reader, payload_length) if payload_length else None
    return Event(type=event_type, data=data, payload=payload)


def _length(header: dict[str, Any], name: str, most: int) -> int:
    value = header.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise EventError(f"{name} is not a whole number of bytes")
    if value > most:
        raise TooLarge(f"{name} {value} is over the limit of {most} bytes")
    return value


async def _read(reader: asyncio.StreamReader, count: int) -> bytes:
    try:
        return await reader.readexactly(count)
    except asyncio.IncompleteReadError as err:
        got = len(err.partial)
        raise CutOff(f"the connection closed {got} of {count} bytes into an event") from err


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as err:  # bad JSON, bad UTF-8, absurd nesting
        raise EventError(f"{what} is not valid JSON") from err
    if not isinstance(value, dict):
        raise EventError(f"{what} is not a JSON object")
    return value
