"""Reply latency, model load time and peak memory of whole spoken consultations.

    python bench/latency.py                         # pocketsphinx, English
    python bench/latency.py --locale ko --engine vosk
    python bench/latency.py --runs 5 --json out.json

Each run is a fresh process (so load time and peak memory are its own): it loads the recognizer
and the TTS voice, then runs simulated consultations whose answers espeak-ng speaks. Reply latency
is what a person waits after they stop talking: the endpointer's trailing silence (a setting,
waited in real time on a microphone) plus the measured time from the last audio the recognizer
took to the assistant's reply being ready to play (decoding, understanding, the dialog, TTS).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSWERS = {
    "en": {"weakness": "no", "numbness": "no", "spreading": "no", "skin_changes": "no",
           "duration": "about two weeks", "remedies_helped": "yes"},
    "ko": {"weakness": "아니요", "numbness": "아니요", "spreading": "아니요",
           "skin_changes": "아니요", "duration": "일주일", "remedies_helped": "네"},
}  # fmt: skip


def measure_once(engine: str, locale: str, consultations: int) -> dict[str, object]:
    """In this process: load, run consultations, report timings and peak memory."""
    from voice.asr import RecognitionSettings, make_recognizer
    from voice.audio import resample
    from voice.content import load_dialog
    from voice.grammar.questions import Grammars
    from voice.listeners import PreparedAnswers
    from voice.recording import Recording
    from voice.session import SpokenConsultation
    from voice.tts import EspeakSynthesizer, TtsSettings

    started = time.perf_counter()
    recognizer = make_recognizer(RecognitionSettings(engine=engine), locale)
    load_s = time.perf_counter() - started
    rss_after_load_mb = _peak_rss_mb()
    dialog = load_dialog(locale)
    grammars = Grammars(dialog)
    grammars.all()
    voice = TtsSettings(voice=dialog.consultation.voice)
    synthesizer = EspeakSynthesizer(voice)
    rate = recognizer.sample_rate_hz
    answers = {q: resample(synthesizer.synthesize(t), rate) for q, t in ANSWERS[locale].items()}
    turns = []
    outcomes = []
    for _ in range(consultations):
        session = SpokenConsultation(
            dialog, recognizer, synthesizer, Recording(), PreparedAnswers(answers, rate),
            emit=lambda events: None, grammars=grammars,
        )  # fmt: skip
        outcomes.append(session.run().outcome)
        turns += session.timings
    return {
        "engine": type(recognizer).__name__,
        "locale": locale,
        "load_s": load_s,
        "peak_rss_after_load_mb": rss_after_load_mb,
        "peak_rss_mb": _peak_rss_mb(),
        "outcomes": outcomes,
        "recognize_s": [t.recognize_s for t in turns],
        "reply_ready_s": [t.reply_ready_s for t in turns],
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--locale", default="en", choices=sorted(ANSWERS))
    parser.add_argument("--runs", type=int, default=3, help="fresh processes")
    parser.add_argument("--consultations", type=int, default=3, help="per process")
    parser.add_argument(
        "--end-silence-s",
        type=float,
        default=0.5,
        help="the endpointer's trailing silence (pocketsphinx's setting; vosk's "
        "model rule), waited in real time before decoding ends",
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_once(args.engine, args.locale, args.consultations)))
        return 0
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--engine", args.engine, "--locale",
             args.locale, "--consultations", str(args.consultations)],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        runs.append(json.loads(out))
    end_silence_s = args.end_silence_s
    ready = [s for run in runs for s in run["reply_ready_s"]]
    recognize = [s for run in runs for s in run["recognize_s"]]
    summary = {
        "engine": runs[0]["engine"],
        "locale": args.locale,
        "runs": len(runs),
        "turns": len(ready),
        "outcomes": sorted({o for run in runs for o in run["outcomes"] if o}),
        "load_s_median": statistics.median(r["load_s"] for r in runs),
        "peak_rss_after_load_mb_median": statistics.median(
            r["peak_rss_after_load_mb"] for r in runs
        ),
        "peak_rss_mb_median": statistics.median(r["peak_rss_mb"] for r in runs),
        "recognize_s_median": statistics.median(recognize),
        "reply_ready_s_median": statistics.median(ready),
        "reply_ready_s_p90": statistics.quantiles(ready, n=10)[-1] if len(ready) > 1 else ready[0],
        "end_silence_s": end_silence_s,
        "reply_latency_s_median": end_silence_s + statistics.median(ready),
    }
    for key, value in summary.items():
        print(f"{key:32} {value:.3f}" if isinstance(value, float) else f"{key:32} {value}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
