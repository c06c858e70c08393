"""The space of test voices: espeak-ng accents and variants, flite voices, pitch, speed, sox.

Voices are split in two: `tune` voices may be listened to while choosing thresholds and
grammars; `test` voices are held out. A render draws one voice from its set's pool and
random prosody (seeded by the clip), so the bench samples the space rather than a fixed list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

TUNE, TEST = "tune", "test"
SETS = (TUNE, TEST)

# espeak-ng English accents (`espeak-ng --voices=en`) and variants (`--voices=variant`)
EN_ACCENTS = {
    TUNE: ("en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan"),
    TEST: ("en-029", "en-us-nyc", "en-gb-x-gbcwmd"),
}
VARIANTS = {
    TUNE: ("", "m1", "m2", "m3", "m5", "f1", "f2", "f3", "f5", "Andy", "Annie", "david", "linda"),
    TEST: ("m4", "m6", "m7", "f4", "Alicia", "Gene", "Jacky", "steph"),
}
# flite's built-in voices (`flite -lv`; awb_time only speaks the time)
FLITE = {TUNE: ("kal", "kal16", "awb"), TEST: ("slt", "rms")}
FLITE_SHARE = 0.3  # of English renders made by flite rather than espeak-ng
TELEPHONE_SHARE = 0.2  # of renders band-limited to 300-3400 Hz, like a phone or a cheap mic
SOX_SHIFT_SHARE = 0.4  # of renders with a sox tempo and pitch change


@dataclass(frozen=True)
class Voice:
    """How one clip is spoken: the engine, its voice, prosody, and sox effects."""

    engine: str  # "espeak-ng" or "flite"
    name: str  # espeak-ng voice[+variant], or a flite voice
    rate: float  # espeak-ng words per minute, or flite's duration stretch
    pitch: int  # espeak-ng pitch 0..99 (unused by flite)
    tempo: float = 1.0  # sox tempo factor
    shift_cents: int = 0  # sox pitch shift
    telephone: bool = False

    @property
    def key(self) -> str:
        """A short unique description, also the cache key of the render."""
        parts = [self.engine, self.name, f"r{self.rate:g}", f"p{self.pitch}"]
        if self.tempo != 1.0 or self.shift_cents:
            parts += [f"t{self.tempo:g}", f"s{self.shift_cents}"]
        if self.telephone:
            parts.append("tel")
        return ":".join(parts)


def draw_voice(locale: str, which: str, rng: random.Random) -> Voice:
    """One voice from the ``which`` pool (tune or test) of ``locale``, with random prosody."""
    if locale == "en" and rng.random() < FLITE_SHARE:
        name = rng.choice(FLITE[which])
        voice = Voice("flite", name, rate=round(rng.uniform(0.9, 1.25), 2), pitch=0)
    else:
        accent = "ko" if locale == "ko" else rng.choice(EN_ACCENTS[which])
        variant = rng.choice(VARIANTS[which])
        name = f"{accent}+{variant}" if variant else accent
        rate = rng.randrange(125, 190, 5)
        voice = Voice("espeak-ng", name, rate=rate, pitch=rng.randrange(25, 75, 5))
    if rng.random() < SOX_SHIFT_SHARE:
        tempo = round(rng.uniform(0.88, 1.12), 2)
        voice = replace(voice, tempo=tempo, shift_cents=rng.randrange(-200, 201, 50))
    if rng.random() < TELEPHONE_SHARE:
        voice = replace(voice, telephone=True)
    return voice


# Talkers for babble: other voices saying unrelated sentences (never the answers' words).
BABBLE_VOICES = {
    "en": (
        ("espeak-ng", "en-us+m2"), ("espeak-ng", "en+f3"), ("espeak-ng", "en-gb-x-rp+m7"),
        ("espeak-ng", "en-029+f2"), ("espeak-ng", "en-us+klatt"), ("flite", "slt"),
        ("flite", "rms"), ("flite", "awb"), ("espeak-ng", "en-gb-scotland+f5"),
    ),
    "ko": (
        ("espeak-ng", "ko+m2"), ("espeak-ng", "ko+f3"), ("espeak-ng", "ko+m6"),
        ("espeak-ng", "ko+f1"), ("espeak-ng", "en-us+m3"), ("flite", "slt"),
    ),
}  # fmt: skip
BABBLE_SENTENCES = {
    "en": (
        "The train to the city leaves from platform four in ten minutes.",
        "Add two cups of flour and a pinch of salt, then stir it slowly.",
        "Tonight the weather will be cloudy with a chance of light rain in the north.",
        "The home team scored twice in the second half and won the cup.",
        "Remember to water the tomatoes before the sun gets too hot.",
        "Our guest this evening has written a book about old sailing ships.",
        "The museum opens at nine and closes early on public holidays.",
        "Please keep your bags with you at all times in the station.",
        "Prices for fresh fruit went up again at the market this month.",
        "He painted the kitchen a pale green and hung new curtains.",
        "The council will discuss the new bus routes on Thursday.",
        "She found the keys under the sofa after searching all morning.",
    ),
    "ko": (
        "오늘 저녁에는 전국에 구름이 많고 곳곳에 비가 오겠습니다.",
        "다음 역은 시청역입니다. 내리실 문은 오른쪽입니다.",
        "밀가루 두 컵에 소금을 조금 넣고 천천히 저어 주세요.",
        "이번 주말에 박물관에서 특별 전시회가 열립니다.",
        "시장에서 과일 값이 또 올랐다고 합니다.",
        "The train to the city leaves from platform four in ten minutes.",
    ),
}
