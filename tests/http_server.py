"""A real HTTP server on 127.0.0.1 for tests: serves files, honours Range, can misbehave on cue."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    """Switches a test flips between requests; the server reads them on each request."""

    drop_after_bytes: int | None = None  # close the socket after sending this many body bytes
    wrong_content: bool = False  # serve the same length of different bytes
    honour_range: bool = True  # False: ignore Range and always send the whole file
    redirects: dict[str, str] = field(default_factory=dict)  # URL path -> 302 Location
    omit_length: bool = False  # no Content-Length: the body ends when the socket closes
    extra_bytes: int = 0  # send this many bytes more than the file holds
    requests: list[dict[str, str]] = field(default_factory=list)  # headers of each request


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-body is what the drop tests do; no traceback for it."""


class LoopbackServer:
    """Serves ``files`` (URL path -> bytes) until stopped."""

    def __init__(self, files: dict[str, bytes]) -> None:
        """Bind an ephemeral port on 127.0.0.1 and start serving in a daemon thread."""
        self.files = files
        self.behaviour = Behaviour()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

        def do_GET(self) -> None:
            """Send the file, a Range of it, or a 404."""
            behaviour = server.behaviour
            behaviour.requests.append(dict(self.headers.items()))
            if self.path in behaviour.redirects:
                self.send_response(302)
                self.send_header("Location", behaviour.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = server.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            if behaviour.wrong_content:
                body = bytes(b ^ 0xFF for b in body[:4096]) + body[4096:]
            start = _range_start(self.headers.get("Range")) if behaviour.honour_range else None
            if start is not None and start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if start is None:
                self.send_response(200)
                start = 0
            else:
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            payload = body[start:] + bytes(behaviour.extra_bytes)
            self.send_header("Content-Type", "application/zip")
            if behaviour.omit_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(payload)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if behaviour.drop_after_bytes is not None:
                self.wfile.write(payload[: behaviour.drop_after_bytes])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(payload)

    return Handler


def _range_start(header: str | None) -> int | None:
    if not header or not header.startswith("bytes="):
        return None
    first = header.removeprefix("bytes=").split(",")[0]
    start, _, _ = first.partition("-")
    return int(start) if start.isdigit() else None


@contextmanager
def serving(files: dict[str, bytes]) -> Iterator[LoopbackServer]:
    """A LoopbackServer for the duration of a ``with`` block."""
    server = LoopbackServer(files)
    try:
        yield server
    finally:
        server.stop()
