"""Signs found inside a clause no template matched.

"…and the outside of my foot goes kind of dead on me…" fits no template, but it names a sign
with no negation before it: read cautiously, it says the sign. Nothing reassuring is ever
spotted: a negated sign leaves the clause not understood, and the question is asked again.
Durations are not spotted here: times inside a sentence ("last night", "ten minutes") are
mostly about when something happened, not how long the twitching has lasted, and a short one
would reassure (measured on the tune half: every duration spotted that way was wrong). Only a
time with an opening ("it's been", "since") or a mark ("3일째") is read in passing, by the
Understanding, and kept only when cautious. The words come from the intents file's
`spot_<question>` and `spot_negation` expansion rules.
"""

from __future__ import annotations

from voice.intents import Meaning
from voice.understand.templates import Templates

SPOT_PREFIX = "spot_"
NEGATION_RULE = "spot_negation"
DOUBT_RULE = "spot_doubt"  # "if", "or not", "might": the sign is named, not said to be there
DOUBLE_RULE = "spot_double_negation"  # "I wouldn't say it's not numb": it is
# Negations that follow what they negate (Korean: "저리지 않아요"), within a few words
AFTER_RULE = "spot_negation_after"
AFTER_WORDS = 12  # Korean is read a syllable a word: "저리거나 화끈거리는 건 하나도 없어요"
AFTER_TRIGGER = 6  # closer for a cause: "헬스 시작한 지 얼마 안 됐어요" names one, denies none
# A "no" said just before covers a sign its clause opens with ("no, [any] swelling or colour"),
# not one told later in a clause of its own ("nope, you missed the bit where my foot gives way")
CARRY_WORDS = 2
ONLY_RULE = "spot_only"  # "nah, just pins and needles": a "no" then "just" tells the sign
# Words that may carry what the consultation records (a body part, a feeling, a look, a time,
# a remedy): a clause without any of them, nor a sign, a cause, a doubt or a negation, is an
# aside ("I managed the stairs up to bed fine last night" has "night": not an aside)
TOPIC_RULE = "topic"
TOPIC_LAST_RULE = "topic_last"  # its last word answers by ellipsis: "I thought it had"
ASIDE_WORDS = 3  # shorter, it may be the answer's own degree ("yes, little bit"): not an aside
# Asked about weakness, what the person did ("I jog every day", "I went for a long walk
# yesterday") beside a plain answer is an aside: an everyday activity told with no sign, doubt
# or negation, whose only topic words are the activity and when it was. "I walk slowly now"
# ("now", "slowly") or "I use a stick" (no activity) stay unclear.
ACTIVITY_RULE = "act_verb"
ACTIVITY_WORDS_RULE = "act_ok"  # topic words an activity may carry: when, how far, how often
ACTIVITY_HARD_RULE = "act_hard"  # "only short walks", "slowly", "with a stick": keep it unclear
ACTIVITY_QUESTION = "weakness"
# Asked whether home remedies helped, the remedy told plainly ("a banana a day", "I stretch every
# morning") beside the answer is an aside: its only topic words are the remedy and when or how
# often. A negation, doubt, sign, relief or its limit ("I stretch but still") keeps it unclear.
REMEDY_RULES = ("remedy_noun", "remedy_adj", "remedy_done")
# A place beyond the pinky ("the sole", "my whole foot") is the twitching spreading only when
# the clause names no other sign, or names the twitching itself: in "the whole foot is kinda
# tingly" it is where the tingling is
PLACE_RULE = "spot_place"
PLACE_MOVING_RULE = "spot_place_moving"  # a place that is the twitching's only when named moving
MOTION_RULE = "spot_motion"  # "twitching", "flickering", "jumping": the twitching named
FEELING_RULE = "spot_feeling"  # "feels weird": a place felt, not the twitching moved there
# A part of the body the consultation is not about ("my fingers go numb", "my arms are weak
# from the gym"): a sign said of it is not the sign, unless the clause names the foot or leg too
ELSEWHERE_RULE = "spot_elsewhere"
FOOT_RULE = "spot_foot"
ELSEWHERE_WORDS = 4  # how far from the sign's word the other body part may be
# Said of someone's own other body part ("my fingers go numb sometimes", "his arms are weak from
# the gym"), with no foot, leg, place or twitching in the clause, a sign is an aside beside the
# answer; told after it ("numb when I touch it with my hand") it is not the owner of the sign
ELSEWHERE_OWN_RULE = "spot_elsewhere_own"
ELSEWHERE_IN_RULE = "spot_elsewhere_in"  # or where it is, after it: "the tingling's in my hand"
# Where a sign's word means something else ("while I was asleep", "dead tired")
IDIOM_RULE = "spot_idiom"
# Asked whether home remedies helped: a word of relief ("helped", "difference", "budge") with a
# negation shortly before it is no relief ("doesn't seem to matter what I do", "water hasn't
# made a blind bit of difference"); with doubt, not sure. Never relief: that would reassure.
RELIEF_RULE = "spot_relief"
RELIEF_QUESTION = "remedies_helped"
RELIEF_WINDOW = 6  # how far before the word of relief its negation may be
# Beside relief told ("it's eased a bit"), a clause no template read that limits it ("but not
# gone", "now not so much", "bad by the evening") makes the relief not sure
LIMIT_RULE = "relief_limit"
# A clause opened with thanks, an apology or a feeling ("thank you for listening", "sorry, my
# phone keeps cutting out", "fingers crossed"), naming nothing the consultation records, is an
# aside whatever its other words
SOCIAL_RULE = "social"
REPLY_BLOCK_RULE = "reply_news"  # beside a reply: a word that may change it ("wrong", "days")
OWN_RULES = (
    NEGATION_RULE,
    DOUBT_RULE,
    AFTER_RULE,
    DOUBLE_RULE,
    TOPIC_RULE,
    TOPIC_LAST_RULE,
    PLACE_RULE,
    PLACE_MOVING_RULE,
    MOTION_RULE,
    FEELING_RULE,
    ELSEWHERE_RULE,
    ELSEWHERE_OWN_RULE,
    ELSEWHERE_IN_RULE,
    FOOT_RULE,
    RELIEF_RULE,
    IDIOM_RULE,
    ACTIVITY_RULE,
    ACTIVITY_WORDS_RULE,
    ACTIVITY_HARD_RULE,
    LIMIT_RULE,
    ONLY_RULE,
    SOCIAL_RULE,
    REPLY_BLOCK_RULE,
)
SPREADING = "spreading"  # the question a place answers
CUE_PREFIX = "cue_"  # cue_<trigger>: what may have set it off, named anywhere in a clause


