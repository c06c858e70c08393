"""The whisper engine: pocketsphinx follows the turn and proposes; Whisper weighs the meanings.

The turn loop is the one every engine uses (voice/asr/turn.py) with pocketsphinx's grammar
decoding, which is cheap enough to run at every pause and tells the endpointer where the
answer can end. When the turn has ended, Whisper tiny.en weighs the question's meanings
(voice/asr/posterior.py): on every turn (`whisper_when="always"`), or only when pocketsphinx's
own confidence is below the confirm point (`"doubtful"`), where it replaces asking "Did you
say ...?". The confidence comes from the one shape of model (voice/asr/evidence.py) over
Whisper's evidence and pocketsphinx's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voice.asr import AnswerMeaning, RecognitionSettings, Transcript
from voice.asr.endpoint import Listening
from voice.asr.evidence import WHISPER, whisper_evidence
from voice.asr.pocketsphinx import PocketsphinxRecognizer
from voice.asr.posterior import Meaning, candidates, weigh
from voice.asr.turn import Decoding, Heard, listen
from voice.asr.whisper import MAX_TOKENS, MIN_TOKENS, WhisperModel, words, written_form
from voice.audio import AudioChunk
from voice.confidence import CONFIRM_BELOW
from voice.events import Awaiting
from voice.grammar import Grammar

_LOGGER = logging.getLogger(__name__)

GUESS = 0.5  # share of the confirm point a reassuring meaning Whisper did not write gets
TOKENS_PER_WORD = 3  # the token limit: this many per word of the grammar's longest phrase
NOTHING = Transcript("", 0.0, in_grammar=False)  # pocketsphinx found no words


@dataclass
class WhisperUse:
    """How often Whisper was asked and what it cost (read by the bench and the logs)."""

    turns: int = 0
    asked: int = 0
    seconds: float = 0.0
    overturned: int = 0  # Whisper's meaning differed from pocketsphinx's
    _limits: dict[str, int] = field(default_factory=dict)


class WhisperRecognizer:
    """Recognizer: pocketsphinx turns, with Whisper's posterior per meaning."""

    sample_rate_hz = 16_000

    def __init__(
        self,
        settings: RecognitionSettings,
        meaning: AnswerMeaning,
        model_path: Path | None = None,
        grammar_model_path: Path | None = None,
    ) -> None:
        """Load pocketsphinx and tiny.en; ``meaning`` says what a text means to the dialog
        while it awaits a given answer."""
        self._settings = settings
        self._meaning = meaning
        self._grammar = PocketsphinxRecognizer(settings, grammar_model_path)
        self._model = WhisperModel(model_path)
        self.use = WhisperUse()

    def missing_words(self, grammar: Grammar) -> set[str]:
        """Words pocketsphinx cannot follow (Whisper can write any English word)."""
        return self._grammar.missing_words(grammar)

    def transcribe(
        self, audio: Iterator[AudioChunk], grammar: Grammar, awaiting: Awaiting | None = None
    ) -> Transcript | None:
        """Listen for one turn; None when nobody spoke in time. Whisper's hypotheses are
        weighed by what they would tell the dialog awaiting ``awaiting``."""

        def meaning(text: str) -> Hashable | None:
            return self._meaning(text, awaiting)

        return listen(
            audio,
            lambda: _Turn(self, self._grammar.start(grammar), grammar, meaning),
            self._settings,
            self._grammar.suppressors.new,
        )

    def weigh(
        self, listening: Listening, grammar: Grammar, hint: Transcript, meaning: Meaning
    ) -> Transcript | None:
        """Whisper's verdict on the turn; None when it heard nobody speak (listen on).

        Whisper's no-speech rule alone does not end the turn: under babble it rates real
        answers as no speech ("Yeah." at 0.74), so it counts only when the words it wrote
        mean nothing to the dialog either; otherwise its probability is evidence."""
        started = time.perf_counter()
        samples = np.frombuffer(listening.audio(), dtype="<i2")
        encoded = self._model.encode(samples)
        free = self._model.decode(encoded, self._token_limit(grammar))
        if free.silent and meaning(free.text) is None:
            _LOGGER.debug("whisper heard no speech (%.2f, %.2f)", free.no_speech, free.logprob)
            self._count(started, overturned=True)
            return None
        hint_text = hint.text if hint.in_grammar and hint.text else None
        texts = candidates(grammar.phrases, free, hint_text)
        plain_free = " ".join(words(free.text))
        written = [free.text if t == plain_free else written_form(t) for t in texts]
        scores = self._model.score(encoded, written)
        verdict = weigh(texts, scores, meaning, free, frozenset(grammar.phrases), hint_text)
        evidence = whisper_evidence(
            {**verdict.features, "grammar_confidence": hint.confidence, "whisper": 1.0}
        )
        overturned = verdict.meaning != (meaning(hint_text) if hint_text else None)
        self._count(started, overturned)
        _LOGGER.debug("whisper %r -> %r (%s)", free.text, verdict.text, evidence)
        if verdict.meaning is None:  # something else: ask again rather than guess
            return Transcript(hint.text, 0.0, in_grammar=False, evidence=evidence)
        # A reassuring answer Whisper's own words do not say (only a grammar phrase scored
        # it) is never taken outright: at most "Did you say no?" (babble: "yes it's gone a
        # funny colour" heard "no" at 0.64, its free decoding meaning nothing).
        confidence = WHISPER.confidence(evidence)
        if not verdict.features["free_agrees"] and getattr(verdict.meaning, "reassuring", False):
            confidence = min(confidence, GUESS * CONFIRM_BELOW)
        return Transcript(verdict.text, confidence, evidence=evidence)

    def _token_limit(self, grammar: Grammar) -> int:
        limit = self.use._limits.get(grammar.name)
        if limit is None:
            longest = max((len(p.split()) for p in grammar.phrases), default=1)
            limit = max(MIN_TOKENS, min(MAX_TOKENS, TOKENS_PER_WORD * longest))
            self.use._limits[grammar.name] = limit
        return limit

    def _count(self, started: float, overturned: bool) -> None:
        self.use.asked += 1
        self.use.seconds += time.perf_counter() - started
        self.use.overturned += overturned

    def needs_whisper(self, heard: Transcript | None) -> bool:
        """Whether this turn goes to Whisper (always when pocketsphinx found no words)."""
        self.use.turns += 1
        if heard is None or self._settings.whisper_when == "always":
            return True
        return not heard.in_grammar or heard.confidence < CONFIRM_BELOW

    def overturns(
        self, listening: Listening, grammar: Grammar, heard: Transcript, meaning: Meaning
    ) -> Transcript | None:
        """Whisper's verdict when it hears otherwise than pocketsphinx's confident reassuring
        answer ("could be" heard "not really" at 0.84, "about ten days" as "about two days" at
        0.83: on the bench the confident mishearings were all of this kind); None when it
        agrees, or hears nobody speak (under babble it says so of real answers)."""
        said = meaning(heard.text)
        if not getattr(said, "reassuring", False):
            return None
        verdict = self.weigh(listening, grammar, heard, meaning)
        if verdict is None or (verdict.in_grammar and meaning(verdict.text) == said):
            return None
        _LOGGER.debug("whisper overturns a confident %r with %r", heard.text, verdict.text)
        return verdict


