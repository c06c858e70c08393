"""Text as the understanding compares it: lower case words, Korean syllable by syllable."""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[^\w\s]|_")
_DIGITS = re.compile(r"(?<=\d)(?=[^\W\d])|(?<=[^\W\d])(?=\d)")  # "3wks", "20th", "3일"
_HANGUL = "\uac00-\ud7a3"
_SYLLABLES = re.compile(f"(?<=[{_HANGUL}])|(?=[{_HANGUL}])")


def words_of(text: str) -> str:
    """Text as the matcher compares it: lower case, words split by one space.

    Punctuation and apostrophes go ("don't" and "dont" are the same word typed two ways),
    hyphens split words, and digits are split from letters ("3wks" is "3 wks"). Korean is
    compared syllable by syllable: people space it as they like ("저려요", "저 려요"), so
    every Hangul syllable is a word of its own and the spaces between them do not count.
    """
    spaced = _NON_WORD.sub(lambda m: "" if m.group() in "'\u2019" else " ", text.lower())
    return " ".join(_SYLLABLES.sub(" ", _DIGITS.sub(" ", spaced)).split())


def breaks(char: str) -> bool:
    """Does a word end at this character of a template (a space, or a Hangul syllable)?"""
    return char.isspace() or "\uac00" <= char <= "\ud7a3"
