"""Hassil's sentence templates compiled to a word graph, matched a clause at a time.

hassil parses the templates (the intents files stay in Home Assistant's format) and stays the
reference; its matcher backtracks character by character and takes 5 to 15 ms a call, and a
regular expression built from the same templates backtracks exponentially on the many
optional words of a clause that fits nothing. Here each template is a graph of words, shared
expansion rules are shared nodes, and a clause is matched by working out, once per node and
word position, where a match starting there can end: time grows with the words, never with
the ways of reading them. A clause takes well under a millisecond (bench/understanding.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hassil import Intents
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
from hassil.intents import RangeSlotList, SlotList, TextSlotList, WildcardSlotList
from hassil.numbers import get_rbnf_engine

from voice.errors import DialogError

MAX_RULE_DEPTH = 24  # expansion rules that refer to each other this deep are a loop
MAX_GLUED = 5000  # a run of template parts written without spaces expands to at most this
_NON_WORD = re.compile(r"[^\w\s]|_")
_DIGITS = re.compile(r"(?<=\d)(?=[^\W\d])|(?<=[^\W\d])(?=\d)")  # "3wks", "20th", "3일"
_HANGUL = "\uac00-\ud7a3"
_SYLLABLES = re.compile(f"(?<=[{_HANGUL}])|(?=[{_HANGUL}])")


def words_of(text: str) -> str:
    """Text as the matcher compares it: lower case, words split by one space.

    Punctuation and apostrophes go ("don't" and "dont" are the same word typed two ways),
    hyphens split words, and digits are split from letters ("3wks" is "3 wks"). Korean is
    compared syllable by syllable: people space it as they like ("저려요", "저 려요"), so
    every Hangul syllable is a word of its own and the spaces between them do not count.
    """
    spaced = _NON_WORD.sub(lambda m: "" if m.group() in "'’" else " ", text.lower())
    return " ".join(_SYLLABLES.sub(" ", _DIGITS.sub(" ", spaced)).split())


def _breaks(char: str) -> bool:
    """Does a word end at this character of a template (a space, or a Hangul syllable)?"""
    return char.isspace() or "\uac00" <= char <= "\ud7a3"


# --- the word graph ------------------------------------------------------------------------


@dataclass(eq=False)
class _Words:
    words: tuple[str, ...]
    slots: Mapping[str, Any] = field(default_factory=dict)  # filled when matched (glued parts)


@dataclass(eq=False)
class _Seq:
    items: list[_Node]


@dataclass(eq=False)
class _Alt:
    items: list[_Node]
    optional: bool = False
    by_first: dict[str, list[_Node]] = field(default_factory=dict)  # items by their first word
    other: list[_Node] = field(default_factory=list)  # items that may start with any word


@dataclass(eq=False)
class _Rule:
    name: str
    body: _Node | None = None


@dataclass(eq=False)
class _Slot:
    name: str
    values: _Node | None  # a list's values, each a _Value; None for a wildcard
    numbers: Mapping[tuple[str, ...], float] = field(default_factory=dict)  # a range's words


@dataclass(eq=False)
class _Value:
    body: _Node
    value: Any


_Node = _Words | _Seq | _Alt | _Rule | _Slot | _Value


@dataclass(frozen=True)
class Match:
    """The template that matched the whole clause, and the slots it filled."""

    intent: str
    slots: Mapping[str, Any]
    wildcards: tuple[str, ...] = ()  # the words each wildcard took
    template: str = ""  # the sentence template that matched, as written


@dataclass(frozen=True)
class _Template:
    intent: str
    root: _Node
    fixed: Mapping[str, Any]  # the block's own `slots:`
    wildcard_slots: tuple[str, ...]  # the slots a wildcard fills
    context: Mapping[str, Any]  # the block's `requires_context:` (hassil's), e.g. {turn: ...}
    text: str = ""  # the template as written
    # Words it cannot match without, worked out by hassil: each group needs one of its words
    # in the clause (checked before the template is tried at all).
    needs: tuple[tuple[str, ...], ...] = ()

    @property
    def wildcard(self) -> bool:
        return bool(self.wildcard_slots)


class Templates:
    """Every sentence template of some intents, compiled; ``match`` finds the first that fits."""

    def __init__(self, intents: Intents, names: Iterable[str] | None = None) -> None:
        """Compile the templates of ``names`` (every intent when None)."""
        self._language = intents.language
        self._skip_words = [tuple(words_of(w).split()) for w in intents.skip_words]
        self._skip_words = [w for w in self._skip_words if w]
        self._rules: dict[str, _Rule] = {}
        self._lists: dict[str, _Slot] = {}
        self._expansion_rules = dict(intents.expansion_rules)
        self._indexed: set[int] = set()
        templates: list[_Template] = []
        wanted = list(intents.intents) if names is None else list(names)
        for name in wanted:
            intent = intents.intents.get(name)
            if intent is None:
                raise DialogError(f"no intent {name!r} in the intents file")
            for data in intent.data:
                lists = {**intents.slot_lists, **data.slot_lists}
                rules = {**intents.expansion_rules, **data.expansion_rules}
                for sentence in data.sentences:
                    root = self._node(sentence.expression, lists, rules, 0)
                    wild = tuple(
                        ref.slot_name
                        for ref in _references(sentence.expression, rules)
                        if isinstance(lists.get(ref.list_name), WildcardSlotList)
                    )
                    fixed, context = dict(data.slots or {}), dict(data.requires_context or {})
                    text = sentence.text or ""
                    needs = _needs(sentence, rules)
                    templates.append(_Template(name, root, fixed, wild, context, text, needs))
        # First fit wins: templates in the file's order, those with a wildcard last.
        self._templates = [t for t in templates if not t.wildcard]
        self._templates += [t for t in templates if t.wildcard]
        self._top = _alt([t.root for t in self._templates])
        _index(self._top)
        self._order = {id(t.root): i for i, t in enumerate(self._templates)}

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word a template can contain (for correcting typing slips)."""
        words: set[str] = set()
        seen: set[int] = set()
        stack: list[_Node] = [self._top]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, _Words):
                words.update(node.words)
            elif isinstance(node, _Slot):
                words.update(w for said in node.numbers for w in said)
            stack.extend(_children(node))
        return frozenset(words)

    def match(
        self,
        text: str,
        prefer: Collection[str] = (),
        wildcards: Callable[[str, tuple[str, ...]], bool] | None = None,
        context: Mapping[str, Any] | None = None,
        only: Collection[str] | None = None,
    ) -> Match | None:
        """The first template matching all of ``text`` (already ``words_of``), or None.

        Templates of the ``prefer``red intents come first (what the turn asks for: "less" to
        "More or less than three days?"); then the file's order, wildcards last. Skip words
        ("um", "well") may be left out, as in hassil. A template with a wildcard is taken
        only if ``wildcards`` accepts what its wildcards took (None: no wildcards at all). A
        block with `requires_context` (hassil's) is only tried when ``context`` has it.
        """
        context = context or {}
        order = self._order
        first = {id(t.root) for t in self._templates if t.intent in prefer}

        def rank(root: _Node) -> tuple[bool, int]:
            return (id(root) not in first, order[id(root)])

        for words in self._variants(tuple(text.split())):
            if not words:
                continue
            chart = _Chart(words)
            padded = f" {' '.join(words)} "
            candidates = [*self._top.by_first.get(words[0], ()), *self._top.other]
            for root in sorted(candidates, key=rank):
                template = self._templates[self._order[id(root)]]
                if not all(any(w in padded for w in group) for group in template.needs):
                    continue
                if template.wildcard and wildcards is None:
                    continue
                if any(context.get(k) != v for k, v in template.context.items()):
                    continue
                if only is not None and template.intent not in only:
                    continue
                if len(words) in chart.ends(root, 0):
                    slots = dict(template.fixed)
                    chart.derive(root, 0, len(words), slots)
                    took = tuple(str(slots[n]) for n in template.wildcard_slots if n in slots)
                    if (
                        template.wildcard
                        and wildcards is not None
                        and not wildcards(template.intent, took)
                    ):
                        continue
                    return Match(template.intent, slots, took, template.text)
        return None

    def has_rule(self, name: str) -> bool:
        """Does the intents file define this expansion rule?"""
        return name in self._expansion_rules

    def rule(self, name: str, words: tuple[str, ...], start: int = 0) -> int:
        """Where the longest match of an expansion rule starting at ``words[start]`` ends
        (``start``: none)."""
        if name not in self._expansion_rules:
            return start
        node = self._rule_node(name, {}, self._expansion_rules, 0)
        if id(node) not in self._indexed:
            _index(node)
            self._indexed.add(id(node))
        ends = _Chart(words).ends(node, start)
        return max(ends, default=start)

    def _variants(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The words as said; without the fillers around them; without any skip word."""
        kept: list[tuple[str, bool]] = []  # (word, skipped)
        i = 0
        while i < len(words):
            skip = next((s for s in self._skip_words if words[i : i + len(s)] == s), None)
            for word in skip or words[i : i + 1]:
                kept.append((word, skip is not None))
            i += len(skip) if skip else 1
        first = next((k for k, (_, skipped) in enumerate(kept) if not skipped), len(kept))
        last = max((k for k, (_, skipped) in enumerate(kept) if not skipped), default=-1)
        trimmed = tuple(w for w, _ in kept[first : last + 1])
        without = tuple(w for w, skipped in kept if not skipped)
        return [v for v in dict.fromkeys((words, trimmed, without)) if v]

    # --- compiling ---------------------------------------------------------------------------

    def _node(
        self,
        expr: Expression,
        lists: Mapping[str, SlotList],
        rules: Mapping[str, Sentence],
        depth: int,
    ) -> _Node:
        if depth > MAX_RULE_DEPTH:
            raise DialogError("expansion rules refer to each other in a loop")
        if isinstance(expr, TextChunk):
            return _Words(tuple(words_of(expr.text).split()))
        if isinstance(expr, Alternative):
            items = [self._node(i, lists, rules, depth + 1) for i in expr.items]
            filled = [i for i in items if not (isinstance(i, _Words) and not i.words)]
            return _alt(filled, expr.is_optional or len(filled) < len(items))
        if isinstance(expr, Permutation):
            parts = [self._node(i, lists, rules, depth + 1) for i in expr.items]
            return _alt([_Seq(list(order)) for order in itertools.permutations(parts)])
        if isinstance(expr, Sequence):
            return _Seq(
                [self._cluster(c, lists, rules, depth) for c in _clusters(expr.items, rules)]
            )
        if isinstance(expr, RuleReference):
            return self._rule_node(expr.rule_name, lists, rules, depth)
        if isinstance(expr, ListReference):
            slot_list = lists.get(expr.list_name)
            if slot_list is None:
                raise DialogError(f"missing list {{{expr.list_name}}}: define it under lists")
            return self._slot(expr, slot_list, lists, rules, depth)
        raise DialogError(f"unsupported template expression {expr!r}")

    def _rule_node(
        self, name: str, lists: Mapping[str, SlotList], rules: Mapping[str, Sentence], depth: int
    ) -> _Node:
        body = rules.get(name)
        if body is None:
            raise DialogError(f"missing expansion rule <{name}>: define it")
        key = f"{name}#{id(body)}"
        rule = self._rules.get(key)
        if rule is None:
            rule = self._rules[key] = _Rule(name)
            rule.body = self._node(body.expression, lists, rules, depth + 1)
        return rule

    def _slot(
        self,
        ref: ListReference,
        slot_list: SlotList,
        lists: Mapping[str, SlotList],
        rules: Mapping[str, Sentence],
        depth: int,
    ) -> _Node:
        if isinstance(slot_list, WildcardSlotList):
            return _Slot(ref.slot_name, None)
        key = f"{ref.list_name}#{id(slot_list)}"
        shared = self._lists.get(key)
        if shared is None:
            if isinstance(slot_list, RangeSlotList):
                shared = _Slot("", None, self._numbers(slot_list))
            elif isinstance(slot_list, TextSlotList):
                values: list[_Node] = [
                    _Value(self._node(v.text_in, lists, rules, depth + 1), v.value_out)
                    for v in slot_list.values
                ]
                shared = _Slot("", _alt(values))
            else:
                raise DialogError(f"unsupported list type {type(slot_list).__name__}")
            self._lists[key] = shared
        return _Slot(ref.slot_name, shared.values, shared.numbers)

    def _numbers(self, range_list: RangeSlotList) -> dict[tuple[str, ...], float]:
        numbers: dict[tuple[str, ...], float] = {}
        engine = get_rbnf_engine(range_list.words_language or self._language)
        for number in range_list.get_numbers():
            if range_list.digits:
                numbers[(str(number),)] = number
            if range_list.words:
                for said in engine.format_number(number).text_by_ruleset.values():
                    numbers.setdefault(tuple(words_of(said).split()), number)
        return numbers

    def _cluster(
        self,
        cluster: list[Expression],
        lists: Mapping[str, SlotList],
        rules: Mapping[str, Sentence],
        depth: int,
    ) -> _Node:
        """Parts written without a space between them ("발[이|가]", "{count}일"): every way
        of saying them, as whole words, with the slot values each way fills."""
        if len(cluster) == 1:
            return self._node(cluster[0], lists, rules, depth + 1)
        if any(
            isinstance(i, ListReference) and isinstance(lists.get(i.list_name), WildcardSlotList)
            for i in cluster
        ):  # a wildcard glued to words ("{rest}[ ]요"): read as if a space were between
            return _Seq([self._node(i, lists, rules, depth + 1) for i in cluster])
        ways: list[_Node] = []
        for text, slots in itertools.islice(_glued(cluster, lists, rules, 0), MAX_GLUED + 1):
            ways.append(_Words(tuple(words_of(text).split()), slots))
        if len(ways) > MAX_GLUED:
            raise DialogError(
                f"a run of template parts without spaces has over {MAX_GLUED} ways to be said"
            )
        return _alt(ways)


def _needs(sentence: Sentence, rules: Mapping[str, Sentence]) -> tuple[tuple[str, ...], ...]:
    """hassil's required fragments of a template, as the matcher's words (substrings)."""
    groups = []
    for clause in sentence.get_required_clauses(dict(rules)):
        words = tuple(words_of(fragment) for fragment in clause)
        if words and all(words):
            groups.append(words)
    return tuple(groups)


def _references(expr: Expression, rules: Mapping[str, Sentence]) -> list[ListReference]:
    if isinstance(expr, ListReference):
        return [expr]
    if isinstance(expr, (Sequence, Alternative, Permutation)):
        return [ref for item in expr.items for ref in _references(item, rules)]
    return []  # wildcards in expansion rules are not followed: write them in the template


def _alt(items: list[_Node], optional: bool = False) -> _Alt:
    return _Alt(items, optional)


def _index(root: _Node) -> None:
    """Index every alternative under ``root`` by the first words of its items."""
    firsts: dict[int, tuple[frozenset[str] | None, bool]] = {}
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, _Alt):
            node.by_first.clear()
            node.other.clear()
            for item in node.items:
                words, empty = _first(item, firsts)
                if words is None or empty:
                    node.other.append(item)
                else:
                    for word in words:
                        node.by_first.setdefault(word, []).append(item)
        stack.extend(_children(node))


def _children(node: _Node) -> list[_Node]:
    if isinstance(node, (_Seq, _Alt)):
        return list(node.items)
    if isinstance(node, _Rule):
        return [node.body] if node.body is not None else []
    if isinstance(node, _Slot):
        return [node.values] if node.values is not None else []
    if isinstance(node, _Value):
        return [node.body]
    return []


def _first(
    node: _Node, memo: dict[int, tuple[frozenset[str] | None, bool]]
) -> tuple[frozenset[str] | None, bool]:
    """The words a match of ``node`` can begin with (None: any), and whether it can be empty."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = (None, True)  # while working it out (a rule within itself): anything
    result: tuple[frozenset[str] | None, bool]
    if isinstance(node, _Words):
        result = (frozenset(node.words[:1]), False) if node.words else (frozenset(), True)
    elif isinstance(node, _Seq):
        found: set[str] = set()
        result = (frozenset(), True)
        for item in node.items:
            words, empty = _first(item, memo)
            if words is None:
                result = (None, True)
                break
            found |= words
            if not empty:
                result = (frozenset(found), False)
                break
        else:
            result = (frozenset(found), True)
    elif isinstance(node, _Alt):
        found = set()
        empty_any = node.optional
        result = (None, True)
        for item in node.items:
            words, empty = _first(item, memo)
            if words is None:
                break
            found |= words
            empty_any = empty_any or empty
        else:
            result = (frozenset(found), empty_any)
    elif isinstance(node, _Slot):
        if node.values is not None:
            result = _first(node.values, memo)
        elif node.numbers:
            result = (frozenset(w[0] for w in node.numbers), False)
        else:
            result = (None, False)
    elif isinstance(node, _Rule):
        result = _first(node.body, memo) if node.body is not None else (frozenset(), True)
    else:
        result = _first(node.body, memo)
    memo[key] = result
    return result


# --- matching ------------------------------------------------------------------------------


_NONE: frozenset[int] = frozenset()


class _Chart:
    """Where a match of each node, started at each word, can end (worked out once each)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self._ends: dict[tuple[int, int], frozenset[int]] = {}

    def ends(self, node: _Node, start: int) -> frozenset[int]:
        if isinstance(node, _Words):  # the common case, worked out at once
            end = start + len(node.words)
            return frozenset((end,)) if self.words[start:end] == node.words else _NONE
        key = (id(node), start)
        found = self._ends.get(key)
        if found is None:
            self._ends[key] = frozenset()  # a rule reached again at the same word: no match
            found = self._ends[key] = frozenset(self._compute(node, start))
        return found

    def _compute(self, node: _Node, start: int) -> Iterator[int]:
        words = self.words
        if isinstance(node, _Words):
            end = start + len(node.words)
            if words[start:end] == node.words:
                yield end
        elif isinstance(node, _Seq):
            positions = {start}
            for item in node.items:
                positions = {e for p in positions for e in self.ends(item, p)}
                if not positions:
                    return
            yield from positions
        elif isinstance(node, _Alt):
            if node.optional:
                yield start
            if start < len(words):
                for item in node.by_first.get(words[start], ()):
                    yield from self.ends(item, start)
            for item in node.other:
                yield from self.ends(item, start)
        elif isinstance(node, _Rule):
            if node.body is not None:
                yield from self.ends(node.body, start)
        elif isinstance(node, _Slot):
            if node.values is not None:
                yield from self.ends(node.values, start)
            elif node.numbers:
                for length in (1, 2, 3):
                    if words[start : start + length] in node.numbers:
                        yield start + length
            else:  # a wildcard: one word or more
                yield from range(start + 1, len(words) + 1)
        elif isinstance(node, _Value):
            yield from self.ends(node.body, start)

    def derive(self, node: _Node, start: int, end: int, slots: dict[str, Any]) -> bool:
        """Fill ``slots`` from one way ``node`` matches words[start:end]."""
        if end not in self.ends(node, start):
            return False
        if isinstance(node, _Words):
            slots.update(node.slots)
            return True
        if isinstance(node, _Seq):
            return self._derive_seq(node.items, start, end, slots)
        if isinstance(node, _Alt):
            if node.optional and start == end:
                return True
            return any(self._try(item, start, end, slots) for item in node.items)
        if isinstance(node, _Rule):
            return node.body is not None and self.derive(node.body, start, end, slots)
        if isinstance(node, _Slot):
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
        if isinstance(node, _Value):
            slots["_value"] = node.value
            return self.derive(node.body, start, end, slots)
        return False

    def _try(self, node: _Node, start: int, end: int, slots: dict[str, Any]) -> bool:
        trial: dict[str, Any] = {}
        if self.derive(node, start, end, trial):
            slots.update(trial)
            return True
        return False

    def _derive_seq(self, items: list[_Node], start: int, end: int, slots: dict[str, Any]) -> bool:
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

    def _reaches(self, items: list[_Node], start: int, end: int) -> bool:
        positions = {start}
        for item in items:
            positions = {e for p in positions for e in self.ends(item, p) if e <= end}
        return end in positions


# --- parts written without spaces ----------------------------------------------------------

_SPACE, _CHAR, _EMPTY = "space", "char", "empty"


def _clusters(items: list[Expression], rules: Mapping[str, Sentence]) -> Iterator[list[Expression]]:
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
        return {_SPACE if _breaks(expr.text[-1] if last else expr.text[0]) else _CHAR}
    if isinstance(expr, RuleReference):
        body = rules.get(expr.rule_name)
        return {_CHAR, _EMPTY} if body is None else _edge(body.expression, rules, last, depth + 1)
    if isinstance(expr, ListReference):
        return {_CHAR}
    if isinstance(expr, Alternative):
        if _blank(expr):
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


def _blank(expr: Expression) -> bool:
    """Is this only spaces, or nothing ("[ ]")?"""
    if isinstance(expr, TextChunk):
        return not expr.text.strip()
    if isinstance(expr, (Sequence, Alternative)):
        return all(_blank(i) for i in expr.items)
    return False


def _glued(
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
        for tail, tail_slots in _glued(items[1:], lists, rules, depth):
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
        yield from _glued(expr.items, lists, rules, depth + 1)
    elif isinstance(expr, Permutation):
        for order in itertools.permutations(expr.items):
            yield from _glued([TextChunk(" "), *order, TextChunk(" ")], lists, rules, depth + 1)
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
