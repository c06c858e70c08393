"""The consultations in progress, one per conversation, each ended after an idle spell.

Nothing about the person outlives a consultation here: a finished, stopped or expired one is
dropped at once (its summary is written only when the service was asked to keep summaries).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from voice.dialog import Conversation

_LOGGER = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass
class Active:
    """One consultation in progress: its engine, its locale and when it last heard anything."""

    conversation: Conversation
    locale: str
    last_s: float


class Full(Exception):
    """As many consultations as allowed are in progress."""


class Conversations:
    """Consultations by conversation key, expiring after ``idle_timeout_s`` without a turn."""

    def __init__(
        self, idle_timeout_s: float, max_active: int, clock: Clock = time.monotonic
    ) -> None:
        self.idle_timeout_s = idle_timeout_s
        self.max_active = max_active
        self._clock = clock
        self._active: dict[str, Active] = {}

    def __len__(self) -> int:
        return len(self._active)

    def get(self, key: str) -> Active | None:
        """The consultation of ``key``, touched as heard now; None if none (or it expired)."""
        self.expire()
        active = self._active.get(key)
        if active is not None:
            active.last_s = self._clock()
        return active

    def add(self, key: str, conversation: Conversation, locale: str) -> Active:
        """Hold a new consultation under ``key``; Full when there is no room for it."""
        self.expire()
        if key not in self._active and len(self._active) >= self.max_active:
            raise Full(f"{len(self._active)} consultations in progress")
        active = Active(conversation, locale, self._clock())
        self._active[key] = active
        return active

    def end(self, key: str) -> None:
        """Drop the consultation of ``key`` (finished or stopped)."""
        self._active.pop(key, None)

    def expire(self) -> int:
        """Drop every consultation idle for longer than the timeout; how many were dropped."""
        oldest = self._clock() - self.idle_timeout_s
        stale = [key for key, active in self._active.items() if active.last_s < oldest]
        for key in stale:
            del self._active[key]
        if stale:
            _LOGGER.info(
                "%d consultation(s) ended after %.0f s without an answer, nothing recorded "
                "(%d in progress)",
                len(stale),
                self.idle_timeout_s,
                len(self._active),
            )
        return len(stale)
