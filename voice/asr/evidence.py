"""What a pocketsphinx decode offers as evidence that it heard right, and the confidence from it.

A grammar decode always returns some phrase, so its own score says little; what separates
right from wrong answers is whether independent evidence agrees: a free phone loop on the
same audio, the runner-up hypothesis of different words, a hypothesis that is a complete
phrase. The weights are a logistic model fitted on the bench's tune set
(`python -m bench --sets tune --fit`), never on its test set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from voice.confidence import calibrate

MARGIN_CAP = 500.0  # per-frame margin (pocketsphinx log units) past which more says nothing new
GAP_CAP = 500.0  # per-frame score gap to the phone loop, likewise


@dataclass(frozen=True)
class Evidence:
    """Measurements of one decode."""

    complete: bool  # the hypothesis is a whole phrase of the grammar
    kept_words: int  # words kept (the longest complete phrase)
    heard_words: int  # words the decoder put out
    score: float | None  # log acoustic+grammar score of the best path
    alternatives: tuple[tuple[str, float], ...]  # N-best (text, log score)
    frames: int  # feature frames decoded (100 per second)
    phone_agreement: float  # 0..1, a free phone loop against the hypothesis's phones
    phone_score: float | None  # log score of the free phone loop
    other_agrees: bool  # decoding the other version (raw or noise-suppressed) heard the same

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
WEIGHTS = {"agrees": 0.7481, "loop_gap": -0.0048, "margin": 0.0011, "phones": 6.3202}
BIAS = -0.5379
RAW_CONFIDENT = 0.8082  # the fitted probability of being right below which 90% of wrong fall
DOUBTFUL = 0.5 * RAW_CONFIDENT  # the ceiling for a hypothesis cut back to a complete prefix


def probability_right(evidence: Evidence) -> float:
    """The logistic model's probability that the hypothesis is right."""
    if evidence.kept_words == 0:
        return 0.0
    if not evidence.complete:  # cut back to a complete prefix: a guess, never sure
        return min(DOUBTFUL, _logistic(evidence))
    return _logistic(evidence)


def _logistic(evidence: Evidence) -> float:
    x = BIAS + sum(WEIGHTS[k] * v for k, v in evidence.features().items())
    return 1.0 / (1.0 + math.exp(-x))


def confidence(evidence: Evidence) -> float:
    """The evidence on the shared confidence scale (voice.confidence)."""
    return calibrate(probability_right(evidence), RAW_CONFIDENT)
