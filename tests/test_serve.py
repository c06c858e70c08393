"""`serve` end to end through the virtual sound card, in real time.

Each test starts the real command on the card, says "okay nabu" and the answers with
espeak-ng, and reads serve's log and JSON lines. After every scenario serve must be waiting
for the wake word again. The assistant speaks at --rate 300 to keep the real-time seconds down.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.alsa_card import VirtualCard
from tests.chat_driver import toe_assistant
from tests.conftest import fill
from tests.serve_driver import PEOPLE, WAITING, Serve
from voice.summaries import SUMMARIES_FILE

pytestmark = [pytest.mark.slow, pytest.mark.realtime]

FAST_SPEECH = ("--rate", "300")
STOP_WITHIN_S = 2.0
INTERRUPT_WITHIN_MS = 300


def summary_lines(folder: Path) -> list[dict[str, object]]:
    path = folder / SUMMARIES_FILE
    if not path.exists():
        return []
    text = path.read_text()
    assert text == "" or text.endswith("\n"), "a summary line was left half written"
    return [json.loads(line) for line in text.splitlines()]


def test_consultations_one_after_another_with_an_interruption_and_silence(
    start_serve: Callable[..., Serve], toecard: VirtualCard, tmp_path: Path
) -> None:
    folder = tmp_path / "summaries"
    serve = start_serve(*FAST_SPEECH, "--save-summaries", str(folder))

    # Two consultations in a row, each back to waiting.
    for count, outcome in enumerate(["see_provider", "see_provider_promptly"], 1):
        serve.wake()
        assert serve.answer(PEOPLE[outcome]) == "(finished)"
        serve.expect(WAITING)
        assert serve.wait_for_result(count)["outcome"] == outcome

    # The third reaches self-care; the wake word said during the advice cuts it short and
    # starts a new consultation, which the person stops at the first question.
    serve.wake()
    serve.answer(PEOPLE["self_care"], until="listening for readback")
    serve.say("yes")  # "You said ...; is that right?": self-care only after a clear yes
    assert serve.wait_for_result(3)["outcome"] == "self_care"
    time.sleep(1.0)  # the result is printed as the advice starts: say it well into the advice
    serve.say("okay nabu")
    delay_ms = float(serve.expect("stopped speaking").split()[0])
    assert delay_ms < INTERRUPT_WITHIN_MS
    assert serve.expect("consultation over") == "(finished)"
    serve.answer({"weakness": "stop"}, until="consultation over")
    assert serve.wait_for_result(4)["ended"] == "stopped"
    serve.expect(WAITING)

    # Silence after waking: the question, its reprompt, then the dialog's goodbye.
    serve.wake()
    serve.expect("nothing usable heard for weakness")
    serve.expect("nothing usable heard for weakness")
    assert serve.expect("consultation over") == "(gave_up)"
    serve.expect(WAITING)
    silent = serve.wait_for_result(5)  # the gave-up ending still reports its advice ...
    assert silent["ended"] == "gave_up"
    assert silent["outcome"] == "see_provider_promptly"  # unknown signs, unknown length

    # What was saved: the three consultations someone answered, in order, complete.
    saved = summary_lines(folder)
    assert [s["outcome"] for s in saved] == ["see_provider", "see_provider_promptly", "self_care"]
    assert all(
        set(s) == {"time", "locale", "answers", "outcome", "reasons", "ended"} for s in saved
    )
    assert stat.S_IMODE((folder / SUMMARIES_FILE).stat().st_mode) == 0o600
    shown = subprocess.run(
        [*toe_assistant(), "summaries", str(folder)], capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("Consultation of ") == 3
    assert "Advice given: see a healthcare provider promptly." in shown.stdout
    assert "Because you notice weakness in your foot or leg." in shown.stdout

    # SIGTERM mid-consultation: out within 2 s, exit 0, and nothing recorded for it.
    serve.wake()
    serve.expect("listening for weakness")
    code, took_s = serve.terminate()
    assert code == 0 and took_s < STOP_WITHIN_S, serve.run.log()
    assert "nothing recorded" in serve.run.log()
    assert len(summary_lines(folder)) == 3


def snapshot(*folders: Path) -> set[str]:
    """Every path under the folders, with its size and modification time."""
    found = set()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            for name in dirs + files:
                path = Path(root, name)
                info = path.lstat()
                found.add(f"{path} {info.st_size} {info.st_mtime_ns}")
    return found


def test_without_save_summaries_a_whole_run_writes_no_file(
    start_serve: Callable[..., Serve], toecard: VirtualCard, tmp_path: Path
) -> None:
    home, temp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for folder in (home, temp, work):
        folder.mkdir()
    env = {"HOME": str(home), "TMPDIR": str(temp), "XDG_STATE_HOME": "", "XDG_DATA_HOME": "",
           "XDG_CACHE_HOME": "", "XDG_CONFIG_HOME": ""}  # fmt: skip
    before = snapshot(home, temp, work)
    serve = start_serve(*FAST_SPEECH, env=env, cwd=work)
    serve.wake()
    assert serve.answer(PEOPLE["see_provider"]) == "(finished)"
    serve.expect(WAITING)
    code, took_s = serve.terminate()  # SIGTERM while waiting
    assert code == 0 and took_s < STOP_WITHIN_S, serve.run.log()
    assert serve.results()[0]["outcome"] == "see_provider"
    assert snapshot(home, temp, work) == before
    assert "two weeks" not in serve.run.log() and "heard" not in serve.run.log().replace(
        "wake word heard", ""
    )  # nothing the person said is logged


def test_devices_that_go_away_are_waited_for(
    start_serve: Callable[..., Serve], toecard: VirtualCard
) -> None:
    serve = start_serve(*FAST_SPEECH)

    # The microphone goes away while waiting, and comes back.
    toecard.unplug_microphone()
    serve.expect("microphone unavailable")
    toecard.replug_microphone()
    serve.expect("microphone open")
    serve.expect(WAITING)
    serve.wake()
    assert serve.answer({"weakness": "stop"}) == "(stopped)"
    serve.expect(WAITING)

    # It goes away mid-answer: the consultation is dropped, not recorded.
    serve.wake()
    serve.expect("listening for weakness")
    toecard.unplug_microphone()
    serve.expect("consultation abandoned")
    toecard.replug_microphone()
    serve.expect(WAITING)

    # The speaker fails: the consultation is dropped and the speaker tried until it is back.
    toecard.break_speaker()
    serve.say("okay nabu")
    serve.expect("consultation abandoned")
    serve.expect("speaker unavailable")
    toecard.fix_speaker()
    serve.expect("speaker is back")
    serve.expect(WAITING)
    serve.wake()
    assert serve.answer({"weakness": "stop"}) == "(stopped)"
    serve.expect(WAITING)
    code, took_s = serve.terminate()
    assert code == 0 and took_s < STOP_WITHIN_S
    assert len(serve.results()) == 2


def test_a_full_disk_loses_the_summary_not_the_service(
    start_serve: Callable[..., Serve], toecard: VirtualCard, full_disk: Path
) -> None:
    fill(full_disk)
    serve = start_serve(*FAST_SPEECH, "--save-summaries", str(full_disk))
    serve.wake()
    assert serve.answer(PEOPLE["see_provider"]) == "(finished)"
    serve.expect("summary not saved (nothing was written)")
    serve.expect(WAITING)
    assert summary_lines(full_disk) == []
    serve.wake()
    assert serve.answer({"weakness": "stop"}) == "(stopped)"
    serve.expect(WAITING)
    code, _ = serve.terminate()
    assert code == 0
