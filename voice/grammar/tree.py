"""The word-level grammar tree: words, sequences, alternatives, rule references."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Words:
    """A fixed run of words; no words at all is the empty phrase."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Seq:
    """Items said one after another."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    """One of the items, or nothing when optional."""

    items: tuple[Node, ...]  # no items at all means "matches nothing"
    optional: bool = False


@dataclass(frozen=True)
class Ref:
    """The body of a named rule (a hassil list or expansion rule, or an intent)."""

    rule: str


Node = Words | Seq | Alt | Ref
Rules = Mapping[str, Node]


class GrammarTree(Protocol):
    """What the listing, automaton, JSGF and ending code read of a voice.grammar.Grammar."""

    @property
    def name(self) -> str: ...

    @property
    def top(self) -> Node: ...

    @property
    def rules(self) -> tuple[tuple[str, Node], ...]: ...


EMPTY = Words(())
VOID = Alt(())
RULE_NAME_CHARS = re.compile(r"[^A-Za-z0-9_]")  # rule names stay valid JSGF identifiers


def is_void(node: Node) -> bool:
    """Does ``node`` match nothing at all (not even the empty phrase)?"""
    return isinstance(node, Alt) and not node.items and not node.optional


def seq(items: Iterable[Node]) -> Node:
    """The simplest node saying ``items`` in order: nested sequences and empty words flattened."""
    flat: list[Node] = []
    for item in items:
        if is_void(item):
            return VOID
        if isinstance(item, Words) and not item.words:
            continue
        if isinstance(item, Seq):
            flat.extend(item.items)
        else:
            flat.append(item)
    merged: list[Node] = []
    for item in flat:  # join neighbouring plain words so JSGF reads naturally
        if merged and isinstance(item, Words) and isinstance(merged[-1], Words):
            merged[-1] = Words(merged[-1].words + item.words)
        else:
            merged.append(item)
    if not merged:
        return EMPTY
    return merged[0] if len(merged) == 1 else Seq(tuple(merged))


def alt(items: Iterable[Node], optional: bool = False) -> Node:
    """The simplest node saying one of ``items``: duplicates dropped, shared edge words factored."""
    kept: list[Node] = []
    for item in items:
        if is_void(item):
            continue
        if isinstance(item, Words) and not item.words:
            optional = True
        elif isinstance(item, Alt):
            optional = optional or item.optional
            kept.extend(i for i in item.items if i not in kept)
        elif item not in kept:
            kept.append(item)
    if not kept:
        return EMPTY if optional else VOID
    if len(kept) > 1:
        kept = _factor(kept, _split_head, lambda h, r: seq([h, r]))
        kept = _factor(kept, _split_tail, lambda t, r: seq([r, t]))
    if len(kept) == 1 and not optional:
        return kept[0]
    return Alt(tuple(kept), optional)


def _split_head(node: Node) -> tuple[Node, Node]:
    if isinstance(node, Words) and node.words:
        return Words(node.words[:1]), Words(node.words[1:])
    if isinstance(node, Seq):
        head, rest = _split_head(node.items[0])
        return head, seq([rest, *node.items[1:]])
    return node, EMPTY


def _split_tail(node: Node) -> tuple[Node, Node]:
    if isinstance(node, Words) and node.words:
        return Words(node.words[-1:]), Words(node.words[:-1])
    if isinstance(node, Seq):
        tail, rest = _split_tail(node.items[-1])
        return tail, seq([*node.items[:-1], rest])
    return node, EMPTY


def _factor(
    items: list[Node],
    split: Callable[[Node], tuple[Node, Node]],
    join: Callable[[Node, Node], Node],
) -> list[Node]:
    """Share a common first (or last) word among alternatives: pocketsphinx inlines every copy."""
    groups: dict[Node, list[Node]] = {}
    for item in items:
        edge, rest = split(item)
        groups.setdefault(edge, []).append(rest)
    if len(groups) == len(items):
        return items
    out: list[Node] = []
    for edge, rests in groups.items():
        out.append(join(edge, alt(rests)) if len(rests) > 1 else join(edge, rests[0]))
    return out


def refs(node: Node) -> Iterator[str]:
    """Names of the rules ``node`` refers to directly, in order."""
    if isinstance(node, Ref):
        yield node.rule
    elif isinstance(node, (Seq, Alt)):
        for item in node.items:
            yield from refs(item)


def dependency_order(rules: Rules, top: Node | None = None) -> list[str]:
    """Rules reachable from ``top`` (all rules if None), each after the rules it refers to."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(rule: str) -> None:
        if rule in seen:
            return
        seen.add(rule)
        for ref in refs(rules[rule]):
            visit(ref)
        order.append(rule)

    for rule in refs(top) if top is not None else list(rules):
        visit(rule)
    return order
