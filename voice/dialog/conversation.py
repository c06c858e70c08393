"""The dialog engine: runs a consultation turn by turn, text in, events out; no audio here.

The consultation is one state machine (voice/dialog/flow.py holds its state and moves). Each
kind of turn has its own handler: an answer to a question or its follow-up, a confirmation
("Did you say no?", "Do you want to stop here?"), the readback before self-care, "What is
different?" after a denied readback, and the self-care ending's two optional questions.
Every answer is read for everything it says (voice/dialog/said.py), so a sign added in
passing is never dropped. Self-care is only given after the answers were read back and
confirmed, so one misheard "no" cannot lead to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voice.dialog.answers import guess_to_ask, hear_answer, hear_confirmation, hear_guess
from voice.dialog.ending import hear_more_tips, hear_triggers
from voice.dialog.flow import Flow
from voice.dialog.readback import hear_readback, hear_which
from voice.dialog.said import PREFER, Said, interpret, settled
from voice.dialog.turn import Turn
from voice.events import Awaiting, Event, Heard, Result, Say
from voice.rules import worrying
from voice.schema import AnswerValue, Consultation, Dialog
from voice.targets import follow_up_limit, last_yes_no
from voice.understand import Reading, Understanding, understanding_for
from voice.understand.similar import Guess

Handler = Callable[[Flow, Turn, Said, bool], list[Event]]
HANDLERS: dict[str, Handler] = {
    "answer": hear_answer,
    "follow_up": hear_answer,
    "readback": hear_readback,
    "which": hear_which,
    "triggers": hear_triggers,
    "more_tips": hear_more_tips,
}


class Conversation:
    """One consultation: call start(), then hear() with each answer until result is set."""

    def __init__(
        self,
        dialog: Dialog,
        check_stop: bool = False,
        understanding: Understanding | None = None,
    ) -> None:
        """``check_stop``: a heard "stop" is confirmed first ("Do you want to stop here?"),
        since a misheard one would end with no advice; a typed one ends at once.
        ``understanding`` may be shared between consultations of the same dialog."""
        self.dialog = dialog
        self.understanding = understanding or understanding_for(dialog.intents)
        self.flow = Flow(dialog.consultation, check_stop)

    @property
    def consultation(self) -> Consultation:
        return self.dialog.consultation

    @property
    def result(self) -> Result | None:
        """How the consultation ended; None while it goes on."""
        return self.flow.result

    @property
    def answers(self) -> dict[str, AnswerValue]:
        """The answers so far, by question id."""
        return self.flow.record.answers

    @property
    def bounds(self) -> dict[str, str]:
        """ "more than"/"less than" answers, by question id."""
        return self.flow.record.bounds

    @property
    def expecting(self) -> str | None:
        """The id of the prompt awaiting an answer; None when finished."""
        turn = self.flow.turn
        return None if turn is None else turn.question

    @property
    def awaiting(self) -> Awaiting | None:
        """What the next answer is for; None when the consultation is over."""
        turn, record = self.flow.turn, self.flow.record
        if turn is None:
            return None
        spec = self.consultation.questions.get(turn.question)
        kind = spec.kind if spec is not None else "yes_no"
        if turn.pending is not None:
            pending = turn.pending
            bounds = {turn.question: pending.bound} if pending.bound else {}
            confirming = "stop" if pending.stop else pending.value
            return Awaiting(turn.question, "confirm", confirming, bounds=bounds, question_kind=kind)
        if turn.kind in ("readback", "which"):
            answers, bounds = dict(record.answers), dict(record.bounds)
            return Awaiting(turn.question, turn.kind, answers=answers, bounds=bounds)
        limit = None
        if turn.kind == "follow_up":
            limit = follow_up_limit(self.consultation, turn.question)
        return Awaiting(turn.question, turn.kind, limit=limit, question_kind=kind)

    def start(self) -> list[Event]:
        """Greet, note that this is general information, and ask the first question."""
        say = self.consultation.say
        return [Say(say.greeting), Say(say.disclaimer), *self.flow.advance()]

    def hear(self, text: str | None, confidence: float = 1.0) -> list[Event]:
        """Take one answer (None: nothing was heard in time) and say what comes next."""
        flow = self.flow
        turn = flow.turn
        if turn is None:
            raise RuntimeError("the consultation is over")
        if text is None:
            return flow.silence(turn)
        flow.silent = 0
        flow.heard = True
        kind = "confirm" if turn.pending is not None else turn.kind
        confirming = PREFER.get("confirm", ()) if turn.pending is not None else ()
        prefer = (*PREFER.get(turn.kind, ()), *confirming)
        reading = self.understanding.read(
            text, prefer, _context(self.consultation, kind, turn.question)
        )
        answering = turn.kind in ("answer", "follow_up") and turn.pending is None
        said = self._said(turn, reading, answering)
        if answering and turn.kind == "answer" and not settled(said, self.consultation):
            guess = guess_to_ask(self.dialog, turn.question, text)  # not understood, or part lost
            if guess is not None:
                return [_guessed(text, guess, confidence), *hear_guess(flow, turn, guess)]
        if said.empty:
            return flow.not_understood(turn)
        heard = _heard(turn.question, text, reading, said, confidence)
        flow.record.triggers |= said.triggers  # "…, I've been drinking a lot of coffee": kept
        doubtful = confidence < self._confirm_below(said)
        if turn.pending is not None:

            def as_answer() -> Said:
                return self._said(turn, reading, answering=True)

            return [heard, *hear_confirmation(flow, turn, said, doubtful, as_answer)]
        return [heard, *HANDLERS[turn.kind](flow, turn, said, doubtful)]

    def _confirm_below(self, said: Said) -> float:
        """The confidence under which this answer is confirmed before it counts."""
        settings = self.consultation.settings
        if settings.confirm_reassuring_below is not None and reassuring(self.consultation, said):
            return max(settings.confirm_below, settings.confirm_reassuring_below)
        return settings.confirm_below

    def _said(self, turn: Turn, reading: Reading, answering: bool) -> Said:
        """What was said; a bare yes or no answers the question when ``answering``."""
        consultation, history = self.consultation, self.flow.record.history
        confirming = turn.question if turn.pending is not None and not turn.pending.stop else None
        # "no, I meant yes" to "Did you say no?" is about that answer; elsewhere, the last one
        corrects = confirming or last_yes_no(consultation, history, turn.question)
        asked = turn.question if answering else None
        return interpret(reading, consultation, asked, corrects, confirming)


def _context(consultation: Consultation, kind: str, question: str) -> dict[str, str]:
    """What the templates may know of the turn (hassil's `requires_context`)."""
    context = {"turn": kind}
    if question in consultation.questions:
        context["question"] = question  # "it's gone" is relief only when relief is asked
    return context


@dataclass(frozen=True)
class AnswerSense:
    """What one answer tells the dialog at one turn (compared whole, by value)."""

    facts: tuple[tuple[str, AnswerValue], ...]
    bounds: tuple[tuple[str, str], ...]
    reply: AnswerValue | None
    hedged: bool
    command: str | None
    bound_reply: str | None
    question: str | None
    triggers: tuple[str, ...]
    reassuring: bool  # an answer in it would make the advice less urgent ("no" to a sign)


def answer_meaning(dialog: Dialog, text: str, awaiting: Awaiting | None) -> AnswerSense | None:
    """What ``text`` would tell the dialog while it awaits ``awaiting``, as a comparable
    value (None: nothing understood). Two texts with the same value make the dialog take the
    same answers, reply and command: "yeah my foot feels kind of weak" and "yes" to the
    weakness question; an answer the dialog would ask again about means nothing. A
    recognizer weighing its hypotheses by meaning sums them by this."""
    understanding = understanding_for(dialog.intents)
    consultation = dialog.consultation
    if awaiting is None:
        said = interpret(understanding.read(text), consultation, None)
    else:
        question, kind = awaiting.question, awaiting.kind
        reading = understanding.read(
            text, PREFER.get(kind, ()), _context(consultation, kind, question)
        )
        answering = kind in ("answer", "follow_up")
        confirming = question if kind == "confirm" and awaiting.confirming != "stop" else None
        said = interpret(
            reading, consultation, question if answering else None, confirming, confirming
        )
    causes_asked = awaiting is not None and awaiting.kind == "triggers"
    if not settled(said, consultation, causes_asked):
        return None  # the dialog would ask again: "no, Tom" is not a reassuring no
    return AnswerSense(
        tuple(sorted(said.facts.items())),
        tuple(sorted(said.bounds.items())),
        said.reply,
        said.hedged and said.reply is not None,  # "I think so" does not confirm a readback
        said.command,
        said.bound_reply,
        said.question,
        tuple(sorted(said.triggers)),
        reassuring(consultation, said),
    )


def reassuring(consultation: Consultation, said: Said) -> bool:
    """Whether an answer in ``said`` would make the advice less urgent ("no" to a sign)."""
    return any(not worrying(consultation, q, v) for q, v in said.facts.items())


def _heard(question: str, text: str, reading: Reading, said: Said, confidence: float) -> Heard:
    """The heard event: the answer, its main intent, and how each clause was read."""
    parts = []
    for part in reading.parts:
        item: dict[str, Any] = {"text": part.text, "intent": None}
        if part.aside:
            item["aside"] = True  # not understood, and names nothing the dialog records
        meaning = part.meaning
        if meaning is not None:
            item["intent"] = meaning.intent
            for key in ("about", "answer", "trigger", "question", "bound"):
                if getattr(meaning, key) is not None:
                    item[key] = getattr(meaning, key)
            for flag in ("correction", "hedged", "fine", "spotted"):
                if getattr(meaning, flag):
                    item[flag] = True
        parts.append(item)
    understood: dict[str, Any] = dict(said.facts)
    if said.reply is not None:
        understood.setdefault("reply", said.reply)
    if said.triggers:
        understood["triggers"] = sorted(said.triggers)
    return Heard(question, text, said.intents[0], confidence, tuple(parts), understood)


def _guessed(text: str, guess: Guess, confidence: float) -> Heard:
    """The heard event of a guess: what it probably meant, and the answer most like it."""
    part = {"text": text, "intent": None, "guess": guess.answer, "like": guess.like}
    part["share"] = round(guess.share, 2)
    return Heard(guess.question, text, "guess", confidence, (part,), {})
