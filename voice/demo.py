"""The simulated people: demo scenarios per locale and their own words, from demo.yaml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from voice.errors import DialogError, UsageError
from voice.files import load_yaml
from voice.schema import Dialog

DEMO_FILE = "demo.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scenario(_Strict):
    """One demo person: what they answer to each question, and how they sound."""

    description: str
    voice: str | None = None  # the person's TTS voice; a different one from the assistant's
    rate_wpm: int | None = None
    answers: dict[str, str] = Field(min_length=1)


class PersonWords(_Strict):
    """What a simulated person says to "Did you say ...?", the readback and the follow-up."""

    yes: str
    no: str
    more: str
    less: str
    unsure: str

    def as_dict(self) -> dict[str, str]:
        return self.model_dump()


class DemoFile(_Strict):
    default: str
    scenarios: dict[str, Scenario] = Field(min_length=1)
    words: PersonWords


def load_demo_file(dialog: Dialog) -> DemoFile:
    """The dialog's demo.yaml, checked against its schema."""
    return load_yaml(dialog.folder / DEMO_FILE, DemoFile, DialogError)


def load_demo(dialog: Dialog, name: str | None = None) -> Scenario:
    """The named scenario, or the file's default."""
    demo = load_demo_file(dialog)
    chosen = name or demo.default
    if chosen not in demo.scenarios:
        known = ", ".join(demo.scenarios)
        raise UsageError(f"unknown demo scenario {chosen!r}; choose one of: {known}")
    return demo.scenarios[chosen]
