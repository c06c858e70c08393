"""What an answer says, for the turn it was given in: a plain reply and every fact it carries.

"yes, although my ankle tingles now" to the readback is a reply (yes) and a fact (numbness:
yes); "no, but it burns" to the numbness question is two facts about numbness, the worrying
one kept. Several things said about one question combine conservatively: a sign reported
counts, however it was first denied; relief that came and went is "not sure"; of two
durations the longer counts; an explicit correction ("no wait, I meant …") wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from voice.intents import (
    ANSWER_INTENTS,
    ASIDE_INTENT,
    BOUND_INTENTS,
    DURATION_INTENT,
    QUESTION_INTENT,
    SIGN_INTENTS,
    TRIGGER_INTENT,
    Meaning,
)
from voice.rules import UNSURE, worrying
from voice.schema import AnswerValue, Consultation
from voice.understand import CLARIFYING, Reading

DENY_INTENT = "deny_sign"
FINE = "fine"  # "all good", "I'm fine": yes to the readback, no to a sign or more tips
STOP = "stop"  # the command that ends the consultation
Said3 = tuple[AnswerValue, bool, str | None]  # a value, said as a correction?, its bound

# What a turn asks for, read first when a clause could mean two things ("less").
PREFER: dict[str, tuple[str, ...]] = {
    "follow_up": BOUND_INTENTS,
    "triggers": (TRIGGER_INTENT,),
    "which": (QUESTION_INTENT,),
    # to the readback or "Did you say …?", a sign denied is news even where a bare no matches
    # ("no, nothing helped")
    "readback": (DENY_INTENT,),
    "confirm": (DENY_INTENT,),
}


@dataclass(frozen=True)
class Said:
    """Everything one answer says."""

    reply: AnswerValue | None = None  # the bare yes / no / unsure / fine, combined
    hedged: bool = False  # a bare yes said with a hedge: "mostly", "sort of", "I think so"
    replies: tuple[AnswerValue, ...] = ()  # each bare answer, in order
    facts: Mapping[str, AnswerValue] = field(default_factory=dict)  # question -> answer
    bounds: Mapping[str, str] = field(default_factory=dict)  # "more than a week": above
    corrected: frozenset[str] = frozenset()  # questions an explicit correction named
    command: str | None = None  # repeat / help / why / stop
    bound_reply: str | None = None  # "more" / "less" (than the follow-up's duration)
    triggers: frozenset[str] = frozenset()  # what may have set the twitching off
    question: str | None = None  # a question named ("the weakness one")
    unclear: tuple[str, ...] = ()  # clauses nothing understood
    intents: tuple[str, ...] = ()  # the understood clauses' intents, in order

    @property
    def empty(self) -> bool:
        """Nothing understood at all."""
        return not self.intents

    def agrees(self) -> bool:
        """A yes (or "all good"), and nothing else said against it."""
        return self.reply in ("yes", FINE)

    def agrees_plainly(self) -> bool:
        """A yes with no hedge: "mostly" or "I think so" does not confirm a readback."""
        return self.agrees() and not self.hedged

    def declines(self) -> bool:
        """A no (or "I'm good"), to "more tips?" or to triggers."""
        return self.reply in ("no", FINE)


def settled(said: Said, consultation: Consultation, causes_asked: bool = False) -> bool:
    """Can the answer be taken? Not when part of it was lost and nothing worrying was
    understood: "no, but my foot [...]" may have said a sign, so it is asked again. What set
    it off only reorders tips: asked that (``causes_asked``), the causes named settle the
    answer; beside a lost part of an answer to anything else ("[it hurts like mad], I can't
    sleep"), they do not."""
    if said.command and not said.facts:
        return True  # a question back is answered
    if causes_asked and said.triggers:
        return True
    if not said.unclear:
        return not said.empty
    return any(worrying(consultation, q, v) for q, v in said.facts.items())


def confirms(said: Said, question: str, value: AnswerValue) -> bool | None:
    """The reply to "Did you say <value>?": True (yes, or the same answer said again), False
    (no, or another answer to the question), None (neither)."""
    restated = said.facts.get(question) == value
    other = question in said.facts and not restated
    if other:
        return False
    replies = set(said.replies)
    if "yes" in replies and "no" in replies and not said.corrected:
        if value == "no" and said.replies[0] == "yes" and said.replies[-1] == "no":
            return True  # "that's right, no", "네 맞아요 없어요": the yes, then the no said again
        return None  # "no, you misheard, yes": ask again rather than guess
    if restated or (replies and replies <= {"yes", FINE, value}):
        return "yes" in replies or FINE in replies or restated
    if "no" in replies:
        return False
    return None


def interpret(
    reading: Reading,
    consultation: Consultation,
    asked: str | None,
    corrects: str | None = None,
    confirming: str | None = None,
) -> Said:
    """What ``reading`` says; a bare yes or no answers ``asked`` (None: it is the reply).

    A bare correction ("no wait, I meant yes") is about ``corrects``, the last yes/no answer.
    While "Did you say …?" is asked about ``confirming``, yes and no are the reply, and "I'm
    not sure" is a new answer to that question.
    """
    values: dict[str, list[Said3]] = {}
    replies: list[tuple[AnswerValue, bool]] = []
    hedged = False
    command: str | None = None
    bound_reply = question = None
    triggers: set[str] = set()
    durations = [q for q, spec in consultation.questions.items() if spec.kind == "duration"]
    named: str | None = None  # "about the weakness one, I'd say yes": the yes is about it
    lasted = False  # a time said with relief: how long the relief lasted
    # Asked about relief, a short time is how long it lasted, unless no relief came at all
    # ("haven't tried, it's only been since yesterday")
    relief = _tried(consultation, asked) and not any(
        m.answer == "no" and _question_of(m, consultation, durations, asked, corrects) == asked
        for m in reading.meanings
    )
    denied = asked is None and any(_bare_answer_no(m) for m in reading.meanings)
    firm: set[str] = set()  # questions a sign was told of outright (not in passing, not hedged)
    for meaning in reading.meanings:
        if meaning.intent == QUESTION_INTENT and meaning.question in consultation.questions:
            named = meaning.question
        # a question named ("the weakness one, I said not sure") is what a correction is about
        target = _question_of(
            meaning, consultation, durations, named or asked, None if named else corrects
        )
        if target is None and confirming and meaning.intent == "answer_unsure":
            target = confirming
        if meaning.intent in ANSWER_INTENTS and target is None:
            replies.append((FINE if meaning.fine else _answer(meaning), meaning.correction))
            hedged = hedged or (meaning.hedged and meaning.answer == "yes")
        elif target is not None and meaning.answer is not None:
            if _aside_time(meaning, target, asked, consultation, relief, denied):
                lasted = lasted or relief  # "yes, for a day or two"
                continue  # "it helps for ten minutes": not how long the twitching has lasted
            if meaning.spotted and not worrying(consultation, target, meaning.answer):
                continue  # a time said in passing may be about something else: only if cautious
            value = _value(consultation, target, meaning)
            values.setdefault(target, []).append((value, meaning.correction, meaning.bound))
            if value == "yes" and not (meaning.spotted or meaning.hedged):
                firm.add(target)
        elif meaning.command is not None:
            # "what, like up my leg?": the question back, not "say that again"
            clearer = command == "repeat" and meaning.command == "help"
            command = meaning.command if clearer or command is None else command
        elif meaning.intent in BOUND_INTENTS:
            bound_reply = meaning.intent
        elif (
            meaning.intent == TRIGGER_INTENT and meaning.trigger and not _tried(consultation, asked)
        ):
            triggers.add(meaning.trigger)
        elif meaning.intent == QUESTION_INTENT:
            question = meaning.question
    _drop_relief_times(values, consultation, asked)
    said_nothing = not (values or replies or triggers or bound_reply)
    if (
        _asks(reading)
        and not _told_first(reading)
        and not values
        and [r for r, _ in replies] == ["yes"]
        and not _hedged_any(reading)
    ):
        replies = []  # "yes?" ("네?"): "go on?" or "pardon?", never a confirmation
        command = command or "repeat"
    answered = asked is not None and asked in values and asked in durations  # "like 5 days?"
    if _asks(reading) and (
        (command is None and said_nothing) or (_clarifies(reading) and not answered)
    ):
        # A question back: "like numb numb?", "like to the other foot?": explain, ask again.
        command, values, replies, triggers = "help", {}, [], set()
    facts: dict[str, AnswerValue] = {}
    bounds: dict[str, str] = {}
    for target, said in values.items():
        value, bound = combine(consultation, target, said)
        if lasted and target == asked and value == "yes":
            value = UNSURE  # relief that lasted a few hours or a day came and went
        facts[target] = value
        if bound:
            bounds[target] = bound
    if asked in facts and asked not in firm and _opens_unsure(reading, values.get(asked, [])):
        facts[asked] = UNSURE  # "hard to say, my feet are always kinda pink": not sure
    if command == STOP and not any(worrying(consultation, q, v) for q, v in facts.items()):
        facts, bounds = {}, {}  # "no, stop", "아 됐어요 그만할래요": what was asked is to stop
    return Said(
        reply=_combine_replies(replies),
        hedged=hedged,
        replies=tuple(value for value, _ in replies),
        facts=facts,
        bounds=bounds,
        corrected=frozenset(t for t, said in values.items() if any(c for _, c, _ in said)),
        command=command,
        bound_reply=bound_reply,
        triggers=frozenset(triggers),
        question=question,
        unclear=reading.unclear,
        intents=tuple(m.intent for m in reading.meanings),
    )


def _opens_unsure(reading: Reading, said: list[Said3]) -> bool:
    """Does the answer open with a plain "not sure" ("I can't tell, sometimes I feel something
    in the fourth toe") and then say the sign only in passing or hedged, never "no"? The
    person is not sure: that is the answer, as cautious as the yes and honest in its reason.
    (After a sign told outright, "a bit puffy maybe", the maybe hedges a yes.)"""
    values = {value for value, _, _ in said}
    if values != {UNSURE, "yes"}:
        return False
    first = next((m for m in reading.meanings if m.intent != ASIDE_INTENT), None)
    return (
        first is not None
        and first.intent == "answer_unsure"
        and first.about is None
        and not first.correction
    )


def _bare_answer_no(meaning: Meaning) -> bool:
    return meaning.intent in ANSWER_INTENTS and meaning.about is None and meaning.answer == "no"


def _tried(consultation: Consultation, asked: str | None) -> bool:
    """Is ``asked`` about relief (its "no" is the worrying answer)? Asked that, "water" and
    "bananas" are what was tried, not what set the twitching off."""
    return asked is not None and worrying(consultation, asked, "no")


def _aside_time(
    meaning: Meaning,
    target: str,
    asked: str | None,
    consultation: Consultation,
    relief: bool,
    denied: bool,
) -> bool:
    """A time under a day said while another question is asked, or beside the reply to the
    readback ("yes. also i had like 6 coffees today"), is about something else; beside a no
    to the readback (``denied``), it is the change: "no, it only started this morning". Where
    it may say
    how long relief lasted (``relief``), so is any time that would reassure ("for like a
    day")."""
    said = meaning.answer
    if (
        meaning.intent != DURATION_INTENT
        or target == asked
        or meaning.correction
        or meaning.bound
        or not isinstance(said, float)
    ):
        return False
    if asked is None:
        return said < 1.0 and not denied
    return said < 1.0 or (relief and not worrying(consultation, target, said))


def _drop_relief_times(
    values: dict[str, list[Said3]], consultation: Consultation, asked: str | None
) -> None:
    """ "For a day or two yes, then it came right back", "yes, but it's back again since
    yesterday": beside an answer of not sure, a short time is how long the relief lasted or
    when it came back, not how long the twitching has lasted; taken as that it would reassure.
    (A long one is kept: it is the cautious reading either way. A time that answers the
    question asked is kept too.)"""
    unsure = [
        q
        for q, said in values.items()
        if consultation.questions[q].kind != "duration" and any(v == UNSURE for v, _, _ in said)
    ]
    if not unsure:
        return
    for target in [t for t in values if t != asked]:
        if consultation.questions[target].kind != "duration":
            continue
        kept = [
            said
            for said in values[target]
            if said[1] or isinstance(said[0], str) or worrying(consultation, target, said[0])
        ]
        if kept:
            values[target] = kept
        else:
            del values[target]


def _hedged_any(reading: Reading) -> bool:
    return any(m.hedged for m in reading.meanings)


_TOLD_FIRST = re.compile(r"[^?]*[.!]\s")  # a sentence ended by "." or "!" before any "?"


def _asks(reading: Reading) -> bool:
    return reading.text.rstrip().endswith("?")


def _told_first(reading: Reading) -> bool:
    """Does the answer open with a sentence told, before any question ("Yes that's right. Is it
    bad though?"): its yes is a reply, not "yes?" for "pardon?"."""
    return bool(_TOLD_FIRST.match(reading.text.strip()))


def _clarifies(reading: Reading) -> bool:
    """ "like to the other foot?": checking what the question means, not answering it."""
    return reading.text.strip().lower().startswith(CLARIFYING)


def _question_of(
    meaning: Meaning,
    consultation: Consultation,
    durations: list[str],
    asked: str | None,
    corrects: str | None,
) -> str | None:
    """The question a clause answers: the one it names, the duration, or the one asked."""
    if meaning.intent in ANSWER_INTENTS and meaning.correction and corrects is not None:
        return corrects
    if meaning.intent in SIGN_INTENTS:
        return meaning.about if meaning.about in consultation.questions else None
    if meaning.intent == DURATION_INTENT:
        return durations[0] if len(durations) == 1 else asked
    if meaning.intent in ANSWER_INTENTS and asked in consultation.questions:
        kind = consultation.questions[asked].kind
        if kind == "yes_no" or meaning.answer == UNSURE or meaning.hedged:
            return asked
    return None


def _answer(meaning: Meaning) -> AnswerValue:
    return meaning.answer if meaning.answer is not None else UNSURE


def _value(consultation: Consultation, question: str, meaning: Meaning) -> AnswerValue:
    """A plain answer's value for a question.

    A hedged yes ("a little", "sometimes") counts as yes where yes is the worrying answer,
    and as "not sure" where it would reassure (relief) or says no length (a duration).
    "I'm fine" is no to a sign, and "not sure" to relief.
    """
    value = _answer(meaning)
    yes_no = consultation.questions[question].kind == "yes_no"
    if meaning.fine:
        return "no" if yes_no and not worrying(consultation, question, "no") else UNSURE
    if not meaning.hedged or value != "yes":
        return value
    return "yes" if yes_no and worrying(consultation, question, "yes") else UNSURE


def combine(
    consultation: Consultation, question: str, said: list[Said3]
) -> tuple[AnswerValue, str | None]:
    """One answer from several said about a question (value, correction, bound), in order."""
    corrected = [(value, bound) for value, correction, bound in said if correction]
    if corrected:
        return corrected[-1]
    distinct = list(dict.fromkeys(value for value, _, _ in said))
    if len(distinct) == 1:
        return distinct[0], next((b for v, _, b in said if v == distinct[0] and b), None)
    days = [(value, bound) for value, _, bound in said if not isinstance(value, str)]
    if days:  # "a week, maybe two": the longer; "a few days, not sure": the days said
        return max(days, key=lambda item: float(item[0]))
    if "yes" in distinct and worrying(consultation, question, "yes"):
        return "yes", None  # "no, but it burns": a sign reported counts
    return UNSURE, None  # "it helped at first, but it's back": mixed


def _combine_replies(replies: list[tuple[AnswerValue, bool]]) -> AnswerValue | None:
    """ "yes" and "no" both said, with no correction between them: not sure."""
    if not replies:
        return None
    corrected = [value for value, correction in replies if correction]
    if corrected:
        return corrected[-1]
    distinct = {value for value, _ in replies}
    if len(distinct) == 1:
        return replies[0][0]
    for plain in ("yes", "no"):  # "yeah, all good"; "nah, I'm good"
        if distinct == {plain, FINE}:
            return plain
    return UNSURE
