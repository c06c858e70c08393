"""Every combination of the warning signs, in process; a few through `chat --jsonl` itself."""

from __future__ import annotations

import itertools

import pytest

from tests.chat_driver import ChatRun, chat, converse

SIGNS = ("weakness", "numbness", "spreading", "skin_changes")
SAY = {"yes": "yes", "no": "no", "unsure": "not sure"}
# (spoken duration, days, remedies answer or None when not asked)
DURATIONS = (
    ("since yesterday", 1, None),
    ("about two weeks", 14, "no"),
    ("a few days", 3, "yes"),
)


def expected_outcome(signs: dict[str, str], days: float, remedies: str | None) -> str:
    """The issue's rules, written out independently of the engine's YAML."""
    worrying = ("yes", "unsure")
    if signs["spreading"] in worrying or signs["skin_changes"] in worrying:
        return "see_provider_promptly"
    if signs["weakness"] in worrying or signs["numbness"] in worrying:
        return "see_provider"
    if days >= 3 and remedies != "yes":
        return "see_provider"
    return "self_care"


CASES = [
    (dict(zip(SIGNS, combo, strict=True)), duration)
    for combo in itertools.product(("yes", "no", "unsure"), repeat=4)
    for duration in DURATIONS
]


def person(signs: dict[str, str], duration: tuple) -> dict[str, str]:
    """What a person with these signs says to each question."""
    spoken, _, remedies = duration
    return {**{q: SAY[a] for q, a in signs.items()}, "duration": spoken,
            "remedies_helped": remedies or "yes", "readback": "yes",
            "triggers": "no", "more_tips": "no"}  # fmt: skip


def assert_follows_the_rules(run: ChatRun, signs: dict[str, str], duration: tuple) -> None:
    _, days, remedies = duration
    assert run.exit_code == 0, run.stderr
    result = run.result
    assert result["outcome"] == expected_outcome(signs, days, remedies)
    assert {q: result["answers"][q] for q in SIGNS} == signs
    assert result["answers"]["duration"] == days
    matters = expected_outcome(signs, days, "yes") != expected_outcome(signs, days, "no")
    assert ("remedies_helped" in run.asked) == (days >= 3 and matters)
    # self-care only after the answers were read back and confirmed
    assert ("readback" in run.asked) == (result["outcome"] == "self_care")


@pytest.mark.parametrize(
    ("signs", "duration"), CASES, ids=[f"{'-'.join(s.values())}-{d[1]}d" for s, d in CASES]
)
def test_outcome_follows_the_rules(signs: dict[str, str], duration: tuple) -> None:
    assert_follows_the_rules(converse(person(signs, duration)), signs, duration)


# One case per outcome through the real command: the JSON-lines contract end to end.
CLI_CASES = [
    pytest.param(
        *next(c for c in CASES if expected_outcome(c[0], c[1][1], c[1][2]) == outcome),
        marks=[pytest.mark.slow] if outcome != "self_care" else [],  # one in the quick loop
        id=outcome,
    )
    for outcome in ("self_care", "see_provider", "see_provider_promptly")
]


@pytest.mark.parametrize(("signs", "duration"), CLI_CASES)
def test_chat_jsonl_follows_the_rules(signs: dict[str, str], duration: tuple) -> None:
    run = chat(person(signs, duration))
    assert_follows_the_rules(run, signs, duration)
    assert all(set(e) >= {"type"} for e in run.events)
    heard = [e for e in run.events if e["type"] == "heard"]
    keys = {"type", "id", "text", "intent", "confidence", "parts", "understood"}
    assert heard and all(set(e) == keys for e in heard)
    assert all(part.keys() >= {"text", "intent"} for e in heard for part in e["parts"])
    assert set(run.result) == {"type", "outcome", "reasons", "answers", "ended"}


def test_never_asks_whether_the_toe_twitches() -> None:
    run = converse({"*": "no", "duration": "since this morning"})
    assert run.asked[0] == "weakness"
    assert "general information" in run.said().lower()
    assert "diagnosis" in run.said().lower()


def test_every_outcome_says_why_and_that_it_is_not_a_diagnosis() -> None:
    promptly = converse({"*": "no", "spreading": "yes", "duration": "since yesterday"})
    assert promptly.result["outcome"] == "see_provider_promptly"
    assert "spread" in promptly.said().lower().split("promptly", 1)[1]
    assert "not a diagnosis" in promptly.said()
    self_care = converse({"*": "no", "duration": "since yesterday", "readback": "yes"})
    assert self_care.result["outcome"] == "self_care"
    text = self_care.said().lower()
    for step in ("stretch", "massage", "water", "shoes", "coffee", "nicotine"):
        assert step in text
    assert "see a healthcare provider if" in text  # the signs that should bring them back


def test_remedies_are_asked_only_when_they_matter() -> None:
    short = converse({"*": "no", "duration": "since yesterday", "readback": "yes"})
    assert "remedies_helped" not in short.asked
    weak_long = converse({"*": "no", "weakness": "yes", "duration": "three weeks"})
    assert "remedies_helped" not in weak_long.asked
    long_quiet = converse(
        {"*": "no", "duration": "three weeks", "remedies_helped": "yes it did", "readback": "yes"}
    )
    assert "remedies_helped" in long_quiet.asked
    assert long_quiet.result["outcome"] == "self_care"


def test_end_of_input_is_one_clear_line_and_exit_2() -> None:
    run = chat({"weakness": "no"})
    assert run.exit_code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "input ended" in lines[0]
    assert "Traceback" not in run.stderr


def test_stop_ends_without_an_outcome() -> None:
    run = chat({"weakness": "no", "numbness": "stop"})
    assert run.exit_code == 0
    assert run.result["outcome"] is None
    assert run.result["ended"] == "stopped"


def test_unknown_locale_is_a_usage_error() -> None:
    run = chat({}, "--locale", "xx")
    assert run.exit_code == 2
    assert "unknown locale" in run.stderr and "Traceback" not in run.stderr


def test_the_plain_transcript_says_what_each_clause_meant_and_what_was_taken() -> None:
    from io import StringIO

    from voice.cli.output import EventPrinter
    from voice.events import Heard

    heard = Heard(
        "numbness", "not numb, but it burns", "deny_sign", 1.0,
        parts=({"text": "not numb", "intent": "deny_sign"},
               {"text": "it burns", "intent": "report_sign"}),
        understood={"numbness": "yes"},
    )  # fmt: skip
    printed = StringIO()
    EventPrinter(stream=printed).emit([heard, Heard("weakness", "stop", "stop")])
    assert printed.getvalue().splitlines() == [
        "  (heard 'not numb, but it burns' as deny_sign + report_sign, confidence 1.00;"
        " understood numbness=yes)",
        "  (heard 'stop' as stop, confidence 1.00)",
    ]


def test_an_aside_beside_a_clear_answer_is_shown_and_the_answer_taken() -> None:
    answer = "No, touch wood. My granddaughter put me onto you every other evening though."
    run = converse({"*": "no", "weakness": answer, "duration": "since yesterday"})
    # "evening" and "though" may carry news: that clause keeps the answer unclear, asked again
    assert run.asked[:2] == ["weakness", "weakness"]
    plain = converse({"*": "no", "weakness": "No, touch wood. My granddaughter put me onto you."})
    assert plain.asked[:2] == ["weakness", "numbness"]
    heard = next(e for e in plain.events if e["type"] == "heard")
    assert heard["understood"] == {"weakness": "no"}
    asides = [p["text"] for p in heard["parts"] if p.get("aside")]
    assert len(asides) == 1 and asides[0].startswith("my granddaughter")
