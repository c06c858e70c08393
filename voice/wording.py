"""Spoken templates: plain {name} fields filled by value, nothing evaluated.

str.format would follow ``{label.__class__.__mro__}`` or ``{0}`` from a dialog file into the
program's objects; here a field is a bare name or it is refused.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TemplateError(ValueError):
    """A template with a field that is not a plain name, or a brace left open."""


def fields(template: str) -> set[str]:
    """The names of the fields in ``template``; TemplateError for anything else."""
    names: set[str] = set()
    for match in _TOKEN.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise TemplateError(f"a single {token!r} (write {token * 2} for the character)")
        name = match.group(1)
        if not _NAME.fullmatch(name):
            raise TemplateError(f"placeholder {{{name}}} is not a plain name")
        names.add(name)
    return names


def fill(template: str, **values: object) -> str:
    """``template`` with each {name} replaced by ``str(values[name])``; {{ and }} are braces."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name is None or not _NAME.fullmatch(name):
            raise TemplateError(f"{token!r} in {template!r} is not a plain placeholder")
        if name not in values:
            raise TemplateError(f"{{{name}}} in {template!r} has no value")
        return str(values[name])

    return _TOKEN.sub(replace, template)
