"""The Wyoming service's settings, built once from the command line: where, how long, how many."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from voice.errors import UsageError
from voice.wyoming.protocol import Limits

DEFAULT_URI = "tcp://127.0.0.1:10700"
IDLE_TIMEOUT_S = 300.0  # Home Assistant keeps a satellite's conversation id for 5 minutes
MAX_CONSULTATIONS = 100
MAX_CONNECTIONS = 256  # a turn a connection: a busy house of 100 rooms stays well under it
READ_TIMEOUT_S = 30.0  # Home Assistant sends its transcript as soon as it connects
MAX_SWEEP_S = 30.0  # idle consultations are dropped within this much after their timeout


@dataclass(frozen=True)
class ServiceSettings:
    """How the service listens and how much it holds."""

    host: str = "127.0.0.1"
    port: int = 10700
    idle_timeout_s: float = IDLE_TIMEOUT_S
    max_consultations: int = MAX_CONSULTATIONS
    max_connections: int = MAX_CONNECTIONS
    read_timeout_s: float = READ_TIMEOUT_S
    summaries_dir: Path | None = None  # None: nothing about the person is written anywhere
    limits: Limits = field(default_factory=Limits)


def parse_uri(uri: str) -> tuple[str, int]:
    """``tcp://HOST:PORT`` to host and port; UsageError for anything else."""
    try:
        parsed = urlparse(uri)
        port = parsed.port
    except ValueError as err:
        raise UsageError(f"--uri {uri!r}: {err}; give tcp://HOST:PORT") from err
    if parsed.scheme != "tcp" or not parsed.hostname or port is None:
        raise UsageError(f"--uri {uri!r}: give tcp://HOST:PORT, e.g. {DEFAULT_URI}")
    return parsed.hostname, port


def is_loopback(host: str) -> bool:
    """Is ``host`` reachable from this machine only?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
