"""The demo people: scripted answers per locale, from dialogs/<locale>/demo.yaml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from voice.content import Dialog
from voice.errors import DialogError, UsageError
from voice.files import load_yaml

DEMO_FILE = "demo.yaml"


class Scenario(BaseModel):
    """One demo person: what they answer to each question, and how they sound."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    voice: str | None = None  # the person's TTS voice; a different one from the assistant's
    rate_wpm: int | None = None
    answers: dict[str, str] = Field(min_length=1)


class DemoFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: str
    scenarios: dict[str, Scenario] = Field(min_length=1)


def load_demo(dialog: Dialog, name: str | None = None) -> Scenario:
    """The named scenario, or the file's default."""
    path = dialog.folder / DEMO_FILE
    demo = load_yaml(path, DemoFile, DialogError)
    chosen = name or demo.default
    if chosen not in demo.scenarios:
        known = ", ".join(demo.scenarios)
        raise UsageError(f"unknown demo scenario {chosen!r}; choose one of: {known}")
    return demo.scenarios[chosen]
