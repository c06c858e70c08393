"""The consultation's state and its moves: ask, ask again, go on, give up, decide, close.

The turn handlers (answers.py, readback.py, ending.py) read what was said and call these;
nothing here reads an answer. Every consultation ends: each question may be asked a bounded
number of times, and the whole consultation a bounded number of turns (the dialog's
settings); past either bound what is still unknown counts as "not sure".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voice.dialog.record import Record
from voice.dialog.tips import lead_and_rest
from voice.dialog.turn import STOP, Turn
from voice.events import (
    FINISHED,
    GAVE_UP,
    MORE_TIPS,
    READBACK,
    STOPPED,
    TRIGGERS,
    TURN_LIMIT,
    WHICH,
    Event,
    Prompt,
    Result,
    Say,
)
from voice.rules import Decision, decide, next_question
from voice.schema import Consultation, Question, Tip
from voice.wording import advice, answer_phrase, fill, join, readback

ENDING_KINDS = ("triggers", "more_tips")  # the self-care ending's optional questions


@dataclass
class Flow:
    """Where a consultation is: the answers, the turn awaiting a reply, and the counts."""

    consultation: Consultation
    check_stop: bool = False  # a spoken "stop" is confirmed before it ends the consultation
    record: Record = field(default_factory=Record)
    turn: Turn | None = None
    result: Result | None = None
    last_prompt: Prompt | None = None
    failed_questions: int = 0  # questions in a row that got no usable answer
    silent: int = 0  # turns in a row with nothing heard
    heard: bool = False  # anything heard in the whole consultation
    asked: int = 0  # prompts in the whole consultation
    denials: int = 0  # readbacks that could not be put right
    rereads: int = 0  # readbacks read again because the reply named nothing different
    confirmed: bool = False  # the answers were read back and confirmed
    decision: Decision | None = None  # the self-care ending's, once its tips begin
    tips_left: list[Tip] = field(default_factory=list)
    tips_said: list[Tip] = field(default_factory=list)

    # --- asking ------------------------------------------------------------------------------

    def advance(self) -> list[Event]:
        """The next question that still matters, or the end."""
        question = next_question(self.consultation, self.record.answers)
        if question is None:
            return self.finish(FINISHED)
        if self.asked >= self.consultation.settings.max_turns:
            return self.turn_limit()
        return self.new_turn(Turn(question), self.consultation.questions[question].prompt)

    def new_turn(self, turn: Turn, text: str, before: tuple[Event, ...] = ()) -> list[Event]:
        """Ask something new: a question, the readback, an ending question."""
        self.asked += 1
        self.turn = turn
        return [*before, self._prompt(turn.question, text)]

    def ask(self, turn: Turn, text: str, before: tuple[Event, ...] = ()) -> list[Event]:
        """Ask again within the bounds; past them the question counts as not sure."""
        settings = self.consultation.settings
        if turn.kind in ENDING_KINDS and (
            self.asked >= settings.max_turns or turn.asked >= settings.max_turns_per_question
        ):
            return [*before, *self.close(FINISHED)]
        if self.asked >= settings.max_turns:
            return [*before, *self.turn_limit()]
        if turn.asked >= settings.max_turns_per_question:
            return [*before, *self.question_limit(turn)]
        self.asked += 1
        turn.asked += 1
        return [*before, self._prompt(turn.question, text)]

    def ask_readback(self) -> list[Event]:
        """Read the answers back in one sentence and ask if that is right."""
        if self.asked >= self.consultation.settings.max_turns:
            return self.turn_limit()
        return self.new_turn(Turn(READBACK, "readback"), self.readback_text())

    def ask_which(self) -> list[Event]:
        """After "no" to the readback: ask what is different, not every question again."""
        if self.asked >= self.consultation.settings.max_turns:
            return self.turn_limit()
        return self.new_turn(Turn(WHICH, "which"), self.consultation.say.which)

    def readback_text(self) -> str:
        """The readback sentence for the answers as they are now."""
        return readback(self.consultation, self.record.answers, self.record.bounds)

    def question(self, turn: Turn) -> Question:
        """The question a turn asks."""
        return self.consultation.questions[turn.question]

    def current_text(self, turn: Turn, again: bool = False) -> str:
        """What the turn asks (reworded when asked ``again``), as it would be asked now."""
        say = self.consultation.say
        if turn.kind == "readback":
            return self.readback_text()
        if turn.kind == "which":
            return say.which
        if turn.kind == "more_tips":
            return say.more_tips
        if turn.kind == "triggers" and self.consultation.triggers is not None:
            triggers = self.consultation.triggers
            return triggers.reprompt if again else triggers.prompt
        question = self.question(turn)
        if turn.kind == "follow_up" and question.follow_up:
            return question.follow_up
        return question.reprompt if again else question.prompt

    def corrected(self, questions: list[str]) -> str:
        """ "Okay, I've changed that: <what the answers are now>."""
        answers, bounds = self.record.answers, self.record.bounds
        phrases = [
            answer_phrase(self.consultation, q, answers[q], bounds.get(q))
            for q in self.in_order(questions)
        ]
        return fill(self.consultation.say.corrected, answer=join(self.consultation, phrases))

    def in_order(self, questions: Mapping[str, Any] | list[str]) -> list[str]:
        """Question ids in the order the consultation asks them."""
        return [q for q in self.consultation.questions if q in questions]

    def _prompt(self, question: str, text: str) -> Prompt:
        self.last_prompt = Prompt(question, text)
        return self.last_prompt

    # --- when an answer does not come ----------------------------------------------------------

    def silence(self, turn: Turn) -> list[Event]:
        """Nothing heard: ask again; heard nothing often enough, nobody is there."""
        self.silent += 1
        turn.pending = None
        if turn.kind == "triggers":
            return self.tips()
        if turn.kind == "more_tips":
            return self.close(FINISHED)
        if self.silent >= self.consultation.settings.silent_turns:
            return self.give_up(self.consultation.say.nobody)
        return self.not_understood(turn)

    def not_understood(self, turn: Turn) -> list[Event]:
        """Ask again, reworded; still not understood, the question counts as not sure."""
        say = self.consultation.say
        turn.failures += 1
        turn.pending = None
        if turn.failures <= self.consultation.settings.reprompts:
            help_first = (Say(say.help_readback),) if turn.kind == "readback" else ()
            again = self.current_text(turn, again=True)
            return self.ask(turn, again, (Say(say.not_understood), *help_first))
        if turn.kind == "triggers":
            return self.tips()  # optional: the tips come in their usual order
        if turn.kind == "more_tips":
            return self.close(FINISHED)
        if turn.kind in ("readback", "which"):
            return self.denied()
        # Still not understood: conservatively "not sure", which never leads to self-care.
        self.failed_questions += 1
        if self.failed_questions >= self.consultation.settings.give_up_after:
            return self.give_up(say.give_up)
        return self.question_limit(turn)

    def question_limit(self, turn: Turn) -> list[Event]:
        """The question could not be settled: it counts as not sure, and the next one comes."""
        if turn.kind in ("readback", "which"):
            return self.denied()
        self.record.count_unsure(turn.question)
        return [Say(self.consultation.say.counted_unsure), *self.advance()]

    def denied(self) -> list[Event]:
        """The readback could not be put right: ask everything again, or count all as unsure."""
        say = self.consultation.say
        self.denials += 1
        if self.denials < self.consultation.settings.readback_rounds:
            self.record.clear()
            self.failed_questions = 0
            return [Say(say.readback_again), *self.advance()]
        for name in list(self.record.answers):
            self.record.count_unsure(name)  # nothing read back could be confirmed
        return [Say(say.readback_failed), *self.finish(FINISHED)]

    def give_up(self, sentence: str) -> list[Event]:
        """No usable answers: what is unknown counts as not sure; the advice keeps its urgency."""
        turn = self.turn
        asking = turn is not None and turn.question in self.consultation.questions
        if (
            asking
            and turn is not None
            and (turn.question not in self.record.answers or turn.kind == "follow_up")
        ):
            self.record.count_unsure(turn.question)
        self._count_unknown()
        return [Say(sentence), *self.finish(GAVE_UP)]

    def turn_limit(self) -> list[Event]:
        """The consultation went on too long: what is still unknown counts as not sure."""
        self._count_unknown()
        outcome = decide(self.consultation, self.record.answers).outcome
        if not self.confirmed and self._needs_readback(outcome):
            for name in list(self.record.answers):  # self-care needs a confirmed readback
                self.record.count_unsure(name)
        return [Say(self.consultation.say.turn_limit), *self.finish(TURN_LIMIT)]

    def _count_unknown(self) -> None:
        for name in self.consultation.questions:
            if name not in self.record.answers:
                self.record.count_unsure(name)

    def command(self, command: str, turn: Turn, doubtful: bool) -> list[Event]:
        """repeat, help, why or stop, at any turn."""
        say = self.consultation.say
        if command == "stop":
            if doubtful:
                return self.not_understood(turn)  # a faint "stop" is not acted on
            if self.check_stop:
                turn.pending = STOP
                return self.ask(turn, say.check_stop)
            return self.stop()
        if command == "repeat" and self.last_prompt is not None:
            return self.ask(turn, self.last_prompt.text)
        return self.ask(turn, self.current_text(turn), self._explain(command, turn))

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
        question = self.question(turn)
        if command == "why":
            return (Say(question.why),)
        options = say.help_duration if question.kind == "duration" else say.help_answers
        return (Say(question.help), Say(options))

    # --- the end -------------------------------------------------------------------------------

    def stop(self) -> list[Event]:
        """The person asked to stop: no advice (their answers so far are in the result)."""
        if self.decision is not None:  # the advice has begun: it stands
            return self.close(STOPPED)
        self.turn = None
        self.result = Result(None, (), dict(self.record.answers), STOPPED, self.heard)
        return [Say(self.consultation.say.stopped), self.result]

    def finish(self, ended: str) -> list[Event]:
        """Decide and say the advice; self-care first needs a confirmed readback."""
        answers = self.record.answers
        decision = decide(self.consultation, answers)
        if ended == FINISHED and not self.confirmed and self._needs_readback(decision.outcome):
            return self.ask_readback()
        self.decision = decision
        lines = advice(self.consultation, decision, answers, self.record.unclear)
        spoken = tuple(Say(line) for line in lines)
        if not self.consultation.outcomes[decision.outcome].tips:
            return [*spoken, *self.close(ended)]
        triggers = self.consultation.triggers
        # asked only when nothing said so far named a cause ("yes. I had loads of coffee")
        if ended == FINISHED and triggers is not None and not self.record.triggers:
            return self.new_turn(Turn(TRIGGERS, "triggers"), triggers.prompt, spoken)
        return [*spoken, *self.tips(ask=ended == FINISHED)]

    def tips(self, ask: bool = True) -> list[Event]:
        """The steps that fit first, then "Would you like more tips?" for the rest."""
        if self.decision is None:
            return self.finish(FINISHED)
        outcome = self.consultation.outcomes[self.decision.outcome]
        lead = self.consultation.settings.lead_tips
        first, rest = lead_and_rest(outcome.tips, self.record.triggers, lead)
        self.tips_said, self.tips_left = list(first), list(rest)
        spoken = tuple(Say(tip.text) for tip in first)
        if not rest:
            return [*spoken, *self.close(FINISHED)]
        if not ask:
            return [*spoken, *self.more_tips(FINISHED)]
        return self.new_turn(Turn(MORE_TIPS, "more_tips"), self.consultation.say.more_tips, spoken)

    def more_tips(self, ended: str) -> list[Event]:
        """The tips not said yet, then the close."""
        rest = [Say(tip.text) for tip in self.tips_left]
        self.tips_said.extend(self.tips_left)
        self.tips_left = []
        return [*rest, *self.close(ended)]

    def close(self, ended: str) -> list[Event]:
        """The outcome's closing lines, goodbye, and the result."""
        decision = self.decision or decide(self.consultation, self.record.answers)
        closing = [Say(line.text) for line in self.consultation.outcomes[decision.outcome].closing]
        self.turn = None
        answers = dict(self.record.answers)
        self.result = Result(decision.outcome, decision.reasons, answers, ended, self.heard)
        return [*closing, Say(self.consultation.say.goodbye), self.result]

    def reopen(self) -> None:
        """Answers changed after the readback: it must be confirmed again, the advice redone."""
        self.confirmed = False
        self.decision = None
        self.failed_questions = 0

    def _needs_readback(self, outcome: str) -> bool:
        """Only the least urgent outcome (self-care) waits for a confirmed readback."""
        return outcome == list(self.consultation.outcomes)[-1] and bool(self.record.answers)
