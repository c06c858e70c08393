"""Fixtures shared by the test modules: the virtual sound card."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alsa_card import VirtualCard, virtual_card


@pytest.fixture
def toecard(tmp_path: Path) -> Iterator[VirtualCard]:
    """A virtual ALSA card at 16 kHz mono: ``card.hear``, ``card.run``, ``card.played``."""
    with virtual_card(tmp_path) as card:
        yield card
