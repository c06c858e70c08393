"""Aggregate the runs into bench/results/latest.md (tables) and latest.json (the figures)."""

from __future__ import annotations

import datetime
import json
import platform
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from bench.score import OUTCOMES, REJECTED, RIGHT, UNSAFE, WRONG, meaning_right, turn_outcome
from bench.voices import EN_ACCENTS, FLITE, VARIANTS

LOCALE_NAMES = {"en": "English", "ko": "Korean"}


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """Per locale, system, set and condition: outcomes, confidence separation, latency."""
    clips = {c["id"]: c for c in report["clips"]}
    out: dict[str, Any] = {}
    for run in report["systems"]:
        threshold = run["confirm_below"]
        key = f"{run['locale']}|{run['name']}"
        rows: dict[str, dict[str, Any]] = {}
        groups: dict[tuple[str, str], list[tuple[dict, dict]]] = {}
        consultations = [r for r in run["results"] if r.get("type") == "consult"]
        for result in run["results"]:
            if result.get("type") == "consult":
                continue
            clip = clips[result["clip"]]
            result["confirm_below"] = threshold
            groups.setdefault((clip["set"], result["condition"]), []).append((clip, result))
            if result["condition"] != "quiet":
                groups.setdefault((clip["set"], "all noisy"), []).append((clip, result))
        for (which, condition), items in groups.items():
            rows[f"{which}|{condition}"] = _row(items, threshold)
        out[key] = {
            "locale": run["locale"],
            "system": run["name"],
            "peak_rss_mb": run["peak_rss_mb"],
            "wall_s": run["wall_s"],
            "confirm_below": threshold,
            "rows": rows,
            "latency": _latency([r for _, r in _all(groups)]),
            "latency_by_condition": {
                condition: _latency([r for _, r in items])
                for (which, condition), items in groups.items()
                if which == "test" and condition != "all noisy"
            },
            "errors": _errors(groups),
            "cost": _cost([r for _, r in _all(groups)]),
            "cost_by_condition": {
                condition: _cost([r for _, r in items])
                for (which, condition), items in groups.items()
                if which == "test" and condition != "all noisy"
            },
            "consultations": _consultations(consultations),
        }
    return out


def _consultations(results: list[dict]) -> dict[str, dict[str, Any]]:
    """Per condition: consultations, right outcomes, unsafe outcomes, how they ended."""
    rows: dict[str, dict[str, Any]] = {}
    for result in results:
        row = rows.setdefault(
            result["condition"],
            {"n": 0, "right": 0, "unsafe": 0, "ended": Counter(), "turns": [], "guesses": 0},
        )
        row["n"] += 1
        row["guesses"] += result.get("guesses", 0)
        row["right"] += bool(result.get("right"))
        row["unsafe"] += bool(result.get("unsafe"))
        row["ended"][result["ended"]] += 1
        if "turns" in result:
            row["turns"].append(result["turns"])
    for row in rows.values():
        row["ended"] = dict(row["ended"])
        row["turns_median"] = float(np.median(row.pop("turns"))) if row.get("turns") else None
    return rows


def _all(groups: dict[tuple[str, str], list[tuple[dict, dict]]]) -> Iterable[tuple[dict, dict]]:
    for (_, condition), items in groups.items():
        if condition != "all noisy":
            yield from items


def _row(items: list[tuple[dict, dict]], threshold: float) -> dict[str, Any]:
    outcomes = [turn_outcome(c["asked"], c["label"], r) for c, r in items]
    counts = Counter(outcomes)
    wrong = right = caught = confirmed = 0
    for (clip, result), outcome in zip(items, outcomes, strict=True):
        verdict = meaning_right(clip["asked"], clip["label"], result)
        if verdict is None:
            continue
        # caught: the dialog recorded nothing from a wrong hearing (confirmed or asked again)
        if verdict:
            right += 1
            confirmed += outcome == REJECTED
        else:
            wrong += 1
            caught += outcome == REJECTED
    return {
        "n": len(items),
        **{k: counts.get(k, 0) for k in OUTCOMES},
        "meanings_right": right,
        "meanings_wrong": wrong,
        "wrong_caught": caught,
        "right_confirmed": confirmed,
    }


