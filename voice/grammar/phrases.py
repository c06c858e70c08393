"""What a grammar tree says: counting, listing and pruning its phrases."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable

from voice.grammar.tree import (
    VOID,
    Alt,
    GrammarTree,
    Node,
    Ref,
    Rules,
    Seq,
    Words,
    alt,
    dependency_order,
    is_void,
    seq,
)

_LOGGER = logging.getLogger(__name__)

MAX_PHRASES = 200_000  # a vosk grammar beyond this is a mistake in the templates

_Phrases = list[tuple[str, ...]]


def list_phrases(name: str, top: Node, rules: Rules) -> tuple[str, ...]:
    """Every non-empty phrase of ``top``, sorted; past MAX_PHRASES, a subset using every word."""
    total = _count(top, rules, {})
    if total <= MAX_PHRASES:
        words_list = _expand(top, rules, {})
    else:
        # Too many to list: the tree stays exact; phrase-list engines get every alternative.
        _LOGGER.warning(
            "Grammar %s accepts %d phrases; listing a covering subset for phrase-list engines",
            name,
            total,
        )
        words_list = _cover(top, rules, {})
    return tuple(sorted({" ".join(words) for words in words_list if words}))


def phrase_count(grammar: GrammarTree) -> int:
    """How many word sequences ``grammar`` accepts (may exceed ``len(phrases)``)."""
    rules = dict(grammar.rules)
    return _count(grammar.top, rules, {}) - (1 if _nullable(grammar.top, rules) else 0)


def speakable(top: Node, rules: Rules) -> bool:
    """Does ``top`` accept at least one non-empty phrase?"""
    return any(_cover(top, rules, {}))


def prune(top: Node, rules: Rules, banned: frozenset[str]) -> tuple[Node, dict[str, Node]]:
    """The tree minus every alternative that needs one of the ``banned`` words."""
    pruned: dict[str, Node] = {}

    def walk(node: Node) -> Node:
        if isinstance(node, Words):
            return VOID if banned.intersection(node.words) else node
        if isinstance(node, Seq):
            return seq(walk(i) for i in node.items)
        if isinstance(node, Alt):
            return alt((walk(i) for i in node.items), node.optional)
        return node if not is_void(pruned[node.rule]) else VOID

    for rule in dependency_order(rules):
        pruned[rule] = walk(rules[rule])
    return walk(top), pruned


def _count(node: Node, rules: Rules, memo: dict[str, int]) -> int:
    """Derivations of ``node`` (an upper bound on distinct phrases; exact without ambiguity)."""
    if isinstance(node, Words):
        return 1
    if isinstance(node, Ref):
        if node.rule not in memo:
            memo[node.rule] = 0
            memo[node.rule] = _count(rules[node.rule], rules, memo)
        return memo[node.rule]
    if isinstance(node, Alt):
        return sum(_count(i, rules, memo) for i in node.items) + (1 if node.optional else 0)
    total = 1
    for item in node.items:
        total *= _count(item, rules, memo)
    return total


def _nullable(node: Node, rules: Rules) -> bool:
    return () in _cover(node, rules, {})


def _cover(node: Node, rules: Rules, memo: dict[str, _Phrases]) -> _Phrases:
    """A few phrases of ``node`` that together use every alternative at least once."""
    return _phrases(node, rules, memo, _zip_cover)


def _expand(node: Node, rules: Rules, memo: dict[str, _Phrases]) -> _Phrases:
    """Every phrase of ``node``."""
    return _phrases(node, rules, memo, _product)


def _phrases(
    node: Node,
    rules: Rules,
    memo: dict[str, _Phrases],
    join: Callable[[list[_Phrases]], _Phrases],
) -> _Phrases:
    """Phrases of ``node``, a sequence's parts combined by ``join``."""
    if isinstance(node, Words):
        return [node.words]
    if isinstance(node, Ref):
        if node.rule not in memo:
            memo[node.rule] = []  # a recursive rule contributes nothing
            memo[node.rule] = _phrases(rules[node.rule], rules, memo, join)
        return memo[node.rule]
    if isinstance(node, Alt):
        out = [w for i in node.items for w in _phrases(i, rules, memo, join)]
        return [*out, ()] if node.optional else out
    return join([_phrases(i, rules, memo, join) for i in node.items])


def _product(parts: list[_Phrases]) -> _Phrases:
    return [tuple(w for p in combo for w in p) for combo in itertools.product(*parts)]


def _zip_cover(parts: list[_Phrases]) -> _Phrases:
    if any(not p for p in parts):
        return []
    longest = max(len(p) for p in parts)
    return [tuple(w for p in parts for w in p[k % len(p)]) for k in range(longest)]
