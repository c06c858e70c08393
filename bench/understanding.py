"""How well typed (or transcribed) answers are understood: the labelled corpus, scored.

    python -m bench.understanding                     # this checkout, every set, en and ko
    python -m bench.understanding --methods toe hassil before --errors test

The corpus (bench/data/understanding/, conventions in its README.md) holds answers written
the way people talk, each with everything it means, in three sets. `tune` was written by one
author and used to write the intents; `dev`, by others, was held out until its figures were
reported and has been tuned on since; `test`, by yet other authors who never saw the software,
is held out: nothing is changed to fit it. An answer is right when everything it says was
understood (a duration within a day or 30% and on the same side of three days); it is unsafe
when it is read as more reassuring than what was said, or a worrying part of it is dropped
while the rest is taken.

Methods: `toe` (this checkout: every clause read), `hassil` (the same intents, the whole answer
matched by hassil as one clause, as before the clause reader), `before` (the understanding at
the commit this work started from, BEFORE_REF, in its own process).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bench.systems import BASELINE_REF, ROOT, baseline_tree, default_cache

CORPUS = ROOT / "bench" / "data" / "understanding"
RESULTS = ROOT / "bench" / "results"
TODAY = date(2026, 12, 5)  # the corpus's "today": "since Tuesday" is 4 days
BEFORE_REF = BASELINE_REF  # the commit before issues 15-18, as in the speech bench
THRESHOLD_DAYS = 3.0
SETS = ("tune", "dev", "test")
Entry = dict[str, Any]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, where PyYAML was built with it
Meant = dict[str, Any]


def load(locale: str, half: str) -> list[Entry]:
    """One set of the corpus for a locale (with libyaml where PyYAML has it: 4 times faster)."""
    with open(CORPUS / f"{locale}_{half}.yaml", encoding="utf-8") as handle:
        entries: list[Entry] = yaml.load(handle, Loader=LOADER)
    return entries


# --- reading an answer as this checkout does -------------------------------------------------


class Reader:
    """This checkout's understanding of one entry: what the dialog would take from it."""

    def __init__(self, locale: str, whole: bool = False) -> None:
        self.dialog, self.understanding = _compiled(locale)
        self.whole = whole  # hassil on the whole answer, no clause reading

    def __call__(self, entry: Entry) -> Meant:
        return self.meant(entry, self.said(entry))

    def meant(self, entry: Entry, said: Any) -> Meant:
        """What the dialog takes from what the entry says ({}: it asks again)."""
        from voice.dialog.said import settled

        if not settled(said, self.dialog.consultation, causes_asked=entry["asked"] == "triggers"):
            return {}
        return from_said(said, entry, self.dialog.consultation)

    def guessed(self, entry: Entry, said: Any, left_out: bool) -> Meant | None:
        """What the dialog would ask about ("I think you mean: no weakness. Is that right?") of an
        answer to a question it could not take (None: it asks the question again)."""
        from voice.dialog.answers import guess_to_ask
        from voice.dialog.said import settled

        consultation = self.dialog.consultation
        if entry["asked"] not in consultation.questions or settled(said, consultation):
            return None
        guess = guess_to_ask(self.dialog, entry["asked"], entry["text"], left_out)
        return {guess.question: guess.answer} if guess is not None else None

    def guesser(self) -> Any:
        """The dialog's guesser (None: it guesses nothing)."""
        from voice.understand.similar import guesser_at

        return guesser_at(self.dialog.folder, tuple(self.dialog.consultation.questions))

    def said(self, entry: Entry) -> Any:
        """Everything the entry says, as the dialog reads it at its turn."""
        from voice.dialog.said import PREFER, interpret
        from voice.targets import last_yes_no
        from voice.understand import Part, Reading

        consultation = self.dialog.consultation
        questions = list(consultation.questions)
        asked = entry["asked"]
        answering = asked if asked in questions else ("duration" if asked == "follow_up" else None)
        if asked in questions:
            history = questions[: questions.index(asked)]
        elif asked == "confirm":
            history = [entry["question"]]
        else:
            history = [q for q in questions if q in entry.get("read_back", questions)]
        corrects = last_yes_no(consultation, history, answering or "")
        if self.whole:
            meaning = self.understanding.hassil(entry["text"])
            reading = Reading(entry["text"], (Part(entry["text"], meaning),))
        else:
            turns = ("readback", "follow_up", "triggers", "confirm", "more_tips")
            turn = asked if asked in turns else "answer"
            prefer = PREFER.get(turn, ())
            context = {"turn": turn}
            if answering or asked == "confirm":
                context["question"] = answering or entry["question"]
            reading = self.understanding.read(entry["text"], prefer, context)
        confirming = entry["question"] if asked == "confirm" else None
        return interpret(reading, consultation, answering, corrects, confirming)


