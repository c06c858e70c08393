"""docs/safety.md maps every question, rule and spoken line to its line in the clinical source.

The tables there are checked against the dialog: a rule, question or line of advice added or
changed without the document following fails here, and so does a wrong line number.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voice.content import Consultation, load_dialog

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "safety.md"
SOURCE = ROOT / "dialogs" / "SOURCE.txt"
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


def _squash(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").lower().split())


def source_lines(quote: str) -> list[int]:
    """The SOURCE.txt lines a quote comes from (its fragments found in order)."""
    lines = SOURCE.read_text("utf-8").splitlines()
    text, starts = "", []
    for line in lines:
        starts.append(len(text))
        text += _squash(line) + " " if line.strip() else ""
    fragments = [_squash(f) for f in _ELLIPSIS.split(quote) if f.strip()]
    spans: list[tuple[int, int]] = []
    limit = len(text)
    for fragment in reversed(fragments):  # each fragment comes before the next one
        at = text.rfind(fragment, 0, limit)
        if at < 0:  # quoted out of the source's order
            at = text.find(fragment)
        assert at >= 0, fragment
        spans.append((at, at + len(fragment)))
        limit = at
    found = set()
    for begin, end in spans:
        found |= {
            n + 1
            for n, start in enumerate(starts)
            if lines[n].strip() and start < end and (n + 1 == len(starts) or starts[n + 1] > begin)
        }
    return sorted(found)


def rows(consultation: Consultation) -> list[tuple[str, list[int]]]:
    """What the document must say: each item's key and its source lines."""
    found = [
        (f"`{n}` (question)", source_lines(q.source)) for n, q in consultation.questions.items()
    ]
    found += [(f"`{r.id}`", source_lines(r.source)) for r in consultation.rules]
    found += [
        (f"{name} | {i}", source_lines(line.source))
        for name, outcome in consultation.outcomes.items()
        for i, line in enumerate(outcome.say)
    ]
    for outcome in consultation.outcomes.values():
        found += [(f"tip | {i}", source_lines(tip.source)) for i, tip in enumerate(outcome.tips)]
        found += [(f"closing | {i}", source_lines(c.source)) for i, c in enumerate(outcome.closing)]
    if consultation.triggers is not None:
        found.append(("triggers question | —", source_lines(consultation.triggers.source)))
    return found


@pytest.mark.parametrize("locale", ["en"])
def test_every_rule_and_line_of_advice_is_mapped_to_its_source_line(locale: str) -> None:
    doc = DOC.read_text("utf-8").splitlines()
    for key, lines in rows(load_dialog(locale).consultation):
        row = next((r for r in doc if r.startswith(f"| {key} |")), None)
        assert row is not None, f"docs/safety.md has no row for {key}"
        cited = row.rstrip(" |").rsplit("|", 1)[-1]
        assert [int(n) for n in re.findall(r"\d+", cited)] == lines, (key, lines, row)
