"""Measure pocketsphinx accuracy on espeak-ng answers per noise level, grammar and denoise setting.

    python bench/accuracy.py                      # table of accuracy and median latency
    python bench/accuracy.py --snr 10 --json out.json
An answer is correct when the transcript parses (hassil) to the intent and slots it was spoken as.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from hassil import Intents, recognize_best

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.speech import stream, utterance  # noqa: E402
from voice.asr import RecognitionSettings  # noqa: E402
from voice.asr.pocketsphinx import PocketsphinxRecognizer  # noqa: E402
from voice.audio import AudioChunk  # noqa: E402
from voice.denoise import Denoiser  # noqa: E402
from voice.grammar import Grammar, build_grammar  # noqa: E402
from voice.listeners import ROOM_TONE_RMS, ROOM_TONE_SEED  # noqa: E402

YES_NO = ("answer_yes", "answer_no", "answer_unsure")
DURATION = ("answer_duration", "answer_unsure")
ANSWERS = {
    "yes_no": ["yes", "no", "not sure", "yeah", "nope", "i don't know", "no not really", "maybe"],
    "duration": ["about two weeks", "since yesterday", "three days", "a few days", "two months"],
}
OUT_OF_GRAMMAR = ["the weather in paris is lovely today", "my cat likes fish", "turn on the lights"]
VOICES = ("en-us", "en", "en-us+f3", "en-gb-scotland")
RATES_WPM = (140, 175)


@dataclass(frozen=True)
class Trial:
    condition: str
    text: str
    heard: str
    correct: bool
    in_grammar_speech: bool
    confidence: float
    latency_s: float


def meaning(intents: Intents, text: str) -> tuple[str, tuple[tuple[str, object], ...]] | None:
    """Intent name and slot values of ``text``, or None if hassil cannot parse it."""
    result = recognize_best(text, intents)
    if result is None or result.intent is None:
        return None
    slots = tuple(sorted((k, v.value) for k, v in result.entities.items()))
    return result.intent.name, slots


def run(args: argparse.Namespace) -> list[Trial]:
    intents = Intents.from_files([args.intents])
    grammars = {
        "yes_no": build_grammar(intents, YES_NO, "yes_no", "en"),
        "duration": build_grammar(intents, DURATION, "duration", "en"),
        "broad": build_grammar(intents, list(intents.intents), "broad", "en"),
    }
    recognizer = PocketsphinxRecognizer(RecognitionSettings(end_silence_s=args.end_silence_s))
    trials: list[Trial] = []
    for denoise in args.denoise:
        for snr in args.snr:
            for scope in args.grammar:
                for question, texts in ANSWERS.items():
                    grammar = grammars[question if scope == "question" else "broad"]
                    condition = f"snr={snr} denoise={denoise} grammar={scope}"
                    for text in texts + (OUT_OF_GRAMMAR if scope == "question" else []):
                        for voice in args.voices:
                            for rate in RATES_WPM:
                                trials.append(
                                    trial(
                                        recognizer,
                                        intents,
                                        grammar,
                                        text,
                                        voice,
                                        rate,
                                        None if snr == "clean" else float(snr),
                                        denoise,
                                        condition,
                                        text not in OUT_OF_GRAMMAR,
                                    )
                                )
    return trials


def trial(
    recognizer: PocketsphinxRecognizer,
    intents: Intents,
    grammar: Grammar,
    text: str,
    voice: str,
    rate: int,
    snr: float | None,
    denoise: bool,
    condition: str,
    in_grammar: bool,
) -> Trial:
    seed = zlib.crc32(f"{text}|{voice}|{rate}".encode())  # the same noise in every run
    audio = utterance(text, voice, rate, snr_db=snr, seed=seed)
    if snr is None:  # "clean" is a quiet room, as simulate plays it: no microphone hears zeros
        tone = np.random.default_rng(ROOM_TONE_SEED).normal(0.0, ROOM_TONE_RMS, len(audio.samples))
        mixed = np.clip(audio.samples + tone, -32768, 32767).astype(np.int16)
        audio = AudioChunk(audio.rate_hz, mixed)
    chunks = stream(audio)
    if denoise:
        chunks = Denoiser().process(chunks)
    last_pulled = [0.0]

    def timed() -> Iterator[AudioChunk]:  # audio arrives instantly; note the last chunk read
        for chunk in chunks:
            last_pulled[0] = time.perf_counter()
            yield chunk

    transcript = recognizer.transcribe(timed(), grammar)
    # from the last audio the recognizer needed (end of trailing silence) to the transcript
    latency = time.perf_counter() - last_pulled[0]
    heard = transcript.text if transcript else ""
    expected = meaning(intents, text)
    correct = in_grammar and transcript is not None and meaning(intents, heard) == expected
    return Trial(
        condition,
        text,
        heard,
        correct,
        in_grammar,
        transcript.confidence if transcript else 0.0,
        latency,
    )


def summarize(trials: list[Trial], threshold: float) -> list[dict[str, Any]]:
    """One row per condition: accuracy, median latency, false accept / false reject."""
    rows = []
    for condition in dict.fromkeys(t.condition for t in trials):
        mine = [t for t in trials if t.condition == condition]
        spoken = [t for t in mine if t.in_grammar_speech]
        other = [t for t in mine if not t.in_grammar_speech]
        accepted_other = [t for t in other if t.heard and t.confidence >= threshold]
        rejected_right = [t for t in spoken if t.correct and t.confidence < threshold]
        rows.append(
            {
                "condition": condition,
                "n": len(spoken),
                "accuracy": sum(t.correct for t in spoken) / len(spoken),
                "median_latency_s": statistics.median(t.latency_s for t in mine),
                "false_accept": len(accepted_other) / len(other) if other else None,
                "false_reject": len(rejected_right) / max(1, sum(t.correct for t in spoken)),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intents", default=str(ROOT / "dialogs/en/intents.yaml"))
    parser.add_argument(
        "--snr", nargs="+", default=["clean", "10", "5"], help="clean or SNR in dB of white noise"
    )
    parser.add_argument(
        "--grammar", nargs="+", default=["question", "broad"], choices=["question", "broad"]
    )
    parser.add_argument(
        "--denoise",
        nargs="+",
        type=lambda v: v == "on",
        default=[False, True],
        help="on and/or off",
    )
    parser.add_argument("--voices", nargs="+", default=list(VOICES))
    parser.add_argument("--end-silence-s", type=float, default=0.5)
    parser.add_argument("--threshold", type=float, default=0.5, help="confidence to accept")
    parser.add_argument("--json", type=Path, help="also write every trial here")
    parser.add_argument("--errors", action="store_true", help="list misrecognitions")
    args = parser.parse_args()
    trials = run(args)
    rows = summarize(trials, args.threshold)
    print(f"{'condition':42} {'n':>4} {'acc':>6} {'lat_ms':>7} {'FA':>6} {'FR':>6}")
    for row in rows:
        fa = "-" if row["false_accept"] is None else f"{row['false_accept']:.0%}"
        print(
            f"{row['condition']:42} {row['n']:>4} {row['accuracy']:>6.1%} "
            f"{1000 * row['median_latency_s']:>7.0f} {fa:>6} {row['false_reject']:>6.0%}"
        )
    if args.errors:
        for t in trials:
            if t.in_grammar_speech and not t.correct:
                print(f"  {t.condition}: {t.text!r} -> {t.heard!r}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "trials": [asdict(t) for t in trials]}))


if __name__ == "__main__":
    main()
