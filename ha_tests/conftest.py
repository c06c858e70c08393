"""Home Assistant's own test harness (pytest-homeassistant-custom-component), for the component.

Run by scripts/test-ha in a Python 3.13 venv of its own; the toe-assistant service it talks to
is the real command from the project's venv ($TOE_ASSISTANT_BIN), started once for the session.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

pytest_plugins = "pytest_homeassistant_custom_component"

LISTENING = re.compile(r"listening on tcp://127\.0\.0\.1:(\d+)")
START_TIMEOUT_S = 60.0


@pytest.fixture(autouse=True)
async def core_and_conversation(
    hass: HomeAssistant, enable_custom_integrations: None, socket_enabled: None
) -> None:
    """Home Assistant's core and conversation set up, this checkout's custom components
    loadable, as on a real instance; and real sockets (the harness blocks them by default:
    the agent talks to the real service on loopback)."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})


@pytest.fixture(scope="session")
def toe_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`toe-assistant wyoming` on a free loopback port, English and Korean, for the session."""
    command = os.environ.get("TOE_ASSISTANT_BIN") or str(
        Path(__file__).resolve().parent.parent / ".venv" / "bin" / "toe-assistant"
    )
    log = tmp_path_factory.mktemp("service") / "service.log"
    with log.open("w") as stderr:  # a file, not a pipe: no thread needed to drain it
        process = subprocess.Popen(
            [command, "wyoming", "--uri", "tcp://127.0.0.1:0", "--locale", "en", "--locale", "ko"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (found := LISTENING.search(log.read_text())):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start: {log.read_text()}")
            time.sleep(0.05)
        yield int(found.group(1))
    finally:
        process.terminate()
        process.wait(timeout=30)
