"""The hassil-to-speech grammar compiler: phrases, JSGF equivalence, wildcards, numbers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pocketsphinx
import pytest
from hassil import Intents

from voice.errors import DialogError
from voice.grammar import (
    Grammar,
    accepts,
    build_grammar,
    grammar_words,
    phrase_count,
    to_jsgf,
    without_words,
    word_automaton,
)
from voice.understand import Understanding

INTENTS_FILE = Path(__file__).resolve().parent.parent / "dialogs" / "en" / "intents.yaml"

SMALL = {
    "language": "en",
    "skip_words": ["please", "um"],
    "expansion_rules": {"about": "(about|around)", "unit": "(day[s]|week[s])"},
    "lists": {
        "count": {"range": {"from": 1, "to": 30}},
        "rest": {"wildcard": True},
        "when": {"values": [{"in": "yesterday", "out": 1}, {"in": "last week", "out": 7}]},
    },
    "intents": {
        "answer_yes": {"data": [{"sentences": ["yes [it is]", "(yep|yeah)", "sure; definitely"]}]},
        "answer_no": {"data": [{"sentences": ["no", "Not really!", "no {rest}"]}]},
        "answer_duration": {
            "data": [{"sentences": ["[for] [<about>] {count} <unit>", "since {when}"]}]
        },
    },
}


@pytest.fixture(scope="module")
def small() -> Intents:
    return Intents.from_dict(SMALL)


@pytest.fixture(scope="module")
def small_grammar(small: Intents) -> Grammar:
    return build_grammar(small, ["answer_yes", "answer_no", "answer_duration"], "small", "en")


@pytest.fixture(scope="module")
def decoder() -> pocketsphinx.Decoder:
    # One decoder for the module: loading the acoustic model takes ~0.1 s, parsing JSGF ~0.
    return pocketsphinx.Decoder(lm=None, loglevel="FATAL")


def jsgf_accepts(decoder: pocketsphinx.Decoder, grammar: Grammar) -> Callable[[str], bool]:
    """Pocketsphinx's own reading of the grammar's JSGF, parsed once."""
    fsg = decoder.parse_jsgf(to_jsgf(grammar))
    return lambda phrase: bool(fsg.accept(phrase))


def test_phrases_are_lower_case_words_without_punctuation(small_grammar: Grammar) -> None:
    assert "not really" in small_grammar.phrases
    assert all(p == p.lower() and "!" not in p for p in small_grammar.phrases)
    assert list(small_grammar.phrases) == sorted(set(small_grammar.phrases))


def test_optionals_alternatives_permutations_and_partial_words(small_grammar: Grammar) -> None:
    phrases = set(small_grammar.phrases)
    assert {"yes", "yes it is", "yep", "yeah", "sure definitely", "definitely sure"} <= phrases
    assert {"twenty one days", "for about one day", "around three weeks"} <= phrases
    assert "since last week" in phrases


def test_number_words_come_from_hassil_ranges_without_digits(small_grammar: Grammar) -> None:
    words = grammar_words(small_grammar)
    assert {"one", "twenty", "thirty"} <= words
    assert not any(w.isdigit() for w in words)
    assert "thirty one" not in " ".join(small_grammar.phrases)


def test_wildcard_templates_and_skip_words_stay_out(small_grammar: Grammar) -> None:
    words = grammar_words(small_grammar)
    assert "rest" not in words and "please" not in words and "um" not in words
    assert "no" in small_grammar.phrases


def test_jsgf_accepts_every_phrase_and_nothing_else(
    decoder: pocketsphinx.Decoder, small_grammar: Grammar
) -> None:
    assert phrase_count(small_grammar) >= len(small_grammar.phrases)
    in_jsgf = jsgf_accepts(decoder, small_grammar)
    for phrase in small_grammar.phrases:
        assert in_jsgf(phrase), phrase
    for phrase in ("yes yes", "for", "thirty one days", "since", "no please"):
        assert not in_jsgf(phrase), phrase


def test_jsgf_is_compact_not_a_flat_list(small_grammar: Grammar) -> None:
    assert len(small_grammar.phrases) > 200
    assert to_jsgf(small_grammar).count("|") < len(small_grammar.phrases) / 3


def test_word_automaton_accepts_exactly_the_phrases(small_grammar: Grammar) -> None:
    automaton = word_automaton(small_grammar)
    assert all(accepts(automaton, p.split()) for p in small_grammar.phrases)
    assert not accepts(automaton, ["yes", "yes"]) and not accepts(automaton, ["for"])


def test_without_words_drops_only_phrases_that_need_them(
    decoder: pocketsphinx.Decoder, small_grammar: Grammar
) -> None:
    pruned = without_words(small_grammar, ["definitely", "around"])
    assert "sure definitely" not in pruned.phrases
    assert "around two days" not in pruned.phrases
    assert "about two days" in pruned.phrases and "yes" in pruned.phrases
    in_jsgf = jsgf_accepts(decoder, pruned)
    assert not in_jsgf("around two days")
    assert in_jsgf("about two days")


def test_without_every_word_nothing_can_be_said(small_grammar: Grammar) -> None:
    silent = without_words(small_grammar, grammar_words(small_grammar))
    assert silent.phrases == () and phrase_count(silent) == 0
    assert word_automaton(silent).arcs == ()
    assert "public <small> = <NULL>;" in to_jsgf(silent)


def test_a_phrase_list_grammar_accepts_exactly_its_phrases() -> None:
    grammar = Grammar.from_phrases("yes_no", ["yes it is", "no", "yes", "no"])
    assert grammar.phrases == ("no", "yes", "yes it is")
    assert phrase_count(grammar) == 3
    automaton = word_automaton(grammar)
    assert accepts(automaton, ["yes", "it", "is"]) and not accepts(automaton, ["it", "is"])


def test_the_grammar_compiler_imports_no_recognizer() -> None:
    # voice.asr imports voice.grammar; the other way round would be an import circle.
    code = "import sys, voice.grammar; print([m for m in sys.modules if m.startswith('voice.asr')])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_unknown_intent_is_a_dialog_error(small: Intents) -> None:
    with pytest.raises(DialogError, match="unknown intents"):
        build_grammar(small, ["answer_maybe"], "bad", "en")


# Sampled phrases that hassil reads as another intent, because a wildcard template swallows them
# ("definitely not" -> answer_yes via "definitely {rest}"): a data bug in dialogs/en/intents.yaml.
# strict xfail: this turns red once the file is fixed, so drop the name then.
INTENT_NAMES = sorted(
    name
    for name, intent in Intents.from_files([INTENTS_FILE]).intents.items()
    if any((data.metadata or {}).get("speech") is not False for data in intent.data)
)  # the intents with spoken templates


@pytest.fixture(scope="module")
def real() -> Intents:
    return Intents.from_files([INTENTS_FILE])


@pytest.fixture(scope="module")
def real_understanding(real: Intents) -> Understanding:
    return Understanding(real)  # compiled once for the module: it takes a second


@pytest.mark.parametrize("intent", INTENT_NAMES)
def test_real_intent_phrases_parse_back_to_the_same_intent(
    real: Intents, real_understanding: Understanding, intent: str
) -> None:
    grammar = build_grammar(real, [intent], intent, "en")
    assert grammar.phrases
    wrong = []
    # An intent that requires a context (start_consultation: {consultation: none}) is matched
    # only where that context is given; every other intent as the dialog reads a heard clause.
    # Only the spoken templates' contexts count: the phrases come from them.
    spoken = [d for d in real.intents[intent].data if (d.metadata or {}).get("speech") is not False]
    context = {k: v for data in spoken for k, v in data.requires_context.items()}
    for phrase in grammar.phrases[:: max(1, len(grammar.phrases) // 400)]:
        meanings = real_understanding.read(phrase, context=context).meanings
        if [m.intent for m in meanings] != [intent]:
            wrong.append((phrase, [m.intent for m in meanings]))
    assert not wrong, wrong[:5]


def test_real_question_grammars_build_for_pocketsphinx(
    decoder: pocketsphinx.Decoder, real: Intents
) -> None:
    grammar = build_grammar(real, list(real.intents), "everything", "en")
    automaton = word_automaton(grammar)
    assert automaton.final_states and len(automaton.arcs) > len(grammar_words(grammar))
    assert decoder.parse_jsgf(to_jsgf(grammar)).accept("yes")
