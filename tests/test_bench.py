"""The benchmark's own parts: its labelled answers, the voice split, scoring, and a smoke run."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import COMMANDS, load_answers, make_clips
from bench.score import REJECTED, RIGHT, UNSAFE, WRONG, meaning_right, turn_outcome
from bench.voices import EN_ACCENTS, FLITE, TEST, TUNE, VARIANTS, draw_voice
from voice.content import load_dialog

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_every_answer_is_labelled_for_a_real_question(locale: str) -> None:
    questions = set(load_dialog(locale).consultation.questions) | {"commands"}
    for answer in load_answers(locale):
        assert answer.question in questions, answer
        if answer.question == "duration":
            assert answer.label == "unsure" or isinstance(answer.label, float), answer
        elif answer.question == "commands":
            assert answer.label in COMMANDS, answer
        else:
            assert answer.label in ("yes", "no", "unsure"), answer


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_no_test_phrasing_is_also_a_tune_phrasing(locale: str) -> None:
    answers = load_answers(locale)
    tune = {(a.question, a.text) for a in answers if a.set == TUNE}
    assert not tune & {(a.question, a.text) for a in answers if a.set == TEST}


def test_test_voices_are_drawn_only_from_the_held_out_pools() -> None:
    for pool in (EN_ACCENTS, VARIANTS, FLITE):
        assert not set(pool[TUNE]) & set(pool[TEST])
    for n in range(200):
        voice = draw_voice("en", TEST, random.Random(n))
        if voice.engine == "flite":
            assert voice.name in FLITE[TEST]
        else:
            accent, _, variant = voice.name.partition("+")
            assert accent in EN_ACCENTS[TEST] and variant in VARIANTS[TEST]


def test_clips_are_the_same_in_every_run() -> None:
    assert make_clips("en", {TEST: 2}) == make_clips("en", {TEST: 2})


@pytest.mark.parametrize(
    ("asked", "label", "result", "outcome"),
    [
        ("weakness", "no", {"recorded": {"weakness": "no"}}, RIGHT),
        ("weakness", "no", {"recorded": {}}, REJECTED),  # confirmed first, or asked again
        ("weakness", "unsure", {"recorded": {"weakness": "no"}}, UNSAFE),
        ("weakness", "yes", {"recorded": {"weakness": "unsure"}}, WRONG),
        ("weakness", "no", {"recorded": {"weakness": "yes"}}, WRONG),
        ("remedies_helped", "no", {"recorded": {"remedies_helped": "yes"}}, UNSAFE),
        ("duration", 7.0, {"recorded": {"duration": 10.0}}, RIGHT),  # both 3 days or more
        ("duration", 7.0, {"recorded": {"duration": 0.04}}, UNSAFE),
        ("duration", "unsure", {"recorded": {"duration": 14.0}}, WRONG),
        ("weakness", "yes", {"recorded": {"numbness": "no"}}, UNSAFE),  # a denial never given
        ("weakness", "yes", {"stopped": True}, UNSAFE),  # ended without advice
        ("weakness", "stop", {"stopped": True}, RIGHT),
        (
            "weakness",
            "repeat",
            {"intent": "repeat", "dialog_confidence": 0.9, "confirm_below": 0.6},
            RIGHT,
        ),
    ],
)
def test_each_turn_is_scored_by_what_the_dialog_recorded(
    asked: str, label: object, result: dict, outcome: str
) -> None:
    assert turn_outcome(asked, label, result) == outcome


def test_a_sign_heard_for_another_question_is_a_wrong_meaning() -> None:
    heard = {"intent": "deny_sign", "answer": "no", "sign": "numbness"}
    assert meaning_right("weakness", "no", heard) is False
    assert meaning_right("weakness", "no", {"intent": "answer_no", "answer": "no"}) is True
    assert meaning_right("weakness", "no", {}) is None


def test_turns_heard_as_nothing_are_counted_apart_from_the_latency() -> None:
    from bench.report import _latency

    heard = {"text": "no", "taken_s": 1.0, "audio_s": 3.0, "speech_end_s": 0.8}
    heard |= {"compute_s": 0.1, "reply_s": 0.0}
    nothing = {"text": None, "taken_s": 3.0, "audio_s": 3.0, "speech_end_s": 0.8}
    latency = _latency([heard, heard, heard, nothing])
    assert latency["unheard"] == 0.25 and latency["never_ended"] == 0.0
    assert latency["p95_s"] == pytest.approx(0.3)


def test_whole_consultations_count_the_guesses_asked() -> None:
    from bench.report import _consultations

    one = {"condition": "quiet", "right": True, "unsafe": False, "ended": "finished", "turns": 8}
    rows = _consultations([one | {"guesses": 1}, one | {"guesses": 2}, one])  # one from before
    assert rows["quiet"]["guesses"] == 3 and rows["quiet"]["n"] == 3


@pytest.mark.slow
def test_the_quick_bench_runs_and_writes_its_tables(tmp_path: Path) -> None:
    """A cut-down `python -m bench --quick`: one engine, one condition, one person."""
    command = [sys.executable, "-m", "bench", "--quick", "--locales", "en", "--systems", "toe"]
    command += ["--conditions", "quiet", "--people", "1", "--out", str(tmp_path)]
    command += ["--cache", str(tmp_path / "cache")]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| quiet |" in table and "Whole consultations" in table
    figures = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    toe = figures["systems"]["en|toe"]
    assert toe["rows"]["test|quiet"]["n"] > 40
    assert toe["latency"]["p50_s"] is not None and toe["peak_rss_mb"] > 0
    assert toe["consultations"]["quiet"]["n"] == 1
    assert toe["consultations"]["quiet"]["guesses"] >= 0 and "guesses asked" in table
