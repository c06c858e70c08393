"""Speech grammars compiled from hassil sentence templates, held in memory as one tree.

Each engine's input is written from the tree: a phrase list (vosk), a word automaton
(pocketsphinx's FSG) or JSGF text; none of them is parsed back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from hassil import Intents

from voice.grammar.automaton import WordAutomaton, accepts, word_automaton
from voice.grammar.compile import SPEECH_KEY, compile_intents, normalize_words
from voice.grammar.jsgf import to_jsgf
from voice.grammar.phrases import (
    MAX_PHRASES,
    list_phrases,
    phrase_count,
    prune,
    speakable,
)
from voice.grammar.tree import EMPTY, Node, Rules, Words, alt, dependency_order

__all__ = [
    "MAX_PHRASES",
    "SPEECH_KEY",
    "Grammar",
    "WordAutomaton",
    "accepts",
    "build_grammar",
    "grammar_words",
    "normalize_words",
    "phrase_count",
    "to_jsgf",
    "without_words",
    "word_automaton",
]


@dataclass(frozen=True)
class Grammar:
    """The phrases one question accepts: a word-level tree compiled from its hassil intents."""

    name: str
    top: Node  # what the grammar accepts; refers to rules by name
    rules: tuple[tuple[str, Node], ...] = ()  # the rules top uses, each after those it uses

    @classmethod
    def from_tree(cls, name: str, top: Node, rules: Rules) -> Grammar:
        """The grammar of ``top``, keeping only the rules it uses."""
        if not speakable(top, rules):
            # Nothing to say: the empty phrase only, as JSGF's <NULL>, so every output agrees.
            return cls(name, EMPTY)
        return cls(name, top, tuple((rule, rules[rule]) for rule in dependency_order(rules, top)))

    @classmethod
    def from_phrases(cls, name: str, phrases: Iterable[str]) -> Grammar:
        """A grammar of exactly ``phrases``, each a string of words separated by spaces."""
        return cls.from_tree(name, alt(Words(tuple(p.split())) for p in phrases), {})

    @cached_property
    def phrases(self) -> tuple[str, ...]:
        """Every accepted word sequence, sorted (a covering subset beyond MAX_PHRASES)."""
        return list_phrases(self.name, self.top, dict(self.rules))


def build_grammar(
    intents: Intents, intent_names: Iterable[str], name: str, language: str
) -> Grammar:
    """Compile the spoken templates of ``intent_names`` into one question's speech grammar."""
    top, rules = compile_intents(intents, intent_names, name, language)
    return Grammar.from_tree(name, top, rules)


def grammar_words(grammar: Grammar) -> frozenset[str]:
    """Every word a grammar can produce."""
    return frozenset(word for phrase in grammar.phrases for word in phrase.split())


def without_words(grammar: Grammar, words: Iterable[str]) -> Grammar:
    """The same grammar minus every phrase (and alternative) that needs one of ``words``."""
    top, rules = prune(grammar.top, dict(grammar.rules), frozenset(words))
    return Grammar.from_tree(grammar.name, top, rules)
