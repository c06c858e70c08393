"""Hostile and careless input to the command line: one line on stderr, exit 2, nothing left.

Each row is a bad input from issue 11 (or found while fixing it), run through the real
``main`` in process: it must end with exit code 2 and exactly one line on stderr saying what
is wrong, with no traceback and no half-written file. Signals, closed descriptors and memory
bounds need a real process: tests/test_streams.py.
"""

from __future__ import annotations

import io
import shutil
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from voice.cli import main
from voice.content import dialogs_root

Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input: the arguments ({tmp} is the test's folder), and what the line says."""

    args: list[str]
    says: str
    stdin: bytes = b""
    setup: Setup | None = None
    dialogs: Callable[[dict], None] | None = None  # breaks a copy of the English dialog
    after: Callable[[Path], None] | None = None  # then changes the copy's file itself
    env: dict[str, str] = field(default_factory=dict)
    leaves: tuple[str, ...] = ()  # names that must not exist in {tmp} afterwards


def wav(rate_hz: int, channels: int, bits: int = 16, frames: int = 1600) -> bytes:
    """A PCM WAV header declaring anything at all, with ``frames`` frames of silence."""
    block = channels * bits // 8
    fmt = struct.pack(
        "<HHIIHH", 1, channels, rate_hz, (rate_hz * block) & 0xFFFFFFFF, block & 0xFFFF, bits
    )
    data = bytes(block * frames)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def file(name: str, content: bytes) -> Setup:
    def make(tmp: Path) -> None:
        (tmp / name).write_bytes(content)

    return make


def folder(name: str) -> Setup:
    def make(tmp: Path) -> None:
        (tmp / name).mkdir()

    return make


def setting(path: str, value: object) -> Callable[[dict], None]:
    """Set one dotted field of the consultation (a list index is a number)."""

    def change(data: dict) -> None:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def eighteen_questions(data: dict) -> None:
    """A valid dialog of 18 yes/no questions: 3^18 paths, each question read by a rule."""
    template = data["questions"]["weakness"]
    names = [f"q{i}" for i in range(18)]
    data["questions"] = {
        name: {**template, "next": names[i + 1] if i + 1 < len(names) else "decide"}
        for i, name in enumerate(names)
    }
    data["start"] = names[0]
    rule = {**data["rules"][4], "unclear_reason": data["rules"][5]["unclear_reason"]}
    data["rules"] = [{**rule, "id": n, "when": {n: ["yes", "unsure"]}} for n in names]
    data["outcomes"].pop("see_provider_promptly")


def append(data: bytes) -> Callable[[Path], None]:
    def add(path: Path) -> None:
        with path.open("ab") as handle:
            handle.write(data)

    return add


def untouched(data: dict) -> None:
    """Leave the copy as it is (a test then changes its bytes)."""


def broken(path: str, value: object, says: str, command: str = "chat") -> Case:
    """A copy of the English dialog with one field set to ``value``."""
    args = [command, "{dialog}"] if command == "check-dialogs" else [command]
    return Case(args, says, dialogs=setting(path, value))


SIMULATE = ["simulate", "--engine", "pocketsphinx"]
SOURCE = "questions.weakness.source"

CASES: dict[str, Case] = {
    # usage errors: argparse printed the usage block, 2 to 8 lines
    "unknown option": Case(["chat", "--bogus"], "unrecognized arguments: --bogus"),
    "unknown command": Case(["nosuch"], "invalid choice: 'nosuch'"),
    "option without value": Case([*SIMULATE, "--answer"], "expected one argument"),
    "missing argument": Case(["models", "download"], "required: name"),
    "rate not a number": Case([*SIMULATE, "--rate", "abc", "--answer", "*=no"], "invalid int"),
    "rate zero": Case([*SIMULATE, "--rate", "0", "--answer", "*=no"], "rate 0 words per minute"),
    "answer rate zero": Case(
        [*SIMULATE, "--answer-rate", "0", "--answer", "*=no"], "rate 0 words per minute"
    ),
    # paths shown escaped, never raw terminal control
    "WAV path with newline and escape": Case(
        [*SIMULATE, "--answer", "*=@a\nb\x1b[31m.wav"], r"a\nb\x1b[31m.wav"
    ),
    "dialog path with newline and escape": Case(
        ["check-dialogs", "x\ny\x1b[2J.yaml"], r"x\ny\x1b[2J.yaml"
    ),
    # WAV headers no recording has
    "WAV at 4294967295 Hz": Case(
        [*SIMULATE, "--answer", "*=@{tmp}/hz.wav"], "4294967295 Hz",
        setup=file("hz.wav", wav(0xFFFFFFFF, 1)),
    ),
    "WAV with 65535 channels": Case(
        [*SIMULATE, "--answer", "*=@{tmp}/ch.wav"], "65535 channels",
        setup=file("ch.wav", wav(16000, 65535, frames=2)),
    ),
    "WAV at 0 Hz": Case(
        [*SIMULATE, "--answer", "*=@{tmp}/z.wav"], "0 Hz", setup=file("z.wav", wav(0, 1))
    ),
    "WAV of 7 bits": Case(
        [*SIMULATE, "--answer", "*=@{tmp}/b.wav"], "7-bit", setup=file("b.wav", wav(16000, 1, 7))
    ),
    "WAV that is text": Case(
        [*SIMULATE, "--answer", "*=@{tmp}/t.wav"], "not a WAV file", setup=file("t.wav", b"hello")
    ),
    "WAV that is a folder": Case(
        [*SIMULATE, "--answer", "*=@{tmp}/d.wav"], "cannot read the WAV file", setup=folder("d.wav")
    ),
    "WAV from /dev/zero": Case([*SIMULATE, "--answer", "*=@/dev/zero"], "larger than 64 MB"),
    "text answer of 20,000 words": Case(
        [*SIMULATE, "--answer", "weakness=" + "no " * 20_000], "60000 characters is not an answer"
    ),
    "unknown question, long": Case(
        [*SIMULATE, "--answer", "x" * 5000 + "=no"], "unknown question"
    ),
    # outputs that cannot be written: the right line, nothing half-written, no __del__ noise
    "record to a folder": Case(
        [*SIMULATE, "--answer", "*=no", "--record", "{tmp}/out"], "it is a folder",
        setup=folder("out"),
    ),
    "demo output to a folder": Case(
        ["demo", "--engine", "pocketsphinx", "--output", "{tmp}/out"], "it is a folder",
        setup=folder("out"),
    ),
    "demo output under a file": Case(
        ["demo", "--engine", "pocketsphinx", "--output", "{tmp}/f/out.wav"], "cannot write",
        setup=file("f", b"x"),
    ),
    "demo output in /proc": Case(
        ["demo", "--engine", "pocketsphinx", "--output", "/proc/toe-demo.wav"], "cannot write"
    ),
    # files that are not what they say
    "non-UTF-8 registry": Case(
        ["models", "--registry", "{tmp}/r.yaml", "list"], "not UTF-8",
        setup=file("r.yaml", b"models:\n - \xff\n"),
    ),
    "registry nested 5,000 deep": Case(
        ["models", "--registry", "{tmp}/r.yaml", "list"], "nested more than",
        setup=file("r.yaml", b"a: " + b"[" * 5000 + b"]" * 5000),
    ),
    "registry that is a device": Case(
        ["models", "--registry", "/dev/zero", "list"], "larger than"
    ),
    "empty dialogs folder": Case(
        ["chat"], "no consultation in", setup=folder("empty"),
        env={"TOE_ASSISTANT_DIALOGS": "{tmp}/empty"},
    ),
    "missing dialogs folder": Case(
        ["chat", "--locale", "en"], "no consultation in",
        env={"TOE_ASSISTANT_DIALOGS": "{tmp}/nowhere"},
    ),
    # downloads (more in test_download_limits.py)
    "download from file:///dev/zero": Case(
        ["models", "--models-dir", "{tmp}/m", "download", "vosk-model-small-en-us-0.15",
         "--url", "file:///dev/zero"], "only https://", leaves=("m",),
    ),
    "download from an empty URL": Case(
        ["models", "--models-dir", "{tmp}/m", "download", "vosk-model-small-en-us-0.15",
         "--url", ""], "only https://", leaves=("m",),
    ),
    "download from /etc/passwd": Case(
        ["models", "--models-dir", "{tmp}/m", "download", "vosk-model-small-en-us-0.15",
         "--url", "/etc/passwd"], "only https://",
    ),
    "download from http://[::1": Case(
        ["models", "--models-dir", "{tmp}/m", "download", "vosk-model-small-en-us-0.15",
         "--url", "http://[::1"], "not a valid URL",
    ),
    # dialogs broken at run time (TOE_ASSISTANT_DIALOGS at a copy)
    "transition cycle": broken("questions.numbness.next", "weakness", "a path never ends"),
    "unknown goto": broken("questions.weakness.next", "nowhere", "unknown question 'nowhere'"),
    # an empty list of branches was an IndexError and a traceback (found by tests/test_fuzz.py)
    "no branch at all": broken("questions.numbness.next", [], "questions.numbness.next"),
    "positional placeholder": broken("outcomes.see_provider.say.0.text", "See, {0}.", "{0}"),
    "attribute placeholder": broken("say.noted", "{label.__class__.__mro__}", "not a plain"),
    "index placeholder": broken("say.confirm", "{answer[0]}?", "not a plain name"),
    "format spec placeholder": broken("say.confirm", "{answer:>99999999}?", "not a plain"),
    "lone brace": broken("say.greeting", "Hi {", "single '{'"),
    "intents at /etc/shadow": broken("intents", "/etc/shadow", "outside"),
    "intents climbing out": broken("intents", "../../../../../../etc/passwd", "outside"),
    "last branch conditional": broken(
        "questions.duration.next", [{"if": {"duration": {"min_days": 3}}, "goto": "decide"}],
        "the last branch needs no `if`",
    ),
    "days test on a yes/no question": broken(
        "rules.0.when", {"spreading": {"min_days": 3}}, "tests a yes/no question for days"
    ),
    "empty source": broken(SOURCE, "", "too short", "check-dialogs"),
    "ellipsis source": broken(SOURCE, "...", "too short", "check-dialogs"),
    "one-letter source": broken(SOURCE, "a", "too short", "check-dialogs"),
    "words cut from words": broken(
        SOURCE, "witching that is consistently accompanied by", "not found", "check-dialogs"
    ),
    "non-UTF-8 dialog": Case(["chat"], "not UTF-8", dialogs=untouched, after=append(b"\xff")),
    "non-UTF-8 clinical source": Case(
        ["check-dialogs", "{dialog}"], "not UTF-8", dialogs=untouched,
        after=lambda path: append(b"\xff")(path.parent.parent / "SOURCE.txt"),
    ),
    "dialog nested 5,000 deep": Case(
        ["chat"], "nested more than", dialogs=untouched,
        after=append(b"\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n"),
    ),
}  # fmt: skip


def _dialog_copy(tmp: Path, change: Callable[[dict], None]) -> Path:
    root = tmp / "dialogs"
    shutil.copytree(dialogs_root(), root)
    path = root / "en" / "consultation.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


def test_bad_input_is_one_line_and_exit_2(
    case: Case,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    if case.setup is not None:
        case.setup(tmp_path)
    dialog = _dialog_copy(tmp_path, case.dialogs) if case.dialogs else None
    if dialog is not None and case.after is not None:
        case.after(dialog)
    if dialog is not None:
        monkeypatch.setenv("TOE_ASSISTANT_DIALOGS", str(dialog.parent.parent))
    for key, value in case.env.items():
        monkeypatch.setenv(key, value.replace("{tmp}", str(tmp_path)))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case.stdin)))
    args = [a.replace("{tmp}", str(tmp_path)).replace("{dialog}", str(dialog)) for a in case.args]
    before = set(tmp_path.rglob("*"))

    code = main(args)

    out, err = capfd.readouterr()
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("toe-assistant: "), err
    assert case.says in err, err
    assert "Traceback" not in err and "Exception ignored" not in err
    for name in case.leaves:
        assert not (tmp_path / name).exists()
    left = {p for p in set(tmp_path.rglob("*")) - before if not p.name.endswith(".yaml")}
    assert not left, f"left behind: {sorted(map(str, left))}"


def test_an_eighteen_question_dialog_checks_in_seconds(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """check-dialogs enumerated every path: 3^18 of them did not finish in 90 s."""
    dialog = _dialog_copy(tmp_path, eighteen_questions)
    (dialog.parent / "examples.yaml").unlink()  # labelled answers to the questions it replaced
    started = time.monotonic()
    code = main(["check-dialogs", str(dialog)])
    out, err = capfd.readouterr()
    assert code == 0, err
    assert "18 questions" in out and "more than" in out
    assert time.monotonic() - started < 15