@functools.cache
def _compiled(locale: str) -> tuple[Any, Any]:
    """A locale's dialog and its understanding as of the corpus's today, compiled once."""
    from voice.content import load_dialog
    from voice.understand import Understanding

    dialog = load_dialog(locale)
    return dialog, Understanding(dialog.intents, TODAY)


def from_said(said: Any, entry: Entry, consultation: Any) -> Meant:
    """What a Said means, in the corpus's terms (reply, question ids, command, triggers)."""
    from voice.dialog.said import FINE, confirms
    from voice.intents import under_limit
    from voice.targets import at_threshold

    meant: Meant = {}
    asked = entry["asked"]
    for question, value in said.facts.items():
        meant[question] = value
        bound = said.bounds.get(question)
        if bound:
            meant["bound"] = bound
            if bound == "below" and not isinstance(value, str):
                meant[question] = under_limit(value)
    if asked == "follow_up" and said.bound_reply and "duration" not in meant:
        days, bound = at_threshold(consultation, said.bound_reply, "duration") or (None, None)
        if days is not None:
            meant["duration"] = under_limit(days) if bound == "below" else days
            meant["bound"] = bound
    if said.command and not said.facts:
        meant["command"] = said.command
        return meant  # a command with nothing else said: the reply beside it is not taken
    if asked == "confirm":
        confirmed = confirms(said, entry["question"], entry["confirming"])
        if confirmed is not None:
            meant["reply"] = "yes" if confirmed else "no"
    elif asked in ("readback", "more_tips"):
        if said.agrees() and not (asked == "more_tips" and said.reply == FINE):
            meant["reply"] = "yes"
        elif said.reply is not None:
            meant["reply"] = "no" if said.declines() else said.reply
    if said.triggers:
        meant["triggers"] = sorted(said.triggers)
    elif asked == "triggers":
        if said.declines():
            meant["triggers"] = []
        elif said.reply == "unsure":
            meant["triggers"] = "unsure"
    return meant


# --- scoring -------------------------------------------------------------------------------


def restated(entry: Entry) -> dict[str, Any]:
    """The answers an entry's context already holds: read back, or being confirmed."""
    if entry["asked"] == "readback":
        return dict(entry.get("read_back", {}))
    if entry["asked"] == "confirm":
        return {entry["question"]: entry["confirming"]}
    return {}


def comparable(meant: Meant, entry: Entry) -> Meant:
    """Facts that only say again what is read back or confirmed are left out of both sides."""
    held = restated(entry)
    out = {k: v for k, v in meant.items() if not (k in held and _same(held[k], v))}
    if "bound" in out and "duration" not in out:
        del out["bound"]
    return out


def right(pred: Meant, label: Meant, entry: Entry) -> bool:
    """Everything the answer said, understood.

    To the readback or "Did you say …?", the yes or no beside a change does not matter (the
    change is acted on either way), so it is compared only when nothing changes.
    """
    pred, label = comparable(pred, entry), comparable(label, entry)
    if set(label) - {"reply", "bound"}:
        pred.pop("reply", None)
        label.pop("reply", None)
    if "bound" not in label:
        pred.pop("bound", None)
    if set(pred) != set(label):
        return False
    return all(_same(label[k], pred[k]) for k in label)


def unsafe(pred: Meant, label: Meant, entry: Entry, worrying: Callable[[str, Any], bool]) -> bool:
    """Read as more reassuring than said, or a worrying part dropped while the rest is taken."""
    if not pred or (set(pred) <= {"command"} and pred.get("command") != "stop"):
        return False  # not understood, or a question back: it is asked again
    held = restated(entry)
    for key, value in label.items():
        if key in ("reply", "command", "bound", "triggers"):
            continue
        dropped = worrying(key, value) and not (key in pred and worrying(key, pred[key]))
        if dropped and not (key in held and _same(held[key], value)):
            return True
    for key, value in pred.items():
        if key in ("reply", "command", "bound", "triggers"):
            continue
        invented = not worrying(key, value) and (key not in label or worrying(key, label[key]))
        if invented and (key not in held or not _same(held[key], value)):
            return True
    if entry["asked"] in ("readback", "confirm") and label.get("reply") != "yes":
        plain = pred.get("reply") == "yes" and not set(comparable(pred, entry)) - {"reply"}
        if plain:
            return True  # confirmed what the person denied
    return pred.get("command") == "stop" and label.get("command") != "stop"


