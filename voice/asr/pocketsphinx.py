"""The pocketsphinx recognizer: an FSG search per grammar, an endpointer that reads the words,
and a confidence from how the evidence agrees.

Every decode starts from the same front-end state: `reinit_feat()` rebuilds the feature
extraction before each utterance, which restores the cepstral-mean prior, forgets the noise
estimate of pocketsphinx's noise removal (it otherwise carries over from the last turn, so a
clean "no" after a noisy answer was heard as "dunno"), and reseeds the dither (a process-wide
random generator that otherwise advances from turn to turn). Each utterance is decoded whole
(`full_utt=True`), so its cepstral mean is its own; streaming with a running mean measured
worse (bench/).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from voice.asr import AnswerMeaning, RecognitionSettings, Transcript
from voice.asr.endpoint import Listening
from voice.asr.evidence import Evidence, pocketsphinx_confidence
from voice.asr.turn import Decoding, Heard, listen
from voice.audio import AudioChunk
from voice.denoise import Suppressors
from voice.errors import ModelError
from voice.events import Awaiting
from voice.grammar import (
    Grammar,
    WordAutomaton,
    accepts,
    grammar_words,
    without_words,
    word_automaton,
)
from voice.grammar.endings import OFF, Endings, endings

_LOGGER = logging.getLogger(__name__)

Same = Callable[[str, str], bool]  # do two texts tell the dialog the same thing?
RATE_HZ = 16_000
# Dither, reseeded for every utterance by reinit_feat: digital silence upsets the front end.
DECODER_OPTIONS: tuple[tuple[str, Any], ...] = (("dither", True), ("seed", 1))
_ALLPHONE = "_allphone"
SILENCE_PROB = 0.1  # of a pause (self-loop) at any point of a grammar
NBEST = 12  # hypotheses read for the margin to another meaning
LOG_BASE = 1e-4  # ln(1.0001): pocketsphinx's log base


@dataclass(frozen=True)
class _Search:
    """One grammar as pocketsphinx searches it."""

    grammar: Grammar
    automaton: WordAutomaton
    endings: Endings
    missing: frozenset[str]


@dataclass(frozen=True)
class _Decoded:
    """One decode of the speech heard so far."""

    words: tuple[str, ...]  # the hypothesis, cut back to its longest complete phrase
    complete: bool  # the whole hypothesis is a phrase of the grammar
    ending: str  # voice.grammar.endings: settled, open, partial, off
    evidence: Evidence


class PocketsphinxRecognizer:
    """Recognizer for pocketsphinx 5 with per-grammar FSG searches cached by grammar name."""

    sample_rate_hz = RATE_HZ

    def __init__(
        self,
        settings: RecognitionSettings | None = None,
        model_path: Path | None = None,
        meaning: AnswerMeaning | None = None,
    ) -> None:
        """Load the model in ``model_path`` (an acoustic model folder and a *.dict beside it),
        by default the English model inside the pocketsphinx wheel. ``meaning`` says what a
        text would tell the dialog; with it, a hearing cut short can be corroborated."""
        self._meaning = meaning
        import pocketsphinx  # only this module needs the engine

        self._settings = settings or RecognitionSettings()
        folder = model_path or Path(pocketsphinx.get_model_path("en-us"))
        model_dir = _acoustic_model(folder)
        dictionary = next(iter(sorted(folder.glob("*.dict"))), folder / "(no *.dict)")
        for path, what in ((model_dir / "mdef", "acoustic model"), (dictionary, "dictionary")):
            if not path.is_file():
                raise ModelError(
                    f"pocketsphinx {what} not found at {path}: reinstall pocketsphinx "
                    "or point --model at a complete model"
                )
        config = pocketsphinx.Config(hmm=str(model_dir), dict=str(dictionary), lm=None)
        config["loglevel"] = "FATAL"
        config["fsgusefiller"] = False  # silence loops are written into each FSG instead
        for key, value in DECODER_OPTIONS:
            config[key] = value
        try:
            self._decoder = pocketsphinx.Decoder(config)
            self._decoder.add_allphone_file(_ALLPHONE, None)
        except (RuntimeError, ValueError) as err:
            raise ModelError(
                f"pocketsphinx could not load the model in {model_dir} ({err}): "
                "reinstall pocketsphinx or replace the model files"
            ) from err
        self._searches: dict[str, _Search] = {}
        self.suppressors = Suppressors(
            self._settings.denoise, self._settings.device_memory_mb
        )  # each turn's noise suppressor

    def missing_words(self, grammar: Grammar) -> set[str]:
        """Words of ``grammar`` that the pronunciation dictionary lacks."""
        search = self._searches.get(grammar.name)
        if search is not None and search.grammar == grammar:
            return set(search.missing)
        return {w for w in grammar_words(grammar) if self._decoder.lookup_word(w) is None}

    def prepare(self, grammar: Grammar) -> None:
        """Build the search for ``grammar`` now rather than on its first turn."""
        search = self._searches.get(grammar.name)
        if search is not None and search.grammar == grammar:
            return
        missing = self.missing_words(grammar)
        usable = grammar
        if missing:
            _LOGGER.warning(
                "Grammar %s: words not in the pocketsphinx dictionary, phrases using them "
                "are dropped: %s",
                grammar.name,
                " ".join(sorted(missing)),
            )
            usable = without_words(grammar, missing)
        if not usable.phrases:
            raise ModelError(
                f"Grammar {grammar.name} has no phrase pocketsphinx can say: "
                "add the missing words to the dictionary"
            )
        # An epsilon-free FSG: pocketsphinx 5 loses hypotheses on JSGF whose optional parts
        # follow alternatives (chains of null transitions plus filler loops).
        automaton = word_automaton(usable)
        final = automaton.n_states
        transitions = [(a, b, 1.0, w) for a, b, w in automaton.arcs]
        # The turn ends in silence: a closing <sil> is the only way into the final state, so
        # the search cannot stop on a partial phrase that swallowed the pause as a word.
        transitions += [(s, final, 1.0, "<sil>") for s in sorted(automaton.final_states)]
        transitions += [(s, s, SILENCE_PROB, "<sil>") for s in range(final + 1)]
        try:
            fsg = self._decoder.create_fsg(grammar.name, 0, final, transitions)
            self._decoder.add_fsg(grammar.name, fsg)
        except (RuntimeError, ValueError) as err:
            raise ModelError(f"pocketsphinx rejected grammar {grammar.name}: {err}") from err
        self._searches[grammar.name] = _Search(
            grammar, automaton, endings(usable), frozenset(missing)
        )

    def transcribe(
        self, audio: Iterator[AudioChunk], grammar: Grammar, awaiting: Awaiting | None = None
    ) -> Transcript | None:
        """Listen for one turn and decode it with ``grammar``; None if nobody spoke in time."""
        return listen(
            audio, lambda: self.start(grammar, awaiting), self._settings, self.suppressors.new
        )

    def start(self, grammar: Grammar, awaiting: Awaiting | None = None) -> Decoding:
        """The decoding of one turn with ``grammar`` (voice/asr/turn.py runs the turn), for a
        dialog awaiting ``awaiting`` (None: no hearing cut short is corroborated)."""
        self.prepare(grammar)
        same: Same | None = None
        if self._meaning is not None and awaiting is not None:
            same = partial(_same_meaning, self._meaning, awaiting)
        return _Turn(self, self._searches[grammar.name], same)

    def _run(self, search_name: str, speech: bytes) -> Any:
        """Decode ``speech`` whole with one search, from a fresh front end."""
        decoder = self._decoder
        decoder.activate_search(search_name)
        decoder.reinit_feat()  # the same cepstral-mean prior, noise estimate and dither
        decoder.start_utt()
        decoder.process_raw(speech, full_utt=True)
        decoder.end_utt()
        return decoder.hyp()

    def decode(self, search: _Search, listening: Listening) -> _Decoded:
        """The grammar's best phrase for what was heard so far, and the evidence for it."""
        noisy = listening.noisy(self._settings)
        speech = listening.audio(clean=noisy)
        hyp = self._run(search.grammar.name, speech)
        words = tuple(hyp.hypstr.split()) if hyp is not None and hyp.hypstr else ()
        frames = max(1, self._decoder.n_frames())
        alternatives = _nbest(self._decoder) if words else []
        # Pocketsphinx falls back to the best partial path when no complete phrase survived;
        # a breath after "yes" becomes "yes a" (a start of "yes a little"). The longest complete
        # prefix is what was most likely said, but only ever as a doubtful hearing.
        complete = accepts(search.automaton, words)
        prefix = next(
            (n for n in range(len(words), 0, -1) if accepts(search.automaton, words[:n])), 0
        )
        kept = words[:prefix]
        ending = search.endings.ending(words) if words else OFF
        other = self._run(search.grammar.name, listening.audio(clean=not noisy))
        other_words = tuple(other.hypstr.split()) if other is not None and other.hypstr else ()
        phone_hyp = self._run(_ALLPHONE, speech)
        phones = [p for p in (phone_hyp.hypstr.split() if phone_hyp else []) if p != "SIL"]
        expected: list[str] = []
        for word in kept:
            expected += (self._decoder.lookup_word(word) or "").split()
        evidence = Evidence(
            complete=complete,
            kept_words=len(kept),
            heard_words=len(words),
            score=_log_score(hyp.score) if hyp is not None else None,
            alternatives=tuple((text, _log_score(score)) for text, score in alternatives),
            frames=frames,
            phone_agreement=phone_agreement(phones, expected),
            phone_score=_log_score(phone_hyp.score) if phone_hyp is not None else None,
            other_agrees=other_words[: len(kept)] == kept and bool(kept),
        )
        return _Decoded(kept, complete, ending, evidence)


