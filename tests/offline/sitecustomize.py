"""Put on PYTHONPATH for a child process: records every socket it opens, binds or connects.

An audit hook (PEP 578) sees what Python code does with sockets; tests/test_offline.py reads
the record. Sockets opened by C libraries are not seen here: strace covers those.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

_LOG = os.environ.get("TOE_SOCKET_LOG")
_EVENTS = {"socket.__new__", "socket.bind", "socket.connect", "socket.sendto", "socket.sendmsg"}
_AUDIO_MODULES = {"sounddevice", "_sounddevice"}  # importing it starts PortAudio


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _LOG is None:
        return
    if event == "import" and args[0] in _AUDIO_MODULES:
        record: dict[str, object] = {"event": "import", "module": args[0]}
    elif event == "open" and str(args[0]).startswith("/dev/snd"):
        record = {"event": "open", "path": str(args[0])}
    elif event not in _EVENTS:
        return
    elif event == "socket.__new__":
        record = {"event": "socket", "family": int(args[1])}
    else:
        record = {"event": event.split(".")[1], "family": int(args[0].family), "to": repr(args[1])}
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")


if _LOG:
    sys.addaudithook(_hook)
