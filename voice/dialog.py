"""The dialog engine: runs a consultation turn by turn, text in, events out; no audio here."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice.confidence import CONFIRM_BELOW
from voice.content import AnswerValue, Consultation, Dialog, Question
from voice.intents import DURATION_INTENT, Meaning, Understanding
from voice.rules import UNSURE, decide, next_question, reassuring
from voice.wording import fill

FINISHED, STOPPED, GAVE_UP = "finished", "stopped", "gave_up"


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


@dataclass
class _Turn:
    """What the engine is waiting for."""

    question: str
    failures: int = 0
    pending: Meaning | None = None  # an answer heard with low confidence, awaiting "yes"


@dataclass
class Conversation:
    """One consultation: call start(), then hear() with each answer until result is set."""

    dialog: Dialog
    confirm_below: float = CONFIRM_BELOW  # a heard answer below this is confirmed first
    understanding: Understanding = field(init=False)
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    result: Result | None = None
    _turn: _Turn | None = None
    _history: list[str] = field(default_factory=list)  # questions answered, latest last
    _last_prompt: Prompt | None = None
    _failed_questions: int = 0

    def __post_init__(self) -> None:
        self.understanding = Understanding(self.dialog.intents)

    @property
    def consultation(self) -> Consultation:
        return self.dialog.consultation

    @property
    def expecting(self) -> str | None:
        """The id of the question awaiting an answer, or None when finished."""
        return None if self._turn is None else self._turn.question

    @property
    def confirming(self) -> bool:
        """True while waiting for the answer to "Did you say ...?"."""
        return self._turn is not None and self._turn.pending is not None

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
            return [heard, self._prompt(turn.question, self._confirm_text(meaning))]
        return [heard, *self._record(target, meaning, turn)]

    # --- turns -----------------------------------------------------------------------------

    def _advance(self) -> list[Event]:
        question = next_question(self.consultation, self.answers)
        if question is None:
            return self._finish(FINISHED)
        self._turn = _Turn(question)
        return [self._prompt(question, self.consultation.questions[question].prompt)]

    def _prompt(self, question: str, text: str) -> Prompt:
        self._last_prompt = Prompt(question, text)
        return self._last_prompt

    def _record(self, target: str, meaning: Meaning, turn: _Turn) -> list[Event]:
        if meaning.answer is None:
            raise ValueError(f"{meaning.intent} carries no answer")
        events: list[Event] = []
        changed = target in self.answers and self.answers[target] != meaning.answer
        self.answers[target] = meaning.answer
        if target in self._history:
            self._history.remove(target)
        self._history.append(target)
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
        return [
            *events,
            self._prompt(turn.question, self.consultation.questions[turn.question].prompt),
        ]

    def _target(self, meaning: Meaning, turn: _Turn) -> str | None:
        """Which question an answer answers: a sign names it; a correction the last answer."""
        if meaning.sign is not None:
            return meaning.sign if meaning.sign in self.consultation.questions else None
        if meaning.correction:
            for question in reversed(self._history):
                if self._accepts(self.consultation.questions[question], meaning):
                    return question
        if self._accepts(self.consultation.questions[turn.question], meaning):
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

    def _confirming(self, turn: _Turn, pending: Meaning, meaning: Meaning) -> list[Event]:
        """The reply to "Did you say yes?": yes or the same answer again confirms it."""
        if meaning.answer == pending.answer or (
            meaning.intent == "answer_yes" and not meaning.sign
        ):
            return self._record(turn.question, pending, turn)
        question = self.consultation.questions[turn.question]
        if meaning.intent == "answer_no" and not meaning.correction:
            return [self._prompt(turn.question, question.reprompt)]
        target = self._target(meaning, turn)
        if target is None:
            return [self._prompt(turn.question, question.reprompt)]
        return self._record(target, meaning, turn)

    def _not_understood(self, turn: _Turn) -> list[Event]:
        say = self.consultation.say
        question = self.consultation.questions[turn.question]
        turn.failures += 1
        turn.pending = None
        if turn.failures <= self.consultation.settings.reprompts:
            return [Say(say.not_understood), self._prompt(turn.question, question.reprompt)]
        # Still not understood: conservatively "not sure", which never leads to self-care.
        self.answers[turn.question] = UNSURE
        self._history.append(turn.question)
        self._failed_questions += 1
        if self._failed_questions >= self.consultation.settings.give_up_after:
            for name in self.consultation.questions:
                self.answers.setdefault(name, UNSURE)
            return [Say(say.give_up), *self._finish(GAVE_UP, speak=False)]
        return [Say(say.counted_unsure), *self._advance()]

    def _command(self, command: str, turn: _Turn) -> list[Event]:
        say = self.consultation.say
        question = self.consultation.questions[turn.question]
        if command == "stop":
            return [Say(say.stopped), *self._finish(STOPPED, speak=False)]
        if command == "repeat" and self._last_prompt is not None:
            return [self._prompt(self._last_prompt.id, self._last_prompt.text)]
        if command == "why":
            return [Say(question.why), self._prompt(turn.question, question.prompt)]
        options = say.help_duration if question.kind == "duration" else say.help_answers
        return [Say(question.help), Say(options), self._prompt(turn.question, question.prompt)]

    # --- wording ---------------------------------------------------------------------------

    def _finish(self, ended: str, speak: bool = True) -> list[Event]:
        self._turn = None
        if ended == STOPPED:
            self.result = Result(None, (), dict(self.answers), ended)
            return [self.result]
        decision = decide(self.consultation, self.answers)
        self.result = Result(decision.outcome, decision.reasons, dict(self.answers), ended)
        if not speak:
            return [self.result]
        reasons = self._join(
            [r.reason for r in self.consultation.rules if r.id in decision.reasons]
        )
        lines = self.consultation.outcomes[decision.outcome].say
        spoken: list[Event] = [Say(fill(line.text, reasons=reasons)) for line in lines]
        return [*spoken, Say(self.consultation.say.goodbye), self.result]

    def _join(self, parts: list[str]) -> str:
        say = self.consultation.say
        if len(parts) <= 1:
            return "".join(parts)
        return say.list_separator.join(parts[:-1]) + say.list_last_separator + parts[-1]

    def _answer_words(self, answer: AnswerValue) -> str:
        words = self.consultation.say.answer_words
        if isinstance(answer, str):
            return words.get(answer, answer)
        days = int(answer) if float(answer).is_integer() else answer
        return fill(words["days"], days=days)

    def _confirm_text(self, meaning: Meaning) -> str:
        answer = meaning.answer if meaning.answer is not None else UNSURE
        return fill(self.consultation.say.confirm, answer=self._answer_words(answer))

    def _noted(self, question: str, answer: AnswerValue) -> str:
        label = self.consultation.questions[question].label
        template = (
            self.consultation.say.noted_not if answer == "no" else self.consultation.say.noted
        )
        return fill(template, label=label)
