"""Compile hassil sentence templates into speech grammars: a phrase list and a compact JSGF."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

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

from voice.asr import Grammar
from voice.errors import DialogError

_LOGGER = logging.getLogger(__name__)

SPEECH_KEY = "speech"  # `metadata: {speech: false}` on an intent block: typed text only
MAX_PHRASES = 200_000  # a vosk grammar beyond this is a mistake in the templates

_NON_WORD = re.compile(r"[^\w\s']|_")
_EDGE_APOSTROPHES = re.compile(r"(?<!\w)'|'(?!\w)")
_RULE_NAME_CHARS = re.compile(r"[^A-Za-z0-9_]")

_SPACE, _CHAR, _EMPTY = "space", "char", "empty"


def normalize_words(text: str) -> tuple[str, ...]:
    """Lower-case words of ``text``; punctuation and hyphens become word breaks, digits stay."""
    cleaned = _EDGE_APOSTROPHES.sub(" ", _NON_WORD.sub(" ", text.lower()))
    return tuple(cleaned.split())


# --- word-level intermediate form -------------------------------------------------------------


@dataclass(frozen=True)
class _Words:
    words: tuple[str, ...]


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Alt:
    items: tuple[_Node, ...]  # no items at all means "matches nothing"
    optional: bool = False


@dataclass(frozen=True)
class _Ref:
    rule: str


_Node = _Words | _Seq | _Alt | _Ref
_VOID = _Alt(())


class _WildcardError(Exception):
    """A template refers to a wildcard list, so it cannot be spoken."""


def _is_void(node: _Node) -> bool:
    return isinstance(node, _Alt) and not node.items and not node.optional


def _seq(items: Iterable[_Node]) -> _Node:
    flat: list[_Node] = []
    for item in items:
        if _is_void(item):
            return _VOID
        if isinstance(item, _Words) and not item.words:
            continue
        if isinstance(item, _Seq):
            flat.extend(item.items)
        else:
            flat.append(item)
    merged: list[_Node] = []
    for item in flat:  # join neighbouring plain words so JSGF reads naturally
        if merged and isinstance(item, _Words) and isinstance(merged[-1], _Words):
            merged[-1] = _Words(merged[-1].words + item.words)
        else:
            merged.append(item)
    if not merged:
        return _Words(())
    return merged[0] if len(merged) == 1 else _Seq(tuple(merged))


def _alt(items: Iterable[_Node], optional: bool = False) -> _Node:
    kept: list[_Node] = []
    for item in items:
        if _is_void(item):
            continue
        if isinstance(item, _Words) and not item.words:
            optional = True
        elif isinstance(item, _Alt):
            optional = optional or item.optional
            kept.extend(i for i in item.items if i not in kept)
        elif item not in kept:
            kept.append(item)
    if not kept:
        return _Words(()) if optional else _VOID
    if len(kept) > 1:
        kept = _factor(kept, _split_head, lambda h, r: _seq([h, r]))
        kept = _factor(kept, _split_tail, lambda t, r: _seq([r, t]))
    if len(kept) == 1 and not optional:
        return kept[0]
    return _Alt(tuple(kept), optional)


def _split_head(node: _Node) -> tuple[_Node, _Node]:
    if isinstance(node, _Words) and node.words:
        return _Words(node.words[:1]), _Words(node.words[1:])
    if isinstance(node, _Seq):
        head, rest = _split_head(node.items[0])
        return head, _seq([rest, *node.items[1:]])
    return node, _Words(())


def _split_tail(node: _Node) -> tuple[_Node, _Node]:
    if isinstance(node, _Words) and node.words:
        return _Words(node.words[-1:]), _Words(node.words[:-1])
    if isinstance(node, _Seq):
        tail, rest = _split_tail(node.items[-1])
        return tail, _seq([*node.items[:-1], rest])
    return node, _Words(())


def _factor(
    items: list[_Node],
    split: Callable[[_Node], tuple[_Node, _Node]],
    join: Callable[[_Node, _Node], _Node],
) -> list[_Node]:
    """Share a common first (or last) word among alternatives: pocketsphinx inlines every copy."""
    groups: dict[_Node, list[_Node]] = {}
    for item in items:
        edge, rest = split(item)
        groups.setdefault(edge, []).append(rest)
    if len(groups) == len(items):
        return items
    out: list[_Node] = []
    for edge, rests in groups.items():
        out.append(join(edge, _alt(rests)) if len(rests) > 1 else join(edge, rests[0]))
    return out


# --- hassil expression -> word-level form -----------------------------------------------------


class _Compiler:
    """Turns hassil expressions into word-level nodes, naming one JSGF rule per list and rule."""

    def __init__(self, intents: Intents, language: str) -> None:
        self._intents = intents
        self._language = language
        self.rules: dict[str, _Node] = {}
        self._rule_names: dict[int, str] = {}

    def sentence(
        self, sentence: Sentence, lists: dict[str, SlotList], rules: dict[str, Sentence]
    ) -> _Node:
        return self._convert(sentence.expression, lists, rules)

    def _convert(
        self, expr: Expression, lists: dict[str, SlotList], rules: dict[str, Sentence]
    ) -> _Node:
        if isinstance(expr, TextChunk):
            return _Words(normalize_words(expr.text))
        if isinstance(expr, Alternative):
            return _alt((self._convert(i, lists, rules) for i in expr.items), expr.is_optional)
        if isinstance(expr, Permutation):
            parts = [self._convert(i, lists, rules) for i in expr.items]
            return _alt(_seq(order) for order in itertools.permutations(parts))
        if isinstance(expr, Sequence):
            return _seq(self._clusters(expr.items, lists, rules))
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

    def _named(self, key: object, hint: str, build: Callable[[], _Node]) -> _Node:
        name = self._rule_names.get(id(key))
        if name is None:
            base = _RULE_NAME_CHARS.sub("_", hint) or "rule"
            name, n = base, 1
            while name in self.rules:
                n += 1
                name = f"{base}_{n}"
            self._rule_names[id(key)] = name
            self.rules[name] = _VOID  # placeholder guards against self-reference
            self.rules[name] = build()
        body = self.rules[name]
        if _is_void(body):
            return _VOID
        return _Ref(name)

    def _list(
        self,
        slot_list: SlotList,
        hint: str,
        lists: dict[str, SlotList],
        rules: dict[str, Sentence],
    ) -> _Node:
        if isinstance(slot_list, WildcardSlotList):
            raise _WildcardError(hint)
        if isinstance(slot_list, TextSlotList):
            values = slot_list.values
            return self._named(
                slot_list,
                f"list_{hint}",
                lambda: _alt(self._convert(v.text_in, lists, rules) for v in values),
            )
        if isinstance(slot_list, RangeSlotList):
            return self._named(
                slot_list, f"list_{hint}", lambda: _alt(self._range_words(slot_list))
            )
        raise DialogError(f"Unsupported list type for {{{hint}}}")

    def _range_words(self, range_list: RangeSlotList) -> Iterator[_Node]:
        if not range_list.words:
            return  # digits only: nothing a person can say
        engine = get_rbnf_engine(range_list.words_language or self._language)
        for number in range_list.get_numbers():
            for text in engine.format_number(number).text_by_ruleset.values():
                yield _Words(normalize_words(text))

    def _clusters(
        self, items: list[Expression], lists: dict[str, SlotList], rules: dict[str, Sentence]
    ) -> Iterator[_Node]:
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
    ) -> _Node:
        if len(cluster) == 1:
            return self._convert(cluster[0], lists, rules)
        for ref in Sequence(items=cluster).list_references(rules):
            if isinstance(lists.get(ref.list_name), WildcardSlotList):
                raise _WildcardError(ref.list_name)
        texts = sample_expression(Sequence(items=cluster), lists, rules, self._language)
        variants = [normalize_words(t) for t in texts]
        return _alt(_Words(v) for v in variants if not any(w.isdigit() for w in v))

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


# --- public API -------------------------------------------------------------------------------


def build_grammar(
    intents: Intents, intent_names: Iterable[str], name: str, language: str
) -> Grammar:
    """Compile the spoken templates of ``intent_names`` into one question's speech grammar."""
    wanted = list(dict.fromkeys(intent_names))
    missing = [n for n in wanted if n not in intents.intents]
    if missing:
        raise DialogError(f"Grammar {name!r} names unknown intents {missing}: add them to intents")
    compiler = _Compiler(intents, language)
    top: list[_Node] = []
    for intent_name in wanted:
        sentences: list[_Node] = []
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
        body = _alt(sentences)
        if _is_void(body) or body == _Words(()):
            _LOGGER.debug("Intent %s has no spoken templates in grammar %s", intent_name, name)
            continue
        rule_name = f"intent_{_RULE_NAME_CHARS.sub('_', intent_name)}"
        compiler.rules[rule_name] = body
        top.append(_Ref(rule_name))
    return _make_grammar(name, _alt(top), compiler.rules)