class _Turn:
    """One pocketsphinx turn: the whole answer is decoded again whenever it has grown."""

    def __init__(
        self, recognizer: PocketsphinxRecognizer, search: _Search, same: Same | None = None
    ) -> None:
        self._recognizer = recognizer
        self._search = search
        self._same = same
        self._decoded: _Decoded | None = None
        self._decoded_at = -1  # listening.voiced_frames when `_decoded` was made

    def feed(self, frame: bytes, clean: bytes) -> None:
        """Nothing to do per frame: the answer is decoded whole."""

    def _decode(self, listening: Listening) -> _Decoded:
        if self._decoded is None or self._decoded_at != listening.voiced_frames:
            self._decoded = self._recognizer.decode(self._search, listening)
            self._decoded_at = listening.voiced_frames
        return self._decoded

    def heard(self, listening: Listening) -> Heard:
        """The grammar's best phrase so far and where it could end."""
        decoded = self._decode(listening)
        return Heard(decoded.words, decoded.ending)

    def finish(self, listening: Listening) -> Transcript | None:
        """The turn's transcript with its evidence; None when no words were heard."""
        decoded = self._decode(listening)
        if not decoded.evidence.heard_words:
            return None
        text = " ".join(decoded.words)
        evidence = decoded.evidence
        if not decoded.complete and decoded.words and self._same is not None:
            evidence = replace(evidence, corroborated=self._corroborated(decoded))
        level = pocketsphinx_confidence(evidence)
        _LOGGER.debug(
            "grammar %s heard %r conf=%.2f %s", self._search.grammar.name, text, level, decoded
        )
        return Transcript(
            text=text,
            confidence=level,
            in_grammar=bool(decoded.words),
            evidence=evidence.features(),
        )

    def _corroborated(self, decoded: _Decoded) -> bool:
        """Whether the best whole phrase among the decoder's N-best means what the hearing cut
        back to a whole phrase means: "yes" split as "yeah a" (its "s" taken for a word) is
        "yeah", and "yes" is the best whole phrase, so the hearing stands on its own."""
        automaton, kept, same = self._search.automaton, " ".join(decoded.words), self._same
        for text, _ in decoded.evidence.alternatives:
            if accepts(automaton, text.split()):
                return same is not None and same(kept, text)
        return False