def _latency(results: list[dict]) -> dict[str, float | None]:
    heard = [r for r in results if r.get("text")]
    if not heard:
        return {"p50_s": None, "p95_s": None}
    # The recognizer gave nothing back (every onset was taken for noise and listened past)
    # until the recorded turn ran out; a live microphone waits for no_speech_timeout_s.
    unheard = sum(r.get("text") is None for r in results)
    endpoint = np.array([r["taken_s"] - r["speech_end_s"] for r in heard])
    compute = np.array([r["compute_s"] for r in heard])
    reply = np.array([r["reply_s"] for r in heard])
    total = endpoint + compute + reply
    ran_out = sum(r["taken_s"] >= r.get("audio_s", float("inf")) - 1e-6 for r in heard)
    return {
        "n": len(heard),
        "never_ended": ran_out / len(heard),
        "unheard": unheard / len(results),
        "p50_s": float(np.percentile(total, 50)),
        "p95_s": float(np.percentile(total, 95)),
        "endpoint_p50_s": float(np.percentile(endpoint, 50)),
        "compute_p50_s": float(np.percentile(compute, 50)),
        "reply_p50_s": float(np.percentile(reply, 50)),
    }


def _cost(results: list[dict]) -> dict[str, float | None]:
    """CPU seconds per turn (every thread), and how often Whisper was asked at what cost."""
    cpu = [r["cpu_s"] for r in results if "cpu_s" in r]
    asked = [r for r in results if r.get("whisper")]
    tracked = [r for r in results if "whisper" in r]
    return {
        "n": len(cpu),
        "cpu_p50_s": float(np.percentile(cpu, 50)) if cpu else None,
        "cpu_p95_s": float(np.percentile(cpu, 95)) if cpu else None,
        "whisper_share": len(asked) / len(tracked) if tracked else None,
        "whisper_p50_s": float(np.percentile([r["whisper_s"] for r in asked], 50))
        if asked
        else None,
        "whisper_p95_s": float(np.percentile([r["whisper_s"] for r in asked], 95))
        if asked
        else None,
    }


def _errors(groups: dict[tuple[str, str], list[tuple[dict, dict]]]) -> list[dict[str, Any]]:
    errors = []
    for (which, condition), items in groups.items():
        if condition == "all noisy":
            continue
        for clip, result in items:
            outcome = turn_outcome(clip["asked"], clip["label"], result)
            if outcome in (UNSAFE, WRONG):
                errors.append(
                    {
                        "set": which, "condition": condition, "outcome": outcome,
                        "asked": clip["asked"], "said": clip["text"], "means": clip["label"],
                        "heard": result.get("text"), "confidence": result.get("confidence"),
                        "recorded": result.get("recorded"), "voice": clip["voice"],
                    }
                )  # fmt: skip
    return errors


def write_report(report: dict[str, Any], md_path: Path, json_path: Path) -> None:
    """Write the markdown tables and the JSON figures."""
    summary = summarize(report)
    meta = {
        "command": report["command"],
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "wall_min": round(report["wall_s"] / 60, 1),
        "conditions": report["conditions"],
        "renders": report["renders"],
        "clips": dict(Counter(f"{c['locale']}|{c['set']}" for c in report["clips"])),
    }
    json_path.write_text(json.dumps({"meta": meta, "systems": summary}, indent=1, default=str))
    md_path.write_text(markdown(meta, summary), encoding="utf-8")


def _pct(part: int, whole: int) -> str:
    return "-" if whole == 0 else f"{100 * part / whole:.0f}%"


