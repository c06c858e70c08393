"""Drive a running `toe-assistant serve` on the virtual card, the way a person would.

It reads serve's log (--verbose) to know what the assistant is doing, speaks into the card's
microphone with espeak-ng, and reads the JSON-lines events (--jsonl) for each result.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.alsa_card import CardProcess, VirtualCard
from tests.chat_driver import toe_assistant
from tests.speech import utterance
from voice.cli.spoken import meaning_of
from voice.content import AnswerValue, Dialog, load_dialog
from voice.events import READBACK
from voice.listeners import agrees
from voice.targets import follow_up_limit

TIMEOUT_S = 120.0
SNR_DB = 30.0  # a quiet room: a real microphone never hears digital silence
WAITING = "waiting for the wake word"

PEOPLE: dict[str, dict[str, str]] = {
    "self_care": {"weakness": "no", "numbness": "no", "spreading": "no",
                  "skin_changes": "no", "duration": "since yesterday", "remedies_helped": "yes",
                  "readback": "yes"},
    "see_provider": {"weakness": "yes", "numbness": "no", "spreading": "no",
                     "skin_changes": "no", "duration": "two weeks", "remedies_helped": "no"},
    "see_provider_promptly": {"weakness": "no", "numbness": "no", "spreading": "yes",
                              "skin_changes": "not sure", "duration": "three days",
                              "remedies_helped": "no"},
}  # fmt: skip


@dataclass(frozen=True)
class TruthfulPerson:
    """Someone who means their answers: to "Did you say ...?", to the readback and to "more or
    less than ...?" they say what is true of what they meant, from what serve printed."""

    answers: Mapping[str, str]  # question id -> what they say
    dialog: Dialog

    @classmethod
    def for_answers(cls, answers: Mapping[str, str], locale: str = "en") -> TruthfulPerson:
        """The person who gives ``answers`` (English unless ``locale`` says otherwise)."""
        return cls(answers, load_dialog(locale))

    def reply(self, question: str, events: list[dict[str, Any]]) -> str | None:
        """What to say now that serve listens for ``question``; None: nothing."""
        prompts = [e for e in events if e["type"] == "prompt"]
        prompt = prompts[-1]["text"] if prompts else ""
        say = self.dialog.consultation.say
        heard = self._heard(events)
        if question == READBACK:
            return "yes" if all(self._agrees(q, v) for q, v in heard.items()) else "no"
        if prompt.startswith(say.confirm.split("{", 1)[0]):  # "Did you say ...?"
            return "yes" if question in heard and self._agrees(question, heard[question]) else "no"
        if prompt == say.check_stop:
            return "no"  # they never said stop, unless it is their answer
        meant = self._meant(question)
        if prompt == self.dialog.consultation.questions[question].follow_up:
            if not isinstance(meant, float):
                return "not sure"
            limit = follow_up_limit(self.dialog.consultation, question)
            return "more" if limit is not None and meant >= limit else "less"
        return self.answers.get(question)

    def _heard(self, events: list[dict[str, Any]]) -> dict[str, AnswerValue]:
        """The latest meaning heard for each question."""
        heard: dict[str, AnswerValue] = {}
        for event in events:
            if event["type"] == "heard":
                meaning = meaning_of(self.dialog, event["text"])
                if meaning is not None:
                    heard[event["id"]] = meaning
        return heard

    def _meant(self, question: str) -> AnswerValue | None:
        text = self.answers.get(question)
        return None if text is None else meaning_of(self.dialog, text)

    def _agrees(self, question: str, heard: AnswerValue) -> bool:
        meant = self._meant(question)
        return meant is not None and agrees(meant, heard)


