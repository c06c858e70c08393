"""The readback before self-care: does a reply confirm the answers, correct one, or deny them?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from voice.content import AnswerValue, Consultation
from voice.events import FINISHED, READBACK, STOPPED, Event, Heard, Say, Turn
from voice.intents import Meaning
from voice.rules import UNSURE, reassuring
from voice.targets import corrects
from voice.wording import readback

if TYPE_CHECKING:
    from voice.dialog import Conversation

# The readback's turns work on the Conversation they belong to: its state is theirs.

Verdict = Literal["confirmed", "corrected", "denied", "ask_again", "stop"]


def needs_readback(consultation: Consultation, outcome: str, answers: Mapping[str, object]) -> bool:
    """Only the least urgent outcome (self-care) waits for a confirmed readback."""
    return outcome == list(consultation.outcomes)[-1] and bool(answers)


def judge(
    consultation: Consultation,
    meaning: Meaning,
    doubtful: bool,
    answers: Mapping[str, AnswerValue],
    stop_counts: bool = True,
) -> tuple[Verdict, str | None]:
    """What a reply to the readback does, and the question it corrects (for "corrected").

    A clear yes confirms; a faint yes, a command, or agreeing with one part ("no swelling")
    asks again, since self-care needs a sure yes; so does a spoken "stop" that does not count
    yet (``stop_counts``: typed, or the second in a row). A sign or a duration corrects that answer,
    a worrying correction even when faint. Anything else denies the readback.
    """
    if meaning.command == "stop" and stop_counts and not doubtful:
        return "stop", None
    if meaning.command is not None or (doubtful and meaning.intent == "answer_yes"):
        return "ask_again", None
    if meaning.intent == "answer_yes" and not meaning.sign and not meaning.correction:
        return "confirmed", None
    target = corrects(consultation, meaning)
    if target is not None and meaning.answer is not None:
        if answers.get(target) == meaning.answer:
            return "ask_again", None
        if not doubtful or not reassuring(consultation, target, meaning.answer, answers):
            return "corrected", target
    return "denied", None


def ask(conversation: Conversation) -> list[Event]:
    """Read the answers back in one sentence and ask if that is right."""
    if conversation._asked >= conversation.consultation.settings.max_turns:
        return conversation._turn_limit()
    conversation._asked += 1
    conversation._readbacks += 1
    conversation._turn = Turn(READBACK, "readback")
    return [
        conversation._prompt(
            READBACK, readback(conversation.consultation, conversation.answers, conversation.bounds)
        )
    ]


def hear(
    conversation: Conversation, turn: Turn, text: str, meaning: Meaning | None, confidence: float
) -> list[Event]:
    """Take the reply to the readback."""
    say = conversation.consultation.say
    repeat = conversation._last_prompt.text if conversation._last_prompt else ""
    if meaning is None:
        turn.failures += 1
        if turn.failures <= conversation.consultation.settings.reprompts:
            return conversation._ask(
                turn, repeat, (Say(say.not_understood), Say(say.help_readback))
            )
        return denied(conversation)
    heard = Heard(READBACK, text, meaning.intent, confidence)
    doubtful = confidence < conversation.confirm_below
    stop_again, turn.stop_heard = turn.stop_heard, meaning.command == "stop"
    stop_counts = stop_again or not conversation.check_stop
    verdict, target = judge(
        conversation.consultation, meaning, doubtful, conversation.answers, stop_counts
    )
    if verdict == "stop":
        return [heard, Say(say.stopped), *conversation._finish(STOPPED, speak=False)]
    if verdict == "ask_again":
        return [heard, *conversation._ask(turn, repeat, (Say(say.help_readback),))]
    if verdict == "confirmed":
        conversation._confirmed = True
        return [heard, *conversation._finish(FINISHED)]
    if verdict == "corrected" and target is not None:
        conversation._set(target, meaning)  # then any question it made relevant, or the end
        return [heard, Say(say.corrected), *conversation._advance()]
    return [heard, *denied(conversation)]


def denied(conversation: Conversation) -> list[Event]:
    """Not confirmed: ask the questions again, or after the last round count all as unsure."""
    say = conversation.consultation.say
    if conversation._readbacks < conversation.consultation.settings.readback_rounds:
        conversation.answers.clear()
        conversation.bounds.clear()
        conversation._history.clear()
        conversation._failed_questions = 0
        return [Say(say.readback_again), *conversation._advance()]
    for name in conversation.answers:
        conversation.answers[name] = UNSURE  # nothing read back could be confirmed
    return [Say(say.readback_failed), *conversation._finish(FINISHED)]
