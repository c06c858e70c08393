"""Write each dialog's labelled answers (dialogs/<locale>/examples.yaml) from the corpus.

    python -m bench.examples          # rewrite them after the tune or dev half changed

The guess at an answer nothing understood (voice/understand/similar.py) compares it with these:
every answer to a question in the corpus's tune and dev halves, labelled as there. The test
half is never among them, so the understanding bench's held-out figures stay held out.
`tests/test_similar.py` fails when a file is out of date.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.understanding import load
from voice.content import dialogs_root, load_dialog
from voice.understand.similar import EXAMPLES_FILE

HALVES = ("tune", "dev")
HEADER = (
    "# Answers people gave to each question, labelled by hand: the corpus's tune and dev\n"
    "# halves (bench/data/understanding/). An answer no template understood is compared with\n"
    "# them (voice/understand/similar.py). Written by `python -m bench.examples`: do not edit.\n"
)


def examples(locale: str) -> dict[str, list[list[Any]]]:
    """Every tune and dev answer to a question of the locale's dialog, by question."""
    questions = list(load_dialog(locale).consultation.questions)
    found: dict[str, list[list[Any]]] = {q: [] for q in questions}
    seen: set[tuple[str, str]] = set()
    for half in HALVES:
        for entry in load(locale, half):
            key = (entry["asked"], entry["text"])
            if entry["asked"] in found and key not in seen:
                seen.add(key)
                found[entry["asked"]].append([entry["text"], dict(entry["means"])])
    return found


def text(locale: str) -> str:
    """The examples file's text for a locale."""
    lines = [HEADER]
    for question, answers in examples(locale).items():
        lines.append(f"{question}:\n")  # each answer a JSON line, which YAML reads as it is
        lines.extend(f"  - {json.dumps(answer, ensure_ascii=False)}\n" for answer in answers)
    return "".join(lines)


def main() -> int:
    for folder in sorted(p for p in dialogs_root().iterdir() if (p / EXAMPLES_FILE).exists()):
        (folder / EXAMPLES_FILE).write_text(text(folder.name), encoding="utf-8")
        sys.stdout.write(f"wrote {folder / EXAMPLES_FILE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
