"""An answer that starts at once is heard whole: a person on the virtual card answers 0.0, 0.2
and 0.5 s after the assistant starts listening, in a quiet room and in a noisy one."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from tests.alsa_card import VirtualCard
from tests.chat_driver import toe_assistant
from tests.speech import power, synthesize

pytestmark = pytest.mark.realtime

DELAYS_S = (0.0, 0.2, 0.5)  # after the "listening for" line, turn by turn
ANSWERS = {"weakness": "no", "numbness": "no", "spreading": "not really",
           "skin_changes": "no", "duration": "about a week", "remedies_helped": "yes",
           "triggers": "no", "more_tips": "no"}  # fmt: skip
ROOMS = {"quiet": (30.0, None), "white noise 10 dB": (0.0, 10.0)}  # room RMS, or the SNR


@pytest.mark.parametrize("room", list(ROOMS))
def test_every_quick_answer_is_heard(toecard: VirtualCard, room: str) -> None:
    room_rms, snr_db = ROOMS[room]
    level: float = room_rms
    spoken = {q: synthesize(text) for q, text in ANSWERS.items()}
    speech = {q: chunk.samples for q, chunk in spoken.items()}
    yes = synthesize("yes").samples
    if snr_db is not None:  # the room is as loud as the answers' noise: 10 dB below them
        level = float(np.sqrt(power(spoken["weakness"]) / 10 ** (snr_db / 10)))
    toecard.room_rms = level
    rng = np.random.default_rng(3)

    def in_room(samples: np.ndarray) -> np.ndarray:
        noisy = samples + rng.normal(0.0, level, len(samples))
        return np.clip(noisy, -32768, 32767).astype(np.int16)

    run = toecard.start(
        [*toe_assistant(), "--debug", "listen", "--jsonl", "--engine", "pocketsphinx",
         "--input-device", toecard.device, "--output-device", toecard.device]
    )  # fmt: skip
    turn = 0
    while (question := run.next_after("listening for ")) is not None:
        prompts = [e for e in map(json.loads, list(run.stdout_lines)) if e["type"] == "prompt"]
        confirming = prompts[-1]["text"].startswith("Did you say") or question == "readback"
        time.sleep(DELAYS_S[turn % len(DELAYS_S)])
        toecard.hear(in_room(yes if confirming else speech[question]))
        turn += 1
    assert run.wait() == 0, run.log()
    missed = [line for line in run.stderr_lines if "nothing usable heard" in line]
    assert not missed, (missed, run.log())
    assert turn >= len(DELAYS_S) * 2  # each delay was tried at least twice
