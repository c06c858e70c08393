"""Shared by the test modules: the virtual sound card, and hypothesis without deadlines."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.alsa_card import VirtualCard, virtual_card
from tests.serve_driver import Serve

# No per-example deadline: on a loaded 2-core machine one example can take longer than
# hypothesis's 200 ms default without anything being wrong; speed is measured in bench/.
settings.register_profile("toe", deadline=None)
settings.load_profile("toe")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A real-time test speaks through the virtual card in real time, and a systemd test boots
    a container: they are slow too, so `-m "not slow"` (the quick loop) leaves them out."""
    for item in items:
        slow = item.get_closest_marker("realtime") or item.get_closest_marker("systemd")
        if slow and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def toecard(tmp_path: Path) -> Iterator[VirtualCard]:
    """A virtual ALSA card at 16 kHz mono: ``card.hear``, ``card.run``, ``card.played``."""
    with virtual_card(tmp_path) as card:
        yield card


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB tmpfs to fill with ``fill`` (mounting needs root; skipped without it)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def fill(folder: Path) -> None:
    """Take every byte left on the file system holding ``folder``."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    with contextlib.suppress(OSError):
        while os.write(fd, b"x" * 512):
            pass
    os.close(fd)


@pytest.fixture
def start_serve(toecard: VirtualCard) -> Iterator[Callable[..., Serve]]:
    """Starts `serve` on the virtual card; whatever happens, every one is gone afterwards."""
    started: list[Serve] = []

    def start(*extra: str, **options: Any) -> Serve:
        serve = Serve.start(toecard, *extra, **options)
        started.append(serve)
        return serve

    yield start
    for serve in started:
        serve.kill()
