"""Whole-word matching of names in text: how an alias, a country name or a value is "shown" by an
excerpt or a document. One rule, used by the build (alias evidence) and by validation."""

from __future__ import annotations

from collections.abc import Iterable


def _is_word(char: str) -> bool:
    """What `\\w` matches in a str pattern: a Unicode alphanumeric (str.isalnum) or the underscore."""
    return char.isalnum() or char == "_"


def first_whole_word(text: str, alias: str) -> tuple[int, int] | None:
    """The span of the leftmost occurrence of `alias` not preceded or followed by a word character
    (what `(?<!\\w)alias(?!\\w)` finds), with str.find rather than one regular expression per alias."""
    position = text.find(alias)
    while position != -1:
        end = position + len(alias)
        if (position == 0 or not _is_word(text[position - 1])) and (end == len(text) or not _is_word(text[end])):
            return position, end
        position = text.find(alias, position + 1)
    return None


def shows_word(text: str, word: str) -> bool:
    """`word` occurs in `text` as a whole word (white space in either is folded)."""
    return first_whole_word(" ".join(text.split()), " ".join(word.split())) is not None


def shows_words(text: str, words: Iterable[str]) -> bool:
    folded = " ".join(text.split())
    return any(first_whole_word(folded, " ".join(w.split())) is not None for w in words)
