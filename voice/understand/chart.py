"""Matching a clause against the word graph: where a match of each node, started at each
word, can end (worked out once each), and one way it matches, with the slots it fills."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from voice.understand.graph import Alt, Node, Rule, Seq, Slot, Value, Words

_NONE: frozenset[int] = frozenset()


class Chart:
    """Where a match of each node, started at each word, can end (worked out once each)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self._ends: dict[tuple[int, int], frozenset[int]] = {}

    def ends(self, node: Node, start: int) -> frozenset[int]:
        if isinstance(node, Words):  # the common case, worked out at once
            end = start + len(node.words)
            return frozenset((end,)) if self.words[start:end] == node.words else _NONE
        key = (id(node), start)
        found = self._ends.get(key)
        if found is None:
            self._ends[key] = frozenset()  # a rule reached again at the same word: no match
            found = self._ends[key] = frozenset(self._compute(node, start))
        return found

    def _compute(self, node: Node, start: int) -> Iterator[int]:
        words = self.words
        if isinstance(node, Words):
            end = start + len(node.words)
            if words[start:end] == node.words:
                yield end
        elif isinstance(node, Seq):
            positions = {start}
            for item in node.items:
                positions = {e for p in positions for e in self.ends(item, p)}
                if not positions:
                    return
            yield from positions
        elif isinstance(node, Alt):
            if node.optional:
                yield start
            if start < len(words):
                for item in node.by_first.get(words[start], ()):
                    yield from self.ends(item, start)
            for item in node.other:
                yield from self.ends(item, start)
        elif isinstance(node, Rule):
            if node.body is not None:
                yield from self.ends(node.body, start)
        elif isinstance(node, Slot):
            if node.values is not None:
                yield from self.ends(node.values, start)
            elif node.numbers:
                for length in (1, 2, 3):
                    if words[start : start + length] in node.numbers:
                        yield start + length
            else:  # a wildcard: one word or more
                yield from range(start + 1, len(words) + 1)
        elif isinstance(node, Value):
            yield from self.ends(node.body, start)

    def derive(self, node: Node, start: int, end: int, slots: dict[str, Any]) -> bool:
        """Fill ``slots`` from one way ``node`` matches words[start:end]."""
        if end not in self.ends(node, start):
            return False
        if isinstance(node, Words):
            slots.update(node.slots)
            return True
        if isinstance(node, Seq):
            return self._derive_seq(node.items, start, end, slots)
        if isinstance(node, Alt):
            if node.optional and start == end:
                return True
            return any(self._try(item, start, end, slots) for item in node.items)
        if isinstance(node, Rule):
            return node.body is not None and self.derive(node.body, start, end, slots)
        if isinstance(node, Slot):
            said = self.words[start:end]
            if node.values is None and not node.numbers:
                slots[node.name] = " ".join(said)
                return True
            if node.numbers:
                slots[node.name] = node.numbers[said]
                return True
            inner: dict[str, Any] = {}
            if not self.derive(node.values, start, end, inner):  # type: ignore[arg-type]
                return False
            slots[node.name] = inner.pop("_value")
            slots.update(inner)
            return True
        if isinstance(node, Value):
            slots["_value"] = node.value
            return self.derive(node.body, start, end, slots)
        return False

    def _try(self, node: Node, start: int, end: int, slots: dict[str, Any]) -> bool:
        trial: dict[str, Any] = {}
        if self.derive(node, start, end, trial):
            slots.update(trial)
            return True
        return False

    def _derive_seq(self, items: list[Node], start: int, end: int, slots: dict[str, Any]) -> bool:
        if not items:
            return start == end
        first, rest = items[0], items[1:]
        for middle in sorted(self.ends(first, start), reverse=True):
            if middle > end or not self._reaches(rest, middle, end):
                continue
            trial: dict[str, Any] = {}
            if self.derive(first, start, middle, trial) and self._derive_seq(
                rest, middle, end, trial
            ):
                slots.update(trial)
                return True
        return False

    def _reaches(self, items: list[Node], start: int, end: int) -> bool:
        positions = {start}
        for item in items:
            positions = {e for p in positions for e in self.ends(item, p) if e <= end}
        return end in positions
