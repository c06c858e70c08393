"""The turns that take answers: a question (or its follow-up), and "Did you say …?".

An answer is taken for everything it says: the answer to the question, and any sign,
duration or relief it adds, each noted aloud. A faint (doubtful) answer is only confirmed
when it is a plain answer to the question; anything more in it is asked for again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from voice.dialog.flow import Flow
from voice.dialog.said import Said, confirms
from voice.dialog.turn import Pending, Turn
from voice.events import Event, Say
from voice.rules import UNSURE, next_question, worrying
from voice.schema import AnswerValue, Dialog
from voice.targets import at_threshold
from voice.understand.similar import MIN_SHARE_REASSURING, Guess, guesser_at
from voice.wording import answer_phrase, answer_words, fill, noted

Reread = Callable[[], Said]  # the answer read again as an answer to the question


def hear_answer(flow: Flow, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
    """An answer to a question (or to "More or less than three days?")."""
    consultation = flow.consultation
    facts, bounds = dict(said.facts), dict(said.bounds)
    if turn.kind == "follow_up" and said.bound_reply and turn.question not in facts:
        found = at_threshold(consultation, said.bound_reply, turn.question)
        if found is not None:
            facts[turn.question], bounds[turn.question] = found
    if not facts:
        if said.command is not None:
            return flow.command(said.command, turn, doubtful)
        return flow.not_understood(turn)
    if said.unclear and not any(worrying(consultation, q, v) for q, v in facts.items()):
        return flow.not_understood(turn)  # part of it was lost, and it might matter
    if doubtful:
        # Only a plain answer to the question is worth confirming; a doubtful sign
        # volunteered, a correction or an answer with more in it is asked for again.
        if set(facts) != {turn.question} or said.corrected or said.unclear:
            return flow.not_understood(turn)
        value, bound = facts[turn.question], bounds.get(turn.question)
        turn.pending = Pending(value, bound)
        words = answer_words(consultation, value, bound)
        return flow.ask(turn, fill(consultation.say.confirm, answer=words))
    return apply(flow, turn, facts, bounds, said.corrected)


def guess_to_ask(dialog: Dialog, question: str, text: str, left_out: bool = False) -> Guess | None:
    """The guess worth asking about for an answer to ``question`` the dialog could not take
    (None: ask the question again). A reassuring one needs most of the vote. ``left_out``: as
    Guesser.guess (the bench, measuring on the labelled answers themselves)."""
    consultation = dialog.consultation
    guesser = guesser_at(dialog.folder, tuple(consultation.questions))
    guess = guesser.guess(question, text, left_out) if guesser is not None else None
    if guess is None:
        return None
    if worrying(consultation, guess.question, guess.answer):
        return guess
    return guess if guess.share >= MIN_SHARE_REASSURING else None


def hear_guess(flow: Flow, turn: Turn, guess: Guess) -> list[Event]:
    """An answer nothing understood, guessed from the answers most like it: asked about
    ("I think you mean: no weakness. Is that right?") before it counts, as a faint answer is:
    the person told a story, so the prompt says what it would record, not a bare yes or no."""
    turn.pending = Pending(guess.answer)
    words = answer_phrase(flow.consultation, guess.question, guess.answer)  # "no weakness"
    return flow.ask(turn, fill(flow.consultation.say.guess, answer=words))


def hear_confirmation(
    flow: Flow, turn: Turn, said: Said, doubtful: bool, as_answer: Reread
) -> list[Event]:
    """The reply to "Did you say no?" or "Do you want to stop here?"."""
    pending = turn.pending
    turn.pending = None
    if pending is None:
        raise RuntimeError("nothing awaits a confirmation")
    if pending.stop:
        stop = (said.agrees() and not said.facts) or said.command == "stop"
        if stop and not doubtful:
            return flow.stop()
        if (said.reply == "no" or stop) and not said.facts:  # a faint yes does not stop
            return flow.ask(turn, flow.current_text(turn))
        if turn.kind in ("answer", "follow_up"):  # an answer instead: take it as one
            return hear_answer(flow, turn, as_answer(), doubtful)
        return flow.not_understood(turn)
    question, value = turn.question, pending.value
    if value is None:
        raise RuntimeError("a pending answer without a value")
    verdict = confirms(said, question, value)
    reassuring_value = not worrying(flow.consultation, question, value)
    if verdict and (said.hedged or said.unclear) and reassuring_value:
        # "I think so", or "yes, though my foot goes all skewiff" (part of it lost) to "Did you
        # say no?": a reassuring answer needs a plain yes
        verdict = None
    # The same worrying answer heard twice counts, however faint each time; a faint
    # reassuring one needs a clear confirmation, or ends as "not sure".
    repeated = said.facts.get(question) == value or (value == "yes" and "yes" in said.replies)
    if doubtful and not (repeated and worrying(flow.consultation, question, value)):
        return flow.not_understood(turn)
    if said.command is not None and not said.facts:
        return flow.command(said.command, turn, doubtful)
    if verdict:
        facts = {question: value, **said.facts}
        bounds = {**({question: pending.bound} if pending.bound else {}), **said.bounds}
        return apply(flow, turn, facts, bounds, said.corrected)
    if said.facts:  # "no, I said yes", "no, three weeks"
        return apply(flow, turn, dict(said.facts), dict(said.bounds), said.corrected)
    if verdict is False:
        return flow.ask(turn, flow.current_text(turn, again=True))
    return flow.not_understood(turn)


def apply(
    flow: Flow,
    turn: Turn,
    facts: Mapping[str, AnswerValue],
    bounds: Mapping[str, str],
    corrected: frozenset[str],
) -> list[Event]:
    """Record what an answer said, then ask what comes next."""
    consultation, record = flow.consultation, flow.record
    asked = turn.question
    spec = consultation.questions[asked]
    follow_up = facts.get(asked) == UNSURE and spec.follow_up is not None and turn.kind == "answer"
    events: list[Event] = []
    for question in flow.in_order(facts):
        if question == asked and follow_up:
            continue
        before = record.answers.get(question)
        record.set(question, facts[question], bounds.get(question))
        if question == asked:
            continue
        if question in corrected or (before is not None and before != facts[question]):
            events.append(Say(flow.corrected([question])))
        elif before is None:
            events.append(Say(noted(consultation, question, facts[question])))
    if follow_up and spec.follow_up is not None:
        turn.kind = "follow_up"  # "More or less than three days?" before "not sure"
        return flow.ask(turn, spec.follow_up, tuple(events))
    if asked in facts:
        flow.failed_questions = 0
    if asked in record.answers or next_question(consultation, record.answers) != asked:
        return [*events, *flow.advance()]
    return flow.ask(turn, flow.question(turn).prompt, tuple(events))


def changes(flow: Flow, said: Said, doubtful: bool) -> dict[str, AnswerValue]:
    """What an answer changes in the record; when doubtful, only what is more worrying."""
    answers, bounds = flow.record.answers, flow.record.bounds
    found = {
        q: v
        for q, v in said.facts.items()
        if answers.get(q) != v or bounds.get(q) != said.bounds.get(q)
    }
    if doubtful:
        found = {q: v for q, v in found.items() if worrying(flow.consultation, q, v)}
    return found


def correct(flow: Flow, found: Mapping[str, AnswerValue], bounds: Mapping[str, str]) -> list[Event]:
    """Answers changed at the readback or later: say what changed, then go on from there."""
    for question in flow.in_order(found):
        flow.record.set(question, found[question], bounds.get(question))
    flow.reopen()
    return [Say(flow.corrected(list(found))), *flow.advance()]
