"""The commands of docs/raspberry-pi.md, as a person would type them: for the guide's tests."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "raspberry-pi.md"
_SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def guide_commands(guide: Path = GUIDE) -> list[list[str]]:
    """Every command in the guide's ```sh blocks, split as the shell would split it."""
    commands = []
    for block in _SHELL_BLOCK.findall(guide.read_text(encoding="utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


def as_user(words: list[str]) -> tuple[str | None, list[str]]:
    """Who runs a command (None: the person, "root", or the user after `sudo -u`), and what."""
    if words[:1] != ["sudo"]:
        return None, words
    if words[1:2] == ["-u"]:
        return words[2], words[3:]
    return "root", words[1:]


def example_options(guide: Path = GUIDE) -> str:
    """The guide's example of an options file: the indented block that starts --input-device."""
    lines = guide.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("    --input-device"))
    block = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block) + "\n"
