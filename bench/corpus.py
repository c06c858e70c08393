"""The bench's answers and their renders: labelled phrasings, spoken by drawn voices, cached.

An answer's set (tune or test) comes from bench/data/answers_<locale>.yaml; its renders draw
voices from the same set's pool, so a test clip is a held-out phrasing in a held-out voice.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bench.voices import SETS, Voice, draw_voice

DATA = Path(__file__).resolve().parent / "data"
RATE_HZ = 16_000
SPEECH_DBFS = -24.0  # active speech level of a render; each clip then varies by LEVEL_SPREAD_DB
LEVEL_SPREAD_DB = 6.0
COMMANDS = ("repeat", "help", "why", "stop")
UNSURE = "unsure"

Label = str | float  # yes / no / unsure / a command, or days for a duration


@dataclass(frozen=True)
class Answer:
    """One phrasing with what the person means by it, for the question it answers."""

    locale: str
    question: str  # a question id, or "commands" (asked under any question)
    text: str
    label: Label
    set: str  # tune or test


@dataclass(frozen=True)
class Clip:
    """One answer spoken by one voice."""

    id: str
    answer: Answer
    voice: Voice
    asked: str  # the question id it is spoken to (commands: rotate over the questions)


def load_answers(locale: str) -> list[Answer]:
    """Every labelled answer of ``locale``."""
    data = yaml.safe_load((DATA / f"answers_{locale}.yaml").read_text(encoding="utf-8"))
    answers = []
    for question, sets in data["answers"].items():
        for which in SETS:
            for label, text in sets.get(which, []):
                value: Label
                if isinstance(label, bool):  # YAML 1.1 reads a bare yes / no as a boolean
                    value = "yes" if label else "no"
                else:
                    value = label if isinstance(label, str) else float(label)
                answers.append(Answer(locale, question, text, value, which))
    return answers


YES_NO_QUESTIONS = ("weakness", "numbness", "spreading", "skin_changes", "remedies_helped")


def make_clips(locale: str, renders: dict[str, int], seed: int = 9) -> list[Clip]:
    """Each answer spoken ``renders[set]`` times, by voices drawn from its set's pool."""
    clips = []
    for n, answer in enumerate(load_answers(locale)):
        for k in range(renders.get(answer.set, 0)):
            rng = random.Random(f"{seed}|{locale}|{answer.question}|{answer.text}|{k}")
            voice = draw_voice(locale, answer.set, rng)
            asked = answer.question
            if asked == "commands":
                asked = (*YES_NO_QUESTIONS, "duration")[(n + k) % 6]
            digest = hashlib.sha1(f"{answer.text}|{voice.key}".encode()).hexdigest()[:10]
            clips.append(Clip(f"{locale}-{answer.set}-{digest}", answer, voice, asked))
    return clips


class Renderer:
    """Speaks text with a Voice into 16 kHz int16 samples, trimmed to the speech; cached."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)

    def render(self, text: str, voice: Voice, level_rng: random.Random | None = None) -> np.ndarray:
        """``text`` spoken by ``voice``: trimmed, at SPEECH_DBFS (varied by ``level_rng``)."""
        key = hashlib.sha1(f"{text}|{voice.key}".encode()).hexdigest()
        path = self.cache / f"{key}.npy"
        if path.exists():
            samples = np.load(path)
        else:
            samples = trim(self._synthesize(text, voice))
            np.save(path, samples)
        gain_db = SPEECH_DBFS - active_dbfs(samples)
        if level_rng is not None:
            gain_db += level_rng.uniform(-LEVEL_SPREAD_DB, LEVEL_SPREAD_DB)
        scaled = samples.astype(np.float64) * 10 ** (gain_db / 20)
        return np.clip(scaled, -32768, 32767).astype(np.int16)

    def _synthesize(self, text: str, voice: Voice) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            raw, out = Path(tmp) / "raw.wav", Path(tmp) / "out.raw"
            if voice.engine == "flite":
                command = [
                    "flite",
                    "-voice",
                    voice.name,
                    "--setf",
                    f"duration_stretch={voice.rate}",
                ]
                command += ["-t", text, "-o", str(raw)]
            else:
                command = ["espeak-ng", "-v", voice.name, "-s", str(int(voice.rate))]
                command += ["-p", str(voice.pitch), "-w", str(raw), text]
            subprocess.run(command, check=True, capture_output=True)
            effects: list[str] = []
            if voice.tempo != 1.0:
                effects += ["tempo", "-s", str(voice.tempo)]
            if voice.shift_cents:
                effects += ["pitch", str(voice.shift_cents)]
            if voice.telephone:
                effects += ["sinc", "300-3400"]
            subprocess.run(
                ["sox", str(raw), "-t", "raw", "-e", "signed", "-b", "16", "-c", "1",
                 "-r", str(RATE_HZ), str(out), *effects],
                check=True, capture_output=True,
            )  # fmt: skip
            return np.fromfile(out, dtype="<i2").astype(np.int16)


def trim(samples: np.ndarray, frame: int = 160, margin_frames: int = 2) -> np.ndarray:
    """The samples from the first to the last frame within 35 dB of the loudest frame."""
    n = len(samples) // frame
    if n == 0:
        return samples
    frames = samples[: n * frame].astype(np.float64).reshape(n, frame)
    energy = np.sqrt(np.mean(frames**2, axis=1)) + 1e-9
    loud = np.flatnonzero(energy > energy.max() * 10 ** (-35 / 20))
    start = max(0, loud[0] - margin_frames) * frame
    end = min(n, loud[-1] + 1 + margin_frames) * frame
    return samples[start:end]


def active_dbfs(samples: np.ndarray) -> float:
    """Level of the louder half of 10 ms frames (the speech, not its pauses), in dBFS."""
    frame = 160
    n = max(1, len(samples) // frame)
    frames = samples[: n * frame].astype(np.float64).reshape(n, -1)
    power = np.sort(np.mean(frames**2, axis=1))[n // 2 :]
    return float(10 * np.log10(max(float(np.mean(power)), 1e-9) / 32768.0**2))


def speech_power(samples: np.ndarray) -> float:
    """Mean square of the louder half of the frames: the SNR reference."""
    return float(32768.0**2 * 10 ** (active_dbfs(samples) / 10))
