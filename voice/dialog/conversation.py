"""The dialog engine: runs a consultation turn by turn, text in, events out; no audio here.

The consultation is one state machine. Each kind of turn has its own handler: an answer to a
question (or its follow-up), a confirmation ("Did you say no?" or "Do you want to stop?"),
the readback before self-care, "What is different?" after a denied readback, and the
self-care ending's two optional questions. Every answer is read for everything it says
(voice/dialog/said.py), so a sign added in passing is never dropped.

Every consultation ends: each question may be asked a bounded number of times, and the whole
consultation a bounded number of turns (the dialog's settings); past either bound what is
still unknown counts as "not sure". Self-care is only given after the answers were read back
and confirmed, so one misheard "no" cannot lead to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voice.dialog.record import Record
from voice.dialog.said import Said, interpret
from voice.dialog.tips import lead_and_rest
from voice.dialog.turn import STOP, Pending, Turn
from voice.events import (
    FINISHED,
    GAVE_UP,
    MORE_TIPS,
    READBACK,
    STOPPED,
    TRIGGERS,
    TURN_LIMIT,
    WHICH,
    Awaiting,
    Event,
    Heard,
    Prompt,
    Result,
    Say,
)
from voice.rules import UNSURE, Decision, decide, next_question, worrying
from voice.schema import AnswerValue, Consultation, Dialog, Question, Tip
from voice.targets import at_threshold, follow_up_limit, last_yes_no
from voice.understand import Reading, Understanding
from voice.wording import advice, answer_phrase, answer_words, fill, join, noted, readback

_ENDING_KINDS = ("triggers", "more_tips")


@dataclass
class Conversation:
    """One consultation: call start(), then hear() with each answer until result is set."""

    dialog: Dialog
    # A typed "stop" ends at once. A spoken one ends with no advice when misheard (the bench
    # heard "no it's strong" as "stop" at 0.93), so it is confirmed: "Do you want to stop?"
    check_stop: bool = False
    understanding: Understanding | None = None  # shared between consultations when given
    record: Record = field(default_factory=Record)
    result: Result | None = None
    _turn: Turn | None = None
    _last_prompt: Prompt | None = None
    _failed_questions: int = 0  # questions in a row that got no usable answer
    _silent: int = 0  # turns in a row with nothing heard
    _asked: int = 0  # prompts in the whole consultation
    _denials: int = 0  # readbacks that could not be put right
    _confirmed: bool = False  # the readback was confirmed
    _decision: Decision | None = None  # the self-care ending's, once its tips begin
    _tips_left: list[Tip] = field(default_factory=list)
    _tips_said: list[Tip] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.understanding is None:
            self.understanding = Understanding(self.dialog.intents)

    @property
    def consultation(self) -> Consultation:
        return self.dialog.consultation

    @property
    def answers(self) -> dict[str, AnswerValue]:
        """The answers so far, by question id."""
        return self.record.answers

    @property
    def expecting(self) -> str | None:
        """The id of the prompt awaiting an answer; None when finished."""
        return None if self._turn is None else self._turn.question

    @property
    def awaiting(self) -> Awaiting | None:
        """What the next answer is for; None when the consultation is over."""
        turn = self._turn
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
            answers, bounds = dict(self.record.answers), dict(self.record.bounds)
            return Awaiting(turn.question, turn.kind, answers=answers, bounds=bounds)
        limit = (
            follow_up_limit(self.consultation, turn.question) if turn.kind == "follow_up" else None
        )
        return Awaiting(turn.question, turn.kind, limit=limit, question_kind=kind)

    @property
    def confirm_below(self) -> float:
        """A heard answer below this confidence is confirmed before it counts."""
        return self.consultation.settings.confirm_below

    def start(self) -> list[Event]:
        """Greet, note that this is general information, and ask the first question."""
        say = self.consultation.say
        return [Say(say.greeting), Say(say.disclaimer), *self._advance()]

    def hear(self, text: str | None, confidence: float = 1.0) -> list[Event]:
        """Take one answer (None: nothing was heard in time) and say what comes next."""
        turn = self._turn
        if turn is None:
            raise RuntimeError("the consultation is over")
        if text is None:
            return self._silence(turn)
        self._silent = 0
        if self.understanding is None:  # set in __post_init__
            raise RuntimeError("the conversation has no understanding")
        reading = self.understanding.read(text)
        answering = turn.kind in ("answer", "follow_up") and turn.pending is None
        said = self._said(turn, reading, answering)
        if said.empty:
            return self._not_understood(turn)
        heard = _heard(turn.question, text, reading, said, confidence)
        doubtful = confidence < self.confirm_below
        if turn.pending is not None:
            return [heard, *self._hear_confirmation(turn, said, reading, doubtful)]
        handler = {
            "answer": self._hear_answer,
            "follow_up": self._hear_answer,
            "readback": self._hear_readback,
            "which": self._hear_which,
            "triggers": self._hear_triggers,
            "more_tips": self._hear_more_tips,
        }[turn.kind]
        return [heard, *handler(turn, said, doubtful)]

    # --- the kinds of turn -----------------------------------------------------------------

    def _hear_answer(self, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
        """An answer to a question: its answer, and anything else it says."""
        facts, bounds = dict(said.facts), dict(said.bounds)
        if turn.kind == "follow_up" and said.bound_reply and turn.question not in facts:
            days = at_threshold(self.consultation, said.bound_reply, turn.question)
            if days is not None:
                facts[turn.question], bounds[turn.question] = days
        if not facts:
            if said.command is not None:
                return self._command(said.command, turn, doubtful)
            return self._not_understood(turn)
        if said.unclear and not self._any_worrying(facts):
            return self._not_understood(turn)  # part of it was lost, and it might matter
        if doubtful:
            # Only a plain answer to the question is worth confirming; a doubtful sign
            # volunteered, a correction or an answer with more in it is asked for again.
            if set(facts) != {turn.question} or said.corrected or said.unclear:
                return self._not_understood(turn)
            turn.pending = Pending(facts[turn.question], bounds.get(turn.question))
            words = answer_words(self.consultation, facts[turn.question], bounds.get(turn.question))
            return self._ask(turn, fill(self.consultation.say.confirm, answer=words))
        return self._apply(turn, facts, bounds, said.corrected)

    def _hear_confirmation(
        self, turn: Turn, said: Said, reading: Reading, doubtful: bool
    ) -> list[Event]:
        """The reply to "Did you say no?" or "Do you want to stop here?"."""
        pending = turn.pending
        turn.pending = None
        if pending is None:
            raise RuntimeError("nothing awaits a confirmation")
        if pending.stop:
            if (said.reply == "yes" and not said.facts) or said.command == "stop":
                return self._stop()
            if said.reply == "no" and not said.facts:
                return self._ask(turn, self._current_text(turn))
            return self._answer_instead(turn, reading, doubtful)
        question = turn.question
        # The same worrying answer heard twice counts, however faint each time; a faint
        # reassuring one needs a clear confirmation, or ends as "not sure".
        repeated = said.facts.get(question) == pending.value
        if doubtful and not (repeated and worrying(self.consultation, question, pending.value)):
            return self._not_understood(turn)
        if said.command is not None and not said.facts:
            return self._command(said.command, turn, doubtful)
        if said.reply == "yes" or repeated:
            facts = {question: pending.value, **said.facts}
            bounds = {**({question: pending.bound} if pending.bound else {}), **said.bounds}
            return self._apply(turn, facts, bounds, said.corrected)
        if said.facts:  # "no, I said yes", "no, three weeks"
            return self._apply(turn, dict(said.facts), dict(said.bounds), said.corrected)
        if said.reply == "no":
            return self._ask(turn, self._current_text(turn, again=True))
        return self._not_understood(turn)

    def _hear_readback(self, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
        """The reply to the readback: only a plain, clear yes confirms it."""
        changes = self._changes(said, doubtful)
        if changes:
            return self._correct(changes, said.bounds)
        if said.command is not None and not said.facts:
            return self._command(said.command, turn, doubtful)
        if said.reply == "yes" and not (said.unclear or said.facts) and not doubtful:
            self._confirmed = True
            return self._finish(FINISHED)
        if said.reply in ("no", UNSURE) or said.unclear:
            return self._ask_which()
        return self._ask(turn, self._readback_text(), (Say(self.consultation.say.help_readback),))

    def _hear_which(self, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
        """The reply to "What is different?": the answer that changed, or the question."""
        changes = self._changes(said, doubtful)
        if changes:
            return self._correct(changes, said.bounds)
        if said.question in self.consultation.questions and not doubtful:
            self.record.forget(said.question)  # ask it again; the readback follows
            return self._advance()
        if said.command is not None:
            return self._command(said.command, turn, doubtful)
        if said.reply == "yes" and not said.unclear and not doubtful:
            return self._ask_readback()  # nothing is different after all: read back again
        return self._not_understood(turn)

    def _hear_triggers(self, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
        """What may have set it off (optional): the tips that fit come first."""
        if self._news(said, doubtful):
            return self._correct(self._changes(said, doubtful), said.bounds)
        if said.command is not None and said.command != "stop" and not said.triggers:
            return self._command(said.command, turn, doubtful)
        if said.command == "stop":
            return self._close(STOPPED)
        if said.triggers or said.reply in ("no", UNSURE):
            self.record.triggers = said.triggers
            return self._tips()
        return self._not_understood(turn)

    def _hear_more_tips(self, turn: Turn, said: Said, doubtful: bool) -> list[Event]:
        """ "Would you like more tips?": yes says the rest; no, or nothing, closes."""
        if self._news(said, doubtful):
            return self._correct(self._changes(said, doubtful), said.bounds)
        if said.command == "repeat":
            lines = tuple(Say(tip.text) for tip in self._tips_said)
            return self._ask(turn, self.consultation.say.more_tips, lines)
        if said.command == "stop" or said.reply in ("no", UNSURE):
            return self._close(STOPPED if said.command else FINISHED)
        if said.reply == "yes":
            rest = [Say(tip.text) for tip in self._tips_left]
            self._tips_said.extend(self._tips_left)
            self._tips_left = []
            return [*rest, *self._close(FINISHED)]
        if said.command is not None:
            return self._command(said.command, turn, doubtful)
        return self._not_understood(turn)

    def _answer_instead(self, turn: Turn, reading: Reading, doubtful: bool) -> list[Event]:
        """Not a reply to "Do you want to stop here?" but an answer to the question: take it."""
        if turn.kind == "readback":
            return self._hear_readback(turn, self._said(turn, reading, answering=False), doubtful)
        if turn.kind not in ("answer", "follow_up"):
            return self._not_understood(turn)
        return self._hear_answer(turn, self._said(turn, reading, answering=True), doubtful)

    # --- what the turns share ----------------------------------------------------------------

    def _said(self, turn: Turn, reading: Reading, answering: bool) -> Said:
        """What was said; a bare yes or no answers the question when ``answering``."""
        if turn.pending is not None and not turn.pending.stop:
            corrects: str | None = turn.question  # "no, I meant yes" to "Did you say no?"
        else:
            corrects = last_yes_no(self.consultation, self.record.history, turn.question)
        asked = turn.question if answering else None
        return interpret(reading, self.consultation, asked, corrects)

    def _apply(
        self,
        turn: Turn,
        facts: Mapping[str, AnswerValue],
        bounds: Mapping[str, str],
        corrected: frozenset[str],
    ) -> list[Event]:
        """Record what an answer said, then ask what comes next."""
        asked = turn.question
        spec = self.consultation.questions[asked]
        follow_up = (
            facts.get(asked) == UNSURE and spec.follow_up is not None and turn.kind == "answer"
        )
        events: list[Event] = []
        for question in self._in_order(facts):
            if question == asked and follow_up:
                continue
            before = self.record.answers.get(question)
            self.record.set(question, facts[question], bounds.get(question))
            if question == asked:
                continue
            if question in corrected or (before is not None and before != facts[question]):
                events.append(Say(self._corrected([question])))
            elif before is None:
                events.append(Say(noted(self.consultation, question, facts[question])))
        if follow_up and spec.follow_up is not None:
            turn.kind = "follow_up"  # "More or less than three days?" before "not sure"
            return self._ask(turn, spec.follow_up, tuple(events))
        if asked in facts:
            self._failed_questions = 0
        if asked in self.record.answers or next_question(self.consultation, self.answers) != asked:
            return [*events, *self._advance()]
        return self._ask(turn, self._question(turn).prompt, tuple(events))

    def _changes(self, said: Said, doubtful: bool) -> dict[str, AnswerValue]:
        """What an answer changes in the record; when doubtful, only what is more worrying."""
        changes = {
            q: v
            for q, v in said.facts.items()
            if self.record.answers.get(q) != v or self.record.bounds.get(q) != said.bounds.get(q)
        }
        if doubtful:
            changes = {q: v for q, v in changes.items() if worrying(self.consultation, q, v)}
        return changes

    def _news(self, said: Said, doubtful: bool) -> bool:
        return bool(self._changes(said, doubtful))

    def _correct(
        self, changes: Mapping[str, AnswerValue], bounds: Mapping[str, str]
    ) -> list[Event]:
        """Answers changed at the readback or later: say what changed, then go on from there."""
        for question in self._in_order(changes):
            self.record.set(question, changes[question], bounds.get(question))
        self._confirmed = False  # what is read back has changed
        self._decision = None
        self._failed_questions = 0
        return [Say(self._corrected(list(changes))), *self._advance()]

    def _corrected(self, questions: list[str]) -> str:
        phrases = [
            answer_phrase(self.consultation, q, self.answers[q], self.record.bounds.get(q))
            for q in self._in_order(questions)
        ]
        return fill(self.consultation.say.corrected, answer=join(self.consultation, phrases))

    def _in_order(self, questions: Mapping[str, Any] | list[str]) -> list[str]:
        return [q for q in self.consultation.questions if q in questions]

    def _any_worrying(self, facts: Mapping[str, AnswerValue]) -> bool:
        return any(worrying(self.consultation, q, v) for q, v in facts.items())

    # --- asking ------------------------------------------------------------------------------

    def _advance(self) -> list[Event]:
        """The next question that still matters, or the end."""
        question = next_question(self.consultation, self.answers)
        if question is None:
            return self._finish(FINISHED)
        if self._asked >= self.consultation.settings.max_turns:
            return self._turn_limit()
        return self._new_turn(Turn(question), self.consultation.questions[question].prompt)

    def _new_turn(self, turn: Turn, text: str, before: tuple[Event, ...] = ()) -> list[Event]:
        self._asked += 1
        self._turn = turn
        return [*before, self._prompt(turn.question, text)]

    def _ask(self, turn: Turn, text: str, before: tuple[Event, ...] = ()) -> list[Event]:
        """Ask again within the bounds; past them the question counts as not sure."""
        settings = self.consultation.settings
        if turn.kind in _ENDING_KINDS and (
            self._asked >= settings.max_turns or turn.asked >= settings.max_turns_per_question
        ):
            return [*before, *self._close(FINISHED)]
        if self._asked >= settings.max_turns:
            return [*before, *self._turn_limit()]
        if turn.asked >= settings.max_turns_per_question:
            return [*before, *self._question_limit(turn)]
        self._asked += 1
        turn.asked += 1
        return [*before, self._prompt(turn.question, text)]

    def _prompt(self, question: str, text: str) -> Prompt:
        self._last_prompt = Prompt(question, text)
        return self._last_prompt

    def _ask_readback(self) -> list[Event]:
        """Read the answers back in one sentence and ask if that is right."""
        if self._asked >= self.consultation.settings.max_turns:
            return self._turn_limit()
        return self._new_turn(Turn(READBACK, "readback"), self._readback_text())

    def _ask_which(self) -> list[Event]:
        """After "no" to the readback: ask what is different, not every question again."""
        if self._asked >= self.consultation.settings.max_turns:
            return self._turn_limit()
        return self._new_turn(Turn(WHICH, "which"), self.consultation.say.which)

    def _readback_text(self) -> str:
        return readback(self.consultation, self.record.answers, self.record.bounds)

    def _question(self, turn: Turn) -> Question:
        return self.consultation.questions[turn.question]

    def _current_text(self, turn: Turn, again: bool = False) -> str:
        """What the turn asks (reworded when asked ``again``), as it would be asked now."""
        say = self.consultation.say
        if turn.kind == "readback":
            return self._readback_text()
        if turn.kind == "which":
            return say.which
        if turn.kind == "more_tips":
            return say.more_tips
        if turn.kind == "triggers" and self.consultation.triggers is not None:
            triggers = self.consultation.triggers
            return triggers.reprompt if again else triggers.prompt
        question = self._question(turn)
        if turn.kind == "follow_up" and question.follow_up:
            return question.follow_up
        return question.reprompt if again else question.prompt

    # --- when an answer does not come ----------------------------------------------------------

    def _silence(self, turn: Turn) -> list[Event]:
        """Nothing heard: ask again; heard nothing often enough, nobody is there."""
        self._silent += 1
        turn.pending = None
        if turn.kind == "triggers":
            return self._tips()
        if turn.kind == "more_tips":
            return self._close(FINISHED)
        if self._silent >= self.consultation.settings.silent_turns:
            return self._give_up(self.consultation.say.nobody)
        return self._not_understood(turn)

    def _not_understood(self, turn: Turn) -> list[Event]:
        say = self.consultation.say
        turn.failures += 1
        turn.pending = None
        if turn.failures <= self.consultation.settings.reprompts:
            text = self._current_text(turn, again=True)
            return self._ask(turn, text, (Say(say.not_understood), *self._help_for(turn)))
        if turn.kind == "triggers":
            return self._tips()  # optional: the tips come in their usual order
        if turn.kind == "more_tips":
            return self._close(FINISHED)
        if turn.kind in ("readback", "which"):
            return self._denied()
        # Still not understood: conservatively "not sure", which never leads to self-care.
        self._failed_questions += 1
        if self._failed_questions >= self.consultation.settings.give_up_after:
            return self._give_up(say.give_up)
        return self._question_limit(turn)

    def _help_for(self, turn: Turn) -> tuple[Event, ...]:
        """What helps with a reprompt that is not the question reworded."""
        say = self.consultation.say
        if turn.kind == "readback":
            return (Say(say.help_readback),)
        return ()

    def _question_limit(self, turn: Turn) -> list[Event]:
        """The question could not be settled: it counts as not sure, and the next one comes."""
        if turn.kind in ("readback", "which"):
            return self._denied()
        self.record.count_unsure(turn.question)
        return [Say(self.consultation.say.counted_unsure), *self._advance()]

    def _denied(self) -> list[Event]:
        """The readback could not be put right: ask everything again, or count all as unsure."""
        say = self.consultation.say
        self._denials += 1
        if self._denials < self.consultation.settings.readback_rounds:
            self.record.clear()
            self._failed_questions = 0
            return [Say(say.readback_again), *self._advance()]
        for name in list(self.record.answers):
            self.record.count_unsure(name)  # nothing read back could be confirmed
        return [Say(say.readback_failed), *self._finish(FINISHED)]

    def _give_up(self, sentence: str) -> list[Event]:
        """No usable answers: what is unknown counts as not sure; the advice keeps its urgency."""
        if self._turn is not None and self._turn.question in self.consultation.questions:
            if self._turn.question not in self.record.answers or self._turn.kind == "follow_up":
                self.record.count_unsure(self._turn.question)
        self._count_unknown()
        return [Say(sentence), *self._finish(GAVE_UP)]

    def _turn_limit(self) -> list[Event]:
        """The consultation went on too long: what is still unknown counts as not sure."""
        self._count_unknown()
        outcome = decide(self.consultation, self.answers).outcome
        if not self._confirmed and _needs_readback(self.consultation, outcome, self.answers):
            for name in list(self.record.answers):  # self-care needs a confirmed readback
                self.record.count_unsure(name)
        return [Say(self.consultation.say.turn_limit), *self._finish(TURN_LIMIT)]

    def _count_unknown(self) -> None:
        for name in self.consultation.questions:
            if name not in self.record.answers:
                self.record.count_unsure(name)

    def _command(self, command: str, turn: Turn, doubtful: bool) -> list[Event]:
        say = self.consultation.say
        if command == "stop":
            if doubtful:
                return self._not_understood(turn)  # a faint "stop" is not acted on
            if self.check_stop:
                turn.pending = STOP
                return self._ask(turn, say.check_stop)
            return self._stop()
        if command == "repeat" and self._last_prompt is not None:
            return self._ask(turn, self._last_prompt.text)
        return self._ask(turn, self._current_text(turn), self._explain(command, turn))

    def _explain(self, command: str, turn: Turn) -> tuple[Event, ...]:
        """What "why do you ask?" and "help" say for this kind of turn."""
        say = self.consultation.say
        if turn.kind == "readback":
            return (Say(say.help_readback),)
        if turn.kind == "which":
            return (Say(say.help_which),)
        if turn.kind == "more_tips":
            return (Say(say.help_more_tips),)
        triggers = self.consultation.triggers
        if turn.kind == "triggers" and triggers is not None:
            return (Say(triggers.why if command == "why" else triggers.help),)
        question = self._question(turn)
        if command == "why":
            return (Say(question.why),)
        options = say.help_duration if question.kind == "duration" else say.help_answers
        return (Say(question.help), Say(options))

    # --- the end -------------------------------------------------------------------------------

    def _stop(self) -> list[Event]:
        """The person asked to stop: no advice (their answers so far are in the result)."""
        self._turn = None
        self.result = Result(None, (), dict(self.answers), STOPPED)
        return [Say(self.consultation.say.stopped), self.result]

    def _finish(self, ended: str) -> list[Event]:
        """Decide and say the advice; self-care first needs a confirmed readback."""
        decision = decide(self.consultation, self.answers)
        if (
            ended == FINISHED
            and not self._confirmed
            and _needs_readback(self.consultation, decision.outcome, self.answers)
        ):
            return self._ask_readback()
        self._decision = decision
        lines = advice(self.consultation, decision, self.answers, self.record.unclear)
        spoken: list[Event] = [Say(line) for line in lines]
        outcome = self.consultation.outcomes[decision.outcome]
        if not outcome.tips:
            return [*spoken, *self._close(ended)]
        triggers = self.consultation.triggers
        if ended == FINISHED and triggers is not None:
            return self._new_turn(Turn(TRIGGERS, "triggers"), triggers.prompt, tuple(spoken))
        return [*spoken, *self._tips(ask=ended == FINISHED)]

    def _tips(self, ask: bool = True) -> list[Event]:
        """The steps that fit first, then "Would you like more tips?" for the rest."""
        if self._decision is None:
            return self._finish(FINISHED)
        outcome = self.consultation.outcomes[self._decision.outcome]
        lead = self.consultation.settings.lead_tips
        first, rest = lead_and_rest(outcome.tips, self.record.triggers, lead)
        self._tips_said, self._tips_left = list(first), list(rest)
        spoken = tuple(Say(tip.text) for tip in first)
        if not rest:
            return [*spoken, *self._close(FINISHED)]
        if not ask:
            self._tips_said.extend(rest)
            return [*spoken, *(Say(tip.text) for tip in rest), *self._close(FINISHED)]
        return self._new_turn(Turn(MORE_TIPS, "more_tips"), self.consultation.say.more_tips, spoken)

    def _close(self, ended: str) -> list[Event]:
        """The outcome's closing lines, goodbye, and the result."""
        decision = self._decision or decide(self.consultation, self.answers)
        closing = [Say(line.text) for line in self.consultation.outcomes[decision.outcome].closing]
        self._turn = None
        self.result = Result(decision.outcome, decision.reasons, dict(self.answers), ended)
        return [*closing, Say(self.consultation.say.goodbye), self.result]


def _needs_readback(consultation: Consultation, outcome: str, answers: Mapping[str, Any]) -> bool:
    """Only the least urgent outcome (self-care) waits for a confirmed readback."""
    return outcome == list(consultation.outcomes)[-1] and bool(answers)


def _heard(question: str, text: str, reading: Reading, said: Said, confidence: float) -> Heard:
    """The heard event: the answer, its main intent, and how each clause was read."""
    parts = []
    for part in reading.parts:
        item: dict[str, Any] = {"text": part.text, "intent": None}
        meaning = part.meaning
        if meaning is not None:
            item["intent"] = meaning.intent
            for key in ("about", "answer", "trigger", "question", "bound"):
                if getattr(meaning, key) is not None:
                    item[key] = getattr(meaning, key)
            if meaning.correction:
                item["correction"] = True
        parts.append(item)
    understood = dict(said.facts)
    if said.reply is not None:
        understood.setdefault("reply", said.reply)
    return Heard(question, text, said.intents[0], confidence, tuple(parts), understood)
