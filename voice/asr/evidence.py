"""The evidence that a recognizer heard right, and the one shape of confidence model over it.

Every engine reports named evidence features with its transcript (`Transcript.evidence`) and
turns them into a confidence the same way: a logistic model of "the meaning heard was right",
fitted on the bench's tune set (`python -m bench --sets tune --systems ... --fit`), never on
its test set, then mapped onto the shared scale (voice.confidence) so that the probability
below which 90% of the tune set's wrong meanings fall lands on the scale's confirm point.

pocketsphinx's grammar decode always returns some phrase, so its own score says little; what
separates right from wrong is whether independent evidence agrees: a free phone loop on the
same audio, the runner-up hypothesis of different words, the other (raw or noise-suppressed)
decode. Whisper's evidence is a real posterior: each candidate phrase scored by the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from voice.confidence import calibrate

MARGIN_CAP = 500.0  # per-frame margin (pocketsphinx log units) past which more says nothing new
GAP_CAP = 500.0  # per-frame score gap to the phone loop, likewise


@dataclass(frozen=True)
class ConfidenceModel:
    """A logistic model over named evidence features, calibrated onto the shared scale."""

    weights: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0
    raw_confident: float = 0.5  # the fitted probability below which 90% of wrong meanings fall

    def probability(self, features: Mapping[str, float]) -> float:
        """The model's probability that the meaning heard is right."""
        x = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))

    def confidence(self, features: Mapping[str, float], ceiling: float = 1.0) -> float:
        """On the shared scale; ``ceiling`` caps the probability (a guess is never sure)."""
        return calibrate(min(ceiling, self.probability(features)), self.raw_confident)


@dataclass(frozen=True)
class Evidence:
    """Measurements of one pocketsphinx decode."""

    complete: bool  # the hypothesis is a whole phrase of the grammar
    kept_words: int  # words kept (the longest complete phrase)
    heard_words: int  # words the decoder put out
    score: float | None  # log acoustic+grammar score of the best path
    alternatives: tuple[tuple[str, float], ...]  # N-best (text, log score)
    frames: int  # feature frames decoded (100 per second)
    phone_agreement: float  # 0..1, a free phone loop against the hypothesis's phones
    phone_score: float | None  # log score of the free phone loop
    other_agrees: bool  # decoding the other version (raw or noise-suppressed) heard the same
    # cut back to a whole phrase, and the N-best's best whole phrase means the same (pocketsphinx)
    corroborated: bool = False

    @property
    def margin(self) -> float:
        """Per-frame log-score margin over the best hypothesis of different words."""
        if self.score is None or not self.alternatives:
            return 0.0
        best = self.alternatives[0][0].split()
        others = [s for text, s in self.alternatives if text.split() != best]
        if not others:
            return MARGIN_CAP
        return min(MARGIN_CAP, max(0.0, (self.alternatives[0][1] - max(others)) / self.frames))

    def features(self) -> dict[str, float]:
        """The inputs of the confidence model."""
        gap = 0.0
        if self.score is not None and self.phone_score is not None:
            gap = max(-GAP_CAP, (self.score - self.phone_score) / self.frames)
        return {
            "agrees": float(self.other_agrees),
            "loop_gap": gap,
            "margin": self.margin,
            "phones": self.phone_agreement,
        }


# Fitted by bench/fit.py on the tune set (quiet, white 10, pink 5, babble 10, reverberant).
POCKETSPHINX = ConfidenceModel(
    {"agrees": 0.7481, "loop_gap": -0.0048, "margin": 0.0011, "phones": 6.3202},
    bias=-0.5379,
    raw_confident=0.8082,
)
# vosk, fitted on the Korean tune set. With espeak-ng's Korean voice the word posterior says
# nothing (right and wrong answers alike come at 1.0), so only agreement counts: an answer both
# decodes agree on is taken, any other is confirmed. (A threshold at the tune set's 90th
# percentile of wrong answers, 0.7163, fell just above agreement and confirmed every answer,
# so a confirmation could never be confirmed and every Korean consultation gave up.)
_VOSK_WEIGHTS = {"agrees": 0.4203, "word_confidence": -0.0298}
_VOSK_BIAS = 0.5303
VOSK = ConfidenceModel(
    _VOSK_WEIGHTS,
    bias=_VOSK_BIAS,
    raw_confident=1.0 / (1.0 + math.exp(-(_VOSK_BIAS + sum(_VOSK_WEIGHTS.values())))),
)


# Whisper's verdict: the posterior margin of the best meaning over the next (another meaning or
# something else), how far something else is ahead, whether the free decoding and pocketsphinx
# mean the same, Whisper's no-speech probability, a runaway, pocketsphinx's own confidence, and
# their interactions (whisper_evidence). Fitted by `python -m bench.fit RUN en-whisper_always
# 0.95` on the tune set's `whisper always` decodes (quiet, white 10, pink 5, babble 10,
# reverberant; 578 right and 209 wrong meanings, each hypothesis read for what it tells the
# dialog awaiting the answer), the threshold catching 95% of the wrong ones (27.5% of the right
# ones fall below it there).
WHISPER = ConfidenceModel(
    {
        "agreeing_confidence": 2.8055,
        "both_agree": 0.6722,
        "else_ahead": 0.0215,
        "free_agrees": -1.0984,
        "free_margin": 0.0799,
        "grammar_agrees": 0.5605,
        "grammar_confidence": -0.9713,
        "grammar_margin": 0.0064,
        "lead": 0.1159,
        "logprob": 0.1854,
        "margin": 0.005,
        "no_speech": -0.5673,
        "runaway": -0.4262,
    },
    bias=1.6972,
    raw_confident=0.8355,
)


def whisper_evidence(features: Mapping[str, float]) -> dict[str, float]:
    """Whisper's evidence with the interactions its model weighs: the margin counts for more
    when Whisper's own words or pocketsphinx say the same meaning, and only a lead (not a
    deficit) past zero adds; pocketsphinx's confidence counts when it agrees. Held out by
    phrasing on the tune set, they kept 75% of right meanings against 67% without, at the
    same share of wrong ones caught. Derived again from the base features, so an old run's
    decodes can be refitted."""
    free, grammar = features.get("free_agrees", 0.0), features.get("grammar_agrees", 0.0)
    margin = features.get("margin", 0.0)
    return {
        **features,
        "both_agree": free * grammar,
        "free_margin": free * margin,
        "grammar_margin": grammar * margin,
        "lead": max(0.0, margin),
        "agreeing_confidence": grammar * features.get("grammar_confidence", 0.0),
    }


def pocketsphinx_confidence(evidence: Evidence) -> float:
    """A pocketsphinx decode's confidence on the shared scale."""
    if evidence.kept_words == 0:
        return 0.0
    # Cut back to a complete prefix ("yes a" -> "yes"): a guess, never sure, unless the best
    # whole phrase the decoder found means the same.
    sure = evidence.complete or evidence.corroborated
    ceiling = 1.0 if sure else 0.5 * POCKETSPHINX.raw_confident
    return POCKETSPHINX.confidence(evidence.features(), ceiling)
