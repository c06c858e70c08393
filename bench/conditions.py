"""Listening conditions: a quiet room, white / pink / babble noise at an SNR, a reverberant room.

A turn is built as a microphone would hear it: a pause, the answer, then quiet long enough for
any endpointer, with the noise (or room tone) under all of it. The SNR is measured against the
answer's active speech. Everything is seeded by the clip and the condition, so every system
hears exactly the same samples.
"""

from __future__ import annotations

import random
import subprocess
import zlib
from dataclasses import dataclass

import numpy as np

from bench.corpus import RATE_HZ, Renderer, speech_power
from bench.voices import BABBLE_SENTENCES, BABBLE_VOICES, Voice

LEAD_S = 0.4  # the pause before the person answers (as voice.listeners plays it)
TAIL_S = 2.0  # quiet after the answer: more than any endpointer waits
ROOM_TONE_DBFS = -72.0  # a quiet room's noise floor: a microphone never hears digital zeros
BABBLE_TALKERS = 5
REVERB = ("reverb", "60", "50", "90", "100", "10")  # reverberance %, damping %, room %, ...


@dataclass(frozen=True)
class Condition:
    """One listening condition."""

    name: str
    noise: str | None = None  # white, pink, babble
    snr_db: float | None = None
    reverb: bool = False


CONDITIONS = {
    c.name: c
    for c in (
        Condition("quiet"),
        Condition("white 10 dB", "white", 10.0),
        Condition("white 5 dB", "white", 5.0),
        Condition("pink 10 dB", "pink", 10.0),
        Condition("pink 5 dB", "pink", 5.0),
        Condition("babble 10 dB", "babble", 10.0),
        Condition("babble 5 dB", "babble", 5.0),
        Condition("reverberant room", reverb=True),
    )
}


@dataclass(frozen=True)
class Turn:
    """The audio of one turn and where the answer ends in it."""

    samples: np.ndarray  # int16 at RATE_HZ
    speech_end_s: float  # end of the (dry) answer, from the start of the turn


def build_turn(
    renderer: Renderer, speech: np.ndarray, condition: Condition, seed: str, locale: str
) -> Turn:
    """``speech`` (a rendered answer of ``locale``) heard in ``condition``."""
    rng = np.random.default_rng(zlib.crc32(f"{seed}|{condition.name}".encode()))
    lead, tail = np.zeros(round(LEAD_S * RATE_HZ)), np.zeros(round(TAIL_S * RATE_HZ))
    dry = speech.astype(np.float64)
    wet = reverberate(speech).astype(np.float64) if condition.reverb else dry
    body = np.concatenate([lead, wet, tail])[: len(lead) + len(dry) + len(tail)]
    if condition.noise is not None and condition.snr_db is not None:
        noise = _noise(renderer, condition.noise, len(body), rng, f"{seed}|{locale}")
        target = speech_power(speech) / 10 ** (condition.snr_db / 10)
        body = body + noise * np.sqrt(target / max(float(np.mean(noise**2)), 1e-9))
    floor = 32768.0 * 10 ** (ROOM_TONE_DBFS / 20)
    body = body + rng.normal(0.0, floor, len(body))
    samples = np.clip(np.round(body), -32768, 32767).astype(np.int16)
    return Turn(samples, (len(lead) + len(dry)) / RATE_HZ)


def add_condition(
    renderer: Renderer, samples: np.ndarray, condition: Condition, seed: str, locale: str
) -> np.ndarray:
    """A whole turn (pauses and answer, as a microphone heard it) heard in ``condition``; the
    SNR is measured against its frames within 30 dB of the loudest (the answer)."""
    rng = np.random.default_rng(zlib.crc32(f"{seed}|{condition.name}".encode()))
    body = samples.astype(np.float64)
    if condition.reverb:
        body = reverberate(samples)[: len(samples)].astype(np.float64)
    if condition.noise is not None and condition.snr_db is not None:
        noise = _noise(renderer, condition.noise, len(body), rng, f"{seed}|{locale}")
        target = _loud_power(samples) / 10 ** (condition.snr_db / 10)
        body = body + noise * np.sqrt(target / max(float(np.mean(noise**2)), 1e-9))
    return np.clip(np.round(body), -32768, 32767).astype(np.int16)


def _loud_power(samples: np.ndarray, frame: int = 160) -> float:
    n = max(1, len(samples) // frame)
    power = np.mean(samples[: n * frame].astype(np.float64).reshape(n, -1) ** 2, axis=1)
    return float(np.mean(power[power >= power.max() * 1e-3])) if len(power) else 1.0


def reverberate(speech: np.ndarray) -> np.ndarray:
    """``speech`` in a reverberant room (sox reverb), as long as the input plus its tail."""
    padded = np.concatenate([speech, np.zeros(RATE_HZ, dtype=np.int16)])
    raw = ["-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", str(RATE_HZ)]
    out = subprocess.run(
        ["sox", *raw, "-", *raw, "-", *REVERB],
        input=padded.astype("<i2").tobytes(), capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(out, dtype="<i2").astype(np.int16)


def _noise(
    renderer: Renderer, kind: str, n: int, rng: np.random.Generator, seed: str
) -> np.ndarray:
    if kind == "white":
        return rng.normal(0.0, 1.0, n)
    if kind == "pink":
        return pink_noise(n, rng)
    if kind == "babble":
        return babble(renderer, n, random.Random(seed), locale=seed.rsplit("|", 1)[1])
    raise ValueError(f"unknown noise {kind!r}")


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Noise with power falling 3 dB per octave (white noise shaped by 1/sqrt(f))."""
    spectrum = np.fft.rfft(rng.normal(0.0, 1.0, n))
    freqs = np.fft.rfftfreq(n, 1 / RATE_HZ)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0.0
    return np.fft.irfft(spectrum, n)


def babble_talkers(locale: str) -> list[tuple[Voice, str]]:
    """Every (voice, sentence) the babble is made of."""
    return [
        (Voice(engine, name, rate=1.0 if engine == "flite" else 165, pitch=50), sentence)
        for engine, name in BABBLE_VOICES[locale]
        for sentence in BABBLE_SENTENCES[locale]
    ]


def babble(renderer: Renderer, n: int, rng: random.Random, locale: str) -> np.ndarray:
    """BABBLE_TALKERS other voices talking over each other, each at the same level."""
    talkers = babble_talkers(locale)
    total = np.zeros(n)
    for _ in range(BABBLE_TALKERS):
        voice = rng.choice(talkers)[0]
        track: list[np.ndarray] = [np.zeros(rng.randrange(0, RATE_HZ))]
        while sum(len(t) for t in track) < n:
            sentence = rng.choice([s for v, s in talkers if v == voice])
            track += [renderer.render(sentence, voice), np.zeros(rng.randrange(800, 4000))]
        samples = np.concatenate(track).astype(np.float64)
        start = rng.randrange(0, max(1, len(samples) - n))
        piece = samples[start : start + n]
        total += piece / np.sqrt(max(float(np.mean(piece**2)), 1e-9))
    return total
