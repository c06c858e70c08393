"""The dialog engine: runs a consultation turn by turn, text in, events out; no audio here.

Every consultation ends: each question may be asked a bounded number of times, and the whole
consultation a bounded number of turns (the dialog's settings); past either bound what is
still unknown counts as "not sure". Self-care is only given after the answers were read back
and confirmed, so one misheard "no" cannot lead to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from voice.confidence import CONFIRM_BELOW
from voice.content import AnswerValue, Consultation, Dialog, Question
from voice.intents import DURATION_INTENT, Meaning, Understanding, just_under
from voice.rules import UNSURE, decide, next_question, reassuring, thresholds
from voice.wording import ABOVE, BELOW, answer_words, fill, join, readback

FINISHED, STOPPED, GAVE_UP, TURN_LIMIT = "finished", "stopped", "gave_up", "turn_limit"
READBACK = "readback"  # the prompt id of the readback before self-care
BOUND_INTENTS = {"answer_more": ABOVE, "answer_less": BELOW}
Kind = Literal["answer", "confirm", "follow_up", "readback"]


@dataclass(frozen=True)
class Prompt:
    """A question the assistant asks and then waits for an answer to."""

    id: str
    text: str


@dataclass(frozen=True)
class Say:
    """Anything else the assistant says."""

    text: str


@dataclass(frozen=True)
class Heard:
    """An answer understood, for the question being asked."""

    id: str
    text: str
    intent: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Result:
    """The end of the consultation; outcome is None when the person stopped."""

    outcome: str | None
    reasons: tuple[str, ...]
    answers: dict[str, AnswerValue]
    ended: str = FINISHED


Event = Prompt | Say | Heard | Result


@dataclass(frozen=True)
class Awaiting:
    """What the assistant listens for next: an answer, a confirmation, the readback."""

    question: str  # a question id, or READBACK
    kind: Kind = "answer"
    confirming: AnswerValue | None = None  # the answer "Did you say ...?" asks about
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)  # what is read back
    bounds: Mapping[str, str] = field(default_factory=dict)  # "more/less than" answers
    limit: float | None = None  # the follow-up's duration: "More or less than three days?"


@dataclass
class _Turn:
    """What the engine is waiting for, and how often it has asked."""

    question: str
    kind: Kind = "answer"
    asked: int = 1
    failures: int = 0
    pending: Meaning | None = None  # an answer heard with low confidence, awaiting "yes"


@dataclass
class Conversation:
    """One consultation: call start(), then hear() with each answer until result is set."""

    dialog: Dialog
    confirm_below: float = CONFIRM_BELOW  # a heard answer below this is confirmed first
    understanding: Understanding = field(init=False)
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    bounds: dict[str, str] = field(default_factory=dict)  # question -> "above" / "below"
    result: Result | None = None
    _turn: _Turn | None = None
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
    def confirming(self) -> bool:
        """True while waiting for the answer to "Did you say ...?"."""
        return self._turn is not None and self._turn.pending is not None

    @property
    def awaiting(self) -> Awaiting | None:
        """What the next answer is for; None when the consultation is over."""
        turn = self._turn
        if turn is None:
            return None
        if turn.question == READBACK:
            return Awaiting(READBACK, "readback", None, dict(self.answers), dict(self.bounds))
        if turn.pending is not None:
            bound = {turn.question: turn.pending.bound} if turn.pending.bound else {}
            return Awaiting(turn.question, "confirm", turn.pending.answer, bounds=bound)
        if turn.kind == "follow_up":
            return Awaiting(turn.question, "follow_up", limit=self._limit(turn.question))
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
            return self._hear_readback(turn, text or "", meaning, confidence)
        if meaning is not None and meaning.intent in BOUND_INTENTS:
            meaning = self._bounded(meaning, turn)
        if meaning is None:
            return self._not_understood(turn)
        heard = Heard(turn.question, text or "", meaning.intent, confidence)
        doubtful = confidence < self.confirm_below
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
        self._turn = _Turn(question)
        return [self._prompt(question, self.consultation.questions[question].prompt)]

    def _ask(self, turn: _Turn, text: str, before: tuple[Event, ...] = ()) -> list[Event]:
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

    def _record(self, target: str, meaning: Meaning, turn: _Turn) -> list[Event]:
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
            events.append(Say(self._noted(target, meaning.answer)))
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

    def _target(self, meaning: Meaning, turn: _Turn) -> str | None:
        """Which question an answer answers: a sign names it; a correction the last answer."""
        if meaning.sign is not None:
            return meaning.sign if meaning.sign in self.consultation.questions else None
        if meaning.correction:
            for question in reversed(self._history):
                if self._accepts(self.consultation.questions[question], meaning):
                    return question
        if self._accepts(self._question(turn), meaning):
            return turn.question
        # an answer of another kind, e.g. "about two weeks" while asked about weakness
        others = [
            q for q, spec in self.consultation.questions.items() if self._accepts(spec, meaning)
        ]
        return others[0] if len(others) == 1 and meaning.intent == DURATION_INTENT else None

    @staticmethod
    def _accepts(question: Question, meaning: Meaning) -> bool:
        if question.kind == "duration":
            return meaning.intent == DURATION_INTENT or meaning.answer == UNSURE
        return meaning.intent != DURATION_INTENT and isinstance(meaning.answer, str)

    def _bounded(self, meaning: Meaning, turn: _Turn) -> Meaning | None:
        """ "More" or "less" to "More or less than three days?": a duration at the threshold."""
        if turn.kind != "follow_up" and not (turn.pending and turn.pending.bound):
            return None
        limit = self._limit(turn.question)
        if limit is None:
            return None
        bound = BOUND_INTENTS[meaning.intent]
        days = limit if bound == ABOVE else just_under(limit)
        return Meaning(DURATION_INTENT, answer=days, bound=bound)

    def _limit(self, question: str) -> float | None:
        """The duration a follow-up asks about: the smallest one the rules test for."""
        limits = [t for t in thresholds(self.consultation, question) if t > 0]
        return min(limits) if limits else None

    def _confirming(self, turn: _Turn, pending: Meaning, meaning: Meaning) -> list[Event]:
        """The reply to "Did you say yes?": yes or the same answer again confirms it."""
        if meaning.answer == pending.answer or (
            meaning.intent == "answer_yes" and not meaning.sign
        ):
            return self._record(turn.question, pending, turn)
        if meaning.intent == "answer_no" and not meaning.correction:
            return self._ask(turn, self._reprompt(turn))
        target = self._target(meaning, turn)
        if target is None:
            return self._ask(turn, self._reprompt(turn))
        return self._record(target, meaning, turn)

    def _not_understood(self, turn: _Turn) -> list[Event]:
        say = self.consultation.say
        turn.failures += 1
        turn.pending = None
        if turn.failures <= self.consultation.settings.reprompts:
            return self._ask(turn, self._reprompt(turn), (Say(say.not_understood),))
        # Still not understood: conservatively "not sure", which never leads to self-care.
        self._failed_questions += 1
        if self._failed_questions >= self.consultation.settings.give_up_after:
            self._set(turn.question, Meaning("answer_unsure", UNSURE))
            for name in self.consultation.questions:
                self.answers.setdefault(name, UNSURE)
            return [Say(say.give_up), *self._finish(GAVE_UP, speak=False)]
        return self._question_limit(turn)

    def _question_limit(self, turn: _Turn) -> list[Event]:
        """The question could not be settled: it counts as not sure, and the next one comes."""
        self._set(turn.question, Meaning("answer_unsure", UNSURE))
        return [Say(self.consultation.say.counted_unsure), *self._advance()]

    def _turn_limit(self) -> list[Event]:
        """The consultation went on too long: what is still unknown counts as not sure."""
        for name in self.consultation.questions:
            self.answers.setdefault(name, UNSURE)
        outcome = decide(self.consultation, self.answers).outcome
        if not self._confirmed and self._needs_readback(outcome):
            for name in self.answers:  # self-care needs a confirmed readback; there was none
                self.answers[name] = UNSURE
        return [Say(self.consultation.say.turn_limit), *self._finish(TURN_LIMIT)]

    def _command(self, command: str, turn: _Turn) -> list[Event]:
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

    def _question(self, turn: _Turn) -> Question:
        return self.consultation.questions[turn.question]

    def _current_text(self, turn: _Turn) -> str:
        question = self._question(turn)
        return (
            question.follow_up
            if turn.kind == "follow_up" and question.follow_up
            else (question.prompt)
        )

    def _reprompt(self, turn: _Turn) -> str:
        question = self._question(turn)
        return (
            question.follow_up
            if turn.kind == "follow_up" and question.follow_up
            else (question.reprompt)
        )

    # --- the readback before self-care -----------------------------------------------------

    def _readback(self) -> list[Event]:
        if self._asked >= self.consultation.settings.max_turns:
            return self._turn_limit()
        self._asked += 1
        self._readbacks += 1
        self._turn = _Turn(READBACK, "readback")
        return [self._prompt(READBACK, readback(self.consultation, self.answers, self.bounds))]

    def _hear_readback(
        self, turn: _Turn, text: str, meaning: Meaning | None, confidence: float
    ) -> list[Event]:
        say = self.consultation.say
        repeat = self._last_prompt.text if self._last_prompt else ""
        if meaning is None:
            turn.failures += 1
            if turn.failures <= self.consultation.settings.reprompts:
                return self._ask(turn, repeat, (Say(say.not_understood), Say(say.help_readback)))
            return self._readback_denied()
        heard = Heard(READBACK, text, meaning.intent, confidence)
        doubtful = confidence < self.confirm_below
        if meaning.command == "stop" and not doubtful:
            return [heard, Say(say.stopped), *self._finish(STOPPED, speak=False)]
        if meaning.command is not None or (doubtful and meaning.intent == "answer_yes"):
            # a faint "yes" is not enough to give self-care: ask again
            return [heard, *self._ask(turn, repeat, (Say(say.help_readback),))]
        if meaning.intent == "answer_yes" and not meaning.sign and not meaning.correction:
            self._confirmed = True
            return [heard, *self._finish(FINISHED)]
        target = self._readback_target(meaning)
        if target is not None and meaning.answer is not None:
            value = meaning.answer
            if self.answers.get(target) == value:  # "no swelling": agrees, but is not a yes
                return [heard, *self._ask(turn, repeat, (Say(say.help_readback),))]
            # "No, my toe is swollen": the correction counts (a worrying one even if faint)
            if not doubtful or not reassuring(self.consultation, target, value, self.answers):
                self._set(target, meaning)  # then any question it made relevant, or the end
                return [heard, Say(say.corrected), *self._advance()]
        return [heard, *self._readback_denied()]

    def _readback_target(self, meaning: Meaning) -> str | None:
        """A sign or a duration named in reply to the readback corrects that answer."""
        if meaning.sign is not None:
            return meaning.sign if meaning.sign in self.consultation.questions else None
        if meaning.intent == DURATION_INTENT:
            durations = [q for q, s in self.consultation.questions.items() if s.kind == "duration"]
            return durations[0] if len(durations) == 1 else None
        return None

    def _readback_denied(self) -> list[Event]:
        """Not confirmed: ask the questions again, or after the last round count all as unsure."""
        say = self.consultation.say
        if self._readbacks < self.consultation.settings.readback_rounds:
            self.answers.clear()
            self.bounds.clear()
            self._history.clear()
            self._failed_questions = 0
            return [Say(say.readback_again), *self._advance()]
        for name in self.answers:
            self.answers[name] = UNSURE  # nothing read back could be confirmed
        return [Say(say.readback_failed), *self._finish(FINISHED)]

    # --- wording ---------------------------------------------------------------------------

    def _finish(self, ended: str, speak: bool = True) -> list[Event]:
        if ended == STOPPED:
            self._turn = None
            self.result = Result(None, (), dict(self.answers), ended)
            return [self.result]
        decision = decide(self.consultation, self.answers)
        if ended == FINISHED and not self._confirmed and self._needs_readback(decision.outcome):
            return self._readback()
        self._turn = None
        self.result = Result(decision.outcome, decision.reasons, dict(self.answers), ended)
        if not speak:
            return [self.result]
        reasons = [r.reason for r in self.consultation.rules if r.id in decision.reasons]
        lines = self.consultation.outcomes[decision.outcome].say
        said = join(self.consultation, reasons)
        spoken: list[Event] = [Say(fill(line.text, reasons=said)) for line in lines]
        return [*spoken, Say(self.consultation.say.goodbye), self.result]

    def _needs_readback(self, outcome: str) -> bool:
        """Only the least urgent outcome (self-care) waits for a confirmed readback."""
        return outcome == list(self.consultation.outcomes)[-1] and bool(self.answers)

    def _words(self, meaning: Meaning) -> str:
        answer = meaning.answer if meaning.answer is not None else UNSURE
        return answer_words(self.consultation, answer, meaning.bound)

    def _noted(self, question: str, answer: AnswerValue) -> str:
        label = self.consultation.questions[question].label
        template = (
            self.consultation.say.noted_not if answer == "no" else self.consultation.say.noted
        )
        return fill(template, label=label)
