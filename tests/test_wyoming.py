"""The Home Assistant agent over Wyoming, driven by the real client, a new connection a turn."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from wyoming.info import Describe, Info
from wyoming.ping import Ping

from tests.chat_driver import converse
from tests.wyoming_driver import exchange, say, service, summaries, visit

EN = {
    "self_care": {"*": "no", "duration": "two days", "readback": "yes"},
    "see_provider": {"weakness": "yes", "*": "no", "duration": "two days"},
    "see_provider_promptly": {"skin_changes": "yes", "*": "no", "duration": "two days"},
}
KO = {
    "self_care": {"*": "아니요", "duration": "어제부터", "readback": "네"},
    "see_provider": {"weakness": "네", "*": "아니요", "duration": "어제부터"},
    "see_provider_promptly": {"skin_changes": "네", "*": "아니요", "duration": "어제부터"},
}
STARTS = {"en": "my little toe is twitching", "ko": "새끼발가락이 떨려요"}


def test_describe_answers_a_handle_program_for_every_locale() -> None:
    async def scenario() -> Info:
        async with service(("en", "ko")) as running:
            answer = await exchange(running.port, Describe().event())
        assert answer is not None and Info.is_type(answer.type)
        return Info.from_event(answer)

    info = asyncio.run(scenario())
    (program,) = info.handle
    assert program.installed and not program.supports_home_control
    assert program.models[0].languages == ["en", "ko"]
    assert not info.asr and not info.tts and not info.intent


def test_ping_gets_pong() -> None:
    async def scenario() -> str:
        async with service() as running:
            answer = await exchange(running.port, Ping(text="hello").event())
        assert answer is not None and answer.type == "pong"
        return str(answer.data["text"])

    assert asyncio.run(scenario()) == "hello"


@pytest.mark.parametrize(("locale", "outcome"), [(loc, o) for loc in ("en", "ko") for o in EN])
def test_whole_consultation_reaches_each_outcome(locale: str, outcome: str, tmp_path: Path) -> None:
    """Every word the engine says comes back, turn by turn; the kept summary has the outcome."""
    answers = (EN if locale == "en" else KO)[outcome]

    async def scenario() -> tuple[list[str], list[str | None], int]:
        async with service(summaries_dir=tmp_path) as running:
            run = await visit(running.port, answers, start=STARTS[locale], language=locale)
            return run.replies, run.awaited, running.active

    replies, awaited, left = asyncio.run(scenario())
    typed = converse(answers, locale)  # the same consultation typed, in process
    assert " ".join(replies) == typed.said()
    assert awaited[:-1] == typed.asked and awaited[-1] is None  # asked, then nothing more
    (kept,) = summaries(tmp_path)
    assert (kept["outcome"], kept["locale"], kept["ended"]) == (outcome, locale, "finished")
    assert left == 0  # a finished consultation is not held


def test_two_rooms_interleaved_do_not_mix(tmp_path: Path) -> None:
    """Kitchen and bedroom answer turn about; each hears exactly its own consultation."""
    kitchen, bedroom = EN["see_provider"], EN["self_care"]

    async def scenario() -> dict[str, list[str]]:
        heard: dict[str, list[str]] = {"kitchen": [], "bedroom": []}
        asks = {"kitchen": kitchen, "bedroom": bedroom}
        texts = {room: "toe check" for room in heard}
        async with service(summaries_dir=tmp_path) as running:
            while texts:
                for room in list(texts):
                    answer = await say(running.port, texts.pop(room), room)
                    assert answer.type == "handled", answer
                    heard[room].append(answer.data["text"])
                    awaiting = answer.data["context"].get("awaiting")
                    if awaiting is not None:
                        queue = asks[room]
                        texts[room] = str(queue.get(awaiting, queue["*"]))
        return heard

    heard = asyncio.run(scenario())
    assert " ".join(heard["kitchen"]) == converse(kitchen).said()
    assert " ".join(heard["bedroom"]) == converse(bedroom).said()
    assert sorted(s["outcome"] for s in summaries(tmp_path)) == ["see_provider", "self_care"]


def test_idle_consultation_expires_and_its_id_is_no_longer_handled() -> None:
    async def scenario() -> tuple[str, int, int, str, str]:
        async with service(idle_timeout_s=0.4) as running:
            started = await say(running.port, "toe check")
            during = running.active
            await asyncio.sleep(1.0)  # the sweeper drops it with no turn arriving
            after = running.active
            late = await say(running.port, "no")
            again = await say(running.port, "toe check")  # a start phrase starts afresh
        return started.type, during, after, late.type, again.data["context"]["awaiting"]

    assert asyncio.run(scenario()) == ("handled", 1, 0, "not-handled", "weakness")


def test_a_turn_keeps_its_consultation_alive() -> None:
    async def scenario() -> list[str]:
        async with service(idle_timeout_s=0.6) as running:
            types = [(await say(running.port, "toe check")).type]
            for answer in ("no", "no", "no"):
                await asyncio.sleep(0.3)  # each under the timeout; together well over it
                types.append((await say(running.port, answer)).type)
        return types

    assert asyncio.run(scenario()) == ["handled"] * 4


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("turn on the kitchen light", "en"),
        ("no", "en"),  # an answer with no consultation to belong to
        ("what time is it", None),
        ("새끼발가락이 떨려요", "en"),  # Korean words in an English pipeline
        ("my little toe is twitching", "fr"),  # a language not served
        ("", "en"),
    ],
)
def test_words_that_start_nothing_are_not_handled(text: str, language: str | None) -> None:
    async def scenario() -> tuple[str, int]:
        async with service() as running:
            answer = await say(running.port, text, "room", language)
            assert answer.data == {"text": ""}  # with data: wyoming 1.5.4 asserts it has some
            return answer.type, running.active

    assert asyncio.run(scenario()) == ("not-handled", 0)


def test_language_chooses_the_dialog() -> None:
    async def scenario() -> list[str]:
        async with service(("en", "ko")) as running:
            korean = await say(running.port, "새끼발가락이 떨려요", "a", "ko-KR")
            default = await say(running.port, "toe check", "b", None)
        return [korean.data["text"], default.data["text"]]

    korean, default = asyncio.run(scenario())
    assert korean.startswith("안녕하세요") and default.startswith("Hi.")


def test_satellite_or_device_id_hold_a_consultation_without_a_conversation_id() -> None:
    async def scenario() -> list[str]:
        async with service() as running:
            first = await say(running.port, "toe check", None, satellite_id="kitchen")
            second = await say(running.port, "no", None, satellite_id="kitchen")
            other = await say(running.port, "no", None, device_id="kitchen")  # another key
            nobody = await say(running.port, "toe check", None)
        return [first.type, second.data["context"]["awaiting"], other.type, nobody.type]

    assert asyncio.run(scenario()) == ["handled", "numbness", "not-handled", "not-handled"]


def test_a_start_phrase_during_a_consultation_is_an_answer_not_a_restart() -> None:
    async def scenario() -> tuple[str, str]:
        async with service() as running:
            await say(running.port, "toe check")
            await say(running.port, "no")
            answer = await say(running.port, "toe check")
        return answer.data["text"], answer.data["context"]["awaiting"]

    text, awaiting = asyncio.run(scenario())
    assert awaiting == "numbness" and not text.startswith("Hi.")  # asked again, not restarted


def test_heard_stop_is_confirmed_and_a_stopped_consultation_is_not_kept(tmp_path: Path) -> None:
    async def scenario() -> list[str]:
        async with service(summaries_dir=tmp_path) as running:
            await say(running.port, "toe check")
            confirm = await say(running.port, "stop")
            stopped = await say(running.port, "yes")
            after = await say(running.port, "no")
        return [
            confirm.data["text"],
            str(confirm.data["context"]["continue_conversation"]),
            str(stopped.data["context"]["continue_conversation"]),
            after.type,
        ]

    confirm, asks, ends, after = asyncio.run(scenario())
    assert "stop" in confirm.lower() and asks == "True"
    assert ends == "False" and after == "not-handled"
    assert summaries(tmp_path) == []  # a stopped consultation leaves nothing behind


def test_nothing_is_written_without_save_summaries(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with service() as running:
            await visit(running.port, EN["see_provider"])

    asyncio.run(scenario())
    assert list(tmp_path.iterdir()) == []


def test_consultations_beyond_the_limit_are_not_started() -> None:
    async def scenario() -> list[str]:
        async with service(max_consultations=2) as running:
            types = [(await say(running.port, "toe check", f"room{n}")).type for n in range(3)]
            await say(running.port, "stop", "room0")
            await say(running.port, "yes", "room0")  # room0 stopped: room for one more
            types.append((await say(running.port, "toe check", "room3")).type)
        return types

    assert asyncio.run(scenario()) == ["handled", "handled", "not-handled", "handled"]
