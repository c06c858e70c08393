"""The dialog engine: runs a consultation turn by turn, text in, events out; no audio here.

Every consultation ends: each question may be asked a bounded number of times, and the whole
consultation a bounded number of turns (the dialog's settings); past either bound what is
still unknown counts as "not sure". Self-care is only given after the answers were read back
and confirmed, so one misheard "no" cannot lead to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voice import readback
from voice.confidence import CONFIRM_BELOW
from voice.content import AnswerValue, Consultation, Dialog, Question
from voice.events import (
    FINISHED,
    GAVE_UP,
    READBACK,
    STOPPED,
    TURN_LIMIT,
    Awaiting,
    Event,
    Heard,
    Prompt,
    Result,
    Say,
    Turn,
)
from voice.intents import Meaning, Understanding
from voice.readback import needs_readback
from voice.rules import UNSURE, decide, next_question, reassuring
from voice.targets import BOUND_INTENTS, answers_question, at_threshold, follow_up_limit
from voice.wording import advice, answer_words, fill, noted


@dataclass
class Conversation:
    """One consultation: call start(), then hear() with each answer until result is set."""

    dialog: Dialog
    confirm_below: float = CONFIRM_BELOW  # a heard answer below this is confirmed first
    # A typed "stop" ends at once. A spoken one ends with no advice when misheard (the bench
    # heard "no it's strong" as "stop" at 0.93), so it is confirmed: "Do you want to stop?"
    check_stop: bool = False
    understanding: Understanding = field(init=False)
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    bounds: dict[str, str] = field(default_factory=dict)  # question -> "above" / "below"
    result: Result | None = None
    _turn: Turn | None = None
    _history: list[str] = field(default_factory=list)  # questions answered, latest last
    _last_prompt: Prompt | None = None
    _failed_questions: int = 0
    _asked: int = 0  # prompts in the whole consultation
    _readbacks: int = 0
    _confirmed: bool = False  # the readback was confirmed

    def __post_init__(self) -> None:
        self.understanding = Understanding(self.dialog.intents)

    @property
    def consultation(self) -> Consultation:
        return self.dialog.consultation

    @property
    def expecting(self) -> str | None:
        """The id of the question (or readback) awaiting an answer; None when finished."""
        return None if self._turn is None else self._turn.question

    @property
    def awaiting(self) -> Awaiting | None:
        """What the next answer is for; None when the consultation is over."""
        turn = self._turn
        if turn is None:
            return None
        if turn.question == READBACK:
            return Awaiting(READBACK, "readback", None, dict(self.answers), dict(self.bounds))
        if turn.pending is not None:
            pending = turn.pending
            bound = {turn.question: pending.bound} if pending.bound else {}
            confirming = "stop" if _stopping(pending) else pending.answer
            return Awaiting(turn.question, "confirm", confirming, bounds=bound)
        if turn.kind == "follow_up":
            return Awaiting(
                turn.question, "follow_up", limit=follow_up_limit(self.consultation, turn.question)
            )
        return Awaiting(turn.question, turn.kind)

    def start(self) -> list[Event]:
        """Greet, note that this is general information, and ask the first question."""
        say = self.consultation.say
        return [Say(say.greeting), Say(say.disclaimer), *self._advance()]

    def hear(self, text: str | None, confidence: float = 1.0) -> list[Event]:
        """Take one answer (None: nothing was heard in time) and say what comes next."""
        turn = self._turn
        if turn is None:
            raise RuntimeError("the consultation is over")
        meaning = self.understanding.parse(text) if text else None
        if turn.question == READBACK:
            return readback.hear(self, turn, text or "", meaning, confidence)
        if meaning is not None and meaning.intent in BOUND_INTENTS:
            meaning = self._bounded(meaning, turn)
        if meaning is None:
            return self._not_understood(turn)
        heard = Heard(turn.question, text or "", meaning.intent, confidence)
        doubtful = confidence < self.confirm_below
        if meaning.command == "stop" and self.check_stop and not _stopping(turn.pending):
            turn.pending = meaning
            return [heard, *self._ask(turn, self.consultation.say.check_stop)]
        target = None if meaning.command else self._target(meaning, turn)
        pending = turn.pending
        # The same worrying answer heard twice counts, however faint each time; a faint
        # reassuring one needs a clear confirmation, or ends as "not sure".
        if (
            pending
            and pending.answer is not None
            and target == turn.question
            and meaning.answer == pending.answer
            and not reassuring(self.consultation, turn.question, pending.answer, self.answers)
        ):
            turn.pending = None
            return [heard, *self._record(turn.question, pending, turn)]
        if doubtful and (target != turn.question or meaning.correction or turn.pending):
            # Only a plain answer to the question is worth confirming; a doubtful "stop",
            # volunteered sign, correction or confirmation is asked for again instead.
            return self._not_understood(turn)
        if meaning.command is not None:
            return [heard, *self._command(meaning.command, turn)]
        if turn.pending is not None:
            pending, turn.pending = turn.pending, None
            return [heard, *self._confirming(turn, pending, meaning)]
        if target is None:
            return self._not_understood(turn)
        if doubtful:
            turn.pending = meaning
            text = fill(self.consultation.say.confirm, answer=self._words(meaning))
            return [heard, *self._ask(turn, text)]
        return [heard, *self._record(target, meaning, turn)]

    # --- turns -----------------------------------------------------------------------------

    def _advance(self) -> list[Event]:
        question = next_question(self.consultation, self.answers)
        if question is None:
            return self._finish(FINISHED)
        if self._asked >= self.consultation.settings.max_turns:
            return self._turn_limit()
        self._asked += 1
        self._turn = Turn(question)
        return [self._prompt(question, self.consultation.questions[question].prompt)]

    def _ask(self, turn: Turn, text: str, before: tuple[Event, ...] = ()) -> list[Event]:
        """Ask again within the bounds; past them the question counts as not sure."""
        settings = self.consultation.settings
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

    def _record(self, target: str, meaning: Meaning, turn: Turn) -> list[Event]:
        if meaning.answer is None:
            raise ValueError(f"{meaning.intent} carries no answer")
        question = self.consultation.questions[target]
        if (
            target == turn.question
            and meaning.answer == UNSURE
            and question.follow_up
            and turn.kind == "answer"
        ):
            turn.kind = "follow_up"  # "More or less than three days?" before "not sure"
            return self._ask(turn, question.follow_up)
        events: list[Event] = []
        changed = target in self.answers and self.answers[target] != meaning.answer
        self._set(target, meaning)
        if target == turn.question:
            self._failed_questions = 0
        elif meaning.correction or changed:
            events.append(Say(self.consultation.say.corrected))
        else:
            events.append(Say(noted(self.consultation, target, meaning.answer)))
        if (
            target == turn.question
            or next_question(self.consultation, self.answers) != turn.question
        ):
            return [*events, *self._advance()]
        return self._ask(turn, self._question(turn).prompt, tuple(events))

    def _set(self, target: str, meaning: Meaning) -> None:
        if meaning.answer is None:
            raise ValueError(f"{meaning.intent} carries no answer")
        self.answers[target] = meaning.answer
        if meaning.bound:
            self.bounds[target] = meaning.bound
        else:
            self.bounds.pop(target, None)
        if target in self._history:
            self._history.remove(target)
        self._history.append(target)

    def _target(self, meaning: Meaning, turn: Turn) -> str | None:
        return answers_question(self.consultation, meaning, turn.question, self._history)

    def _bounded(self, meaning: Meaning, turn: Turn) -> Meaning | None:
        """ "More" or "less" to "More or less than three days?": a duration at the threshold."""
        if turn.kind != "follow_up" and not (turn.pending and turn.pending.bound):
            return None
        return at_threshold(self.consultation, meaning, turn.question)

    def _confirming(self, turn: Turn, pending: Meaning, meaning: Meaning) -> list[Event]:
        """The reply to "Did you say yes?": yes or the same answer again confirms it."""
        if _stopping(pending) and meaning.intent == "answer_yes" and not meaning.sign:
            return self._command("stop", turn)
        if meaning.answer == pending.answer or (
            meaning.intent == "answer_yes" and not meaning.sign
        ):
            return self._record(turn.question, pending, turn)
        if meaning.intent == "answer_no" and not meaning.correction:
            return self._ask(turn, self._current_text(turn, again=True))
        target = self._target(meaning, turn)
        if target is None:
            return self._ask(turn, self._current_text(turn, again=True))
        return self._record(target, meaning, turn)

    def _not_understood(self, turn: Turn) -> list[Event]:
        say = self.consultation.say
        turn.failures += 1
        turn.pending = None
        if turn.failures <= self.consultation.settings.reprompts:
            return self._ask(turn, self._current_text(turn, again=True), (Say(say.not_understood),))
        # Still not understood: conservatively "not sure", which never leads to self-care.
        self._failed_questions += 1
        if self._failed_questions >= self.consultation.settings.give_up_after:
            self._set(turn.question, Meaning("answer_unsure", UNSURE))
            for name in self.consultation.questions:
                self.answers.setdefault(name, UNSURE)
            return [Say(say.give_up), *self._finish(GAVE_UP, speak=False)]
        return self._question_limit(turn)

    def _question_limit(self, turn: Turn) -> list[Event]:
        """The question could not be settled: it counts as not sure, and the next one comes."""
        self._set(turn.question, Meaning("answer_unsure", UNSURE))
        return [Say(self.consultation.say.counted_unsure), *self._advance()]

    def _turn_limit(self) -> list[Event]:
        """The consultation went on too long: what is still unknown counts as not sure."""
        for name in self.consultation.questions:
            self.answers.setdefault(name, UNSURE)
        outcome = decide(self.consultation, self.answers).outcome
        if not self._confirmed and needs_readback(self.consultation, outcome, self.answers):
            for name in self.answers:  # self-care needs a confirmed readback; there was none
                self.answers[name] = UNSURE
        return [Say(self.consultation.say.turn_limit), *self._finish(TURN_LIMIT)]

    def _command(self, command: str, turn: Turn) -> list[Event]:
        say = self.consultation.say
        question = self._question(turn)
        if command == "stop":
            return [Say(say.stopped), *self._finish(STOPPED, speak=False)]
        if command == "repeat" and self._last_prompt is not None:
            return self._ask(turn, self._last_prompt.text)
        if command == "why":
            return self._ask(turn, self._current_text(turn), (Say(question.why),))
        options = say.help_duration if question.kind == "duration" else say.help_answers
        return self._ask(turn, self._current_text(turn), (Say(question.help), Say(options)))

    def _question(self, turn: Turn) -> Question:
        return self.consultation.questions[turn.question]

    def _current_text(self, turn: Turn, again: bool = False) -> str:
        """The question as asked (or reworded, when asked ``again``), or its follow-up."""
        question = self._question(turn)
        if turn.kind == "follow_up" and question.follow_up:
            return question.follow_up
        return question.reprompt if again else question.prompt

    # --- wording ---------------------------------------------------------------------------

    def _finish(self, ended: str, speak: bool = True) -> list[Event]:
        if ended == STOPPED:
            self._turn = None
            self.result = Result(None, (), dict(self.answers), ended)
            return [self.result]
        decision = decide(self.consultation, self.answers)
        if (
            ended == FINISHED
            and not self._confirmed
            and needs_readback(self.consultation, decision.outcome, self.answers)
        ):
            return readback.ask(self)
        self._turn = None
        self.result = Result(decision.outcome, decision.reasons, dict(self.answers), ended)
        if not speak:
            return [self.result]
        spoken = [Say(line) for line in advice(self.consultation, decision)]
        return [*spoken, Say(self.consultation.say.goodbye), self.result]

    def _words(self, meaning: Meaning) -> str:
        answer = meaning.answer if meaning.answer is not None else UNSURE
        return answer_words(self.consultation, answer, meaning.bound)


def _stopping(pending: Meaning | None) -> bool:
    """Is the answer awaiting confirmation a spoken "stop"?"""
    return pending is not None and pending.command == "stop"
