"""Run the benchmark: `python -m bench` (full) or `python -m bench --quick` (a few minutes).

Renders every clip once, runs each system in its own process over every clip and condition,
then writes bench/results/latest.md and latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.conditions import CONDITIONS, babble_talkers
from bench.consult import Person, people, spoken_words
from bench.corpus import Clip, Renderer, make_clips
from bench.report import write_report
from bench.systems import DEFAULT_SYSTEMS, ROOT, System, baseline_tree, default_cache, systems
from voice.content import load_dialog

RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Plan:
    """How much to run: renders per answer and set, the conditions, simulated people."""

    renders: dict[str, int]
    conditions: tuple[str, ...]
    people: int


FULL = Plan({"tune": 2, "test": 3}, tuple(CONDITIONS), 14)
QUICK = Plan({"test": 1}, ("quiet", "white 10 dB", "babble 10 dB", "reverberant room"), 4)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="test set, one voice, 4 conditions")
    parser.add_argument("--locales", nargs="+", default=["en", "ko"], choices=["en", "ko"])
    parser.add_argument("--systems", nargs="+", default=list(DEFAULT_SYSTEMS))
    parser.add_argument("--conditions", nargs="+", default=None, choices=list(CONDITIONS))
    parser.add_argument("--sets", nargs="+", default=None, choices=["tune", "test"])
    parser.add_argument("--out", type=Path, default=RESULTS, help="where latest.md/json go")
    parser.add_argument("--name", default="latest", help="file name of the results")
    parser.add_argument("--cache", type=Path, default=None, help="renders and trees")
    parser.add_argument("--jobs", type=int, default=1, help="systems run side by side")
    parser.add_argument("--people", type=int, default=None, help="simulated consultations")
    parser.add_argument(
        "--fit", action="store_true", help="fit voice/asr/evidence.py on the tune set's decodes"
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    renders = dict(plan.renders)
    if args.sets:
        renders = {s: renders.get(s, FULL.renders[s]) for s in args.sets}
    conditions = list(args.conditions or plan.conditions)
    cache = args.cache or default_cache()
    renderer = Renderer(cache / "renders")
    started = time.perf_counter()
    clips = [clip for locale in args.locales for clip in make_clips(locale, renders)]
    count = plan.people if args.people is None else args.people
    crowd = [p for locale in args.locales for p in people(locale, count)] if count else []
    _render_all(renderer, clips, args.locales, crowd)
    work = cache / "runs" / f"{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    manifest = work / "manifest.json"
    manifest.write_text(
        json.dumps(_manifest(renderer, conditions, clips, crowd), ensure_ascii=False)
    )
    runs = [s for locale in args.locales for s in systems(locale, args.systems)]
    outcomes = _run_all(runs, manifest, work, cache, args.jobs)
    report = {
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "quick": args.quick,
        "conditions": conditions,
        "renders": renders,
        "wall_s": time.perf_counter() - started,
        "clips": json.loads(manifest.read_text())["clips"],
        "systems": outcomes,
    }
    if args.fit:
        from bench.fit import fit

        print(json.dumps(fit(report), indent=1))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    write_report(report, args.out / f"{args.name}.md", args.out / f"{args.name}.json")
    print(f"wrote {args.out / (args.name + '.md')} in {report['wall_s'] / 60:.1f} min")
    return 0


def _manifest(
    renderer: Renderer, conditions: list[str], clips: list[Clip], crowd: list[Person]
) -> dict[str, Any]:
    """What every runner process reads: the clips, the people and the conditions."""
    return {
        "cache": str(renderer.cache),
        "conditions": conditions,
        "clips": [
            {
                "id": c.id,
                "locale": c.answer.locale,
                "question": c.answer.question,
                "asked": c.asked,
                "text": c.answer.text,
                "label": c.answer.label,
                "set": c.answer.set,
                "voice": asdict(c.voice),
            }
            for c in clips
        ],
        "people": [
            {
                "id": p.id,
                "locale": p.id.split("-")[0],
                "voice": asdict(p.voice),
                "answers": p.answers,
            }
            for p in crowd
        ],
    }


def _render_all(renderer: Renderer, clips: list, locales: list[str], crowd: list) -> None:
    for clip in clips:
        renderer.render(clip.answer.text, clip.voice)
    for person in crowd:
        for text, _ in person.answers.values():
            renderer.render(text, person.voice)
        for text in spoken_words(load_dialog(person.id.split("-")[0])).values():
            renderer.render(text, person.voice)
    for locale in locales:
        for voice, sentence in babble_talkers(locale):
            renderer.render(sentence, voice)


def _run_all(runs: list[System], manifest: Path, work: Path, cache: Path, jobs: int) -> list[dict]:
    """Each system in its own process; up to ``jobs`` at once, the next one starting as soon
    as any finishes (their output goes to files, so none waits on another's pipe)."""
    pending = list(runs)
    running: list[tuple[System, subprocess.Popen[bytes], Path]] = []
    done: list[dict] = []
    while pending or running:
        while pending and len(running) < max(1, jobs):
            running.append(_start(pending.pop(0), manifest, work, cache))
        finished = [r for r in running if r[1].poll() is not None]
        if not finished:
            time.sleep(0.5)
            continue
        for system, process, out in finished:
            running.remove((system, process, out))
            log = out.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
            if process.returncode != 0:
                print(f"{system.name} ({system.locale}) failed:\n{log}", file=sys.stderr)
                continue
            summary = json.loads(out.with_suffix(".summary").read_text().strip().splitlines()[-1])
            results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            done.append({**system.spec(), **summary, "results": results})
            print(f"{system.name} ({system.locale}): {summary['wall_s']:.0f} s", file=sys.stderr)
    order = {(s.locale, s.name): i for i, s in enumerate(runs)}
    return sorted(done, key=lambda run: order[(run["locale"], run["name"])])


def _start(
    system: System, manifest: Path, work: Path, cache: Path
) -> tuple[System, subprocess.Popen[bytes], Path]:
    tree = baseline_tree(cache) if system.baseline else ROOT
    if tree is None:
        raise SystemExit("the baseline needs a git checkout; leave `before` out of --systems")
    slug = f"{system.locale}-{system.name.replace(' ', '_').replace('+', '_')}"
    spec, out = work / f"{slug}.json", work / f"{slug}.jsonl"
    spec.write_text(json.dumps(system.spec()))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    summary, log = out.with_suffix(".summary"), out.with_suffix(".log")
    with summary.open("wb") as stdout, log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.runner", str(spec), str(manifest), str(out)],
            cwd=tree, env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
    return system, process, out


if __name__ == "__main__":
    sys.exit(main())
