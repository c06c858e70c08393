"""Run inside `unshare -n` by tests/test_wyoming_service.py: loopback up, nothing else.

Starts `toe-assistant wyoming` under strace and the socket watch (tests/offline), holds one
consultation through the real client, stops the service with SIGTERM, and prints what
happened as one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.wyoming_driver import started, visit

HOOK_DIR = Path(__file__).resolve().parent / "offline"
ANSWERS = {"*": "no", "duration": "two days", "readback": "yes"}
TRACED = "trace=socket,socketpair,bind,connect,sendto,sendmsg"


def main(folder: Path) -> None:
    """One consultation with the service in this network namespace."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    env = {"TOE_SOCKET_LOG": str(folder / "sockets.jsonl")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOK_DIR), os.environ.get("PYTHONPATH")]))
    strace = shutil.which("strace")
    prefix = (
        ("strace", "-f", "-qq", "-e", TRACED, "-o", str(folder / "strace.txt")) if strace else ()
    )
    with started(prefix=prefix, env=env, traced=bool(strace)) as service:
        run = asyncio.run(visit(service.port, ANSWERS))
        code = service.stop()
    print(json.dumps({"replies": run.replies, "awaited": run.awaited, "exit": code,
                      "log": service.text(), "traced": bool(strace)}))  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]))
