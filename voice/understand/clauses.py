"""An answer cut into clauses: at punctuation, at words that join clauses, after a first answer.

"yes, although my ankle tingles now" is two clauses, each matched on its own; "pins and
needles" stays one, because the clauses that cover the most words in the fewest pieces win.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from voice.understand.templates import words_of

# Marks between clauses; a full stop between digits ("2.5 weeks") is not one.
_PUNCTUATION = re.compile(r"([,;:!?…()\[\]\u2014\u2013]|(?<!\d)\.|\.(?!\d)|\s-\s)")
_SENTENCE_END = frozenset(".!?…")  # no clause reaches across these: "no. sore?" is not "no sore"
_AND = re.compile(r"\s*[+&]\s*")  # "on my feet all week + lots of coffee"
MAX_CLAUSE_ATOMS = 4  # a clause is at most this many pieces joined again ("pins and needles")
MAX_LEAD_WORDS = 4  # "no", "yeah no", "i don't think so": how long a first answer can be
MAX_SPLIT_WORDS = 8  # a piece cut in two where no mark or joining word says so
MAX_SPLIT_PIECES = 4  # a long unmarked piece is cut into at most this many clauses
MIN_PIECE_WORDS = 2  # and none shorter than this
MAX_ATOMS = 16  # more pieces than this is not one answer; the rest is left not understood


@dataclass(frozen=True)
class Atom:
    """A run of words between two clause marks; ``joint`` is what joined it to the previous."""

    words: tuple[str, ...]
    joint: tuple[str, ...] = ()  # the joining words before it ("but", "and"); () at punctuation
    sentence: bool = False  # it starts a new sentence (after ". ! ?"): no clause spans into it
    asks: bool = False  # it ends with a question mark: "weak? no" echoes the question
    lead: bool = False  # a first answer cut from the words after it (with_leads)


def atoms(
    text: str,
    joining: Callable[[tuple[str, ...], int], int],
    repairs: Callable[[tuple[str, ...]], bool] | None = None,
    ends: Callable[[tuple[str, ...]], frozenset[int]] | None = None,
) -> list[Atom]:
    """The pieces of ``text``: cut at punctuation, at joining words (which start no piece) and
    where a sentence's ending says it is over, unpunctuated ("없습니다 힘은 멀쩡합니다").

    An answer's first word, and the last word of a piece, never join; but a piece that is
    only a self-repair ("two days... no wait, twelve") joins the piece after it to what came
    before, so that what came before is taken back.

    ``joining(words, i)`` tells how many of the words from ``words[i]`` join clauses (0:
    none); ``repairs(words)`` whether all of ``words`` is a self-repair; ``ends(words)``
    where in ``words`` a sentence ended (a cut there is like a comma: the pieces may still be
    read again as one clause).
    """
    found: list[Atom] = []
    split = _PUNCTUATION.split(_AND.sub(" and ", text))
    marks = [*split[1::2], ""]  # the mark after each piece
    pending: tuple[str, ...] = ()  # a piece that was only a self-repair
    for number, piece in enumerate(split[::2]):
        words = tuple(words_of(piece).split())
        if number and repairs is not None and words and repairs(words):
            pending = words
            continue
        start = len(found)
        current: list[str] = []
        joint, pending = pending, ()
        stops = ends(words) if ends is not None else frozenset()
        i = 0
        while i < len(words):
            if i in stops and current:
                found.append(Atom(tuple(current), joint))
                current, joint = [], ()
            n = joining(words, i)
            # A joining word needs something to join: not the answer's first word, and not
            # a piece's last ("now and then" is one clause; "요즘" is not "요" + "즘").
            if n and (i + n >= len(words) or (number == 0 and i == 0)):
                n = 0
            if n:
                if current:
                    found.append(Atom(tuple(current), joint))
                current, joint = [], (*(() if current else joint), *words[i : i + n])
                i += n
                continue
            current.append(words[i])
            i += 1
        if current:
            found.append(Atom(tuple(current), joint))
        if len(found) > start:
            after_end = number > 0 and marks[number - 1] in _SENTENCE_END
            found[start] = replace(found[start], sentence=after_end)
            found[-1] = replace(found[-1], asks=marks[number] == "?")
    return found[:MAX_ATOMS]


def text_of(pieces: list[Atom]) -> str:
    """Atoms joined again as one clause, with the words that joined them."""
    words: list[str] = []
    for index, atom in enumerate(pieces):
        if index:
            words.extend(atom.joint)
        words.extend(atom.words)
    return " ".join(words)


def with_leads(pieces: list[Atom], is_answer: Callable[[str], bool]) -> list[Atom]:
    """Each atom also cut after a first answer: "no it's been three weeks" -> "no" | "it's ...";
    a word said twice at the end of the answer goes with what follows ("no no weakness")."""
    out: list[Atom] = []
    for atom in pieces:
        for n in range(min(MAX_LEAD_WORDS, len(atom.words) - 1), 0, -1):
            if is_answer(" ".join(atom.words[:n])):
                if n > 1 and atom.words[n - 1] == atom.words[n - 2]:
                    n -= 1  # "no no weakness": "no" | "no weakness", the second no is its own
                out.append(Atom(atom.words[:n], atom.joint, atom.sentence, lead=True))
                out.append(Atom(atom.words[n:], asks=atom.asks))
                break
        else:
            out.append(atom)
    return out


T = TypeVar("T")


@dataclass(frozen=True)
class Clause(Generic[T]):
    """A clause of an answer and what it parsed to (None: nothing)."""

    text: str
    parsed: T | None
    joined: bool = False  # a joining word ("but", "and") came before it
    asks: bool = False  # it ended with a question mark
    joint: tuple[str, ...] = ()  # the joining words before it: ("but",), ("no", "wait")
    sentence: bool = False  # it starts a new sentence


def segment(
    pieces: list[Atom],
    parse: Callable[[str, bool], T | None],
    split: Callable[[tuple[str, ...]], list[tuple[str, T | None]]] | None = None,
) -> list[Clause[T]]:
    """The clauses covering the most words in the fewest pieces, each with what it parsed to.

    A run of up to MAX_CLAUSE_ATOMS atoms within one sentence may form one clause; a piece
    nothing understands is kept on its own, as not understood. ``parse(clause, alone)`` is
    told whether the clause is one atom: a template's wildcard may only take words within one
    ("when I walk far"), never words across a joint, which may say something else ("…, and
    my toe is numb"). A long piece nothing understands, as speech is transcribed without
    marks, may also be cut into the clauses ``split(words)`` finds ("no the rest of me is
    fine | its just the wee toe").
    """
    n = len(pieces)
    # best[i]: (words understood, -clauses, answers rejoined) for pieces[i:], and the clauses
    best: list[tuple[tuple[int, int, int], list[Clause[T]]]] = [((0, 0, 0), [])] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + MAX_CLAUSE_ATOMS) + 1):
            if j > i + 1 and pieces[j - 1].sentence:
                break  # "no. sore?": two sentences, never one clause
            clause = text_of(pieces[i:j])
            parsed = parse(clause, j == i + 1)  # a wildcard never spans a joint
            if parsed is None and j == i + 2 and pieces[i].lead:
                # cut after a first answer, but the answer belonged to what followed it:
                # "no swelling just the twitch" is "no swelling" | "just the twitch"
                # (on a tie it wins: "nope no numbness" is "nope" | "no numbness")
                (rest_words, rest_clauses, rest_bound), rest = best[j]
                both = (*pieces[i].words, *pieces[i + 1].words)
                halves = split_in_two(both, parse)
                if not halves and split is not None:
                    halves = split(both)  # "no | tingling at all | my foot feels normal"
                if halves:
                    cut = _cut(halves, pieces[i].joint, pieces[i + 1].asks)
                    score = (_read(halves) + rest_words, rest_clauses - len(cut), rest_bound + 1)
                    options.append((score, [*cut, *rest]))
            if parsed is None and j > i + 1:
                continue
            covered = sum(len(a.words) for a in pieces[i:j]) if parsed is not None else 0
            (rest_words, rest_clauses, rest_bound), rest = best[j]
            score = (covered + rest_words, rest_clauses - 1, rest_bound)
            joined = bool(pieces[i].joint)
            first_clause = Clause(
                clause, parsed, joined, pieces[j - 1].asks, pieces[i].joint, pieces[i].sentence
            )
            options.append((score, [first_clause, *rest]))
            if parsed is None:  # "no swelling no redness": two clauses with nothing between
                halves = split_in_two(pieces[i].words, parse)
                after_lead = i > 0 and pieces[i - 1].lead  # split with its lead, above
                if not halves and split is not None and not after_lead:
                    cuts = split(pieces[i].words)
                    if cuts:
                        score = (_read(cuts) + rest_words, rest_clauses - len(cuts), rest_bound)
                        said = _cut(cuts, pieces[i].joint, pieces[i].asks)
                        options.append((score, [*said, *rest]))
                if halves:
                    score = (len(pieces[i].words) + rest_words, rest_clauses - 2, rest_bound)
                    (left, first), (right, second) = halves
                    cut = [
                        Clause(left, first, joined, joint=pieces[i].joint),
                        Clause(right, second, asks=pieces[i].asks),
                    ]
                    options.append((score, [*cut, *rest]))
        best[i] = max(options, key=lambda option: option[0])
    return best[0][1]


def _cut(pieces: list[tuple[str, T | None]], joint: tuple[str, ...], asks: bool) -> list[Clause[T]]:
    """One piece's clauses: the first joined as the piece was, the last asking if it did."""
    cut = [Clause(text, meant) for text, meant in pieces]
    cut[0] = replace(cut[0], joined=bool(joint), joint=joint)
    cut[-1] = replace(cut[-1], asks=asks)
    return cut


def _read(pieces: list[tuple[str, T | None]]) -> int:
    """How many words of ``pieces`` were understood."""
    return sum(len(text.split()) for text, meant in pieces if meant is not None)


def split_at(
    words: tuple[str, ...], parse: Callable[[str, bool], T | None], starts: frozenset[int]
) -> list[tuple[str, T | None]]:
    """``words`` cut at some of ``starts`` into the clauses that understand the most words in
    the fewest pieces (at most MAX_SPLIT_PIECES, each of MIN_PIECE_WORDS or more); [] when no
    cut understands any."""
    cuts = sorted(c for c in starts if MIN_PIECE_WORDS <= c <= len(words) - MIN_PIECE_WORDS)
    points = [0, *cuts, len(words)]
    # best[k]: (words understood, -pieces) for words[points[k]:], and its pieces
    best: dict[int, tuple[tuple[int, int], list[tuple[str, T | None]]]] = {
        len(points) - 1: ((0, 0), [])
    }
    for k in range(len(points) - 2, -1, -1):
        options = []
        for m in range(k + 1, len(points)):
            (rest_words, rest_pieces), rest = best[m]
            if len(rest) >= MAX_SPLIT_PIECES:
                continue
            text = " ".join(words[points[k] : points[m]])
            meant = parse(text, True)
            covered = points[m] - points[k] if meant is not None else 0
            options.append(((covered + rest_words, rest_pieces - 1), [(text, meant), *rest]))
        best[k] = max(options, key=lambda option: option[0])
    (understood, _), pieces = best[0]
    return pieces if understood and len(pieces) > 1 else []


def split_in_two(
    words: tuple[str, ...], parse: Callable[[str, bool], T | None]
) -> list[tuple[str, T | None]]:
    """The first cut of ``words`` into two clauses that both mean something, or []."""
    if len(words) > MAX_SPLIT_WORDS:
        return []
    for cut in range(1, len(words)):
        left, right = " ".join(words[:cut]), " ".join(words[cut:])
        first = parse(left, True)
        if first is None:
            continue
        second = parse(right, True)
        if second is not None:
            return [(left, first), (right, second)]
    return []
