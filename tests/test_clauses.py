"""Cutting an answer into clauses: sentence ends are hard, joining words and commas are not."""

from __future__ import annotations

from voice.understand.clauses import atoms, segment


def no_joints(words: tuple[str, ...]) -> int:
    return 0


def test_each_piece_knows_whether_it_starts_a_sentence_and_whether_it_asks() -> None:
    cut = atoms("weak? no. sore, a bit", no_joints)
    assert [(a.words, a.sentence, a.asks) for a in cut] == [
        (("weak",), False, True),
        (("no",), True, False),
        (("sore",), True, False),
        (("a", "bit"), False, False),
    ]
    assert len(atoms("2.5 weeks", no_joints)) == 1  # a full stop between digits cuts nothing


def test_a_clause_never_reaches_across_a_sentence_end() -> None:
    def parse(clause: str, alone: bool) -> str | None:
        return clause if clause in {"no sore", "no", "sore", "pins and needles"} else None

    joined = segment(atoms("no, sore", no_joints), parse)
    assert [c.text for c in joined] == ["no sore"]  # a comma may sit inside a clause
    apart = segment(atoms("no. sore?", no_joints), parse)
    assert [(c.text, c.asks) for c in apart] == [("no", False), ("sore", True)]
