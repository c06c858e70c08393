"""How big the device is: the memory that decides what `--engine auto` and `--denoise auto`
can afford. Callers may pass the figure in (tests, a device told what it is)."""

from __future__ import annotations

import logging
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

MEMINFO = Path("/proc/meminfo")
UNKNOWN_MEMORY_MB = 0  # when it cannot be read, assume the smallest device


def total_memory(meminfo: Path = MEMINFO) -> int:
    """The machine's total memory in MB (MemTotal), 0 when it cannot be read."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError) as err:
        _LOGGER.warning("could not read the memory size from %s: %s", meminfo, err)
    return UNKNOWN_MEMORY_MB