def grammar_words(grammar: Grammar) -> frozenset[str]:
    """Every word a grammar can produce."""
    return frozenset(word for phrase in grammar.phrases for word in phrase.split())


def without_words(grammar: Grammar, words: Iterable[str]) -> Grammar:
    """The same grammar minus every phrase (and JSGF alternative) that needs one of ``words``."""
    banned = frozenset(words)
    top, rules = _parse_jsgf(grammar.jsgf)

    def prune(node: _Node) -> _Node:
        if isinstance(node, _Words):
            return _VOID if banned.intersection(node.words) else node
        if isinstance(node, _Seq):
            return _seq(prune(i) for i in node.items)
        if isinstance(node, _Alt):
            return _alt((prune(i) for i in node.items), node.optional)
        return node if not _is_void(rules[node.rule]) else _VOID

    for rule in _dependency_order(rules):
        rules[rule] = prune(rules[rule])
    return _make_grammar(grammar.name, prune(top), rules)


def _make_grammar(name: str, top: _Node, rules: dict[str, _Node]) -> Grammar:
    used = _dependency_order(rules, top)
    total = _count(top, rules, {})
    if total <= MAX_PHRASES:
        words_list = _expand(top, rules, {})
    else:
        # Too many to list: keep the JSGF exact and list phrases that use every alternative.
        _LOGGER.warning(
            "Grammar %s accepts %d phrases; listing a covering subset for phrase-list engines",
            name,
            total,
        )
        words_list = _cover(top, rules, {})
    phrases = {" ".join(words) for words in words_list if words}
    top_name = _RULE_NAME_CHARS.sub("_", name) or "grammar"
    lines = ["#JSGF V1.0;", f"grammar {top_name};", ""]
    lines.append(f"public <{top_name}> = {_render(top, top=True) if phrases else '<NULL>'};")
    lines += [f"<{rule}> = {_render(rules[rule], top=True)};" for rule in used]
    return Grammar(name=name, phrases=tuple(sorted(phrases)), jsgf="\n".join(lines) + "\n")


