"""Cutting an answer into clauses: sentence ends are hard, joining words and commas are not."""

from __future__ import annotations

from voice.understand.clauses import atoms, segment, split_at


def no_joints(words: tuple[str, ...], start: int = 0) -> int:
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


def test_an_unmarked_piece_is_cut_where_clauses_start_into_the_clauses_understood() -> None:
    known = {"the rest of me is fine", "its just the wee toe", "the rest", "me is fine"}

    def parse(clause: str, alone: bool) -> str | None:
        return clause if clause in known else None

    words = tuple(["the", "rest", "of", "me", "is", "fine", "its", "just", "the", "wee", "toe"])
    # a clause may start at "of" (2), "me" (3) or "its" (6): the fewest pieces that read most
    assert split_at(words, parse, frozenset({2, 3, 6})) == [
        ("the rest of me is fine", "the rest of me is fine"),
        ("its just the wee toe", "its just the wee toe"),
    ]
    assert split_at(words, parse, frozenset({6, 10})) == [  # no piece of one word
        ("the rest of me is fine", "the rest of me is fine"),
        ("its just the wee toe", "its just the wee toe"),
    ]
    assert split_at(words, parse, frozenset({4})) == []  # no cut reads anything


def test_a_sentence_ending_cuts_like_a_comma() -> None:
    def ends(words: tuple[str, ...]) -> frozenset[int]:
        return frozenset(i + 1 for i, w in enumerate(words[:-1]) if w == "done")

    cut = atoms("all done then more", no_joints, ends=ends)
    assert [(a.words, a.sentence) for a in cut] == [
        (("all", "done"), False),
        (("then", "more"), False),
    ]