def markdown(meta: dict[str, Any], summary: dict[str, Any]) -> str:
    """The tables a reader needs: per answer, confidence separation, latency, memory, errors."""
    lines = [
        "# Benchmark results",
        "",
        f"`{meta['command']}` on {meta['date']} ({meta['machine']}), {meta['wall_min']} min.",
        f"Clips (locale|set): {meta['clips']}; renders per answer: {meta['renders']}.",
        "",
        "Test voices (never tuned on): espeak-ng accents "
        f"{', '.join(EN_ACCENTS['test'])} with variants {', '.join(VARIANTS['test'])}; "
        f"flite {', '.join(FLITE['test'])}; Korean: espeak-ng ko with the test variants. "
        "Test phrasings: the `test` lists of bench/data/answers_*.yaml.",
        "",
        "Per answer, from what the dialog recorded: **right**; **rejected** (asked again or "
        "confirmed first); **unsafe** (a more reassuring answer than the person gave was "
        "recorded, or it stopped without advice). Wrong-but-safe is the rest.",
    ]
    for locale in ("en", "ko"):
        runs = [s for s in summary.values() if s["locale"] == locale]
        if not runs:
            continue
        for which in ("test", "tune"):
            conditions = [
                c for c in [*meta["conditions"], "all noisy"]
                if any(f"{which}|{c}" in r["rows"] for r in runs)
            ]  # fmt: skip
            if not conditions:
                continue
            lines += ["", f"## {LOCALE_NAMES[locale]}, {which} set", ""]
            lines += _outcome_table(runs, which, conditions)
            lines += ["", "Confidence separation at the confirm threshold: of the turns heard "
                      "with a wrong meaning, the share the dialog caught (confirmed or asked "
                      "again, nothing recorded); of those heard right, the share it confirmed "
                      "first (n wrong / n right).", ""]  # fmt: skip
            lines += _separation_table(runs, which, conditions)
        lines += ["", f"## {LOCALE_NAMES[locale]}: reply latency and memory", ""]
        lines += [
            "From the end of the answer to the reply's first sample: endpoint wait (audio), "
            "decoding after the last block, then the dialog and the reply's audio. 'Not ended': "
            "turns whose endpointer never fired; they count up to the end of the recorded turn "
            "(2 s after the answer), where a live microphone would wait up to max_utterance_s. "
            "'Heard nothing': of all turns, those the recognizer returned nothing for (each onset "
            "taken for noise and listened past) until the recording ran out; they are not in the "
            "latency figures, and a live microphone would wait for no_speech_timeout_s.",
            "",
            "| system | p50 | p95 | endpoint p50 | decode p50 | reply p50 | not ended "
            "| heard nothing | peak RSS |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for run in runs:
            lat = run["latency"]
            if lat.get("p50_s") is None:
                continue
            lines.append(
                f"| {run['system']} | {1000 * lat['p50_s']:.0f} ms | {1000 * lat['p95_s']:.0f} ms "
                f"| {1000 * lat['endpoint_p50_s']:.0f} ms | {1000 * lat['compute_p50_s']:.0f} ms "
                f"| {1000 * lat['reply_p50_s']:.0f} ms | {100 * lat['never_ended']:.0f}% "
                f"| {100 * lat.get('unheard', 0.0):.0f}% | {run['peak_rss_mb']:.0f} MB |"
            )
        lines += _latency_table(runs)
        lines += _cost_table(runs)
        lines += _consultation_table(runs)
        lines += _unsafe_list(runs)
    return "\n".join(lines) + "\n"


def _outcome_table(runs: list[dict], which: str, conditions: list[str]) -> list[str]:
    def cell(row: dict[str, Any]) -> str:
        n = row["n"]
        return f"{_pct(row[RIGHT], n)} / {_pct(row[REJECTED], n)} / {row[UNSAFE]}"

    return ["Right / rejected / unsafe (count):", "", *_table(runs, which, conditions, cell)]


def _separation_table(runs: list[dict], which: str, conditions: list[str]) -> list[str]:
    def cell(row: dict[str, Any]) -> str:
        caught = _pct(row["wrong_caught"], row["meanings_wrong"])
        confirmed = _pct(row["right_confirmed"], row["meanings_right"])
        return (
            f"{caught} caught, {confirmed} confirmed "
            f"({row['meanings_wrong']}/{row['meanings_right']})"
        )

    runs = [r for r in runs if r["system"] not in ("single grammar", "open+hassil")]
    return _table(runs, which, conditions, cell)


def _table(
    runs: list[dict],
    which: str,
    conditions: list[str],
    cell: Callable[[dict[str, Any]], str],
) -> list[str]:
    """One row per condition, one column per system, each cell from that run's row."""
    lines = ["| condition | " + " | ".join(r["system"] for r in runs) + " |"]
    lines.append("|---|" + "---|" * len(runs))
    for condition in conditions:
        cells = []
        for run in runs:
            row = run["rows"].get(f"{which}|{condition}")
            cells.append("-" if row is None else cell(row))
        lines.append(f"| {condition} | " + " | ".join(cells) + " |")
    return lines


def _latency_table(runs: list[dict]) -> list[str]:
    runs = [r for r in runs if r.get("latency_by_condition")]
    if not runs:
        return []
    lines = ["", "Reply latency p50 / p95 per condition (test set):", ""]
    lines.append("| condition | " + " | ".join(r["system"] for r in runs) + " |")
    lines.append("|---|" + "---|" * len(runs))
    conditions = list(dict.fromkeys(c for r in runs for c in r["latency_by_condition"]))
    for condition in conditions:
        cells = []
        for run in runs:
            lat = run["latency_by_condition"].get(condition) or {}
            if lat.get("p50_s") is None:
                cells.append("-")
            else:
                cells.append(f"{1000 * lat['p50_s']:.0f} / {1000 * lat['p95_s']:.0f} ms")
        lines.append(f"| {condition} | " + " | ".join(cells) + " |")
    return lines


def _cost_table(runs: list[dict]) -> list[str]:
    runs = [r for r in runs if (r.get("cost") or {}).get("cpu_p50_s") is not None]
    if not runs:
        return []
    lines = [
        "",
        "Decoding cost per turn (CPU seconds of every thread, the whole turn: the endpointer's "
        "decodes, noise suppression and Whisper), and how often Whisper was asked, with the "
        "wall time it added (median / p95 over the turns that asked it):",
        "",
        "| system | CPU p50 | CPU p95 | Whisper asked | Whisper added p50 / p95 |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        cost = run["cost"]
        share = cost.get("whisper_share")
        added = (
            f"{1000 * cost['whisper_p50_s']:.0f} / {1000 * cost['whisper_p95_s']:.0f} ms"
            if cost.get("whisper_p50_s") is not None
            else "-"
        )
        asked = "-" if share is None else f"{100 * share:.0f}%"
        lines.append(
            f"| {run['system']} | {1000 * cost['cpu_p50_s']:.0f} ms "
            f"| {1000 * cost['cpu_p95_s']:.0f} ms | {asked} | {added} |"
        )
    with_whisper = [r for r in runs if (r.get("cost") or {}).get("whisper_share") is not None]
    if with_whisper:
        lines += ["", "Whisper asked, per condition (test set):", ""]
        lines.append("| condition | " + " | ".join(r["system"] for r in with_whisper) + " |")
        lines.append("|---|" + "---|" * len(with_whisper))
        conditions = list(dict.fromkeys(c for r in with_whisper for c in r["cost_by_condition"]))
        for condition in conditions:
            cells = []
            for run in with_whisper:
                share = (run["cost_by_condition"].get(condition) or {}).get("whisper_share")
                cells.append("-" if share is None else f"{100 * share:.0f}%")
            lines.append(f"| {condition} | " + " | ".join(cells) + " |")
    return lines


def _consultation_table(runs: list[dict]) -> list[str]:
    lines: list[str] = []
    for run in runs:
        rows = run.get("consultations") or {}
        if not rows:
            continue
        lines += [
            "",
            f"Whole consultations ({run['system']}, simulated test-set people answering "
            "confirmations and the readback truthfully):",
            "",
            "| condition | people | right outcome | unsafe outcome | ended | median turns "
            "| guesses asked |",
            "|---|---|---|---|---|---|---|",
        ]
        for condition, row in rows.items():
            ended = ", ".join(f"{k} {v}" for k, v in sorted(row["ended"].items()))
            lines.append(
                f"| {condition} | {row['n']} | {row['right']} | {row['unsafe']} | {ended} "
                f"| {row['turns_median']} | {row.get('guesses', 0)} |"
            )
    return lines


def _unsafe_list(runs: list[dict]) -> list[str]:
    lines = ["", "Unsafe answers on the test set:", ""]
    count = 0
    for run in runs:
        for error in run["errors"]:
            if error["outcome"] != UNSAFE or error["set"] != "test":
                continue
            count += 1
            conf = error["confidence"]
            lines.append(
                f"- {run['system']}, {error['condition']}, {error['asked']}: "
                f'"{error["said"]}" ({error["means"]}) heard "{error["heard"]}"'
                f"{'' if conf is None else f' at {conf:.2f}'}, recorded {error['recorded']}"
            )
    if count == 0:
        lines.append("- none")
    return lines
