"""Decoding cost per turn of each engine, and of each noise suppressor, on the same answers.

    python -m bench.asr_cost [--turns N] [--json]

Answers are spoken by espeak-ng at test time and fed as a microphone would (lead-in, answer,
quiet), clean and in white noise at 10 dB. Each engine hears every answer through the one
Recognizer seam; the figure is the process's CPU seconds per turn (every thread), median over
the turns, and its ratio to pocketsphinx's measured in the same run. `scripts/arm64-asr-cost`
runs this in an emulated arm64 root: there only the ratios carry over to a Pi.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from typing import Any

import numpy as np

ANSWERS = (
    ("weakness", "no"),
    ("numbness", "yes a little"),
    ("spreading", "i'm not sure"),
    ("duration", "about two weeks"),
    ("skin_changes", "not really"),
    ("duration", "since yesterday"),
)
SNR_DB = 10.0


def _turns(count: int) -> list[tuple[str, np.ndarray]]:
    from voice.audio import AudioChunk, resample
    from voice.tts import EspeakSynthesizer, TtsSettings

    synthesizer = EspeakSynthesizer(TtsSettings(voice="en-us"))
    rng = np.random.default_rng(5)
    found = []
    for n in range(count):
        question, text = ANSWERS[n % len(ANSWERS)]
        speech = resample(synthesizer.synthesize(text), 16_000).samples.astype(np.float64)
        if n % 2:  # every other answer in white noise
            noise_rms = np.sqrt(np.mean(speech**2)) / 10 ** (SNR_DB / 20)
            speech = speech + rng.normal(0.0, noise_rms, len(speech))
        found.append(
            (question, AudioChunk(16_000, np.clip(speech, -32768, 32767).astype(np.int16)))
        )
    return [(q, a.samples) for q, a in found]


def _engine_cost(engine: str, turns: list[tuple[str, np.ndarray]], **settings: Any) -> dict:
    from bench.runner import grammar_for
    from voice.asr import RecognitionSettings
    from voice.asr.engines import make_recognizer
    from voice.audio import AudioChunk
    from voice.content import load_dialog
    from voice.events import Awaiting
    from voice.grammar.questions import Grammars
    from voice.listeners import as_microphone

    started = time.process_time()
    recognizer = make_recognizer(RecognitionSettings(engine=engine, **settings), "en")
    load_s = time.process_time() - started
    dialog = load_dialog("en")
    grammars = Grammars(dialog)
    cpu, heard = [], []
    for question, samples in turns:
        grammar = grammar_for(grammars, dialog, question)
        began = time.process_time()
        awaiting = Awaiting(question, question_kind=dialog.consultation.questions[question].kind)
        transcript = recognizer.transcribe(
            as_microphone(AudioChunk(16_000, samples), 16_000), grammar, awaiting
        )
        cpu.append(time.process_time() - began)
        heard.append(None if transcript is None else transcript.text)
    return {"load_cpu_s": load_s, "cpu_p50_s": statistics.median(cpu), "heard": heard}


def _suppressor_cost(name: str, seconds: float = 2.0) -> float:
    """CPU seconds per second of audio (the real-time factor on one core)."""
    from voice.denoise import Suppressors

    suppressor = Suppressors(name).new()
    audio = np.random.default_rng(1).normal(0, 1000, int(seconds * 16_000)).astype(np.int16)
    began = time.process_time()
    for start in range(0, len(audio) - 479, 480):
        suppressor.clean(audio[start : start + 480])
    return (time.process_time() - began) / seconds


def main() -> int:
    import platform

    parser = argparse.ArgumentParser(
        prog="python -m bench.asr_cost", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    turns = _turns(args.turns)
    results: dict[str, Any] = {"machine": platform.machine()}
    results["pocketsphinx"] = _engine_cost("pocketsphinx", turns, denoise="webrtc")
    try:
        results["whisper always"] = _engine_cost(
            "whisper", turns, denoise="webrtc", whisper_when="always"
        )
    except Exception as err:  # the whisper extra may be missing: say so and go on
        results["whisper always"] = {"error": str(err)}
    results["webrtc_rtf"] = _suppressor_cost("webrtc")
    try:
        results["deepfilter_rtf"] = _suppressor_cost("deepfilter")
    except Exception as err:
        results["deepfilter_rtf"] = str(err)
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base = results["pocketsphinx"]["cpu_p50_s"]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"machine {results['machine']}, {len(turns)} turns, CPU seconds per turn (median)")
    for name in ("pocketsphinx", "whisper always"):
        row = results[name]
        if "error" in row:
            print(f"  {name}: not run ({row['error']})")
            continue
        print(
            f"  {name}: {row['cpu_p50_s']:.3f} s per turn, {row['cpu_p50_s'] / base:.2f}x "
            f"pocketsphinx; load {row['load_cpu_s']:.1f} s; heard {row['heard']}"
        )
    print(f"  webrtc suppression: {results['webrtc_rtf']:.3f} CPU s per audio s")
    print(f"  DeepFilterNet3: {results['deepfilter_rtf']} CPU s per audio s")
    print(f"  peak RSS (everything loaded at once): {results['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
