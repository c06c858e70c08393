"""Understanding a whole answer: every clause matched against the dialog's hassil templates."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from hassil import Intents, recognize_best

from voice.intents import (
    ANSWER_INTENTS,
    ASIDE_INTENT,
    DURATION_INTENT,
    MAX_ANSWER_CHARS,
    QUESTION_INTENT,
    SIGN_INTENTS,
    TRIGGER_INTENT,
    Meaning,
    meaning_of,
)
from voice.understand.clauses import atoms, segment, split_at, with_leads
from voice.understand.disfluency import said_once
from voice.understand.spelling import Spelling, shorthands
from voice.understand.spotting import ACTIVITY_QUESTION, RELIEF_QUESTION, Spotter
from voice.understand.templates import Match, Templates, words_of

_LOGGER = logging.getLogger(__name__)

# What a wildcard may not take: anything the dialog would record.
SAYS_SOMETHING = frozenset(
    {*ANSWER_INTENTS, DURATION_INTENT, *SIGN_INTENTS, "answer_more", "answer_less"}
)
JOINING_RULE = "clause_joint"  # expansion rule in the intents file: "but", "although", "and"
# expansion rule: "no wait", "scratch that": what came before it in the answer is taken back
REPAIR_RULE = "self_repair"
STORY_RULE = "story_close"  # "anyway": what was told before was a story, the answer follows
UNJOINED_RULE = "unjoined"  # sayings a joining word is inside: "comes and goes", "on and off"
# A sentence's ending ("…습니다", "…어요"): said with more after it, unpunctuated as speech is
# transcribed, the answer is cut there ("예 없습니다 | 힘은 멀쩡합니다")
SENTENCE_END_RULE = "sentence_end"
# Where a clause may start ("its", "i was", "there's"): a long answer said without marks that
# nothing understands whole is cut there, into the clauses that are understood
CLAUSE_START_RULE = "clause_start"
RUNS_ON_RULE = "sentence_runs_on"  # what no sentence starts with: the ending began a word
LEAD_RULE = "answer_lead"  # expansion rule: a first answer more may follow ("no it's been...")
NO_CARRIES_RULE = "no_covers_next"  # present: a bare "no" negates the clause right after it
DURATION_MARK_RULE = "duration_mark"  # "3일째", "저번주말부터": a length of time ends here
DURATION_OPENING_RULE = "duration_opening"  # "it's been", "since": a length of time starts here
DURATION_SPAN = 8  # words a length of time said in passing may take from its opening or mark
# Longer, a time said in passing is about something else: "a nurse for thirty years", "my feet
# have been numb for years" (the twitching's own length is asked for when it matters)
PASSING_DAYS = 60.0
CLOSING_RULE = "closing"  # "that's it", "that's all" after something said: it closes the answer
DEGREE_RULE = "degree"  # "a little bit" right after a sign told is how much of it, not a yes
# A sign told of long ago ("I had tingly feet when I was pregnant") and then said to be over
# ("but that was two years ago"): history, not a sign now. Both halves are needed.
LONG_AGO_RULE = "long_ago"  # a cue anywhere in the sign's clause
RESOLVED_RULE = "resolved"  # the whole clause joined after it
HEDGE_RULE = "likely"  # "아마" said alone: the likelihood of the answer beside it
YES_AGREES_RULE = "yes_agrees"  # a bare yes that agrees with the denial after it ("네, 없어요")
MAX_JOINT_WORDS = 3  # "even though", "as well as"
WHEN_WORDS = 2  # "yesterday", "last night": a time alone after a sign is when it happened
MOMENT_DAYS = 1.0  # a time up to this inside a wildcard ("yesterday") says when, not how long
REPLY_TURNS = ("confirm", "readback", "more_tips")  # turns where a yes or no is the reply
TRIGGERS_TURN = "triggers"  # the context of "Do you know what might have set it off?"
READBACK_TURN = "readback"  # "So: no weakness, ... Is that right?": a no there is the reply


@dataclass(frozen=True)
class Part:
    """One clause of an answer and what it means (None: not understood)."""

    text: str
    meaning: Meaning | None
    aside: bool = False  # not understood, and names nothing the consultation records
    joined: bool = False  # a joining word ("but", "and") came before its clause


@dataclass(frozen=True)
class Reading:
    """An answer read clause by clause."""

    text: str
    parts: tuple[Part, ...]

    @property
    def meanings(self) -> list[Meaning]:
        """What each understood clause means, in the order said."""
        return [part.meaning for part in self.parts if part.meaning is not None]

    @property
    def unclear(self) -> tuple[str, ...]:
        """The clauses no template understood (some may still have named a sign in passing),
        but not the asides."""
        texts = (
            p.text
            for p in self.parts
            if (p.meaning is None and not p.aside) or (p.meaning is not None and p.meaning.spotted)
        )
        return tuple(dict.fromkeys(texts))


class Understanding:
    """Reads answers against a dialog's intents."""

    def __init__(self, intents: Intents, today: date | None = None) -> None:
        """Compile ``intents``; ``today`` fixes the date "since Tuesday" counts back from."""
        self._intents = intents
        self._today = today
        self._templates = Templates(intents)
        self._spelling = Spelling(self._templates.vocabulary, shorthands(intents))
        self._cached = lru_cache(maxsize=1024)(self._match)
        self._spotter = Spotter(self._templates, list(intents.expansion_rules))
        # A bare "no" covers the clause after it ("no, swelling or colour change"): where the
        # language says so (English); in Korean the clause after "아니요," usually adds news.
        self._no_carries = self._templates.has_rule(NO_CARRIES_RULE)
        # "네, 없어요" ("yes, there is none") is a no: where the language answers that way
        # (Korean), a bare yes before a denial agrees with it and is not a yes of its own.
        self._yes_agrees = self._templates.has_rule(YES_AGREES_RULE)
        self._has_marks = self._templates.has_rule(DURATION_MARK_RULE)
        self._has_openings = self._templates.has_rule(DURATION_OPENING_RULE)
        self._has_endings = self._templates.has_rule(SENTENCE_END_RULE)
        self._has_starts = self._templates.has_rule(CLAUSE_START_RULE)

    def read(
        self, text: str, prefer: Collection[str] = (), context: Mapping[str, str] | None = None
    ) -> Reading:
        """Every clause of ``text`` and what it means.

        ``prefer`` names the intents the turn asks for: a clause two intents could match is
        read as one of those ("less" to "More or less than three days?"). ``context`` (the
        turn) enables the template blocks that require it (hassil's `requires_context`).
        A clause no template matches may still name a sign or a duration in passing.
        """
        situation = tuple(sorted((context or {}).items()))
        cleaned = text.strip()
        if not cleaned or len(cleaned) > MAX_ANSWER_CHARS:
            return Reading(cleaned, (Part(cleaned, None),) if cleaned else ())
        wanted = tuple(sorted(prefer))

        def parse(clause: str, alone: bool = True) -> Meaning | None:
            return self._cached(self._spelling.correct(clause), wanted, alone, situation)

        spelled = said_once(self._spelling.spell_out(cleaned), self._templates.fillers)
        cut = atoms(spelled, self._joining, self._repairs, self._sentence_ends)
        pieces = [self._spelling.fix(atom) for atom in cut]
        if len(pieces) == 1:  # one clause as typed: the common case, read at once
            clause = " ".join(pieces[0].words)
            meaning = parse(clause)
            if meaning is not None:
                whole = self._all_triggers(situation, [Part(clause, meaning)])
                return Reading(cleaned, tuple(whole))
        pieces = with_leads(pieces, self._is_answer)
        turn, asked = dict(situation).get("turn"), dict(situation).get("question")
        triggers = turn == TRIGGERS_TURN
        # at the readback a no is its reply ("no, the burning in my foot"): it denies no sign
        carries = self._no_carries and turn != READBACK_TURN
        relief_asked = asked == RELIEF_QUESTION
        # asked about weakness (not at a confirmation): what the person did may be an aside
        activity_asked = turn == "answer" and asked == ACTIVITY_QUESTION
        parts: list[Part] = []
        asking: list[bool] = []  # each part's clause ended with "?"
        opens = False  # a sentence opened by a filler left out ("nope. oh, the big toe …")

        def split(words: tuple[str, ...]) -> list[tuple[str, Meaning | None]]:
            return self._split_unmarked(words, parse, activity_asked, triggers)

        for found in segment(pieces, parse, split):
            clause, meaning, joined = found.text, found.parsed, found.joined
            if meaning is None and self._templates.filler(tuple(clause.split())):
                opens = opens or found.sentence
                continue  # "oh gosh", "well": nothing said
            sentence, opens = found.sentence or opens, False
            if parts and self._closes_story(found.joint):
                # "… the whole time I was thinking about my foot, anyway, no": the story before
                # names nothing recorded, so it is said in passing
                parts = [
                    _in_passing(p) if self._spotter.story(p.text, relief_asked) else p
                    for p in parts
                ]
            if parts and self._repairs(found.joint):
                # "since monday no sorry since wednesday": the answers before are taken back
                kept = [i for i, p in enumerate(parts) if not _taken_back(p.meaning)]
                parts, asking = [parts[i] for i in kept], [asking[i] for i in kept]
            before = parts[-1].meaning if parts else None
            # "no, [swelling or colour change]": the no covers what follows it (but not what
            # follows a joining word, "no, and now the tingling …", or starts a sentence)
            after_no = (
                carries
                and not joined
                and not sentence
                and before is not None
                and before.answer == "no"
                and not before.about
            )
            if after_no and triggers and meaning is not None and meaning.intent == TRIGGER_INTENT:
                continue  # "no coffee, no cigarettes": a cause named to deny it
            if parts and self._closes(clause):
                meaning = Meaning(ASIDE_INTENT)  # "a bit sore, but that's it": no yes of its own
            if before is not None and _reported(before) and self._degree_only(clause):
                # "tingling yes, little bit": how much of what was just told, not a yes to the
                # question asked ("the massage is helping, a bit": relief hedged)
                meaning = replace(before, hedged=True)
            if meaning is not None and _when_of(meaning, before, clause):
                meaning = replace(meaning, spotted=True)
            spotted = self._spotter.spot(clause, after_no) if meaning is None else []
            if meaning is None and not spotted and relief_asked:
                spotted = self._spotter.relief_denied(clause)  # "doesn't seem to matter what I do"
            said = [Part(clause, m) for m in spotted] or [Part(clause, meaning)]
            if meaning is None or meaning.intent in SIGN_INTENTS:
                said += [Part(clause, m) for m in self._passing_durations(clause, situation)]
            # a joining word ("but", "and", "though") ties news to the answer: never an aside
            aside = self._aside(clause, activity_asked, relief_asked) or (
                turn in REPLY_TURNS and self._spotter.beside_reply(clause)
            )
            if said == [Part(clause, None)] and not joined and aside:
                said = [Part(clause, None, aside=True)]
            parts += [replace(part, joined=joined) for part in said]
            asking += [found.asks] * len(said)
        if relief_asked:
            parts = self._relief_limited(parts)
        parts = self._history(parts, asked)
        if triggers:
            parts, asking = _causes_denied(parts, asking)
        parts = self._agreeing(situation, _echoes_named(parts, asking))
        parts = self._hedges_folded(parts)
        parts = self._all_triggers(situation, parts)
        _LOGGER.debug("read %r as %s", cleaned, parts)
        return Reading(cleaned, tuple(parts))

    def _history(self, parts: list[Part], asked: str | None) -> list[Part]:
        """Without the signs told of long ago and then said to be over: "I had a swollen ankle
        years ago but not now" says nothing of the ankle now (nor is "years ago" how long the
        twitching has lasted); "not now" still answers the question ``asked`` when the sign
        was what it asks about."""
        if not self._templates.has_rule(RESOLVED_RULE):
            return parts
        out = list(parts)
        for index, part in enumerate(parts):
            words = tuple(part.text.split())
            if not (index and part.joined and self._templates.covers(RESOLVED_RULE, words)):
                continue
            told = _told_before(parts, index)
            cue = tuple(" ".join(parts[k].text for k in told).split())
            if not any(self._templates.rule(LONG_AGO_RULE, cue, i) > i for i in range(len(cue))):
                continue
            said = [parts[k].meaning for k in told]
            signs = {m.about for m in said if m is not None and _reported(m)}
            if not signs:
                continue
            for k in told:
                meaning = parts[k].meaning
                if meaning is not None and (_reported(meaning) or meaning.spotted):
                    out[k] = Part(parts[k].text, Meaning(ASIDE_INTENT), joined=parts[k].joined)
            if part.meaning is None or asked not in signs:
                out[index] = Part(part.text, Meaning(ASIDE_INTENT), joined=True)
        return out

    def _passing_durations(
        self, clause: str, situation: tuple[tuple[str, str], ...]
    ) -> list[Meaning]:
        """A length of time said in passing, where the language marks where it ends ("발목이
        자꾸 풀림 3일째 이럼") or where it starts ("no, it's been like a week now"): the longest
        span from a mark back, or from an opening on, that a duration template reads. It is
        marked spotted: the dialog takes it only when it is the cautious reading."""
        if not (self._has_marks or self._has_openings):
            return []
        words = tuple(clause.split())
        spans: list[tuple[int, int]] = []
        if self._has_marks:
            ends = [self._templates.rule(DURATION_MARK_RULE, words, i) for i in range(len(words))]
            for end in sorted({end for start, end in enumerate(ends) if end > start}, reverse=True):
                spans += [(begin, end) for begin in range(max(0, end - DURATION_SPAN), end)]
        if self._has_openings:
            for begin in range(len(words)):
                if self._templates.rule(DURATION_OPENING_RULE, words, begin) > begin:
                    last = min(len(words), begin + DURATION_SPAN)
                    spans += [(begin, end) for end in range(last, begin, -1)]
        context = dict(situation)
        for begin, end in spans:
            span = " ".join(words[begin:end])
            found = self._templates.match(span, (), None, context, (DURATION_INTENT,))
            if found is None:
                continue
            meaning = meaning_of(found.intent, found.slots, self._today or date.today())
            if meaning is None:
                continue
            days = meaning.answer
            if isinstance(days, (int, float)) and days > PASSING_DAYS:
                return []
            return [replace(meaning, spotted=True)]
        return []

    def _agreeing(self, situation: tuple[tuple[str, str], ...], parts: list[Part]) -> list[Part]:
        """Without the bare yes that only agrees with the denial said right after it. (Not
        where yes and no are the reply itself: to "Did you say no?", "네, 없어요" is unclear.)"""
        if not self._yes_agrees or dict(situation).get("turn") in REPLY_TURNS:
            return parts
        out: list[Part] = []
        for index, part in enumerate(parts):
            after = parts[index + 1].meaning if index + 1 < len(parts) else None
            words = tuple(part.text.split())
            agrees = self._templates.covers(YES_AGREES_RULE, words)
            if agrees and after is not None and _denies(after):
                continue
            out.append(part)
        return out

    def _hedges_folded(self, parts: list[Part]) -> list[Part]:
        """A word of likelihood said alone beside an answer ("아마 | 안 저린 것 같아요",
        "없는 것 같아요, | 아마"): that answer, hedged ("probably not" is a no), not "not sure"
        of its own."""
        if not self._templates.has_rule(HEDGE_RULE):
            return parts
        out = list(parts)
        folded: set[int] = set()
        for index, part in enumerate(parts):
            meaning = part.meaning
            words = tuple(part.text.split())
            if not (_bare_answer(meaning) and self._templates.covers(HEDGE_RULE, words)):
                continue
            near = [k for k in (index + 1, index - 1) if 0 <= k < len(parts)]
            answer = next((k for k in near if _answers(parts[k].meaning)), None)
            if answer is None:
                continue
            told = parts[answer].meaning
            assert told is not None  # _answers
            folded.add(index)  # said of the answer beside it: no part of its own
            if told.answer == "yes":
                out[answer] = replace(parts[answer], meaning=replace(told, hedged=True))
        return [part for index, part in enumerate(out) if index not in folded]

    def _all_triggers(
        self, situation: tuple[tuple[str, str], ...], parts: list[Part]
    ) -> list[Part]:
        """Asked what set it off, every trigger a clause names counts, not only the one its
        template read ("dancing all night in those heels": exertion and footwear)."""
        if dict(situation).get("turn") != TRIGGERS_TURN:
            return parts
        out: list[Part] = []
        for part in parts:
            meaning = part.meaning
            if meaning is not None and meaning.intent != TRIGGER_INTENT:
                out.append(part)  # a sign, a duration or a no: read as it is
                continue
            named = self._spotter.triggers(part.text)
            if meaning is not None and named.get(meaning.trigger or "", True):
                out.append(part)  # the template's trigger, unless the clause denies it
            elif meaning is not None and not any(named.values()):
                out.append(Part(part.text, Meaning("answer_no", "no")))  # "no coffee": none
            for trigger, said in named.items():
                if said and (meaning is None or trigger != meaning.trigger):
                    out.append(Part(part.text, Meaning(TRIGGER_INTENT, trigger=trigger)))
            if meaning is None and not any(named.values()):
                out.append(part)
        return out

    def forget_clauses(self) -> None:
        """Forget the clauses read so far (the next answers are read from cold)."""
        self._cached.cache_clear()

    def parse(self, clause: str) -> Meaning | None:
        """The meaning of one clause; None when no template matches it."""
        return self._cached(self._spelling.correct(words_of(clause)), (), True, ())

    def hassil(self, text: str) -> Meaning | None:
        """The whole answer matched by hassil itself as one clause (the reference matcher)."""
        result = recognize_best(text, self._intents, language=self._intents.language)
        if result is None:
            return None
        slots = {key: entity.value for key, entity in result.entities.items()}
        return meaning_of(result.intent.name, slots, self._today or date.today())

    def _match(
        self,
        clause: str,
        prefer: tuple[str, ...],
        wild: bool,
        situation: tuple[tuple[str, str], ...],
    ) -> Meaning | None:
        harmless = self._harmless if wild else None
        match = self._templates.match(clause, prefer, harmless, dict(situation))
        if match is None:
            return None
        return meaning_of(match.intent, match.slots, self._today or date.today())

    def _harmless(self, intent: str, took: tuple[str, ...]) -> bool:
        """What a wildcard took says nothing the dialog records ("when I walk far"): a
        wildcard in an answer never swallows a sign, a duration, relief or another answer.
        (A question back, "what counts as weakness?", records nothing: it may. Nor does a
        time of a day or less beside another answer, "I walked to the shops this morning without
        any trouble": when something happened, as the dialog reads it, see said._aside_time.)"""
        if intent not in SAYS_SOMETHING:
            return True
        for text in took:
            words = text.split()
            suffixes = [" ".join(words[i:]) for i in range(len(words))]
            for piece in [*suffixes, *(" ".join(a.words) for a in atoms(text, self._joining))]:
                match = self._templates.match(piece, (), None)
                if match is None or match.intent not in SAYS_SOMETHING:
                    continue
                if intent == DURATION_INTENT or not self._a_moment(match):
                    return False
        return True

    def _a_moment(self, match: Match) -> bool:
        """A time of a day or less ("this morning", "yesterday"), not a length to record."""
        if match.intent != DURATION_INTENT or match.slots.get("bound"):
            return False
        meaning = meaning_of(match.intent, match.slots, self._today or date.today())
        days = None if meaning is None else meaning.answer
        return isinstance(days, float) and days <= MOMENT_DAYS

    def _relief_limited(self, parts: list[Part]) -> list[Part]:
        """Asked about relief: relief told, and beside it a clause nothing read that limits it
        ("it's eased a bit [but not gone]", "the first few days it helped, [now not so much]"),
        is relief not sure. Read as the relief alone it would reassure; asked again, the
        person has already said what there is to say."""
        told = any(
            p.meaning is not None
            and p.meaning.answer == "yes"
            and (p.meaning.about == RELIEF_QUESTION or p.meaning.intent in ANSWER_INTENTS)
            for p in parts
        )
        if not told:
            return parts
        limited = Meaning("report_sign", "unsure", about=RELIEF_QUESTION, spotted=True)
        return [
            replace(p, meaning=limited)
            if p.meaning is None and not p.aside and self._spotter.limits_relief(p.text)
            else p
            for p in parts
        ]

    def _aside(self, clause: str, activity_asked: bool, relief_asked: bool = False) -> bool:
        """Does ``clause``, which nothing read, say nothing the consultation records? Asked
        about weakness (``activity_asked``), an everyday activity told plainly is such an aside
        too; asked about relief (``relief_asked``), the remedy told plainly; so is a sign told
        of another part of the body ("my fingers go numb sometimes")."""
        spotter = self._spotter
        if spotter.aside(clause) or spotter.elsewhere(clause) or spotter.social(clause):
            return True
        if relief_asked and spotter.remedy(clause):
            return True
        return activity_asked and self._spotter.activity(clause)

    def _degree_only(self, clause: str) -> bool:
        """Is ``clause`` only a degree ("a little bit", "slightly")?"""
        return self._templates.covers(DEGREE_RULE, tuple(clause.split()))

    def _closes(self, clause: str) -> bool:
        """Is ``clause`` a closing remark ("that's it", "that's all")?"""
        return self._templates.covers(CLOSING_RULE, tuple(clause.split()))

    def _is_answer(self, words: str) -> bool:
        """Are ``words`` a first answer ("no", "um no no")? Fillers before it are no matter."""
        said = tuple(words.split())
        lead = max((k for k in range(len(said)) if self._templates.filler(said[:k])), default=0)
        return self._templates.covers(LEAD_RULE, said[lead:])

    def _joining(self, words: tuple[str, ...], start: int = 0) -> int:
        """How many of the words from ``start`` join two clauses ("but", "even though", "no
        wait"); 0 for none, or where the joining word is inside a saying ("it comes and goes",
        "pins and needles")."""
        if start and self._templates.rule(UNJOINED_RULE, words, start - 1) > start:
            return 0
        first = words[start : start + MAX_JOINT_WORDS]
        return max(
            self._templates.rule(rule, first) for rule in (JOINING_RULE, REPAIR_RULE, STORY_RULE)
        )

    def _split_unmarked(
        self,
        words: tuple[str, ...],
        parse: Callable[[str, bool], Meaning | None],
        activity_asked: bool,
        triggers: bool,
    ) -> list[tuple[str, Meaning | None]]:
        """A long clause nothing understands whole, said without marks, cut where the
        language's `clause_start` words say a clause may start, when every piece is then
        understood or an aside ("no the rest of me is fine | its just the wee toe"). Not
        otherwise: read whole, the clause may still name a sign in passing ("I wouldn't say
        it's not numb" is not "it's not numb"); nor into a cause said in passing, except where
        causes are asked; nor into a bare yes, which a piece of a sentence is not."""
        if not self._has_starts:
            return []
        ends = self._templates.rule_ends(CLAUSE_START_RULE, words)
        starts = frozenset(i for i, end in enumerate(ends) if i and end > i)
        pieces = split_at(words, parse, starts)
        for text, meaning in pieces:
            if meaning is None and not self._aside(text, activity_asked):
                return []
            if meaning is not None and meaning.intent == TRIGGER_INTENT and not triggers:
                return []
            if _bare_answer(meaning) and not _is_no(meaning):
                return []  # "maybe | it is | only my imagination": no yes
        return pieces

    def _sentence_ends(self, words: tuple[str, ...]) -> frozenset[int]:
        """Where in ``words`` a sentence ended with more said after it: the language's endings
        (Korean "…습니다", "…어요"); none where it has none."""
        if not self._has_endings:
            return frozenset()
        ends = self._templates.rule_ends(SENTENCE_END_RULE, words)
        runs_on = self._templates.rule_ends(RUNS_ON_RULE, words)
        return frozenset(
            end for i, end in enumerate(ends) if i < end < len(words) and runs_on[end] == end
        )

    def _closes_story(self, joint: tuple[str, ...]) -> bool:
        """Do these joining words end with "anyway" (a story told, the answer next)?"""
        ends = self._templates.rule_ends(STORY_RULE, joint)
        return any(end == len(joint) for end in ends)

    def _repairs(self, joint: tuple[str, ...]) -> bool:
        """Do these joining words take back what was said before them ("no wait", "wait no
        sorry": one self-repair or several in a row)?"""
        at = 0
        while at < len(joint):
            end = self._templates.rule(REPAIR_RULE, joint, at)
            if end <= at:
                return False
            at = end
        return bool(joint)


