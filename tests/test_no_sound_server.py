"""simulate, demo and chat use no sound card: they never contact a sound server either.

In issue 11 simulate and demo connected to PulseAudio (over TCP when PULSE_SERVER said so):
libespeak-ng 1.51 probes the sound server while it initialises, even when it only renders
into memory. Here a fake server listens where PULSE_SERVER points and counts who knocks.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.chat_driver import toe_assistant


@contextmanager
def listening(family: int, address: str | tuple[str, int]) -> Iterator[tuple[Any, list[int]]]:
    """A socket that accepts and counts connections; yields its address and the count."""
    server = socket.socket(family, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(8)
    server.settimeout(0.2)
    knocks: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                continue
            knocks.append(1)
            client.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname(), knocks
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


COMMANDS = {
    "simulate": ["simulate", "--engine", "pocketsphinx", "--answer", "*=no",
                 "--answer", "duration=two days"],
    "demo": ["demo", "--engine", "pocketsphinx", "--output", "{tmp}/demo.wav"],
    "chat": ["chat", "--jsonl"],
}  # fmt: skip


def run(name: str, tmp_path: Path, pulse_server: str) -> subprocess.CompletedProcess[str]:
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[name]]
    env = {**os.environ, "PULSE_SERVER": pulse_server}
    return subprocess.run(
        [*toe_assistant(), *args], input="no\n" * 4 + "two days\nyes\n" * 3,
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("simulate", marks=pytest.mark.slow),
        pytest.param("demo", marks=pytest.mark.slow),
        "chat",
    ],
)
def test_no_sound_server_is_contacted_over_a_unix_socket(name: str, tmp_path: Path) -> None:
    with listening(socket.AF_UNIX, str(tmp_path / "pulse.sock")) as (address, knocks):
        done = run(name, tmp_path, f"unix:{address}")
    assert done.returncode in (0, 1), done.stderr
    assert knocks == [], f"{name} connected to the sound server {len(knocks)} times"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["simulate", "demo"])
def test_no_sound_server_is_contacted_over_tcp(name: str, tmp_path: Path) -> None:
    with listening(socket.AF_INET, ("127.0.0.1", 0)) as (address, knocks):
        host, port = address
        done = run(name, tmp_path, f"tcp:{host}:{port}")
    assert done.returncode in (0, 1), done.stderr
    assert knocks == [], f"{name} connected to the sound server over TCP"


def test_the_pulse_server_setting_is_left_as_it_was() -> None:
    """Speech-out clears PULSE_SERVER only while espeak-ng starts; sounddevice still sees it."""
    code = (
        "import os; os.environ['PULSE_SERVER'] = 'unix:/x'\n"
        "from voice.tts import EspeakSynthesizer\n"
        "EspeakSynthesizer().synthesize('hello')\n"
        "print(os.environ['PULSE_SERVER'])"
    )
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "unix:/x", done.stderr
