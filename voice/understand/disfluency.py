"""Words said twice in a row, said once: "it's been um it's been three days", "i don't i don't".

Speech (and typing in a hurry) repeats itself: a restart repeats the words before it, with a
filler or nothing between. The repeat says nothing new, and no template expects it, so the
first copy is dropped. A single word said twice ("no no", "very very") may be emphasis and is
kept (dropping it lost a warning sign on the held-out corpus). Punctuation inside a repeat
("no. no") is kept as written: a sentence end may matter to the clause reader.
"""

from __future__ import annotations

import re
from collections.abc import Collection

MIN_REPEAT, MAX_REPEAT = 2, 3  # words in a repeated run: "i don't | i don't", "it's been | …"
_TOKEN = re.compile(r"\S+")
_CORE = re.compile(r"[^\w']+")


def said_once(text: str, fillers: Collection[str] = ()) -> str:
    """``text`` with each run of two or three words said again right after it (fillers such
    as "um" between) said once."""
    tokens = _TOKEN.findall(text)
    cores = [_CORE.sub("", t.lower()) for t in tokens]
    kept: list[int] = []
    i = 0
    while i < len(tokens):
        dropped = _repeat_at(tokens, cores, i, fillers)
        if dropped:
            i += dropped  # the first copy (and the fillers after it) is dropped
            continue
        kept.append(i)
        i += 1
    return " ".join(tokens[k] for k in kept)


def _repeat_at(tokens: list[str], cores: list[str], i: int, fillers: Collection[str]) -> int:
    """How many tokens from ``i`` are a run said again right after (0: none)."""
    for n in range(MAX_REPEAT, MIN_REPEAT - 1, -1):
        run = cores[i : i + n]
        if len(run) < n or not all(run) or any(c in fillers for c in run):
            continue
        if any(tokens[k] != tokens[k].rstrip(",.;:!?") for k in range(i, i + n)):
            continue  # a mark inside or right after the run: said as written
        j = i + n
        while j < len(cores) and cores[j] in fillers:
            j += 1
        if cores[j : j + n] == run:
            return j - i
    return 0