def phrase_count(grammar: Grammar) -> int:
    """How many word sequences the JSGF of ``grammar`` accepts (may exceed ``len(phrases)``)."""
    top, rules = _parse_jsgf(grammar.jsgf)
    return _count(top, rules, {}) - (1 if _nullable(top, rules) else 0)


def _count(node: _Node, rules: dict[str, _Node], memo: dict[str, int]) -> int:
    """Derivations of ``node`` (an upper bound on distinct phrases; exact without ambiguity)."""
    if isinstance(node, _Words):
        return 1
    if isinstance(node, _Ref):
        if node.rule not in memo:
            memo[node.rule] = 0
            memo[node.rule] = _count(rules[node.rule], rules, memo)
        return memo[node.rule]
    if isinstance(node, _Alt):
        return sum(_count(i, rules, memo) for i in node.items) + (1 if node.optional else 0)
    total = 1
    for item in node.items:
        total *= _count(item, rules, memo)
    return total


def _nullable(node: _Node, rules: dict[str, _Node]) -> bool:
    return () in _cover(node, rules, {})


_Phrases = list[tuple[str, ...]]


def _cover(node: _Node, rules: dict[str, _Node], memo: dict[str, _Phrases]) -> _Phrases:
    """A few phrases of ``node`` that together use every alternative at least once."""
    return _phrases(node, rules, memo, _zip_cover)


def _expand(node: _Node, rules: dict[str, _Node], memo: dict[str, _Phrases]) -> _Phrases:
    """Every phrase of ``node``."""
    return _phrases(node, rules, memo, _product)


def _phrases(
    node: _Node,
    rules: dict[str, _Node],
    memo: dict[str, _Phrases],
    join: Callable[[list[_Phrases]], _Phrases],
) -> _Phrases:
    """Phrases of ``node``, a sequence's parts combined by ``join``."""
    if isinstance(node, _Words):
        return [node.words]
    if isinstance(node, _Ref):
        if node.rule not in memo:
            memo[node.rule] = []  # a recursive rule contributes nothing
            memo[node.rule] = _phrases(rules[node.rule], rules, memo, join)
        return memo[node.rule]
    if isinstance(node, _Alt):
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


def _render(node: _Node, top: bool = False) -> str:
    if isinstance(node, _Words):
        return " ".join(node.words) if node.words else "<NULL>"
    if isinstance(node, _Ref):
        return f"<{node.rule}>"
    if isinstance(node, _Seq):
        return " ".join(_render(i) for i in node.items)
    body = " | ".join(_render(i, top=True) for i in node.items)
    if node.optional:
        return f"[ {body} ]"
    return body if top else f"( {body} )"


