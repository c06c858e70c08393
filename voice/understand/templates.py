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

import functools
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
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
from voice.understand.chart import Chart
from voice.understand.glue import MAX_RULE_DEPTH, clusters, glued
from voice.understand.graph import Node, Rule, Seq, Slot, Value, Words, alt, children, index
from voice.understand.words import words_of

MAX_GLUED = 5000  # a run of template parts without spaces expands to at most this
# Where a skip word is a word of what is said (expansion rule): "I don't think so, my leg is a
# bit weak" is not "I don't think my leg is a bit weak"
SAID_RULE = "not_skipped"


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
    root: Node
    fixed: Mapping[str, Any]  # the block's own `slots:`
    wildcard_slots: tuple[str, ...]  # the slots a wildcard fills
    context: Mapping[str, Any]  # the block's `requires_context:` (hassil's), e.g. {turn: ...}
    text: str = ""  # the template as written
    # Words it cannot match without, worked out by hassil: each group needs one of its words
    # in the clause (checked before the template is tried at all), one pattern per group.
    needs: tuple[re.Pattern[str], ...] = ()

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
        self._skips_from: dict[str, list[tuple[str, ...]]] = {}  # by first word, in file order
        for skip in self._skip_words:
            self._skips_from.setdefault(skip[0], []).append(skip)
        self.fillers = frozenset(skip[0] for skip in self._skip_words if len(skip) == 1)
        """The one-word skip words ("um", "well")."""
        self._rules: dict[str, Rule] = {}
        self._lists: dict[str, Slot] = {}
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
        self._top = alt([t.root for t in self._templates])
        index(self._top)
        self._order = {id(t.root): i for i, t in enumerate(self._templates)}

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word a template, an expansion rule or a skip word can contain (for correcting
        typing slips: "swellin" is "swelling", a word the signs said in passing use)."""
        words: set[str] = {word for skip in self._skip_words for word in skip}
        seen: set[int] = set()
        rules = [self._rule_node(n, {}, self._expansion_rules, 0) for n in self._expansion_rules]
        stack: list[Node] = [self._top, *rules]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Words):
                words.update(node.words)
            elif isinstance(node, Slot):
                words.update(w for said in node.numbers for w in said)
            stack.extend(children(node))
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

        def rank(root: Node) -> tuple[bool, int]:
            return (id(root) not in first, order[id(root)])

        for words in self._variants(tuple(text.split())):
            if not words:
                continue
            chart = Chart(words)
            padded = f" {' '.join(words)} "
            candidates = [*self._top.by_first.get(words[0], ()), *self._top.other]
            for root in sorted(candidates, key=rank):
                template = self._templates[self._order[id(root)]]
                if not all(group.search(padded) for group in template.needs):
                    continue
                if template.wildcard and wildcards is None:
                    continue
                if not all(_allows(v, context.get(k)) for k, v in template.context.items()):
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
            index(node)
            self._indexed.add(id(node))
        ends = Chart(words).ends(node, start)
        return max(ends, default=start)

    def rule_ends(self, name: str, words: tuple[str, ...]) -> list[int]:
        """For each word, where the longest match of an expansion rule starting there ends (the
        word's own position: none), worked out on one chart."""
        if name not in self._expansion_rules:
            return list(range(len(words)))
        node = self._rule_node(name, {}, self._expansion_rules, 0)
        if id(node) not in self._indexed:
            index(node)
            self._indexed.add(id(node))
        chart = Chart(words)
        return [max(chart.ends(node, i), default=i) for i in range(len(words))]

    def covers(self, name: str, words: tuple[str, ...]) -> bool:
        """Does the expansion rule ``name`` match all of ``words`` (and they are some)?"""
        return bool(words) and self.rule(name, words) == len(words)

    def filler(self, words: tuple[str, ...]) -> bool:
        """Is every word a skip word ("oh gosh", "well")? Such a clause says nothing."""
        return bool(words) and all(skipped for _, skipped in self._skipping(words))

    def _skipping(self, words: tuple[str, ...]) -> list[tuple[str, bool]]:
        """Each word, and whether it is part of a skip word."""
        kept: list[tuple[str, bool]] = []
        said_ends = self.rule_ends(SAID_RULE, words)  # "think so": "so" is a word here
        i = 0
        while i < len(words):
            said = said_ends[i]
            if said > i:
                kept += [(word, False) for word in words[i:said]]
                i = said
                continue
            starting = self._skips_from.get(words[i], ())
            skip = next((s for s in starting if words[i : i + len(s)] == s), None)
            for word in skip or words[i : i + 1]:
                kept.append((word, skip is not None))
            i += len(skip) if skip else 1
        return kept

    def _variants(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The words as said; without the fillers around them; without any skip word."""
        kept = self._skipping(words)
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
    ) -> Node:
        if depth > MAX_RULE_DEPTH:
            raise DialogError("expansion rules refer to each other in a loop")
        if isinstance(expr, TextChunk):
            return Words(tuple(words_of(expr.text).split()))
        if isinstance(expr, Alternative):
            items = [self._node(i, lists, rules, depth + 1) for i in expr.items]
            filled = [i for i in items if not (isinstance(i, Words) and not i.words)]
            return alt(filled, expr.is_optional or len(filled) < len(items))
        if isinstance(expr, Permutation):
            parts = [self._node(i, lists, rules, depth + 1) for i in expr.items]
            return alt([Seq(list(order)) for order in itertools.permutations(parts)])
        if isinstance(expr, Sequence):
            return Seq([self._cluster(c, lists, rules, depth) for c in clusters(expr.items, rules)])
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
    ) -> Node:
        body = rules.get(name)
        if body is None:
            raise DialogError(f"missing expansion rule <{name}>: define it")
        key = f"{name}#{id(body)}"
        rule = self._rules.get(key)
        if rule is None:
            rule = self._rules[key] = Rule(name)
            rule.body = self._node(body.expression, lists, rules, depth + 1)
        return rule

    def _slot(
        self,
        ref: ListReference,
        slot_list: SlotList,
        lists: Mapping[str, SlotList],
        rules: Mapping[str, Sentence],
        depth: int,
    ) -> Node:
        if isinstance(slot_list, WildcardSlotList):
            return Slot(ref.slot_name, None)
        key = f"{ref.list_name}#{id(slot_list)}"
        shared = self._lists.get(key)
        if shared is None:
            if isinstance(slot_list, RangeSlotList):
                shared = Slot("", None, self._numbers(slot_list))
            elif isinstance(slot_list, TextSlotList):
                values: list[Node] = [
                    Value(self._node(v.text_in, lists, rules, depth + 1), v.value_out)
                    for v in slot_list.values
                ]
                shared = Slot("", alt(values))
            else:
                raise DialogError(f"unsupported list type {type(slot_list).__name__}")
            self._lists[key] = shared
        return Slot(ref.slot_name, shared.values, shared.numbers)

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
    ) -> Node:
        """Parts written without a space between them ("발[이|가]", "{count}일"): every way
        of saying them, as whole words, with the slot values each way fills."""
        if len(cluster) == 1:
            return self._node(cluster[0], lists, rules, depth + 1)
        if any(
            isinstance(i, ListReference) and isinstance(lists.get(i.list_name), WildcardSlotList)
            for i in cluster
        ):  # a wildcard glued to words ("{rest}[ ]요"): read as if a space were between
            return Seq([self._node(i, lists, rules, depth + 1) for i in cluster])
        ways: list[Node] = []
        for text, slots in itertools.islice(glued(cluster, lists, rules, 0), MAX_GLUED + 1):
            ways.append(Words(tuple(words_of(text).split()), slots))
        if len(ways) > MAX_GLUED:
            raise DialogError(
                f"a run of template parts without spaces has over {MAX_GLUED} ways to be said"
            )
        return alt(ways)


def _needs(sentence: Sentence, rules: Mapping[str, Sentence]) -> tuple[re.Pattern[str], ...]:
    """hassil's required fragments of a template, as the matcher's words: each group one
    pattern that finds any of its fragments (substrings) in a clause."""
    groups = []
    for clause in sentence.get_required_clauses(dict(rules)):
        words = tuple(words_of(fragment) for fragment in clause)
        if words and all(words):
            groups.append(_any_of(words))
    return tuple(groups)


@functools.cache
def _any_of(fragments: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a group of fragments (groups recur across templates)."""
    return re.compile("|".join(re.escape(f) for f in sorted(set(fragments), key=len, reverse=True)))


def _references(expr: Expression, rules: Mapping[str, Sentence]) -> list[ListReference]:
    if isinstance(expr, ListReference):
        return [expr]
    if isinstance(expr, (Sequence, Alternative, Permutation)):
        return [ref for item in expr.items for ref in _references(item, rules)]
    return []  # wildcards in expansion rules are not followed: write them in the template


def _allows(required: Any, given: Any) -> bool:
    """Does a context value meet a block's `requires_context` value? A list is any of its
    values, as in hassil: `{turn: [which, readback]}`."""
    if isinstance(required, list):
        return given in required
    return bool(given == required)