def _same(label: Any, pred: Any) -> bool:
    if isinstance(label, (int, float)) and isinstance(pred, (int, float)):
        label, pred = float(label), float(pred)
        if (label >= THRESHOLD_DAYS) != (pred >= THRESHOLD_DAYS):
            return False
        return abs(label - pred) <= max(1.0, 0.3 * label)
    if isinstance(label, list) and isinstance(pred, list):
        return sorted(label) == sorted(pred)
    return bool(label == pred)


# --- running -------------------------------------------------------------------------------


def evaluate(locale: str, half: str, method: str) -> dict[str, Any]:
    """Every entry of one set read by one method: right, unsafe, time."""
    from voice.content import load_dialog
    from voice.rules import worrying

    entries = load(locale, half)
    consultation = load_dialog(locale).consultation

    def worry(key: str, value: Any) -> bool:
        return key in consultation.questions and worrying(consultation, key, value)

    guesses: list[Meant | None] = [None] * len(entries)  # (each left out of its own guess)
    if method == "before":
        preds, times = _before(locale, entries)
    else:
        reader = Reader(locale, whole=method == "hassil")
        reader.understanding.forget_clauses()  # each set is timed from cold
        reader.guesser()  # built once, as the templates are compiled once
        preds, times = [], []
        for entry in entries:
            start = time.perf_counter()
            said = reader.said(entry)
            preds.append(reader.meant(entry, said))
            if not preds[-1] and method == "toe":  # the examples are tune and dev answers:
                guesses[len(preds) - 1] = reader.guessed(entry, said, left_out=half != "test")
            times.append(time.perf_counter() - start)
    rows = []
    for entry, pred, guess, took in zip(entries, preds, guesses, times, strict=True):
        label = entry["means"]
        rows.append({
            "asked": entry["asked"], "kind": entry.get("kind", ""), "text": entry["text"],
            "means": label, "read": pred, "right": right(pred, label, entry),
            "unsafe": unsafe(pred, label, entry, worry), "ms": took * 1000, "guess": guess,
            "guess_right": guess is not None and right(guess, label, entry),
            "guess_reassuring": guess is not None and unsafe(guess, label, entry, worry),
        })  # fmt: skip
    return {"locale": locale, "set": half, "method": method, "rows": rows}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    rows = result["rows"]
    times = sorted(r["ms"] for r in rows)
    return {
        "answers": len(rows),
        "right": sum(r["right"] for r in rows),
        "unsafe": sum(r["unsafe"] for r in rows),
        "guessed": sum(r.get("guess") is not None for r in rows),
        "guessed_right": sum(r.get("guess_right", False) for r in rows),
        "guessed_reassuring": sum(r.get("guess_reassuring", False) for r in rows),
        "median_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "max_ms": times[-1],
    }


def _before(locale: str, entries: list[Entry]) -> tuple[list[Meant], list[float]]:
    """The understanding at BEFORE_REF, run in its own process on the same entries."""
    tree = baseline_tree(default_cache(), BEFORE_REF)
    if tree is None:
        raise SystemExit(f"cannot check out {BEFORE_REF[:12]}: not a git checkout")
    code = BEFORE_SCRIPT
    done = subprocess.run(
        [sys.executable, "-c", code, locale],
        input=json.dumps(entries), capture_output=True, text=True, check=True, cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), "TOE_ASSISTANT_DIALOGS": str(tree / "dialogs")},
    )  # fmt: skip
    out = json.loads(done.stdout)
    return [o["meant"] for o in out], [o["s"] for o in out]