ECHO_WORDS = 6  # "weak?", "any swelling?": the question said back, at most this long
TERM_WORDS = 2  # "weak, no", "the skin, no": a sign named, then denied
# A question back that checks what the question means: "like the whole foot?", "you mean numb?"
CLARIFYING = ("like ", "you mean", "do you mean", "meaning ", "as in ", "so like")


def _echoes_named(parts: list[Part], asking: list[bool]) -> list[Part]:
    """A sign said back as a question and then answered ("weak? no"), or a bare term beside a
    question back ("what's that mean, spread"), names what is meant; it reports nothing."""
    out = list(parts)
    for index, part in enumerate(parts):
        meaning = part.meaning
        if meaning is None or meaning.intent not in SIGN_INTENTS or meaning.about is None:
            continue
        # asked in its sentence: "like can't-walk weakness?" is read as "like can't walk" and
        # "weakness", the question mark after the second
        in_question = asking[index] or (
            index + 1 < len(parts) and asking[index + 1] and not parts[index + 1].joined
        )
        if in_question and index and part.text.startswith(CLARIFYING):
            # "what counts as spreading? like the whole foot?": asking, not telling
            out[index] = Part(part.text, Meaning("help"))
            continue
        previous = out[index - 1].meaning if index else None
        asked_after = previous is not None and previous.intent == "help"
        if asked_after and meaning.spotted and (part.joined or part.text.startswith("or ")):
            # "what's the difference between numb [and tingling then]", "do you mean I can't
            # feel it, [or the fizzy sort]?": the rest of the question, not a sign told
            out[index] = Part(part.text, Meaning("help"))
            continue
        words = len(part.text.split())
        if words > ECHO_WORDS:
            continue
        before = out[index - 1].meaning if index else None
        after = parts[index + 1].meaning if index + 1 < len(parts) else None
        # "red? swollen? no and no": the answer after a run of signs said back answers each
        later = range(index + 1, len(parts))
        reply = next((parts[k].meaning for k in later if not _echo(parts[k], asking[k])), None)
        answered = asking[index] and _bare_answer(reply)
        # "but weak, no": a bare term, then a plain no, is the term denied
        plain_no = _bare_answer(after) and _is_no(after) and not parts[index + 1].joined
        answered = answered or (words <= TERM_WORDS and plain_no)
        # "numbness? does cramp count?": the sign said back, then asked about
        explained = asking[index] and after is not None and after.intent == "help"
        term = words == 1 and any(m is not None and m.intent == "help" for m in (before, after))
        if answered or explained or term:
            out[index] = Part(part.text, Meaning(QUESTION_INTENT, question=meaning.about))
    return out


