"""A grammar as an epsilon-free word automaton, for engines that take a finite-state grammar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voice.errors import DialogError
from voice.grammar.tree import Alt, GrammarTree, Node, Ref, Words


@dataclass(frozen=True)
class WordAutomaton:
    """An epsilon-free automaton of a grammar: state 0 starts, each arc reads one word."""

    n_states: int
    arcs: tuple[tuple[int, int, str], ...]  # (from state, to state, word)
    final_states: frozenset[int]


def word_automaton(grammar: GrammarTree) -> WordAutomaton:
    """The grammar as a Glushkov automaton (engines mishandle chains of empty moves)."""
    rules = dict(grammar.rules)
    words: list[str] = [""]  # position 0 is the start state
    follow: dict[int, set[int]] = {}

    def build(node: Node, active: frozenset[str]) -> tuple[set[int], set[int], bool]:
        """First positions, last positions and nullability of ``node``, adding its follows."""
        if isinstance(node, Ref):
            if node.rule in active:
                raise DialogError(f"Recursive rule <{node.rule}> cannot be spoken: remove it")
            return build(rules[node.rule], active | {node.rule})
        if isinstance(node, Alt):
            first: set[int] = set()
            last: set[int] = set()
            nullable = node.optional
            for item in node.items:
                f, la, n = build(item, active)
                first |= f
                last |= la
                nullable = nullable or n
            return first, last, nullable
        items = [Words((w,)) for w in node.words] if isinstance(node, Words) else node.items
        first, last, nullable = set(), set(), True
        for item in items:
            if isinstance(item, Words) and len(item.words) == 1:
                words.append(item.words[0])
                f, la, n = {len(words) - 1}, {len(words) - 1}, False
            else:
                f, la, n = build(item, active)
            for position in last:
                follow.setdefault(position, set()).update(f)
            if nullable:
                first |= f
            last = la | (last if n else set())
            nullable = nullable and n
        return first, last, nullable

    first, last, nullable = build(grammar.top, frozenset())
    follow[0] = first
    arcs = tuple(
        (source, target, words[target])
        for source in sorted(follow)
        for target in sorted(follow[source])
    )
    return WordAutomaton(len(words), arcs, frozenset(last | ({0} if nullable else set())))


def accepts(automaton: WordAutomaton, words: Sequence[str]) -> bool:
    """True when ``words`` is a complete phrase of the automaton."""
    states = {0}
    for word in words:
        states = {b for a, b, w in automaton.arcs if a in states and w == word}
    return bool(states & automaton.final_states)
