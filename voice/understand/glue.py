"""Template parts written without a space between them ("발[이|가]", "{count}일", "pin(s)"):
which parts are glued, and every text a glued run can say, with the slot values it fills."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from hassil.expression import (
    Alternative,
    Expression,
    ListReference,
    Permutation,
    RuleReference,
    Sentence,
    Sequence,
    TextChunk,
)
from hassil.intents import RangeSlotList, SlotList, TextSlotList

from voice.errors import DialogError
from voice.understand.words import breaks

MAX_RULE_DEPTH = 24  # expansion rules that refer to each other this deep are a loop


_SPACE, _CHAR, _EMPTY = "space", "char", "empty"


def clusters(items: list[Expression], rules: Mapping[str, Sentence]) -> Iterator[list[Expression]]:
    """Sequence items grouped where no space separates them."""
    cluster: list[Expression] = []
    for item in items:
        glued = cluster and not (
            _edge(cluster[-1], rules, last=True) <= {_SPACE}
            or _edge(item, rules, last=False) <= {_SPACE}
        )
        if cluster and not glued:
            yield cluster
            cluster = []
        cluster.append(item)
    if cluster:
        yield cluster


def _edge(expr: Expression, rules: Mapping[str, Sentence], last: bool, depth: int = 0) -> set[str]:
    """What the first (or last) character of ``expr`` can be: a space, a word char, or nothing."""
    if depth > MAX_RULE_DEPTH:
        return {_CHAR, _EMPTY}
    if isinstance(expr, TextChunk):
        if not expr.text:
            return {_EMPTY}
        return {_SPACE if breaks(expr.text[-1] if last else expr.text[0]) else _CHAR}
    if isinstance(expr, RuleReference):
        body = rules.get(expr.rule_name)
        return {_CHAR, _EMPTY} if body is None else _edge(body.expression, rules, last, depth + 1)
    if isinstance(expr, ListReference):
        return {_CHAR}
    if isinstance(expr, Alternative):
        if blank(expr):
            return {_SPACE}  # "[ ]": a space or none, and a word may end there either way
        found = set().union(*(_edge(i, rules, last, depth + 1) for i in expr.items))
        return found | ({_EMPTY} if expr.is_optional else set())
    if isinstance(expr, Permutation):  # hassil pads permutation items with spaces
        return {_SPACE}
    if isinstance(expr, Sequence):
        found = {_EMPTY}
        for item in reversed(expr.items) if last else expr.items:
            sub = _edge(item, rules, last, depth + 1)
            found = (found - {_EMPTY}) | sub
            if _EMPTY not in sub:
                break
        return found
    return {_CHAR, _EMPTY}


def blank(expr: Expression) -> bool:
    """Is this only spaces, or nothing ("[ ]")?"""
    if isinstance(expr, TextChunk):
        return not expr.text.strip()
    if isinstance(expr, (Sequence, Alternative)):
        return all(blank(i) for i in expr.items)
    return False


def glued(
    items: list[Expression],
    lists: Mapping[str, SlotList],
    rules: Mapping[str, Sentence],
    depth: int,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every text a run of items can say, with the slot values it fills."""
    if not items:
        yield "", {}
        return
    for head, head_slots in _says(items[0], lists, rules, depth):
        for tail, tail_slots in glued(items[1:], lists, rules, depth):
            yield head + tail, {**head_slots, **tail_slots}


def _says(
    expr: Expression, lists: Mapping[str, SlotList], rules: Mapping[str, Sentence], depth: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    if depth > MAX_RULE_DEPTH:
        raise DialogError("expansion rules refer to each other in a loop")
    if isinstance(expr, TextChunk):
        yield expr.text, {}
    elif isinstance(expr, Alternative):
        for item in expr.items:
            yield from _says(item, lists, rules, depth + 1)
        if expr.is_optional:
            yield "", {}
    elif isinstance(expr, Sequence):
        yield from glued(expr.items, lists, rules, depth + 1)
    elif isinstance(expr, Permutation):
        for order in itertools.permutations(expr.items):
            yield from glued([TextChunk(" "), *order, TextChunk(" ")], lists, rules, depth + 1)
    elif isinstance(expr, RuleReference):
        body = rules.get(expr.rule_name)
        if body is None:
            raise DialogError(f"missing expansion rule <{expr.rule_name}>: define it")
        yield from _says(body.expression, lists, rules, depth + 1)
    elif isinstance(expr, ListReference):
        yield from _list_says(expr, lists.get(expr.list_name), lists, rules, depth)
    else:
        raise DialogError(f"unsupported template expression {expr!r}")


def _list_says(
    ref: ListReference,
    slot_list: SlotList | None,
    lists: Mapping[str, SlotList],
    rules: Mapping[str, Sentence],
    depth: int,
) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(slot_list, TextSlotList):
        for value in slot_list.values:
            for text, _ in _says(value.text_in, lists, rules, depth + 1):
                yield text, {ref.slot_name: value.value_out}
    elif isinstance(slot_list, RangeSlotList):
        for number in slot_list.get_numbers():
            if slot_list.digits:
                yield str(number), {ref.slot_name: number}
    else:
        raise DialogError(f"{{{ref.list_name}}} cannot be written without spaces around it")