def _same_meaning(meaning: AnswerMeaning, awaiting: Awaiting, first: str, second: str) -> bool:
    """Whether two texts tell the dialog awaiting ``awaiting`` the same (and something)."""
    said = meaning(first, awaiting)
    return said is not None and said == meaning(second, awaiting)


def _log_score(value: float) -> float:
    """pocketsphinx's Python scores are logmath.exp(score): back to its integer log domain."""
    import math

    return math.log(value) / LOG_BASE if value > 0 else -1e9


def _nbest(decoder: Any) -> list[tuple[str, float]]:
    found = []
    for n, hyp in enumerate(decoder.nbest() or []):
        if n >= NBEST:
            break
        if hyp is not None:
            found.append((hyp.hypstr, hyp.score))
    return found


def phone_agreement(heard: list[str], expected: list[str]) -> float:
    """1 - phone edit distance / length of the longer string: 1.0 when the phone loop agrees."""
    if not heard or not expected:
        return 0.0
    previous = list(range(len(expected) + 1))
    for i, h in enumerate(heard, 1):
        current = [i]
        for j, e in enumerate(expected, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (h != e)))
        previous = current
    return 1.0 - previous[-1] / max(len(heard), len(expected))


def _acoustic_model(folder: Path) -> Path:
    """The acoustic model (the folder holding mdef): ``folder`` itself or one inside it."""
    if (folder / "mdef").is_file():
        return folder
    inside = sorted(sub for sub in folder.glob("*") if (sub / "mdef").is_file())
    return inside[0] if inside else folder
