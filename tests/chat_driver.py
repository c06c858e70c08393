"""Drive a consultation by question id: in process (fast), or `chat --jsonl` as a subprocess.

Both give the same ChatRun, built from the JSON-lines contract's events, so a test can run its
table in process and keep a few cases through the real command line.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voice.content import Dialog

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


Answers = Mapping[str, str | list[str]]


def _replies(answers: Answers) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in answers.items()}


def _next_reply(queues: dict[str, list[str]], question: str) -> str | None:
    """The answer to ``question``; a list answers in turn and its last item repeats."""
    queue = queues.get(question) or queues.get("*")
    if not queue:
        return None
    return queue.pop(0) if len(queue) > 1 else queue[0]


def converse(answers: Answers, locale: str = "en") -> ChatRun:
    """The consultation in process, as `chat --jsonl` would print it (no answer left: exit 2)."""
    from voice.cli.output import event_json
    from voice.dialog import Conversation

    conversation = Conversation(shipped_dialog(locale))
    queues = _replies(answers)
    run = ChatRun()
    events = conversation.start()
    while True:
        run.events += [event_json(e) for e in events]
        if conversation.result is not None:
            return run
        reply = _next_reply(queues, str(conversation.expecting))
        if reply is None:
            run.exit_code = 2
            run.stderr = "input ended before the consultation finished"
            return run
        events = conversation.hear(reply)


@functools.cache
def shipped_dialog(locale: str) -> Dialog:
    """A shipped dialog, loaded once per test process (its understanding is then shared)."""
    from voice.content import load_dialog

    return load_dialog(locale)


def chat(
    answers: Answers,
    *extra: str,
    env: Mapping[str, str] | None = None,
) -> ChatRun:
    """Answer each prompt from `answers` (a list answers the same question in turn)."""
    queues = _replies(answers)
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
            reply = _next_reply(queues, event["id"])
            if reply is None:
                process.stdin.close()  # no answer left: the tool sees end of input
                continue
            process.stdin.write(reply + "\n")
            process.stdin.flush()
    run.stderr = process.stderr.read() if process.stderr else ""
    run.exit_code = process.wait(timeout=TIMEOUT_S)
    return run
