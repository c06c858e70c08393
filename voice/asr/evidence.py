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
    heard_phones: int  # phones the free loop heard
    expected_phones: int  # phones of the hypothesis
    voiced_s: float  # speech heard in the turn
    snr_db: float  # the answer's level above the room's noise floor
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
        per_frame = 0.0
        if self.score is not None and self.phone_score is not None:
            per_frame = (self.score - self.phone_score) / self.frames
        return {
            "complete": float(self.complete),
            "cut": float(self.heard_words - self.kept_words),
            "margin": self.margin,
            "phones": self.phone_agreement,
            "seconds": self.frames / 100.0,
            "loop_gap": max(-500.0, per_frame),
            "phone_ratio": min(3.0, self.heard_phones / max(1, self.expected_phones)),
            "voiced_per_phone": min(1.0, self.voiced_s / max(1, self.expected_phones)),
            "snr": min(60.0, self.snr_db),
            "agrees": float(self.other_agrees),
        }


# Fitted by bench/fit.py on the tune set; see the module docstring.
WEIGHTS = {"complete": 1.0, "cut": -1.0, "margin": 0.01, "phones": 4.0, "seconds": -0.2,
           "loop_gap": 0.0, "phone_ratio": 0.0, "voiced_per_phone": 0.0, "snr": 0.0, "agrees": 1.0}
BIAS = -1.5
RAW_CONFIDENT = 0.5  # the fitted probability of being right at which answers stop being confirmed


def probability_right(evidence: Evidence) -> float:
    """The logistic model's probability that the hypothesis is right."""
    if evidence.kept_words == 0:
        return 0.0
    x = BIAS + sum(WEIGHTS[k] * v for k, v in evidence.features().items())
    return 1.0 / (1.0 + math.exp(-x))


def confidence(evidence: Evidence) -> float:
    """The evidence on the shared confidence scale (voice.confidence)."""
    return calibrate(probability_right(evidence), RAW_CONFIDENT)
