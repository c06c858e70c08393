"""The Wyoming agent under load: many consultations at once, turn latency as Home Assistant sees it.

    python bench/agent_load.py [--consultations 50] [--rounds 3] [--think-s 1 3] [--json out.json]

`toe-assistant wyoming` runs as its own process (English and Korean). Each simulated room
holds a whole consultation through wyoming's AsyncTcpClient, a new connection every turn as
Home Assistant does; a turn's latency is from opening the connection to having the answer.
Three loads in one run, each --rounds times: one consultation at a time (the baseline);
--consultations at once, all started together and answering the instant they are asked (a
burst: the worst case); and the same number at once with each person taking 1 to 3 s to
answer, as people do (seeded), which is what a busy house looks like.
The rooms cycle through the three outcomes in both languages, so every kind of turn is there.
Also reported: the service's CPU seconds per turn and its peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wyoming.asr import Transcript  # noqa: E402
from wyoming.client import AsyncTcpClient  # noqa: E402

from tests.wyoming_driver import started  # noqa: E402

ROOMS = [  # (language, start phrase, answers by question id)
    ("en", "my little toe is twitching", {"*": "no", "duration": "two days", "readback": "yes"}),
    ("en", "toe check", {"weakness": "yes", "*": "no", "duration": "two weeks"}),
    ("en", "my pinky toe keeps twitching", {"skin_changes": "a bit", "*": "no",
                                            "duration": "about three days"}),
    ("ko", "새끼발가락이 떨려요", {"*": "아니요", "duration": "어제부터", "readback": "네"}),
    ("ko", "발가락 상담", {"weakness": "네", "*": "아니요", "duration": "어제부터"}),
    ("ko", "새끼발가락이 자꾸 떨려요",
     {"skin_changes": "네", "*": "아니요", "duration": "어제부터"}),
]  # fmt: skip


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def consultation(
    port: int, room: int, latencies: list[float], think: tuple[float, float] | None = None
) -> int:
    """One room's whole consultation; each turn's latency appended; the number of turns.

    ``think``: the person takes between these many seconds to answer each question."""
    language, text, answers = ROOMS[room % len(ROOMS)]
    pause = random.Random(room)
    conversation_id = f"room-{room}-{time.monotonic_ns()}"
    turns = 0
    while True:
        began = time.perf_counter()
        async with AsyncTcpClient("127.0.0.1", port) as client:
            event = Transcript(
                text, context={"conversation_id": conversation_id}, language=language
            )
            await client.write_event(event.event())
            answer = await client.read_event()
        latencies.append(time.perf_counter() - began)
        turns += 1
        if answer is None or answer.type != "handled":
            raise RuntimeError(f"room {room}: {answer}")
        awaiting = (answer.data.get("context") or {}).get("awaiting")
        if awaiting is None:
            return turns
        text = answers.get(awaiting, answers["*"])
        if think is not None:
            await asyncio.sleep(pause.uniform(*think))


async def load(
    port: int, rooms: int, at_once: bool, think: tuple[float, float] | None = None
) -> tuple[list[float], float]:
    latencies: list[float] = []
    began = time.perf_counter()
    if at_once:
        await asyncio.gather(*(consultation(port, r, latencies, think) for r in range(rooms)))
    else:
        for room in range(rooms):
            await consultation(port, room, latencies)
    return latencies, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(latencies: list[float], wall_s: float, cpu: float) -> dict[str, Any]:
    return {
        "turns": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "wall_s": round(wall_s, 2),
        "turns_per_s": round(len(latencies) / wall_s, 1),
        "service_cpu_ms_per_turn": round(cpu / len(latencies) * 1000, 2),
    }


def measure(consultations: int, rounds: int, think: tuple[float, float]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with started("--locale", "en", "--locale", "ko", "--max-consultations",
                 str(max(100, consultations))) as service:  # fmt: skip
        pid = service.pid
        asyncio.run(load(service.port, len(ROOMS), at_once=False))  # warm up: caches, imports
        paced = f"{consultations} at once, answering in {think[0]:g}-{think[1]:g} s"
        loads = (
            ("one at a time", len(ROOMS), False, None),
            (f"{consultations} at once, answering at once", consultations, True, None),
            (paced, consultations, True, think),
        )
        for name, rooms, at_once, pace in loads:
            latencies: list[float] = []
            wall_s, cpu = 0.0, 0.0
            for _ in range(rounds):
                before = cpu_s(pid)
                found, took = asyncio.run(load(service.port, rooms, at_once, pace))
                cpu += cpu_s(pid) - before
                latencies += found
                wall_s += took
            results[name] = summary(latencies, wall_s, cpu)
        results["service_peak_rss_mb"] = round(peak_kb(pid) / 1024, 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consultations", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--think-s", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = measure(args.consultations, args.rounds, tuple(args.think_s))
    print("| load | turns | p50 ms | p95 ms | max ms | turns/s | service CPU ms/turn |")
    print("|---|---|---|---|---|---|---|")
    for name, row in results.items():
        if isinstance(row, dict):
            cells = [row[k] for k in ("turns", "p50_ms", "p95_ms", "max_ms", "turns_per_s")]
            cells.append(row["service_cpu_ms_per_turn"])
            print(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    print(f"\nservice peak resident memory: {results['service_peak_rss_mb']} MB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
