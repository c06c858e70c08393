"""Fuzzing where untrusted input enters: chat lines, WAV files, dialog files, model archives.

Property-based (hypothesis), bounded for CI: each target runs FUZZ_EXAMPLES examples (default
100; set TOE_FUZZ_EXAMPLES for a longer run). The property is the same everywhere: the input is
either accepted or refused with the module's own one-line error; nothing else escapes, nothing
is left behind, and a consultation always ends.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice.audio import MAX_CHANNELS, MAX_RATE_HZ, MIN_RATE_HZ, read_wav
from voice.cli.chat import read_answer
from voice.content import Dialog, dialogs_root, load_dialog
from voice.dialog import Conversation
from voice.errors import DialogError, ModelError, UsageError
from voice.unpack import unpack

pytestmark = pytest.mark.slow  # about 20 s: in scripts/test and CI, not the quick loop

FUZZ_EXAMPLES = int(os.environ.get("TOE_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def dialog() -> Dialog:
    return load_dialog("en")


def _talk(dialog: Dialog, replies: list[str]) -> None:
    """Feed ``replies`` (then mumbling) until the consultation ends; it must end."""
    conversation = Conversation(dialog)
    conversation.start()
    for text in [*replies, *["mumble"] * 200]:
        if conversation.result is not None:
            return
        conversation.hear(text)
    raise AssertionError("the consultation did not end")


# --- chat input -------------------------------------------------------------------------------

LINE = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"no", b"yes", b"not sure", b"two weeks", b"stop", b"\xff\xfe", b"\x00" * 50]),
    st.integers(1190, 5000).map(lambda n: b"no " * n),  # longer than an answer may be
)


@FUZZ
@given(lines=st.lists(LINE, max_size=30))
def test_fuzz_chat_input_is_read_and_heard_without_error(
    dialog: Dialog, lines: list[bytes]
) -> None:
    stream = io.BytesIO(b"\n".join(lines))
    replies = []
    while (line := read_answer(stream)) is not None:
        replies.append(line)
    _talk(dialog, replies)


# --- WAV reader -------------------------------------------------------------------------------


def _riff(fields: tuple[int, int, int, int, int, int], data: bytes, extra: bytes) -> bytes:
    fmt = struct.pack("<HHIIHH", *fields) + extra
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


HEADER = st.tuples(
    st.sampled_from([1, 3, 0xFFFE, 0, 2, 0xFFFF]),
    st.one_of(st.integers(0, 4), st.integers(0, 0xFFFF)),
    st.one_of(st.sampled_from([8000, 16000, 44100, 0, 1, 0xFFFFFFFF]), st.integers(0, 2**32 - 1)),
    st.integers(0, 2**32 - 1),
    st.integers(0, 0xFFFF),
    st.sampled_from([8, 16, 24, 32, 0, 7, 64, 0xFFFF]),
)
WAV = st.one_of(
    st.binary(max_size=2000),
    st.builds(_riff, HEADER, st.binary(max_size=4000), st.binary(max_size=12)),
    st.builds(
        lambda b, cut: b[:cut],
        st.builds(_riff, HEADER, st.binary(max_size=400), st.just(b"")),
        st.integers(0, 500),
    ),
)  # fmt: skip


@FUZZ
@given(data=WAV)
def test_fuzz_wav_reader_accepts_or_refuses_in_one_line(data: bytes) -> None:
    try:
        chunk = read_wav(io.BytesIO(data))
    except UsageError as err:
        assert "\n" not in str(err)
        return
    assert MIN_RATE_HZ <= chunk.rate_hz <= MAX_RATE_HZ
    assert chunk.samples.dtype == np.int16 and chunk.samples.ndim == 1
    assert MAX_CHANNELS >= 1


# --- dialog loader ----------------------------------------------------------------------------

SHIPPED = yaml.safe_load((dialogs_root() / "en" / "consultation.yaml").read_text("utf-8"))
VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 50), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["{0}", "{label.__class__}", "{", "}", "{reasons}",
                                            "weakness", "decide", "self_care", "yes", "..."]),
    st.lists(st.sampled_from(["yes", "no", "unsure", "maybe"]), max_size=3),
    st.dictionaries(st.sampled_from(["weakness", "duration", "min_days", "if", "goto"]),
                    st.one_of(st.integers(0, 9), st.text(max_size=8)), max_size=3),
)  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(SHIPPED)


# Same-type values: a string stays a string, so the schema passes and the meaning is tested
# (gotos into cycles, unknown outcomes, placeholders, quotes).
WORD = st.sampled_from(
    [*SHIPPED["questions"], *SHIPPED["outcomes"], "decide", "nowhere", "{reasons}", "{label}",
     "{answer}", "{0}", "{x.y}", "{{ok}}", "a", "...", "See a doctor", "intents.yaml"]
)  # fmt: skip


def _mutate(data: Any, path: tuple[Any, ...], value: Any, delete: bool, word: str) -> None:
    *parents, last = path
    node = data
    for part in parents:
        node = node[part]
    if delete:
        del node[last]
    elif isinstance(node[last], str) and not isinstance(value, (list, dict)):
        node[last] = word
    else:
        node[last] = value


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(PATHS), VALUE, st.booleans(), WORD), min_size=1, max_size=4
    ),
    replies=st.lists(st.sampled_from(["yes", "no", "not sure", "two weeks", "more"]), max_size=12),
)  # fmt: skip
def test_fuzz_dialog_loader_refuses_in_one_line_or_runs_to_the_end(
    tmp_path_factory: pytest.TempPathFactory,
    changes: list[tuple[tuple[Any, ...], Any, bool, str]],
    replies: list[str],
) -> None:
    import copy

    data = copy.deepcopy(SHIPPED)
    for where, value, delete, word in changes:
        try:
            _mutate(data, where, value, delete, word)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this path
    root = tmp_path_factory.mktemp("dialogs")
    shutil.copytree(dialogs_root(), root, dirs_exist_ok=True)
    path = root / "en" / "consultation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    try:
        loaded = load_dialog(path=path)
    except DialogError as err:
        assert "\n" not in str(err)
        return
    _talk(loaded, replies)


# --- model archive unpacker -------------------------------------------------------------------

NAME = st.one_of(
    st.text(st.sampled_from("ab/.\\:-_é"), min_size=1, max_size=12),
    st.sampled_from(["../x", "/etc/x", "m/../../x", "C:/x", "m/", "m/d", "m/d/x", "..", "."]),
)
MEMBER = st.tuples(NAME, st.binary(max_size=64), st.booleans(), st.integers(0, 3000))


def _zip(members: list[tuple[str, bytes, bool, int]]) -> bytes:
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(),  # duplicate names are part of the fuzz
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle,
    ):
        warnings.simplefilter("ignore")
        for name, data, link, padding in members:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            mode = (stat.S_IFLNK | 0o777) if link else (stat.S_IFREG | 0o644)
            info.external_attr = mode << 16
            bundle.writestr(info, data + bytes(padding))
    return buffer.getvalue()


ARCHIVE = st.one_of(
    st.lists(MEMBER, min_size=1, max_size=6).map(_zip),
    st.binary(max_size=300),
    st.builds(
        lambda z, cut: z[:cut],
        st.lists(MEMBER, min_size=1, max_size=3).map(_zip),
        st.integers(0, 400),
    ),
)  # fmt: skip


@FUZZ
@given(data=ARCHIVE)
def test_fuzz_archive_unpacker_installs_inside_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    base = tmp_path_factory.mktemp("unpack")
    models = base / "models"
    models.mkdir()
    archive = models / "m.zip.part"
    archive.write_bytes(data)
    try:
        unpack(archive, models / "m", "pocketsphinx", max_bytes=20_000)
        installed = True
    except ModelError as err:
        assert "\n" not in str(err)
        installed = False
    assert sorted(p.name for p in base.iterdir()) == ["models"]  # nothing escaped
    left = sorted(p.name for p in models.iterdir())
    assert left in ([], ["m.zip.part"], ["m"], ["m", "m.zip.part"]), left  # no scratch left
    if installed:
        assert not any(p.is_symlink() for p in (models / "m").rglob("*"))


# Inputs the fuzzers found, kept as regression cases.
FOUND = {
    # atheris: a central directory name flagged UTF-8 that is not (UnicodeDecodeError)
    "archive-utf8-name": "AQAAAAEAAAAGAAAAAAAACAAAAG0v4S5kaWN0V1BLAQIUAxQAAAAAAAAAIQCDFtyMAQAAAAEA"
    "AAAGAAAAAAAAAAAAAACkgQAAAABtL5dkZWZQSwECFAMUmpqampqampqampqampqampqampqampqampqampqampqa"
    "mpqampqampqampqampqamgAAAAAAAAAhAGqE8lcgT1dQSwECFAMUAAAAAAAAACEAgxbcJQAAAG0vYS5kaWN0UEsF"
    "BgAAAAACAAIAagAAAFMAAAAAAA==",
    # atheris: an entry flagged encrypted (RuntimeError: password required)
    "archive-encrypted": "UEsDBBQAAAAAAAAAIQCDFtyMAQAAAAEAAAAGAAAAbS9tZGVmeFBLAwQUAAAAAAAAACEA"
    "aoTyVwgAAAAIAAAACAAAAG0vYS5kaWN0dG9lIFQgT1dQSwECFAMUAAcAAAAAACEAgxbcjAEAAAABAAAABgAAAACMAAAA"
    "AAAApIEAAAAAbS9tZGVmUEsBAhQDFAAAAAAAAAAhAGqE8lcIAAAACAAAAAgAAAAAAAAAAAAAAKSBJQAAAG0vYS5kaWN0"
    "UEsFBgAAAAACAAIAagAAAFMAAAAAAA==",
}


@pytest.mark.parametrize("name", list(FOUND))
def test_found_archives_are_refused_in_one_line(name: str, tmp_path: Path) -> None:
    import base64

    archive = tmp_path / "m.zip.part"
    archive.write_bytes(base64.b64decode(FOUND[name]))
    with pytest.raises(ModelError, match=r"corrupt or truncated|is encrypted"):
        unpack(archive, tmp_path / "m", "pocketsphinx", max_bytes=100_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- coverage-guided, with atheris where it installs --------------------------------------------

ATHERIS_SECONDS = int(os.environ.get("TOE_ATHERIS_SECONDS", "10"))


def _seeds(target: str) -> dict[str, bytes]:
    """A few valid inputs for libFuzzer to start from (a zip is hard to find from nothing)."""
    if target == "wav":
        from voice.audio import AudioChunk, write_wav

        buffer = io.BytesIO()
        write_wav(buffer, AudioChunk(16000, np.zeros(160, np.int16)))
        return {"silence.wav": buffer.getvalue()}
    if target == "chat":
        return {"answers.txt": b"no\nyes\nnot sure\nabout two weeks\nstop\n"}
    if target == "dialog":
        return {"consultation.yaml": (dialogs_root() / "en" / "consultation.yaml").read_bytes()}
    return {
        "model.zip": _zip([("m/mdef", b"x", False, 0), ("m/a.dict", b"toe T OW", False, 0)]),
        "link.zip": _zip([("m/evil", b"/etc/passwd", True, 0)]),
        "escape.zip": _zip([("../x", b"x", False, 0)]),
    }


@pytest.mark.parametrize("target", ["wav", "chat", "dialog", "archive"])
def test_atheris_finds_no_crash(target: str, tmp_path: Path) -> None:
    pytest.importorskip("atheris", reason="atheris has no wheel here (x86_64 CPython <= 3.11)")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data in _seeds(target).items():
        (corpus / name).write_bytes(data)
    script = Path(__file__).with_name("fuzz_atheris.py")
    # no -rss_limit_mb: libFuzzer's reads the peak this worker once had; the script checks its own
    done = subprocess.run(
        [sys.executable, str(script), target, str(corpus), f"-max_total_time={ATHERIS_SECONDS}",
         "-rss_limit_mb=0", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"],
        capture_output=True, text=True, timeout=ATHERIS_SECONDS + 120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done" in done.stderr


def test_the_fuzzer_fails_on_its_own_memory_not_its_parents(tmp_path: Path) -> None:
    pytest.importorskip("atheris", reason="atheris has no wheel here (x86_64 CPython <= 3.11)")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed").write_bytes(b"RIFF")
    script = Path(__file__).with_name("fuzz_atheris.py")
    args = [sys.executable, str(script), "wav", str(corpus), "-max_total_time=5", "-rss_limit_mb=0"]
    args.append(f"-artifact_prefix={tmp_path}/")
    low = {**os.environ, "TOE_FUZZ_RSS_MB": "1"}  # every process holds more than 1 MB
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, env=low)
    assert done.returncode != 0
    assert "MemoryError" in done.stdout + done.stderr
