"""Which locale to speak: --locale, else the environment (LANG), else English."""

from __future__ import annotations

import os

from voice.content import DEFAULT_LOCALE, available_locales
from voice.errors import UsageError


def resolve_locale(requested: str | None) -> str:
    """The explicit locale if given (and known), else LC_ALL/LC_MESSAGES/LANG if known, else en."""
    known = available_locales()
    if requested:
        locale = _language(requested)
        if locale not in known:
            raise UsageError(f"unknown locale {requested!r}; choose one of: {', '.join(known)}")
        return locale
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value and _language(value) in known:
            return _language(value)
    return DEFAULT_LOCALE


def _language(tag: str) -> str:
    """'ko_KR.UTF-8' -> 'ko'; 'en-US' -> 'en'."""
    return tag.split(".")[0].replace("-", "_").split("_")[0].lower()