def _told_before(parts: list[Part], index: int) -> list[int]:
    """The parts of the clause before ``index``: back to the one a joining word opened, not
    reaching back past a plain answer ("no, [I had tingly feet] [when I was pregnant]")."""
    told: list[int] = []
    for k in range(index - 1, -1, -1):
        if _bare_answer(parts[k].meaning):
            break
        told.insert(0, k)
        if parts[k].joined:
            break
    return told


def _echo(part: Part, asks: bool) -> bool:
    """A sign or a question's name said back as a question ("red?", "swollen?")."""
    meaning = part.meaning
    return (
        asks
        and meaning is not None
        and (meaning.intent in SIGN_INTENTS or meaning.intent == QUESTION_INTENT)
        and len(part.text.split()) <= ECHO_WORDS
    )


def _is_no(meaning: Meaning | None) -> bool:
    return meaning is not None and meaning.answer == "no"


def _when_of(meaning: Meaning, before: Meaning | None, clause: str) -> bool:
    """ "well the calf once, yesterday": a time alone right after a sign says when the sign
    happened; taken as how long the twitching has lasted only where that is the cautious
    reading (it is marked spotted)."""
    return (
        meaning.intent == DURATION_INTENT
        and before is not None
        and before.intent == "report_sign"
        and len(clause.split()) <= WHEN_WORDS
    )


