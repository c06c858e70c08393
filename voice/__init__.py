"""toe-assistant: an offline voice assistant for a twitching pinky toe."""

from __future__ import annotations

__version__ = "0.1.0"
