"""Where a spoken phrase can end: what the endpointer asks of the words heard so far.

A grammar compiled from intents has one alternative per intent. Words that complete a phrase
of some intent, and that no other intent's phrase goes on from, are *settled*: whatever the
person adds can only say the same thing ("no" ... "it doesn't"), so the turn may end after a
short pause. Words that complete a phrase but could still become another intent's ("i don't"
... "know") are *open*; words that only start a phrase ("about two") are *partial*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from voice.grammar.automaton import WordAutomaton, word_automaton
from voice.grammar.tree import Alt, GrammarTree, Ref

SETTLED, OPEN, PARTIAL, OFF = "settled", "open", "partial", "off"


@dataclass(frozen=True)
class Endings:
    """One word automaton per intent of a grammar (one for a plain phrase list)."""

    automata: tuple[WordAutomaton, ...]

    def ending(self, words: Sequence[str]) -> str:
        """settled, open, partial, or off (not the start of any phrase)."""
        complete: set[int] = set()
        going_on: set[int] = set()
        for index, automaton in enumerate(self.automata):
            states = _states_after(automaton, words)
            if states & automaton.final_states:
                complete.add(index)
            if any(a in states for a, _, _ in automaton.arcs):
                going_on.add(index)
        if complete:
            return SETTLED if going_on <= complete else OPEN
        return PARTIAL if going_on else OFF


def endings(grammar: GrammarTree) -> Endings:
    """The Endings of ``grammar``, split by the intents its top level names."""
    top = grammar.top
    items = top.items if isinstance(top, Alt) and not top.optional else (top,)
    if not all(isinstance(item, Ref) for item in items):
        return Endings((word_automaton(grammar),))
    parts = (replace(grammar, top=item) for item in items)  # type: ignore[type-var]  # Grammar is a dataclass
    return Endings(tuple(word_automaton(part) for part in parts))


def _states_after(automaton: WordAutomaton, words: Sequence[str]) -> set[int]:
    states = {0}
    for word in words:
        states = {b for a, b, w in automaton.arcs if a in states and w == word}
        if not states:
            break
    return states