def _causes_denied(parts: list[Part], asking: list[bool]) -> tuple[list[Part], list[bool]]:
    """Without the causes said back as a question and denied: "stress? nah"."""
    kept = [
        index
        for index, part in enumerate(parts)
        if not (
            asking[index]
            and part.meaning is not None
            and part.meaning.intent == TRIGGER_INTENT
            and index + 1 < len(parts)
            and _bare_answer(parts[index + 1].meaning)
            and parts[index + 1].meaning.answer == "no"  # type: ignore[union-attr]
        )
    ]
    return [parts[i] for i in kept], [asking[i] for i in kept]


def _reported(meaning: Meaning) -> bool:
    """A sign (or relief) told, not denied."""
    return meaning.intent == "report_sign" and meaning.answer == "yes"


def _denies(meaning: Meaning) -> bool:
    """A plain no, or a sign denied."""
    if meaning.intent == "deny_sign":
        return True
    return meaning.intent in ANSWER_INTENTS and meaning.answer == "no" and not meaning.fine


def _in_passing(part: Part) -> Part:
    """A clause of a story told before the answer: not understood, it is an aside; a length of
    time found in it in passing ("… talked about her hip for twenty minutes") is the story's,
    not the twitching's."""
    meaning = part.meaning
    if meaning is None:
        return replace(part, aside=True)
    if meaning.spotted and meaning.intent == DURATION_INTENT:
        return Part(part.text, Meaning(ASIDE_INTENT), joined=part.joined)
    return part


def _taken_back(meaning: Meaning | None) -> bool:
    """What a self-repair takes back: a bare yes, no or not sure, or a length of time. A sign
    named stays: "my foot's weak, no wait, it's numb" keeps both, to be safe."""
    return _bare_answer(meaning) or (meaning is not None and meaning.intent == DURATION_INTENT)


def _answers(meaning: Meaning | None) -> bool:
    """A plain yes or no, or a sign told or denied."""
    if meaning is None or meaning.answer not in ("yes", "no"):
        return False
    return meaning.intent in ANSWER_INTENTS or meaning.intent in SIGN_INTENTS


def _bare_answer(meaning: Meaning | None) -> bool:
    return meaning is not None and meaning.intent in ANSWER_INTENTS and meaning.about is None


_SHARED: dict[int, tuple[Intents, Understanding]] = {}


def understanding_for(intents: Intents) -> Understanding:
    """One Understanding per loaded intents, shared by every consultation of that dialog
    (compiling the templates takes a moment; each consultation should not wait for it)."""
    held = _SHARED.get(id(intents))
    if held is None or held[0] is not intents:
        held = _SHARED[id(intents)] = (intents, Understanding(intents))
    return held[1]
