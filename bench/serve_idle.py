"""What `serve` costs while it waits, and how fast it answers the wake word, per engine.

    python bench/serve_idle.py [--idle-s 30] [--wakes 5] [--json out.json]

For each engine serve runs on the virtual sound card (tests/alsa_card.py), which sends a quiet
room's silence in real time. Idle CPU is the process's user+system time over --idle-s seconds
of waiting, as a share of one core; memory is its resident set (and peak) while waiting. Then
"okay nabu" is said --wakes times (each consultation stopped at its first question) and serve's
own measure is collected: from the chunk in which the wake word was detected to the first
block of the reply chime handed to the speaker; and, with the wake word said over the
greeting, from that chunk to the speech being cut off. The time from the end of the spoken
wake word to that chunk is bench/wake.py's detection delay.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.alsa_card import virtual_card  # noqa: E402
from tests.serve_driver import WAITING, Serve  # noqa: E402

ENGINES = (("pocketsphinx", "en", "stop", "en-us"), ("vosk", "ko", "그만", "ko"))


def cpu_s(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> dict[str, int]:
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {key: int(status[key].split()[0]) for key in ("VmRSS", "VmHWM")}


def measure(engine: str, locale: str, stop: str, voice: str, idle_s: float, wakes: int) -> dict:
    with tempfile.TemporaryDirectory() as folder, virtual_card(Path(folder)) as card:
        started = time.monotonic()
        serve = Serve.start(card, "--engine", engine, "--locale", locale, "--rate", "300")
        start_s = time.monotonic() - started
        pid = serve.run.process.pid
        time.sleep(3.0)  # let start-up work finish
        before, clock = cpu_s(pid), time.monotonic()
        time.sleep(idle_s)
        idle_cpu = (cpu_s(pid) - before) / (time.monotonic() - clock)
        memory = memory_kb(pid)
        answered_ms, stopped_ms = [], []
        for interrupt in [False] * wakes + [True] * wakes:
            serve.say("okay nabu")
            answered_ms.append(float(serve.expect("answered the wake word in").split()[0]))
            if interrupt:  # the wake word said over the greeting stops it
                time.sleep(1.0)
                serve.say("okay nabu")
                stopped_ms.append(float(serve.expect("stopped speaking").split()[0]))
            serve.expect("listening for weakness")
            serve.say(stop, voice=voice)
            serve.expect("consultation over")
            serve.expect(WAITING)
        after = memory_kb(pid)
        serve.terminate()
    return {
        "engine": engine,
        "locale": locale,
        "start_to_waiting_s": round(start_s, 2),
        "idle_cpu_share_of_one_core": round(idle_cpu, 4),
        "rss_waiting_mb": round(memory["VmRSS"] / 1024, 1),
        "rss_peak_mb_after_consultations": round(after["VmHWM"] / 1024, 1),
        "answered_wake_word_ms_median": statistics.median(answered_ms),
        "answered_wake_word_ms_all": answered_ms,
        "stopped_speaking_ms_median": statistics.median(stopped_ms),
        "stopped_speaking_ms_all": stopped_ms,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-s", type=float, default=30.0)
    parser.add_argument("--wakes", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = []
    for engine, locale, stop, voice in ENGINES:
        results.append(measure(engine, locale, stop, voice, args.idle_s, args.wakes))
        print(json.dumps(results[-1]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
