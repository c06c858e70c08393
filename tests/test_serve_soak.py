"""Soak: `serve` holds many consultations in a row through the virtual card without leaking.

A short run is part of scripts/test; the full 200 runs with
TOE_SOAK_CONSULTATIONS=200 python -m pytest -m realtime tests/test_serve_soak.py -s
(about 30 minutes). The figures (resident memory, open file descriptors, threads at the
start and the end) are printed and written to soak.json beside the test's temporary files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.alsa_card import VirtualCard
from tests.serve_driver import PEOPLE, WAITING, Serve
from voice.summaries import SUMMARIES_FILE

pytestmark = [pytest.mark.slow, pytest.mark.realtime]

CONSULTATIONS = int(os.environ.get("TOE_SOAK_CONSULTATIONS", "6"))
FULL_EVERY = 10  # every tenth consultation goes to the end and saves a summary
RSS_GROWTH_LIMIT_KB = 30_000  # after the first consultation has warmed everything up


def test_many_consultations_in_a_row_leak_nothing(
    start_serve: Callable[..., Serve], toecard: VirtualCard, tmp_path: Path
) -> None:
    folder = tmp_path / "summaries"
    serve = start_serve("--rate", "450", "--save-summaries", str(folder))
    figures: dict[str, object] = {"consultations": CONSULTATIONS}
    full = 0
    for number in range(1, CONSULTATIONS + 1):
        serve.wake()
        if number % FULL_EVERY == 1:  # the first, the eleventh, ...: to the advice
            assert serve.answer(PEOPLE["see_provider"]) == "(finished)", serve.run.log()
            full += 1
        else:  # the rest: stopped at the first question
            assert serve.answer({"weakness": "stop"}) == "(stopped)", serve.run.log()
        serve.expect(WAITING)
        if number == 1:
            figures["start"] = serve.resources()
    figures["end"] = serve.resources()
    code, took_s = serve.terminate()
    figures["exit"] = {"code": code, "seconds": round(took_s, 2)}
    lines = (folder / SUMMARIES_FILE).read_text().splitlines()
    figures["summaries"] = len(lines)
    (tmp_path / "soak.json").write_text(json.dumps(figures, indent=2))
    print(f"soak figures: {json.dumps(figures)}")
    start, end = figures["start"], figures["end"]
    assert isinstance(start, dict) and isinstance(end, dict)
    assert code == 0
    assert len(lines) == full and all(json.loads(line)["outcome"] for line in lines)
    assert end["fds"] <= start["fds"] + 2, figures
    assert end["threads"] <= start["threads"] + 2, figures
    assert end["rss_kb"] - start["rss_kb"] < RSS_GROWTH_LIMIT_KB, figures
