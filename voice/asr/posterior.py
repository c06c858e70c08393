"""A posterior per meaning: Whisper scores the question's likely phrases and its own free
decoding ("something else"), and the phrases' probabilities are summed by what they mean.

Candidates: the free decoding; the grammar phrases nearest to it (word edit distance); the
grammar decoder's hypothesis when there is one. Each is scored by the model (log P(text |
audio), voice/asr/whisper.py); a meaning's score is the log of the summed probabilities of its
phrases. The free decoding stands for everything the question does not expect: when it means
nothing to the dialog ("Thank you.", a runaway) it is the "something else" alternative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from voice.asr.whisper import FreeDecoding, words

NEAREST = 4  # grammar phrases kept per free decoding
MARGIN_CAP = 20.0  # log-probability margin past which more says nothing new
FLOOR_LOGPROB = -40.0

Meaning = Callable[[str], Hashable | None]  # text -> what it means to the dialog (None: nothing)


@dataclass(frozen=True)
class Weighed:
    """The meanings weighed for one answer."""

    text: str  # the words to hand the dialog: the best phrase of the best meaning
    meaning: Hashable | None  # None: something else won
    features: dict[str, float]  # evidence for the confidence model


def candidates(phrases: Sequence[str], free: FreeDecoding, hint: str | None) -> list[str]:
    """The texts worth scoring, as plain lower-case words (the free decoding first)."""
    heard = " ".join(words(free.text))
    found = [heard] if heard else []
    if heard:
        found += nearest(phrases, words(free.text), NEAREST)
    if hint:
        found.append(hint)
    return list(dict.fromkeys(found))  # in order, once each


def nearest(phrases: Sequence[str], heard: list[str], count: int) -> list[str]:
    """The ``count`` phrases closest to ``heard`` by word edit distance (ties: shorter)."""
    ranked = sorted(
        phrases,
        key=lambda p: (_distance(p.split(), heard) / max(len(heard), len(p.split())), len(p)),
    )
    return ranked[:count]


def _distance(a: list[str], b: list[str]) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def weigh(
    texts: Sequence[str],
    scores: Sequence[float],
    meaning: Meaning,
    free: FreeDecoding,
    phrases: frozenset[str],
    hint: str | None,
) -> Weighed:
    """The best meaning, its words and the evidence, from the scored candidates.

    The margin is the best meaning's log-probability over the strongest alternative, another
    meaning or something else (negative when the alternative is stronger). Something else
    never wins outright: the free decoding is the model's own best guess, so it is often well
    ahead of a grammar phrase that says the same in other words ("a little bit US." for "a
    little bit yes"); how far ahead it is is evidence, and the confidence model (fitted on
    the tune set) decides whether the best meaning is taken, confirmed or asked again.
    Meaning is None only when no candidate means anything."""
    by_meaning: dict[Hashable | None, list[tuple[float, str]]] = {}
    for text, score in zip(texts, scores, strict=True):
        by_meaning.setdefault(meaning(text), []).append((max(FLOOR_LOGPROB, score), text))
    totals = {sense: _logsumexp([s for s, _ in found]) for sense, found in by_meaning.items()}
    elsewhere = totals.pop(None, FLOOR_LOGPROB)
    if not totals:
        return Weighed(
            "", None, _features(FLOOR_LOGPROB, -MARGIN_CAP, elsewhere, free, False, False)
        )
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    best, best_score = ranked[0]
    runner_up = max(ranked[1][1] if len(ranked) > 1 else FLOOR_LOGPROB, elsewhere)
    free_text = " ".join(words(free.text))
    features = _features(
        best_score,
        best_score - runner_up,
        elsewhere,
        free,
        bool(free_text) and meaning(free_text) == best,
        hint is not None and meaning(hint) == best,
    )
    # The words handed on: a grammar phrase of the best meaning if one was scored (the spoken
    # grammar holds what the dialog understands), else the free decoding's words.
    in_grammar = [(s, t) for s, t in by_meaning[best] if t in phrases]
    return Weighed(max(in_grammar or by_meaning[best])[1], best, features)


def _features(
    score: float,
    margin: float,
    elsewhere: float,
    free: FreeDecoding,
    free_agrees: bool,
    hint_agrees: bool,
) -> dict[str, float]:
    return {
        "logprob": max(FLOOR_LOGPROB, score),
        "margin": max(-MARGIN_CAP, min(MARGIN_CAP, margin)),
        "else_ahead": max(-MARGIN_CAP, min(MARGIN_CAP, elsewhere - score)),
        "free_agrees": float(free_agrees),
        "grammar_agrees": float(hint_agrees),
        "no_speech": free.no_speech,
        "runaway": float(free.runaway),
    }


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))
