"""Offline guarantee: every command but `models download` runs with no network at all.

Each command runs inside a new network namespace (``unshare -n``: no interface but a loopback
that is down) and is watched twice: an audit hook in the child records every socket Python
code opens, binds or connects (tests/offline/sitecustomize.py), and strace, when installed,
records every connect() the process and its C libraries make. Nothing but AF_UNIX may be
connected, and AF_UNIX only by the commands that talk to the sound system (devices, listen);
chat, simulate and demo connect nowhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from tests.alsa_card import VirtualCard
from tests.chat_driver import toe_assistant

HOOK_DIR = Path(__file__).resolve().parent / "offline"
STRACE = shutil.which("strace")
ANSWERS = "no\n" * 4 + "two days\nyes\n" * 3


def _can_unshare() -> bool:
    try:
        done = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


pytestmark = pytest.mark.skipif(
    not _can_unshare(), reason="needs unshare -n (util-linux, root or user namespaces)"
)


def offline(
    args: list[str], tmp_path: Path, strace: bool = True
) -> tuple[list[str], dict[str, str]]:
    """The command wrapped in a network namespace (and strace), and the env for the hook."""
    env = {**os.environ, "TOE_SOCKET_LOG": str(tmp_path / "sockets.jsonl")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOK_DIR), env.get("PYTHONPATH")]))
    traced = ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg",
              "-o", str(tmp_path / "strace.txt")] if STRACE and strace else []  # fmt: skip
    return ["unshare", "-n", *traced, *args], env


def audit(tmp_path: Path, unix_allowed: bool, traced: bool = True) -> None:
    """Fail on any network socket use; on AF_UNIX connects and audio unless ``unix_allowed``."""
    log = tmp_path / "sockets.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    for record in records:
        if record["event"] in ("import", "open"):  # sounddevice, or a sound device itself
            assert unix_allowed, records
            continue
        family = record["family"]
        if record["event"] == "socket" and family != socket.AF_UNIX:
            # urllib3 (imported by vosk) probes IPv6 once at import: an AF_INET6 socket bound
            # to ::1, never connected. Anything else is a network socket.
            assert family == socket.AF_INET6, records
        elif record["event"] == "bind" and family != socket.AF_UNIX:
            assert record["to"].startswith("('::1', 0"), records
        elif record["event"] in ("connect", "sendto", "sendmsg"):
            assert family == socket.AF_UNIX and unix_allowed, records
    if STRACE and traced:
        calls = (tmp_path / "strace.txt").read_text()
        connects = re.findall(r"connect\(\d+, \{sa_family=(\w+)", calls)
        sends = re.findall(r"send(?:to|msg)\(\d+, .*sa_family=(\w+)", calls)
        assert all(f == "AF_UNIX" for f in connects + sends), calls
        assert unix_allowed or not connects, calls


COMMANDS = {
    "chat": (["chat", "--jsonl"], ANSWERS),
    "simulate": (["simulate", "--engine", "pocketsphinx", "--answer", "*=no",
                  "--answer", "duration=two days"], ""),
    "demo": (["demo", "--engine", "pocketsphinx", "--output", "{tmp}/demo.wav"], ""),
    "check-dialogs": (["check-dialogs"], ""),
    "models list": (["models", "list", "--json"], ""),
    "models path": (["models", "path", "pocketsphinx-en-us"], ""),
    "summaries": (["summaries", "{tmp}"], ""),
    "sentences": (["sentences", "{tmp}/custom_sentences", "--locale", "en"], ""),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_runs_with_no_network_and_connects_nowhere(name: str, tmp_path: Path) -> None:
    args, stdin = COMMANDS[name]
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    command, env = offline([*toe_assistant(), *args], tmp_path)
    done = subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode in (0, 1), done.stderr  # 1: a consultation without an outcome
    assert "Traceback" not in done.stderr
    audit(tmp_path, unix_allowed=False)


def test_models_download_without_network_is_one_line(tmp_path: Path) -> None:
    command, env = offline(
        [*toe_assistant(), "models", "--models-dir", str(tmp_path / "models"), "download",
         "vosk-model-small-en-us-0.15", "--quiet"], tmp_path,
    )  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "cannot reach alphacephei.com" in done.stderr
    assert not (tmp_path / "models" / "vosk-model-small-en-us-0.15").exists()


def test_devices_runs_with_no_network(tmp_path: Path, toecard: VirtualCard) -> None:
    command, env = offline([*toe_assistant(), "devices", "--json"], tmp_path)
    done = subprocess.run(
        command, capture_output=True, text=True, env={**toecard.env, **env}, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert any(toecard.device in d["name"] for d in json.loads(done.stdout))
    audit(tmp_path, unix_allowed=True)  # PortAudio's JACK host probes its server's socket


def on_card_offline(args: list[str], card: VirtualCard, tmp_path: Path) -> subprocess.Popen[str]:
    """A spoken command on the virtual card, in a network namespace, under the socket watch."""
    command, env = offline(
        [*toe_assistant(), *args, "--engine", "pocketsphinx",
         "--input-device", card.device, "--output-device", card.device], tmp_path,
        strace=False,  # strace would not pass the signal on
    )  # fmt: skip
    return subprocess.Popen(
        command, env={**card.env, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


@pytest.mark.realtime
def test_listen_runs_with_no_network(tmp_path: Path, toecard: VirtualCard) -> None:
    """Up to the first question listened for, then Ctrl-C (strace would not pass it on)."""
    process = on_card_offline(["--debug", "listen", "--jsonl"], toecard, tmp_path)
    assert process.stderr is not None
    for line in process.stderr:
        if "listening for" in line:
            break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    audit(tmp_path, unix_allowed=True, traced=False)


@pytest.mark.realtime
def test_serve_runs_with_no_network(tmp_path: Path, toecard: VirtualCard) -> None:
    """Woken, a consultation stopped at its first question, then SIGTERM: exit 0."""
    from tests.speech import utterance

    process = on_card_offline(["serve", "--verbose"], toecard, tmp_path)
    assert process.stderr is not None
    said = {"waiting for the wake word": "okay nabu", "listening for weakness": "stop"}
    for line in process.stderr:
        for marker, words in said.items():
            if marker in line:
                toecard.hear(utterance(words, snr_db=30, tail_s=1.5).samples)
        if "consultation over" in line:
            break
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    audit(tmp_path, unix_allowed=True, traced=False)


def test_the_watch_sees_a_connection_attempt(tmp_path: Path) -> None:
    """The guard is not vacuous: a Python connect, even one that fails, is caught."""
    import sys

    code = "import socket\ntry: socket.create_connection(('127.0.0.1', 9), 1)\nexcept OSError: pass"
    command, env = offline([sys.executable, "-c", code], tmp_path)
    subprocess.run(command, env=env, timeout=60, check=True)
    with pytest.raises(AssertionError):
        audit(tmp_path, unix_allowed=True)
