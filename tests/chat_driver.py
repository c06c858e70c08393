"""Drive `toe-assistant chat --jsonl` as a subprocess, answering each prompt by question id."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TIMEOUT_S = 60


@dataclass
class ChatRun:
    """Everything one consultation printed, and how it ended."""

    events: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int = 0
    stderr: str = ""

    @property
    def result(self) -> dict[str, Any]:
        results = [e for e in self.events if e["type"] == "result"]
        if len(results) != 1:
            raise AssertionError(f"expected one result, got {results}: {self.stderr}")
        return results[0]

    @property
    def asked(self) -> list[str]:
        return [e["id"] for e in self.events if e["type"] == "prompt"]

    def said(self) -> str:
        return " ".join(e["text"] for e in self.events if e["type"] in ("say", "prompt"))


def toe_assistant() -> list[str]:
    """The installed console script, next to the running interpreter."""
    script = os.path.join(os.path.dirname(sys.executable), "toe-assistant")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "voice"]


def chat(
    answers: Mapping[str, str | list[str]],
    *extra: str,
    env: Mapping[str, str] | None = None,
) -> ChatRun:
    """Answer each prompt from `answers` (a list answers the same question in turn)."""
    queues = {k: [v] if isinstance(v, str) else list(v) for k, v in answers.items()}
    process = subprocess.Popen(
        [*toe_assistant(), "chat", "--jsonl", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdin is not None and process.stdout is not None
    run = ChatRun()
    for line in process.stdout:
        event = json.loads(line)
        run.events.append(event)
        if event["type"] == "prompt":
            queue = queues.get(event["id"]) or queues.get("*")
            if not queue:
                process.stdin.close()  # no answer left: the tool sees end of input
                continue
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
            process.stdin.write(reply + "\n")
            process.stdin.flush()
    run.stderr = process.stderr.read() if process.stderr else ""
    run.exit_code = process.wait(timeout=TIMEOUT_S)
    return run
