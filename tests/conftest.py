"""Shared by the test modules: the virtual sound card, and hypothesis without deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.alsa_card import VirtualCard, virtual_card

# No per-example deadline: on a loaded 2-core machine one example can take longer than
# hypothesis's 200 ms default without anything being wrong; speed is measured in bench/.
settings.register_profile("toe", deadline=None)
settings.load_profile("toe")


@pytest.fixture
def toecard(tmp_path: Path) -> Iterator[VirtualCard]:
    """A virtual ALSA card at 16 kHz mono: ``card.hear``, ``card.run``, ``card.played``."""
    with virtual_card(tmp_path) as card:
        yield card
