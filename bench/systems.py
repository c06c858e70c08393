"""The systems the bench compares, each run in its own process on the same clips.

`before` is the project as it was before issue 16 (BASELINE_REF, checked out from git); `toe`
is this checkout on a Pi Zero 2 W class device (512 MB: pocketsphinx and webrtc); `toe pi4` the
same checkout on a Pi 4 class device (4 GB: `--engine auto` takes the whisper engine, Whisper
asked when pocketsphinx is doubtful); `whisper always` asks Whisper on every turn; `toe
deepfilter` is pocketsphinx with DeepFilterNet3 (`--denoise deepfilter`). The peers
use this checkout's dialogs with other ways of listening.
"""

from __future__ import annotations

import subprocess
import tarfile
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The last commit before the recognizer work of issue 16: "before" in every table.
BASELINE_REF = "16484bace7bed968c4750aa3eb41e0e97fb6f1a9"
ZERO_MB, PI4_MB = 512, 4096  # the device memory the auto choices are made for
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
        "before": System("before", locale, engine, baseline=True, consult=True),
        "toe": System("toe", locale, "auto", consult=True, settings=_device(ZERO_MB)),
        "toe pi4": System("toe pi4", locale, "auto", consult=True, settings=_device(PI4_MB)),
        "whisper always": System(
            "whisper always",
            locale,
            "whisper",
            settings={**_device(PI4_MB), "whisper_when": "always"},
        ),
        "toe deepfilter": System(
            "toe deepfilter", locale, engine, settings={**_device(ZERO_MB), "denoise": "deepfilter"}
        ),
        "single grammar": System("single grammar", locale, engine, "single", accept_all=True),
        "open+hassil": System("open+hassil", locale, engine, "open", accept_all=True),
    }
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown systems {unknown}; choose from {', '.join(known)}")
    # Whisper's tiny.en is English only: in Korean these would only repeat `toe`.
    english_only = ("toe pi4", "whisper always", "toe deepfilter")
    return [known[n] for n in names if locale == "en" or n not in english_only]


DEFAULT_SYSTEMS = ("before", "toe", "toe pi4", "whisper always", "single grammar", "open+hassil")


def _device(memory_mb: int) -> dict[str, Any]:
    return {"device_memory_mb": memory_mb}


def default_cache() -> Path:
    """Where the benches keep rendered speech and old checkouts between runs."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("toe-assistant")) / "bench"


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
