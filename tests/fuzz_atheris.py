"""Coverage-guided fuzzing with atheris (libFuzzer) of the four places untrusted input enters.

    python tests/fuzz_atheris.py TARGET [CORPUS_DIR] [libFuzzer options, e.g. -max_total_time=60]

TARGET is wav, chat, dialog or archive. Each input must be accepted or refused with the
module's own error; anything else (an uncaught exception) is a finding, and libFuzzer saves
the input that caused it. tests/test_fuzz.py runs each target for a bounded time.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from voice.audio import read_wav
    from voice.cli.chat import read_answer
    from voice.content import Consultation, Dialog, dialogs_root, parse_intents
    from voice.errors import DialogError, ModelError, UsageError
    from voice.files import parse_yaml, validate
    from voice.understand import Understanding
    from voice.unpack import unpack
    from voice.validate import problems

_INTENTS = parse_intents(dialogs_root() / "en" / "intents.yaml")
_UNDERSTANDING = Understanding(_INTENTS)
_SCRATCH = Path(tempfile.mkdtemp(prefix="toe-fuzz-"))


def wav(data: bytes) -> None:
    """A WAV file's bytes."""
    with contextlib.suppress(UsageError):
        read_wav(io.BytesIO(data))


def chat(data: bytes) -> None:
    """Lines typed to `chat`, each understood or not."""
    stream = io.BytesIO(data)
    while (line := read_answer(stream)) is not None:
        _UNDERSTANDING.parse(line)


def dialog(data: bytes) -> None:
    """A consultation file's text, checked as every load checks it."""
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    try:
        consultation = validate(
            Consultation, parse_yaml(text, "fuzz.yaml", DialogError), "fuzz.yaml", DialogError
        )
        list(problems(Dialog(consultation, _INTENTS, dialogs_root() / "en")))
    except DialogError:
        pass


def archive(data: bytes) -> None:
    """A downloaded model archive."""
    folder = Path(tempfile.mkdtemp(dir=_SCRATCH))
    part = folder / "m.zip.part"
    part.write_bytes(data)
    try:
        unpack(part, folder / "m", "pocketsphinx", max_bytes=100_000)
    except (ModelError, zipfile.LargeZipFile):
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


TARGETS = {"wav": wav, "chat": chat, "dialog": dialog, "archive": archive}
# This process's own memory limit. libFuzzer's -rss_limit_mb reads getrusage's peak, which on
# Linux a process inherits from the one that started it (a pytest worker that once held a
# Whisper model "used 2132 MB" before the first input): the test turns that off, and this
# checks the memory this process holds now.
RSS_LIMIT_MB = int(os.environ.get("TOE_FUZZ_RSS_MB", "2048"))
CHECK_EVERY = 256  # inputs between two looks at /proc/self/status


def _resident_mb() -> int:
    """This process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def _within_memory(target: Callable[[bytes], None]) -> Callable[[bytes], None]:
    """``target``, failing (an uncaught error is a finding) once this process holds more than
    RSS_LIMIT_MB."""
    runs = 0

    def run(data: bytes) -> None:
        nonlocal runs
        target(data)
        runs += 1
        if runs % CHECK_EVERY == 0 and (held := _resident_mb()) > RSS_LIMIT_MB:
            raise MemoryError(f"{held} MB resident after {runs} inputs (limit {RSS_LIMIT_MB})")

    return run


if __name__ == "__main__":
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, _within_memory(target))
    atheris.Fuzz()
