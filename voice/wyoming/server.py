"""The Wyoming handle service: connections in, one reply per transcript, bounded and logged.

Each connection is read event by event under the bounds of protocol.py. ``describe`` gets the
service's ``info``, ``ping`` a ``pong``, ``transcript`` a ``handled`` or ``not-handled``; an
unknown event type gets an ``error`` event and the connection stays open; a malformed or
oversized event gets an ``error`` event and the connection is closed; a client that goes away
mid-event, or sends nothing for ``read_timeout_s``, is closed. Each is one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from wyoming.asr import Transcript
from wyoming.error import Error
from wyoming.event import Event, Eventable, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Attribution, Describe, HandleModel, HandleProgram, Info
from wyoming.ping import Ping, Pong

from voice import __version__
from voice.wyoming.handle import Desk, Request, record
from voice.wyoming.protocol import CutOff, EventError, read_event
from voice.wyoming.settings import MAX_SWEEP_S, ServiceSettings, is_loopback

_LOGGER = logging.getLogger(__name__)

LINGER_S = 1.0
LINGER_BYTES = 1 << 20
READ_BYTES = 64 * 1024
PROGRAM = "toe-assistant"
DESCRIPTION = "A consultation about a twitching pinky toe: general information, not a diagnosis"


def service_info(locales: list[str]) -> Info:
    """What ``describe`` answers: a handle program for the served locales, no home control."""
    attribution = Attribution(name=PROGRAM, url="")
    model = HandleModel(
        name="consultation",
        attribution=attribution,
        installed=True,
        description=DESCRIPTION,
        version=__version__,
        languages=locales,
    )
    program = HandleProgram(
        name=PROGRAM,
        attribution=attribution,
        installed=True,
        description=DESCRIPTION,
        version=__version__,
        models=[model],
        supports_home_control=False,
    )
    return Info(handle=[program])


class Service:
    """Listens, answers every connection, and drops idle consultations as it goes."""

    def __init__(self, desk: Desk, settings: ServiceSettings) -> None:
        self.desk = desk
        self.settings = settings
        self._info = service_info(desk.locales).event()
        self._stopping = asyncio.Event()
        self._open = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def stop(self) -> None:
        """Stop listening and close every connection (safe to call from a signal handler)."""
        self._stopping.set()

    async def run(self, ready: Callable[[str], None] | None = None) -> None:
        """Serve until stop(); ``ready`` gets the URI actually bound (port 0 picks one)."""
        settings = self.settings
        server = await asyncio.start_server(
            self._connection, settings.host, settings.port, limit=settings.limits.header_bytes
        )
        port = server.sockets[0].getsockname()[1]
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        uri = f"tcp://{host}:{port}"
        _LOGGER.info("listening on %s (%s)", uri, ", ".join(self.desk.locales))
        if not is_loopback(settings.host):
            _LOGGER.warning(
                "listening beyond this machine on %s: Wyoming has no authentication, so anyone "
                "who can reach the port can talk to it; keep it on a trusted network "
                "(docs/home-assistant.md)",
                uri,
            )
        if ready is not None:
            ready(uri)
        sweeper = asyncio.create_task(self._sweep())
        try:
            await self._stopping.wait()
        finally:
            sweeper.cancel()
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(sweeper, *self._tasks, return_exceptions=True)
            await server.wait_closed()
            _LOGGER.info("stopped (%d consultations dropped)", len(self.desk.consultations))

    async def _sweep(self) -> None:
        pause_s = min(MAX_SWEEP_S, self.settings.idle_timeout_s / 2)
        while True:
            await asyncio.sleep(pause_s)
            self.desk.consultations.expire()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        peer = _peer(writer)
        try:
            if self._open >= self.settings.max_connections:
                _LOGGER.warning("%s: turned away, %d connections open already", peer, self._open)
                await _send(writer, Error("too many connections; try again", code="busy"))
                await _linger(reader, writer)
                return
            self._open += 1
            try:
                await self._serve(reader, writer, peer)
            finally:
                self._open -= 1
        except (ConnectionError, OSError) as err:
            _LOGGER.info("%s: connection lost: %s", peer, err)
        except asyncio.CancelledError:
            # The service is stopping. Ending here, not cancelled, keeps asyncio's stream
            # callback from logging the cancellation as an error.
            _LOGGER.debug("%s: closed as the service stops", peer)
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str
    ) -> None:
        limits, timeout_s = self.settings.limits, self.settings.read_timeout_s
        while True:
            try:
                event = await asyncio.wait_for(read_event(reader, limits), timeout_s)
            except TimeoutError:
                _LOGGER.info("%s: no event for %g s; closed", peer, timeout_s)
                return
            except CutOff as err:
                _LOGGER.warning("%s: %s; dropped", peer, err)
                return
            except EventError as err:
                _LOGGER.warning("%s: %s; answered with an error and closed", peer, err)
                await _send(writer, Error(str(err), code=err.code))
                await _linger(reader, writer)
                return
            if event is None:
                return
            await self._answer(event, writer, peer)

    async def _answer(self, event: Event, writer: asyncio.StreamWriter, peer: str) -> None:
        if Describe.is_type(event.type):
            await async_write_event(self._info, writer)
        elif Ping.is_type(event.type):
            await _send(writer, Pong(text=Ping.from_event(event).text))
        elif Transcript.is_type(event.type):
            await self._transcript(event, writer, peer)
        else:
            _LOGGER.warning("%s: unknown event type %r; answered with an error", peer, event.type)
            await _send(writer, Error(f"unknown event type {event.type!r}", code="unknown-event"))

    async def _transcript(self, event: Event, writer: asyncio.StreamWriter, peer: str) -> None:
        try:
            request = transcript_request(event)
        except EventError as err:
            _LOGGER.warning("%s: %s; answered with an error", peer, err)
            await _send(writer, Error(str(err), code=err.code))
            return
        try:
            reply = self.desk.take(request)
        except Exception:  # the loop boundary: one turn fails, the service goes on
            _LOGGER.exception("%s: the turn failed; its consultation was dropped", peer)
            await _send(writer, Error("the turn failed", code="internal-error"))
            return
        if not reply.handled:
            # An empty text, not no data: wyoming 1.5.4 (Home Assistant 2025.4's) cannot
            # read a not-handled event without data.
            await _send(writer, NotHandled(text=""))
            return
        if reply.result is not None and self.settings.summaries_dir is not None:
            # Kept before the advice goes out: a service stopped right after still has it.
            await asyncio.to_thread(record, self.settings.summaries_dir, reply)
        await _send(writer, Handled(text=reply.text, context=reply.context()))


def transcript_request(event: Event) -> Request:
    """A transcript event's fields, checked: text a string, language a string, context a map."""
    text, language, context = (event.data.get(k) for k in ("text", "language", "context"))
    if not isinstance(text, str):
        raise EventError("the transcript has no text")
    if language is not None and not isinstance(language, str):
        raise EventError("the transcript's language is not a string")
    if context is not None and not isinstance(context, dict):
        raise EventError("the transcript's context is not a JSON object")
    return Request(text, language, context)


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Close gently after a last answer: closing with unread input resets the connection,
    and a reset can destroy that answer before the client reads it. So: no more from us,
    then what the client still sends is read and dropped, within bounds, until it closes."""
    writer.write_eof()
    with contextlib.suppress(TimeoutError, ConnectionError, OSError):
        async with asyncio.timeout(LINGER_S):
            for _ in range(LINGER_BYTES // READ_BYTES):
                if not await reader.read(READ_BYTES):
                    return


def _peer(writer: asyncio.StreamWriter) -> str:
    """Who is connected, as host:port, for the log."""
    name = writer.get_extra_info("peername")
    if isinstance(name, tuple) and len(name) >= 2:
        return f"{name[0]}:{name[1]}"
    return str(name)


async def _send(writer: asyncio.StreamWriter, message: Eventable) -> None:
    await async_write_event(message.event(), writer)
