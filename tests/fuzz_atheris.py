"""Coverage-guided fuzzing with atheris (libFuzzer) of the four places untrusted input enters.

    python tests/fuzz_atheris.py TARGET [CORPUS_DIR] [libFuzzer options, e.g. -max_total_time=60]

TARGET is wav, chat, dialog or archive. Each input must be accepted or refused with the
module's own error; anything else (an uncaught exception) is a finding, and libFuzzer saves
the input that caused it. tests/test_fuzz.py runs each target for a bounded time.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
import zipfile
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

if __name__ == "__main__":
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()