# The old understanding: one Meaning for the whole answer, applied as the old dialog did.
BEFORE_SCRIPT = r"""
import json, sys, time
from voice.content import load_dialog
from voice.intents import Understanding
locale = sys.argv[1]
dialog = load_dialog(locale)
understanding = Understanding(dialog.intents)
questions = list(dialog.consultation.questions)
out = []
for entry in json.load(sys.stdin):
    start = time.perf_counter()
    m = understanding.parse(entry["text"])
    meant = {}
    asked = entry["asked"]
    if m is not None:
        if m.intent in ("repeat", "help", "why", "stop"):
            meant["command"] = m.intent
        elif m.sign:
            meant[m.sign] = m.answer
        elif m.intent == "answer_duration":
            meant["duration"] = m.answer
            if m.bound:
                meant["bound"] = m.bound
        elif m.intent in ("answer_more", "answer_less"):
            if asked == "follow_up":
                meant.update(duration=3.0, bound="above" if m.intent == "answer_more" else "below")
        elif asked in questions and (asked != "duration" or m.answer == "unsure"):
            meant[asked] = m.answer
        elif asked in ("readback", "confirm", "more_tips"):
            meant["reply"] = m.answer
        elif asked == "follow_up" and m.answer == "unsure":
            meant["duration"] = "unsure"
    out.append({"meant": meant, "s": time.perf_counter() - start})
print(json.dumps(out))
"""


def kept(result: dict[str, Any]) -> dict[str, Any]:
    """What the results file keeps of one run: its summary, and this checkout's misses on the
    sets tuned on. Nobody reads the held-out set's misses (they would be tuned on next)."""
    out = {key: value for key, value in result.items() if key != "rows"}
    out["summary"] = summary(result)
    if result["method"] == "toe" and result["set"] != "test":
        out["misses"] = [row for row in result["rows"] if not row["right"] or row["unsafe"]]
    return out


def readings(locale: str) -> Mapping[str, Any]:
    """The summaries of this checkout on every set (for the test)."""
    return {half: summary(evaluate(locale, half, "toe")) for half in SETS}


def report(results: list[dict[str, Any]], errors: set[str]) -> str:
    """The results as Markdown: one line a locale, half and method; the errors asked for."""
    lines = [
        "# Understanding answers as people give them",
        "",
        "`python -m bench.understanding` (corpus: bench/data/understanding/; tune and dev used",
        "to write the intents, test held out). Right: everything the answer said understood.",
        "Unsafe: read as more reassuring than said, or a worrying part dropped. Times per answer",
        "on this machine, reading and interpreting (not the first answer's warm-up). Guessed:",
        "answers to a question nothing understood, guessed from the labelled tune and dev",
        "answers most like them (each left out of its own guess) and asked about first ('I",
        "think you mean no. Is that right?'); right: the guess was what the person meant;",
        "too reassuring: the guess would have been unsafe had it been taken without asking.",
        "",
        "| locale | set | method | answers | right | unsafe | guessed | guessed right "
        "| guessed too reassuring | right or guessed right | median ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        s = summary(result)
        share = 100 * s["right"] / s["answers"]
        either = 100 * (s["right"] + s["guessed_right"]) / s["answers"]
        lines.append(
            f"| {result['locale']} | {result['set']} | {result['method']} | {s['answers']} "
            f"| {s['right']} ({share:.1f}%) | {s['unsafe']} | {s['guessed']} "
            f"| {s['guessed_right']} | {s['guessed_reassuring']} | {either:.1f}% "
            f"| {s['median_ms']:.2f} "
            f"| {s['p95_ms']:.2f} | {s['max_ms']:.2f} |"
        )
    for result in results:
        kinds: dict[str, Counter[str]] = defaultdict(Counter)
        for row in result["rows"]:
            kinds[row["kind"]]["all"] += 1
            kinds[row["kind"]]["right"] += row["right"]
        if result["set"] not in errors:
            continue
        lines += ["", f"## Not right: {result['locale']} {result['set']} {result['method']}", ""]
        for row in result["rows"]:
            if not row["right"]:
                flag = " **unsafe**" if row["unsafe"] else ""
                lines.append(
                    f"- {row['asked']}: {row['text']!r} means {row['means']}, "
                    f"read {row['read']}{flag}"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.understanding", description=__doc__)
    parser.add_argument("--locales", nargs="+", default=["en", "ko"], choices=["en", "ko"])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument(
        "--methods", nargs="+", default=["toe"], choices=["toe", "hassil", "before"]
    )
    parser.add_argument("--errors", nargs="*", default=[], choices=SETS, help="list the misses")
    parser.add_argument("--out", type=Path, default=None, help="write .md and .json here")
    args = parser.parse_args(argv)
    results = [
        evaluate(locale, half, method)
        for locale in args.locales
        for half in args.sets
        for method in args.methods
    ]
    text = report(results, set(args.errors))
    sys.stdout.write(text)
    if args.out is not None:
        args.out.with_suffix(".md").write_text(text, encoding="utf-8")
        payload = [kept(r) for r in results]
        args.out.with_suffix(".json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
