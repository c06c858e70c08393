"""Wake word hit rate, false triggers, detection delay and CPU, on synthetic test audio.

    python bench/wake.py [--phrase "okay toe helper"] [--json out.json]

Hits: the wake word (and the custom phrase) said by 6 espeak-ng voices at 2 speeds and 4 flite
voices, clean and with white noise at 20 and 10 dB SNR. False triggers: every sentence the
assistant says (the consultation, its reprompts, help and advice), the answers people give
(every phrase of every question's grammar, two voices), other wake words and near misses, and
a minute of white noise, all fed like a microphone in 100 ms chunks. Delay: from the end of
the spoken wake word to the chunk in which it was detected.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.speech import (  # noqa: E402
    FLITE_VOICES,
    RATE_HZ,
    VOICES,
    add_noise,
    flite_utterance,
    power,
    utterance,
)
from voice.audio import AudioChunk, resample  # noqa: E402
from voice.content import load_dialog  # noqa: E402
from voice.grammar.questions import Grammars  # noqa: E402
from voice.tts import EspeakSynthesizer  # noqa: E402
from voice.wake import MicroWakeWordDetector, WakeDetector  # noqa: E402
from voice.wake_phrase import KeyphraseSpotter  # noqa: E402

CHUNK = 1600
OTHERS = ["hey jarvis", "alexa", "hey mycroft", "okay", "okay now", "nah boo", "okay google",
          "hey toe", "okay then", "a banana", "toe helper", "okay let's go"]  # fmt: skip


def positives(phrase: str) -> list[tuple[str, AudioChunk, int]]:
    """The phrase by every voice, speed and noise level, with where its speech ends."""
    clips = []
    for voice in VOICES:
        for rate in (140, 180):
            clean = utterance(phrase, voice=voice, rate_wpm=rate)
            speech = utterance(phrase, voice=voice, rate_wpm=rate, lead_s=0, tail_s=0)
            for snr in (None, 20.0, 10.0):
                clip = clean if snr is None else add_noise(clean, snr, power(speech), seed=rate)
                clips.append(
                    (f"espeak {voice} {rate}wpm {snr or 'clean'}", clip, speech_end(clean))
                )
    for voice in FLITE_VOICES:
        clean = flite_utterance(phrase, voice)
        for snr in (None, 20.0):
            clip = clean if snr is None else add_noise(clean, snr, power(clean) * 3, seed=1)
            clips.append((f"flite {voice} {snr or 'clean'}", clip, speech_end(clean)))
    return clips


def negatives() -> list[tuple[str, AudioChunk]]:
    """Everything the assistant says, what people answer, near misses, and noise."""
    dialog = load_dialog("en")
    consultation = dialog.consultation
    sentences = [v for v in consultation.say.model_dump().values() if isinstance(v, str)]
    for question in consultation.questions.values():
        sentences += [question.prompt, question.reprompt, question.help, question.why]
    for outcome in consultation.outcomes.values():
        sentences += [line.text for line in outcome.say]
    synthesizer = EspeakSynthesizer()
    clips = [
        (f"assistant: {s[:30]}", resample(synthesizer.synthesize(s), RATE_HZ)) for s in sentences
    ]
    phrases = sorted({p for g in Grammars(dialog).all() for p in g.phrases})
    for voice in ("en-us", "en-gb-scotland"):
        clips += [(f"person {voice}: {p}", utterance(p, voice=voice)) for p in phrases]
        clips += [(f"other {voice}: {p}", utterance(p, voice=voice)) for p in OTHERS]
    rng = np.random.default_rng(3)
    noise = np.clip(rng.normal(0, 1000, 60 * RATE_HZ), -32768, 32767).astype(np.int16)
    clips.append(("white noise 60 s", AudioChunk(RATE_HZ, noise)))
    return clips


def feed(detector: WakeDetector, clip: AudioChunk) -> list[int]:
    """The sample positions (ends of chunks) at which the detector fired."""
    fired = []
    for start in range(0, len(clip.samples), CHUNK):
        if detector.process(AudioChunk(RATE_HZ, clip.samples[start : start + CHUNK])):
            fired.append(min(start + CHUNK, len(clip.samples)))
    detector.reset()
    return fired


def speech_end(clean: AudioChunk) -> int:
    """Where the speech ends: the last 10 ms of the clean clip louder than -50 dBFS."""
    frames = clean.samples[: len(clean.samples) // 160 * 160].astype(np.float64).reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 32768 * 10 ** (-50 / 20))
    return int(loud[-1] + 1) * 160 if len(loud) else len(clean.samples)


def measure(name: str, make: Callable[[], WakeDetector], phrase: str) -> dict[str, object]:
    detector = make()
    hits, delays_ms, missed = 0, [], []
    cpu_s, audio_s = 0.0, 0.0
    clips = positives(phrase)
    for label, clip, end in clips:
        started = time.process_time()
        fired = feed(detector, clip)
        cpu_s += time.process_time() - started
        audio_s += clip.duration_s
        if fired:
            hits += 1
            delays_ms.append((fired[0] - end) / RATE_HZ * 1000)
        else:
            missed.append(label)
    false, false_clips, negative_s = 0, [], 0.0
    for label, clip in negatives():
        started = time.process_time()
        fired = feed(detector, clip)
        cpu_s += time.process_time() - started
        audio_s += clip.duration_s
        negative_s += clip.duration_s
        if fired:
            false += len(fired)
            false_clips.append(label)
    total = len(clips)
    return {
        "detector": name,
        "phrase": phrase,
        "hits": f"{hits}/{total}",
        "hit_rate": round(hits / total, 3),
        "missed": missed,
        "false_triggers": false,
        "false_trigger_clips": false_clips,
        "negative_audio_s": round(negative_s, 1),
        "false_per_hour": round(false / negative_s * 3600, 2),
        "delay_after_speech_ms_median": round(float(np.median(delays_ms)), 0)
        if delays_ms
        else None,
        "delay_after_speech_ms_max": round(float(np.max(delays_ms)), 0) if delays_ms else None,
        "cpu_per_audio_second": round(cpu_s / audio_s, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrase", default="okay toe helper", help="the custom phrase to compare")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = [
        measure("microWakeWord okay_nabu", lambda: MicroWakeWordDetector("okay_nabu"), "okay nabu"),
        measure("pocketsphinx keyphrase", lambda: KeyphraseSpotter(args.phrase), args.phrase),
    ]
    for result in results:
        print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
