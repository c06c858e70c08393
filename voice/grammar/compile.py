"""Hassil sentence templates to the word-level grammar tree."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator

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
from hassil.sample import sample_expression

from voice.errors import DialogError
from voice.grammar.tree import (
    EMPTY,
    RULE_NAME_CHARS,
    VOID,
    Node,
    Ref,
    Words,
    alt,
    is_void,
    seq,
)

_LOGGER = logging.getLogger(__name__)

SPEECH_KEY = "speech"  # `metadata: {speech: false}` on an intent block: typed text only

_NON_WORD = re.compile(r"[^\w\s']|_")
_EDGE_APOSTROPHES = re.compile(r"(?<!\w)'|'(?!\w)")

_SPACE, _CHAR, _EMPTY = "space", "char", "empty"


def normalize_words(text: str) -> tuple[str, ...]:
    """Lower-case words of ``text``; punctuation and hyphens become word breaks, digits stay."""
    cleaned = _EDGE_APOSTROPHES.sub(" ", _NON_WORD.sub(" ", text.lower()))
    return tuple(cleaned.split())


def compile_intents(
    intents: Intents, intent_names: Iterable[str], name: str, language: str
) -> tuple[Node, dict[str, Node]]:
    """The spoken templates of ``intent_names`` as a tree: top node and named rules."""
    wanted = list(dict.fromkeys(intent_names))
    missing = [n for n in wanted if n not in intents.intents]
    if missing:
        raise DialogError(f"Grammar {name!r} names unknown intents {missing}: add them to intents")
    compiler = _Compiler(intents, language)
    top: list[Node] = []
    for intent_name in wanted:
        sentences: list[Node] = []
        for data in intents.intents[intent_name].data:
            if (data.metadata or {}).get(SPEECH_KEY) is False:
                continue  # typed-text templates: kept out of what the recognizer listens for
            lists = {**intents.slot_lists, **data.slot_lists}
            rules = {**intents.expansion_rules, **data.expansion_rules}
            for sentence in data.sentences:
                try:
                    sentences.append(compiler.sentence(sentence, lists, rules))
                except _WildcardError:
                    _LOGGER.debug("Skipping wildcard template %r for speech", sentence.text)
        body = alt(sentences)
        if is_void(body) or body == EMPTY:
            _LOGGER.debug("Intent %s has no spoken templates in grammar %s", intent_name, name)
            continue
        rule_name = f"intent_{RULE_NAME_CHARS.sub('_', intent_name)}"
        compiler.rules[rule_name] = body
        top.append(Ref(rule_name))
    return alt(top), compiler.rules


class _WildcardError(Exception):
    """A template refers to a wildcard list, so it cannot be spoken."""


class _Compiler:
    """Turns hassil expressions into tree nodes, naming one rule per list and expansion rule."""

    def __init__(self, intents: Intents, language: str) -> None:
        self._intents = intents
        self._language = language
        self.rules: dict[str, Node] = {}
        self._rule_names: dict[int, str] = {}

    def sentence(
        self, sentence: Sentence, lists: dict[str, SlotList], rules: dict[str, Sentence]
    ) -> Node:
        return self._convert(sentence.expression, lists, rules)

    def _convert(
        self, expr: Expression, lists: dict[str, SlotList], rules: dict[str, Sentence]
    ) -> Node:
        if isinstance(expr, TextChunk):
            return Words(normalize_words(expr.text))
        if isinstance(expr, Alternative):
            return alt((self._convert(i, lists, rules) for i in expr.items), expr.is_optional)
        if isinstance(expr, Permutation):
            parts = [self._convert(i, lists, rules) for i in expr.items]
            return alt(seq(order) for order in itertools.permutations(parts))
        if isinstance(expr, Sequence):
            return seq(self._clusters(expr.items, lists, rules))
        if isinstance(expr, RuleReference):
            body = rules.get(expr.rule_name)
            if body is None:
                raise DialogError(f"Missing expansion rule <{expr.rule_name}>: define it")
            return self._named(
                body, f"rule_{expr.rule_name}", lambda: self.sentence(body, lists, rules)
            )
        if isinstance(expr, ListReference):
            slot_list = lists.get(expr.list_name)
            if slot_list is None:
                raise DialogError(f"Missing list {{{expr.list_name}}}: define it under lists")
            return self._list(slot_list, expr.list_name, lists, rules)
        raise DialogError(f"Unsupported template expression {expr!r}")

    def _named(self, key: object, hint: str, build: Callable[[], Node]) -> Node:
        name = self._rule_names.get(id(key))
        if name is None:
            base = RULE_NAME_CHARS.sub("_", hint) or "rule"
            name, n = base, 1
            while name in self.rules:
                n += 1
                name = f"{base}_{n}"
            self._rule_names[id(key)] = name
            self.rules[name] = VOID  # placeholder guards against self-reference
            self.rules[name] = build()
        body = self.rules[name]
        if is_void(body):
            return VOID
        return Ref(name)

    def _list(
        self,
        slot_list: SlotList,
        hint: str,
        lists: dict[str, SlotList],
        rules: dict[str, Sentence],
    ) -> Node:
        if isinstance(slot_list, WildcardSlotList):
            raise _WildcardError(hint)
        if isinstance(slot_list, TextSlotList):
            values = slot_list.values
            return self._named(
                slot_list,
                f"list_{hint}",
                lambda: alt(self._convert(v.text_in, lists, rules) for v in values),
            )
        if isinstance(slot_list, RangeSlotList):
            return self._named(slot_list, f"list_{hint}", lambda: alt(self._range_words(slot_list)))
        raise DialogError(f"Unsupported list type for {{{hint}}}")

    def _range_words(self, range_list: RangeSlotList) -> Iterator[Node]:
        if not range_list.words:
            return  # digits only: nothing a person can say
        engine = get_rbnf_engine(range_list.words_language or self._language)
        for number in range_list.get_numbers():
            for text in engine.format_number(number).text_by_ruleset.values():
                yield Words(normalize_words(text))

    def _clusters(
        self, items: list[Expression], lists: dict[str, SlotList], rules: dict[str, Sentence]
    ) -> Iterator[Node]:
        """Convert sequence items; runs of items glued inside one word are expanded locally."""
        cluster: list[Expression] = []
        for item in items:
            if cluster and not self._hard_boundary(cluster[-1], item, rules):
                cluster.append(item)
                continue
            if cluster:
                yield self._cluster(cluster, lists, rules)
            cluster = [item]
        if cluster:
            yield self._cluster(cluster, lists, rules)

    def _cluster(
        self, cluster: list[Expression], lists: dict[str, SlotList], rules: dict[str, Sentence]
    ) -> Node:
        if len(cluster) == 1:
            return self._convert(cluster[0], lists, rules)
        for ref in Sequence(items=cluster).list_references(rules):
            if isinstance(lists.get(ref.list_name), WildcardSlotList):
                raise _WildcardError(ref.list_name)
        texts = sample_expression(Sequence(items=cluster), lists, rules, self._language)
        variants = [normalize_words(t) for t in texts]
        return alt(Words(v) for v in variants if not any(w.isdigit() for w in v))

    def _hard_boundary(self, left: Expression, right: Expression, rules: dict) -> bool:
        return _edge(left, rules, last=True) <= {_SPACE} or _edge(right, rules, False) <= {_SPACE}


def _edge(expr: Expression, rules: dict[str, Sentence], last: bool, depth: int = 0) -> set[str]:
    """What the first (or last) character of ``expr`` can be: a space, a word char, or nothing."""
    if depth > 24:
        return {_CHAR, _EMPTY}
    if isinstance(expr, TextChunk):
        if not expr.text:
            return {_EMPTY}
        return {_SPACE if (expr.text[-1] if last else expr.text[0]).isspace() else _CHAR}
    if isinstance(expr, RuleReference):
        body = rules.get(expr.rule_name)
        return {_CHAR, _EMPTY} if body is None else _edge(body.expression, rules, last, depth + 1)
    if isinstance(expr, ListReference):
        return {_CHAR}
    if isinstance(expr, Alternative):
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