def _refs(node: _Node) -> Iterator[str]:
    if isinstance(node, _Ref):
        yield node.rule
    elif isinstance(node, (_Seq, _Alt)):
        for item in node.items:
            yield from _refs(item)


def _dependency_order(rules: dict[str, _Node], top: _Node | None = None) -> list[str]:
    """Rules reachable from ``top`` (all rules if None), each after the rules it refers to."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(rule: str) -> None:
        if rule in seen:
            return
        seen.add(rule)
        for ref in _refs(rules[rule]):
            visit(ref)
        order.append(rule)

    for rule in _refs(top) if top is not None else list(rules):
        visit(rule)
    return order


_JSGF_TOKEN = re.compile(r"<[^>]+>|[()\[\]|]|[^\s()\[\]|<>]+")


def _parse_jsgf(jsgf: str) -> tuple[_Node, dict[str, _Node]]:
    """Read back the JSGF subset that :func:`build_grammar` writes."""
    rules: dict[str, _Node] = {}
    top: _Node | None = None
    for line in jsgf.splitlines():
        match = re.match(r"^(public\s+)?<([^>]+)>\s*=\s*(.*);\s*$", line)
        if not match:
            continue
        tokens = _JSGF_TOKEN.findall(match.group(3))
        node, pos = _parse_alt(tokens, 0)
        if pos != len(tokens):
            raise DialogError(f"Unsupported JSGF near {' '.join(tokens[pos:])!r}")
        if match.group(1):
            top = node
        else:
            rules[match.group(2)] = node
    if top is None:
        raise DialogError("JSGF grammar has no public rule: rebuild it with build_grammar")
    return top, rules


def _parse_alt(tokens: list[str], pos: int) -> tuple[_Node, int]:
    branches: list[_Node] = []
    while True:
        items: list[_Node] = []
        while pos < len(tokens) and tokens[pos] not in ("|", ")", "]"):
            token = tokens[pos]
            if token in ("(", "["):
                inner, pos = _parse_alt(tokens, pos + 1)
                items.append(_alt([inner], optional=token == "["))
            elif token == "<NULL>":
                items.append(_Words(()))
            elif token.startswith("<"):
                items.append(_Ref(token[1:-1]))
            else:
                items.append(_Words((token,)))
            pos += 1
        branches.append(_seq(items))
        if pos >= len(tokens) or tokens[pos] != "|":
            return _alt(branches), pos
        pos += 1


@dataclass(frozen=True)
class WordAutomaton:
    """An epsilon-free automaton of a grammar: state 0 starts, each arc reads one word."""

    n_states: int
    arcs: tuple[tuple[int, int, str], ...]  # (from state, to state, word)
    final_states: frozenset[int]


def word_automaton(grammar: Grammar) -> WordAutomaton:
    """The grammar's JSGF as a Glushkov automaton (engines mishandle chains of empty moves)."""
    top, rules = _parse_jsgf(grammar.jsgf)
    words: list[str] = [""]  # position 0 is the start state
    follow: dict[int, set[int]] = {}

    def build(node: _Node, active: frozenset[str]) -> tuple[set[int], set[int], bool]:
        if isinstance(node, _Ref):
            if node.rule in active:
                raise DialogError(f"Recursive rule <{node.rule}> cannot be spoken: remove it")
            return build(rules[node.rule], active | {node.rule})
        if isinstance(node, _Alt):
            first: set[int] = set()
            last: set[int] = set()
            nullable = node.optional
            for item in node.items:
                f, la, n = build(item, active)
                first |= f
                last |= la
                nullable = nullable or n
            return first, last, nullable
        items = [_Words((w,)) for w in node.words] if isinstance(node, _Words) else node.items
        first, last, nullable = set(), set(), True
        for item in items:
            if isinstance(item, _Words) and len(item.words) == 1:
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

    first, last, nullable = build(top, frozenset())
    follow[0] = first
    arcs = tuple(
        (source, target, words[target])
        for source in sorted(follow)
        for target in sorted(follow[source])
    )
    return WordAutomaton(len(words), arcs, frozenset(last | ({0} if nullable else set())))


def accepts(automaton: WordAutomaton, words: list[str]) -> bool:
    """True when ``words`` is a complete phrase of the automaton."""
    states = {0}
    for word in words:
        states = {b for a, b, w in automaton.arcs if a in states and w == word}
    return bool(states & automaton.final_states)
