"""The word graph templates are compiled to: words, sequences, alternatives, shared rules,
slots; and what each node can begin with (to try only the templates a clause can match)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

NO_SLOTS: Mapping[str, Any] = MappingProxyType({})

# --- the word graph ------------------------------------------------------------------------
# Tens of thousands of nodes (English: 25k Words, 13k Seq): slots=True keeps each one small.


@dataclass(eq=False, slots=True)
class Words:
    words: tuple[str, ...]
    slots: Mapping[str, Any] = field(default_factory=lambda: NO_SLOTS)  # glued parts: filled


@dataclass(eq=False, slots=True)
class Seq:
    items: list[Node]


@dataclass(eq=False, slots=True)
class Alt:
    items: list[Node]
    optional: bool = False
    by_first: dict[str, list[Node]] = field(default_factory=dict)  # items by their first word
    other: list[Node] = field(default_factory=list)  # items that may start with any word


@dataclass(eq=False, slots=True)
class Rule:
    name: str
    body: Node | None = None


@dataclass(eq=False, slots=True)
class Slot:
    name: str
    values: Node | None  # a list's values, each a Value; None for a wildcard
    numbers: Mapping[tuple[str, ...], float] = field(default_factory=dict)  # a range's words


@dataclass(eq=False, slots=True)
class Value:
    body: Node
    value: Any


Node = Words | Seq | Alt | Rule | Slot | Value


def alt(items: list[Node], optional: bool = False) -> Alt:
    return Alt(items, optional)


def index(root: Node) -> None:
    """Index every alternative under ``root`` by the first words of its items."""
    firsts: dict[int, tuple[frozenset[str] | None, bool]] = {}
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Alt):
            node.by_first.clear()
            node.other.clear()
            for item in node.items:
                words, empty = first(item, firsts)
                if words is None or empty:
                    node.other.append(item)
                else:
                    for word in words:
                        node.by_first.setdefault(word, []).append(item)
        stack.extend(children(node))


def children(node: Node) -> list[Node]:
    if isinstance(node, (Seq, Alt)):
        return list(node.items)
    if isinstance(node, Rule):
        return [node.body] if node.body is not None else []
    if isinstance(node, Slot):
        return [node.values] if node.values is not None else []
    if isinstance(node, Value):
        return [node.body]
    return []


def first(
    node: Node, memo: dict[int, tuple[frozenset[str] | None, bool]]
) -> tuple[frozenset[str] | None, bool]:
    """The words a match of ``node`` can begin with (None: any), and whether it can be empty."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = (None, True)  # while working it out (a rule within itself): anything
    result: tuple[frozenset[str] | None, bool]
    if isinstance(node, Words):
        result = (frozenset(node.words[:1]), False) if node.words else (frozenset(), True)
    elif isinstance(node, Seq):
        found: set[str] = set()
        result = (frozenset(), True)
        for item in node.items:
            words, empty = first(item, memo)
            if words is None:
                result = (None, True)
                break
            found |= words
            if not empty:
                result = (frozenset(found), False)
                break
        else:
            result = (frozenset(found), True)
    elif isinstance(node, Alt):
        found = set()
        empty_any = node.optional
        result = (None, True)
        for item in node.items:
            words, empty = first(item, memo)
            if words is None:
                break
            found |= words
            empty_any = empty_any or empty
        else:
            result = (frozenset(found), empty_any)
    elif isinstance(node, Slot):
        if node.values is not None:
            result = first(node.values, memo)
        elif node.numbers:
            result = (frozenset(w[0] for w in node.numbers), False)
        else:
            result = (None, False)
    elif isinstance(node, Rule):
        result = first(node.body, memo) if node.body is not None else (frozenset(), True)
    else:
        result = first(node.body, memo)
    memo[key] = result
    return result