@dataclass
class Serve:
    """One `serve` process on ``card``."""

    card: VirtualCard
    run: CardProcess
    timeout_s: float = TIMEOUT_S

    @classmethod
    def start(
        cls,
        card: VirtualCard,
        *extra: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> Serve:
        """Start serve with the card as microphone and speaker; returns once it waits."""
        args = [*toe_assistant(), "serve", "--verbose", "--jsonl", "--engine", "pocketsphinx",
                "--input-device", card.device, "--output-device", card.device, *extra]  # fmt: skip
        run = CardProcess.start(args, {**card.env, **(env or {})}, cwd)
        serve = cls(card, run, timeout_s)
        serve.expect(WAITING)
        return serve

    def expect(self, marker: str, timeout_s: float | None = None) -> str:
        """The rest of the next log line holding ``marker``; fails if serve ended first."""
        rest = self.run.next_after(marker, timeout_s or self.timeout_s)
        if rest is None:
            raise AssertionError(f"serve ended before {marker!r}:\n{self.run.log()}")
        return rest

    def say(self, text: str, voice: str = "en-us") -> None:
        """Speak into the microphone."""
        self.card.hear(utterance(text, voice=voice, snr_db=SNR_DB, tail_s=1.5).samples)

    def wake(self) -> None:
        """Say the wake word, and wait for the consultation to start listening."""
        self.say("okay nabu")
        self.expect("answered the wake word")

    def answer(self, answers: Mapping[str, str], until: str = "consultation over") -> str:
        """Answer each question asked (reprompts too) until ``until``; to "Did you say ...?"
        say yes, as a person who said what they meant would (a "stop" is confirmed by
        saying it again)."""
        while True:
            line = self.expect("INFO ")
            if until in line:
                return line.split(until, 1)[1].strip()
            if "listening for " in line:
                question = line.split("listening for ", 1)[1].strip()
                if question in answers:
                    confirming = self._last_prompt().startswith("Did you say")
                    self.say("yes" if confirming else answers[question])

    def answer_truthfully(self, person: TruthfulPerson, until: str = "consultation over") -> str:
        """Answer as ``person`` until ``until``: confirmations and the readback truthfully."""
        while True:
            line = self.expect("INFO ")
            if until in line:
                return line.split(until, 1)[1].strip()
            if "listening for " in line:
                question = line.split("listening for ", 1)[1].strip()
                reply = person.reply(question, self.events())
                if reply is not None:
                    self.say(reply)

    def events(self) -> list[dict[str, Any]]:
        """Every event printed so far (--jsonl)."""
        return [json.loads(line) for line in list(self.run.stdout_lines)]

    def _last_prompt(self) -> str:
        events = [json.loads(line) for line in list(self.run.stdout_lines)]
        prompts = [e["text"] for e in events if e["type"] == "prompt"]
        return prompts[-1] if prompts else ""

    def results(self) -> list[dict[str, Any]]:
        """Every result printed so far."""
        events = [json.loads(line) for line in list(self.run.stdout_lines)]
        return [e for e in events if e["type"] == "result"]

    def wait_for_result(self, count: int, timeout_s: float = TIMEOUT_S) -> dict[str, Any]:
        """The ``count``-th result, once printed (it comes as the advice starts)."""
        deadline = time.monotonic() + timeout_s
        while len(self.results()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no result {count} within {timeout_s} s:\n{self.run.log()}")
            time.sleep(0.05)
        return self.results()[count - 1]

    def kill(self) -> None:
        """Make sure the process is gone (after a failed test it may still be serving)."""
        if self.run.process.poll() is None:
            self.run.process.kill()
            self.run.wait(30)

    def terminate(self) -> tuple[int, float]:
        """SIGTERM; the exit code and how long it took to exit."""
        started = time.monotonic()
        self.run.process.send_signal(signal.SIGTERM)
        code = self.run.wait(30)
        return code, time.monotonic() - started

    def resources(self) -> dict[str, int]:
        """Resident memory (kB), open file descriptors and threads of the serve process."""
        pid = self.run.process.pid
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        fields = dict(line.split(":", 1) for line in status)
        return {
            "rss_kb": int(fields["VmRSS"].split()[0]),
            "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "threads": int(fields["Threads"]),
        }