class Spotter:
    """Finds the signs and durations a clause names in passing."""

    def __init__(self, templates: Templates, rules: list[str]) -> None:
        self._templates = templates
        self._signs = {
            name.removeprefix(SPOT_PREFIX): name
            for name in rules
            if name.startswith(SPOT_PREFIX) and name not in OWN_RULES
        }
        self._cues_of = {
            name.removeprefix(CUE_PREFIX): name for name in rules if name.startswith(CUE_PREFIX)
        }
        # Where the language has no topic words, no clause is an aside: all are kept unclear
        self._topical = (
            (
                TOPIC_RULE,
                NEGATION_RULE,
                AFTER_RULE,
                DOUBT_RULE,
                *self._signs.values(),
                *self._cues_of.values(),
            )
            if TOPIC_RULE in rules
            else ()
        )

    def aside(self, clause: str) -> bool:
        """Does ``clause`` (which no template read) say nothing the consultation records?
        "Perfect, yes, [you've got it all down]": said in passing, nothing to ask again about.
        Any word that might carry a sign, a time, a remedy, a cause, a doubt or a negation
        keeps it unclear."""
        words = tuple(clause.split())
        if not self._may_be_aside(words):
            return False
        return all(self._first(rule, words) is None for rule in self._topical)

    def _may_be_aside(self, words: tuple[str, ...], shortest: int = ASIDE_WORDS) -> bool:
        """Long enough not to be the answer's own degree (``shortest`` words), and not an
        answer by ellipsis."""
        if not self._topical or len(words) < shortest:
            return False
        return self._templates.rule(TOPIC_LAST_RULE, words, len(words) - 1) < len(words)

    def social(self, clause: str) -> bool:
        """Is ``clause`` said to be kind or to share a feeling ("thank you for listening, my GP
        never has time", "sorry, my phone keeps cutting out", "fingers crossed it's nothing"),
        naming no sign, place, twitching, relief or cause? Its other words do not matter: it
        answers nothing."""
        words = tuple(clause.split())
        return self._templates.rule(SOCIAL_RULE, words) > 0 and self._names_nothing(words)

    def beside_reply(self, clause: str) -> bool:
        """Said beside a reply (to the readback, a "Did you say …?" or "more tips?"): does
        ``clause`` name nothing a reply could change, no sign, place, twitching, relief,
        cause, length of time or word of a mistake ("my wife was listening and she agrees")?"""
        words = tuple(clause.split())
        if not self._topical or len(words) < ASIDE_WORDS:
            return False
        return self._names_nothing(words, REPLY_BLOCK_RULE)

    def _names_nothing(self, words: tuple[str, ...], *also: str, relief: bool = True) -> bool:
        """Do ``words`` name no sign, place, twitching, cause or (``relief``) relief, nor match
        ``also``?"""
        blocking = [*self._signs.values(), *self._cues_of.values(), *also]
        blocking += [PLACE_RULE, PLACE_MOVING_RULE, MOTION_RULE, DOUBLE_RULE]
        blocking += [RELIEF_RULE] if relief else []
        return all(self._first(rule, words) is None for rule in blocking)

    def story(self, clause: str, relief_asked: bool) -> bool:
        """Is ``clause`` part of a story told before the answer ("I was walking the dog this
        morning and my neighbour stopped me …, anyway, no"), naming no sign, place, twitching
        or cause, nor relief where relief is asked ("stopped me" says nothing of it elsewhere)?"""
        return self._names_nothing(tuple(clause.split()), relief=relief_asked)

    def activity(self, clause: str) -> bool:
        """Is ``clause`` an everyday activity told plainly ("I went hiking last weekend")?
        Any topic word besides the activity and its when, or a sign, doubt or negation, keeps
        it unclear."""
        words = tuple(clause.split())
        if not self._may_be_aside(words) or self._first(ACTIVITY_RULE, words) is None:
            return False
        return self._told_plainly(words, (ACTIVITY_RULE, ACTIVITY_WORDS_RULE))

    def remedy(self, clause: str) -> bool:
        """Is ``clause`` a remedy told plainly ("the stretches", "a banana a day")? Any topic
        word besides the remedy and when, or a sign, doubt, negation, relief or a limit to it,
        keeps it unclear."""
        words = tuple(clause.split())
        if not self._may_be_aside(words, shortest=1) or self._first(REMEDY_RULES[0], words) is None:
            return False
        allowed = (*REMEDY_RULES, ACTIVITY_WORDS_RULE)
        return self._told_plainly(words, allowed, LIMIT_RULE, RELIEF_RULE)

    def _told_plainly(self, words: tuple[str, ...], allowed: tuple[str, ...], *also: str) -> bool:
        """Are the only topic words of ``words`` those the ``allowed`` rules match, with no
        sign, doubt, negation, hint of trouble (`act_hard`) nor a match of ``also``? A cause
        named is no matter ("a long walk", "cutting coffee")."""
        spans = frozenset().union(*(self._spans(rule, words) for rule in allowed))
        if not self._spans(TOPIC_RULE, words) <= spans:
            return False
        causes = set(self._cues_of.values())
        blocking = [ACTIVITY_HARD_RULE, *also]
        blocking += [r for r in self._topical if r != TOPIC_RULE and r not in causes]
        return all(self._first(rule, words) is None for rule in blocking)

    def elsewhere(self, clause: str) -> bool:
        """Does ``clause`` tell signs only of another part of the body, its owner's ("my
        fingers go numb sometimes")? A foot, leg, place beyond the pinky or the twitching
        named keeps it unclear."""
        words = tuple(clause.split())
        if not self._may_be_aside(words):
            return False
        named = (FOOT_RULE, MOTION_RULE, PLACE_RULE, PLACE_MOVING_RULE)
        if any(self._first(rule, words) is not None for rule in named):
            return False
        owners = self._cues(ELSEWHERE_OWN_RULE, words)
        places = self._cues(ELSEWHERE_IN_RULE, words)

        def elsewhere(sign: int) -> bool:
            return any(0 < sign - o <= ELSEWHERE_WORDS + 1 for o in owners) or any(
                0 < p - sign <= ELSEWHERE_WORDS for p in places
            )

        signs = [i for rule in self._signs.values() for i in self._cues(rule, words)]
        return bool(signs) and all(elsewhere(sign) for sign in signs)

    def spot(self, clause: str, negated: bool = False) -> list[Meaning]:
        """The signs ``clause`` names with no negation before them (``negated``: the clause
        follows a "no" said just before it, which covers a sign the clause opens with); named
        with doubt ("if", "or not"), not sure."""
        words = tuple(clause.split())
        negations = self._cues(NEGATION_RULE, words)
        after = self._cues(AFTER_RULE, words)
        doubtful = bool(self._cues(DOUBT_RULE, words))
        doubled = self._ends(DOUBLE_RULE, words)
        idioms = self._spans(IDIOM_RULE, words)
        elsewhere = [] if self._cues(FOOT_RULE, words) else self._cues(ELSEWHERE_RULE, words)

        def told_alone(start: int | None, rule: str) -> bool:  # named, and not negated within
            if start is None or any(abs(e - start) <= ELSEWHERE_WORDS for e in elsewhere):
                return False
            # a negation inside the sign's own words ("힘이 잘 안 들어가요") is part of the sign
            end = self._templates.rule(rule, words, start)
            if not _negated(start, negations, [n for n in after if n >= end], AFTER_WORDS):
                return True
            return _doubled(start, doubled, negations)

        only = self._templates.rule(ONLY_RULE, words) > 0  # "[nah,] just pins and needles"

        def told(start: int | None, rule: str) -> bool:  # and not covered by a "no" just before
            covered = negated and not only and start is not None and start < CARRY_WORDS
            return told_alone(start, rule) and not covered

        said = [
            q for q, rule in self._signs.items() if told(self._first(rule, words, idioms), rule)
        ]
        motion = self._first(MOTION_RULE, words)
        place = self._first(PLACE_RULE, words, idioms)
        # "no, [my calf has been jumping too]": a place, then the twitching said of it, is a
        # clause of its own that the no before does not cover
        moved = place is not None and motion is not None and motion > place
        placed = told(place, PLACE_RULE) or (moved and told_alone(place, PLACE_RULE))
        # "the whole foot just feels weird": a feeling there, with no twitching named, is not
        # the twitching gone there (nor a sign the spotter can name: the clause stays unclear)
        felt = motion is None and self._first(FEELING_RULE, words) is not None
        if SPREADING not in said and (not said or motion is not None) and placed and not felt:
            said.append(SPREADING)
        side = self._first(PLACE_MOVING_RULE, words, idioms)
        if SPREADING not in said and motion is not None and told_alone(side, PLACE_MOVING_RULE):
            said.append(SPREADING)  # "the whole side of me foot flickers sometimes"
        answer = "unsure" if doubtful else "yes"
        return [Meaning("report_sign", answer, about=q, spotted=True) for q in said]

    def limits_relief(self, clause: str) -> bool:
        """Does ``clause`` (which no template read) limit the relief told beside it: a negation,
        or a word of time, return or degree ("but not gone", "now not so much"), and no sign?"""
        words = tuple(clause.split())
        named = (*self._signs.values(), PLACE_RULE, PLACE_MOVING_RULE)
        if any(self._first(rule, words) is not None for rule in named):
            return False  # "but the burning hasn't gone": a sign, even denied, is asked about
        return any(self._first(rule, words) is not None for rule in (LIMIT_RULE, NEGATION_RULE))

    def relief_denied(self, clause: str) -> list[Meaning]:
        """No relief said in a clause no template read, to the relief question: a negated word
        of relief; with doubt, not sure. Nothing otherwise: spotting never reassures."""
        words = tuple(clause.split())
        start = self._first(RELIEF_RULE, words)
        if start is None:
            return []
        negations = [n for n in self._cues(NEGATION_RULE, words) if start - RELIEF_WINDOW <= n]
        doubled = _doubled(start, self._ends(DOUBLE_RULE, words), negations)
        if self._cues(DOUBT_RULE, words) or doubled:
            answer = "unsure"  # "can't tell if it's helped", "I wouldn't say nothing helped"
        elif _negated(start, negations, [], 0):
            answer = "no"
        else:
            return []
        return [Meaning("report_sign", answer, about=RELIEF_QUESTION, spotted=True)]

    def triggers(self, clause: str) -> dict[str, bool]:
        """Every trigger ``clause`` names, and whether it is said (True) or denied (False,
        a negation before it): "sweating buckets at the gym" names both hydration and
        exertion (a template reads only one); "not stressed" denies stress. A cause named
        only inside another's words is not named: "running shoes" (운동화) are shoes."""
        words = tuple(clause.split())
        negations = self._cues(NEGATION_RULE, words)
        after = self._cues(AFTER_RULE, words)
        named = [
            (trigger, i, end)
            for trigger, rule in self._cues_of.items()
            for i, end in enumerate(self._templates.rule_ends(rule, words))
            if end > i
        ]
        found: dict[str, bool] = {}
        for trigger, i, end in named:
            if trigger not in found and not any(
                other != trigger and a <= i and end <= b and b - a > end - i
                for other, a, b in named
            ):
                found[trigger] = not _negated(i, negations, after, AFTER_TRIGGER)
        return found

    def _first(
        self, rule: str, words: tuple[str, ...], inside: frozenset[int] = frozenset()
    ) -> int | None:
        """Where ``rule`` first matches in ``words`` (not starting ``inside``); None if not."""
        matches = (
            i
            for i in range(len(words))
            if i not in inside and self._templates.rule(rule, words, i) > i
        )
        return next(matches, None)

    def _spans(self, rule: str, words: tuple[str, ...]) -> frozenset[int]:
        """The positions of the words that ``rule`` matches."""
        ends = self._templates.rule_ends(rule, words)
        return frozenset(j for i, end in enumerate(ends) for j in range(i, end))

    def _ends(self, rule: str, words: tuple[str, ...]) -> list[int]:
        """Where each match of ``rule`` in ``words`` ends."""
        return [end for i, end in enumerate(self._templates.rule_ends(rule, words)) if end > i]

    def _cues(self, rule: str, words: tuple[str, ...]) -> list[int]:
        return [i for i, end in enumerate(self._templates.rule_ends(rule, words)) if end > i]


def _doubled(start: int, doubled: list[int], negations: list[int]) -> bool:
    """A negation of saying it, then a negation, before the sign: "I can't say it doesn't
    tingle" says it does; "I wouldn't say weak" (``doubled``: where each such cue ends) does
    not."""
    return any(end <= n < start for end in doubled for n in negations)


def _negated(start: int, before: list[int], after: list[int], window: int) -> bool:
    """A negation before ``start``, or one of the language's negations that follow within
    ``window`` words ("저린 건 없어요")."""
    return any(n < start for n in before) or any(start < n <= start + window for n in after)
