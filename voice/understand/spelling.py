"""Typing slips put right: a word the templates never use, one slip from exactly one that
they do ("weakess", "onyl", "yse", "tinglin"), is read as that word.

Only slips that rarely turn one real word into another are mended: two letters swapped, or
(in words of five letters or more) one letter left out or added. A letter changed is not:
"turn" is one letter from "burn", and "lights" from "nights".

Shorthand is spelled out first ("yh" is "yeah", "rly" is "really", "idk" is "i don't know"):
the intents file's `shorthand` list says what each stands for (only shorthand with one
meaning is listed). Its `opening_shorthand` list holds words with one meaning only where an
answer or a sentence opens: a recognizer writes "know weakness" for "no weakness". Its
`ending_shorthand` list holds dialect endings, spelled out where a written word ends: Jeolla
"없당께" is "없다"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from hassil import Intents
from hassil.expression import Alternative, Sequence, TextChunk
from hassil.intents import TextSlotList

from voice.understand.clauses import Atom

SHORTHAND_LIST = "shorthand"
OPENING_LIST = "opening_shorthand"  # only at the start of an answer or a sentence
ENDING_LIST = "ending_shorthand"  # only ending a written word: dialect endings ("없당께")
# Where each list's words are spelled out: what must come before them
WHERE = {
    OPENING_LIST: r"(?:^|(?<=[.!?]))\s*",  # where an answer or a sentence opens
    SHORTHAND_LIST: r"(?<![\w'])",  # a whole word
    ENDING_LIST: r"(?<=\w)",  # the end of a longer word
}

MIN_LENGTH = 5  # shorter words are only mended when two letters were swapped ("yse")


def shorthands(intents: Intents) -> dict[str, dict[str, str]]:
    """Every shorthand list of the intents file, by name."""
    return {name: shorthand(intents, name) for name in WHERE}


def shorthand(intents: Intents, name: str = SHORTHAND_LIST) -> dict[str, str]:
    """What each shorthand of the intents file's list ``name`` stands for ({} without one)."""
    found = intents.slot_lists.get(name)
    if not isinstance(found, TextSlotList):
        return {}
    table: dict[str, str] = {}
    for value in found.values:
        for text in _texts(value.text_in):
            table[text] = str(value.value_out)
    return table


def _pattern(table: Mapping[str, str], where: str) -> re.Pattern[str]:
    """Any word of ``table`` standing alone, after ``where``."""
    words = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))
    return re.compile(rf"{where}({words})(?![\w'])", re.I)


def _spelled(table: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
    """What a match of ``table``'s pattern becomes: what leads to the word, then its meaning."""

    def spelled(match: re.Match[str]) -> str:
        lead = match.group(0)[: match.start(1) - match.start(0)]
        return lead + table[match.group(1).lower()]

    return spelled


def _texts(expression: object) -> list[str]:
    """The plain words of an `in:` that is one word or a choice of words."""
    if isinstance(expression, TextChunk):
        return [expression.text.strip().lower()]
    if isinstance(expression, Alternative):
        return [text for item in expression.items for text in _texts(item)]
    if isinstance(expression, Sequence):
        return [" ".join(t for item in expression.items for t in _texts(item)).strip()]
    return []


class Spelling:
    """Corrects the words of a clause against the templates' vocabulary."""

    def __init__(
        self, vocabulary: Iterable[str], short: Mapping[str, Mapping[str, str]] | None = None
    ) -> None:
        """``short``: each shorthand list by name (`shorthand`, `opening_shorthand`,
        `ending_shorthand`): what each of its words stands for."""
        self._known = frozenset(vocabulary)
        lists = short or {}
        self._tables = [
            (_pattern(lists[name], where), lists[name])
            for name, where in WHERE.items()
            if lists.get(name)
        ]
        self._by_deletion: dict[str, set[str]] = {}
        for word in self._known:
            if len(word) >= MIN_LENGTH - 1:
                for variant in _deletions(word) | {word}:
                    self._by_deletion.setdefault(variant, set()).add(word)

    def spell_out(self, text: str) -> str:
        """``text`` with its shorthand spelled out: "yh rly helped" -> "yeah really helped"."""
        for pattern, table in self._tables:
            text = pattern.sub(_spelled(table), text)
        return text

    def fix(self, atom: Atom) -> Atom:
        """An atom with its words corrected."""
        return replace(atom, words=tuple(self._word(w) for w in atom.words))

    def correct(self, clause: str) -> str:
        """The clause with each unknown word replaced by its one known neighbour, if unique."""
        words = clause.split()
        return " ".join(self._word(w) for w in words)

    def _word(self, word: str) -> str:
        if word in self._known or word.isdigit():
            return word
        squeezed = _squeeze(word)  # "yesss", "noooo", "pleeease"
        if squeezed in self._known:
            return squeezed
        if word.endswith("in") and word + "g" in self._known:  # "jumpin'", "goin'", "nothin'"
            return word + "g"
        if len(word) < MIN_LENGTH:  # "yse": only two letters swapped, and only one way
            swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
            known = swaps & self._known
            return known.pop() if len(known) == 1 else word
        # One edit away (a letter left out, added, changed or two swapped) means the two
        # share a word with one letter deleted (symmetric delete: Garbe's SymSpell).
        found: set[str] = set()
        for variant in _deletions(word) | {word}:
            found |= self._by_deletion.get(variant, set())
        close = {w for w in found if _one_edit(word, w)}
        return close.pop() if len(close) == 1 else word


def _squeeze(word: str) -> str:
    """Letters typed again and again, once: "yesss" is "yes"."""
    return "".join(c for i, c in enumerate(word) if i == 0 or c != word[i - 1])


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one insertion, deletion or swap of neighbours apart?"""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
