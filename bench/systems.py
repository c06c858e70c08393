"""The systems the bench compares, each run in its own process on the same clips.

`before` is the recognizer as it was before issue 9 (BASELINE_REF, checked out from git);
`toe` is this checkout; the peers use this checkout's dialogs with other ways of listening.
"""

from __future__ import annotations

import subprocess
import tarfile
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The last commit before the recognizer work of issue 9: "before" in every table.
BASELINE_REF = "9f5b0e3245993b7f79ceb7d062e3c279ee65fe13"
ENGINES = {"en": "pocketsphinx", "ko": "vosk"}


@dataclass(frozen=True)
class System:
    """One way of hearing answers: a code tree, an engine, grammars and settings."""

    name: str
    locale: str
    engine: str
    grammar: str = "question"  # question: each question's grammar; single; open (no grammar)
    settings: dict[str, Any] = field(default_factory=dict)  # RecognitionSettings fields
    accept_all: bool = False  # no confidence: whatever is understood is taken
    baseline: bool = False  # run BASELINE_REF's tree instead of this checkout
    consult: bool = False  # also run whole consultations with simulated people

    def spec(self) -> dict[str, Any]:
        return asdict(self)


def systems(locale: str, names: list[str]) -> list[System]:
    """The named systems for ``locale``."""
    engine = ENGINES[locale]
    known = {
        "before": System("before", locale, engine, baseline=True),
        "toe": System("toe", locale, engine, consult=True),
        "single grammar": System("single grammar", locale, engine, "single", accept_all=True),
        "open+hassil": System("open+hassil", locale, engine, "open", accept_all=True),
        "toe denoise": System("toe denoise", locale, engine, settings={"denoise": True}),
    }
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown systems {unknown}; choose from {', '.join(known)}")
    return [known[n] for n in names]


DEFAULT_SYSTEMS = ("before", "toe", "single grammar", "open+hassil")


def baseline_tree(cache: Path, ref: str = BASELINE_REF) -> Path | None:
    """``ref``'s voice/ and dialogs/ unpacked under ``cache`` (None outside a git checkout)."""
    target = cache / "trees" / ref[:12]
    if (target / "voice" / "__init__.py").exists():
        return target
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "voice", "dialogs"],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target