class _Turn:
    """pocketsphinx's decoding of the turn, then Whisper's verdict where it is wanted."""

    def __init__(
        self, recognizer: WhisperRecognizer, inner: Decoding, grammar: Grammar, meaning: Meaning
    ) -> None:
        self._recognizer = recognizer
        self._inner = inner
        self._grammar = grammar
        self._meaning = meaning

    def feed(self, frame: bytes, clean: bytes) -> None:
        """pocketsphinx takes the frame."""
        self._inner.feed(frame, clean)

    def heard(self, listening: Listening) -> Heard:
        """pocketsphinx's words so far guide the endpointer."""
        return self._inner.heard(listening)

    def finish(self, listening: Listening) -> Transcript | None:
        """pocketsphinx's transcript, or Whisper's verdict on the turn (also when Whisper
        hears otherwise than a confident reassuring answer).

        When pocketsphinx found no words at all (noise, or a voice it cannot follow: in the
        quiet room some test voices' "I don't know" came out as nothing), Whisper still
        listens. Its verdict counts only when its own words say that meaning; otherwise the
        onset was noise and the turn listens on."""
        heard = self._inner.finish(listening)
        if not self._recognizer.needs_whisper(heard) and heard is not None:
            overturned = self._recognizer.overturns(listening, self._grammar, heard, self._meaning)
            return heard if overturned is None else overturned
        verdict = self._recognizer.weigh(listening, self._grammar, heard or NOTHING, self._meaning)
        if heard is None and not (verdict is not None and verdict.evidence.get("free_agrees")):
            return None  # neither heard an answer: the onset was noise, listen on
        return verdict
