"""The one small error hierarchy; every message says what is wrong and what to do."""

from __future__ import annotations


class ToeAssistantError(Exception):
    """Base of every error the CLI turns into one line and exit code 2."""

    exit_code = 2


class UsageError(ToeAssistantError):
    """Bad command-line use or bad input from the person running the tool."""


class DialogError(ToeAssistantError):
    """A dialog file is missing, malformed or inconsistent."""


class ModelError(ToeAssistantError):
    """A speech model is missing, corrupt or cannot be fetched."""


class AudioError(ToeAssistantError):
    """No audio system, no such device, or a device that went away."""


class OutputError(ToeAssistantError):
    """Standard output is closed, full, or its reader went away."""
