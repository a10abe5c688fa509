"""Find a curator's excerpt in a raw document and return its code-point offsets.

The rule, stated once:
1. Leading and trailing white space of the excerpt is ignored.
2. If the excerpt occurs verbatim (code point for code point), those occurrences count.
3. Otherwise a run of white space in the excerpt matches any run of white space in the text
   (a typed space matches a non-breaking space or a line break).
4. Nothing else is folded: curly and straight quotes, dashes and NFC/NFD forms are distinct
   characters. When a match would exist with them folded, the error says so.
5. An excerpt that occurs more than once needs `within` (a longer passage that occurs once
   and contains it) or `occurrence` (1-based, counted from the start of the search range).
"""

from __future__ import annotations

import bisect
import re
import unicodedata

# Fixed patterns for a run of white space and a run of anything else (what str.split and rule 3 call
# white space): the excerpt itself is never compiled into a pattern, so its size costs a plain string
# search, no more.
_WHITESPACE_RUN = re.compile(r"\s+")
_TOKEN = re.compile(r"\s+|\S+")
_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class LocateError(ValueError):
    """An excerpt cannot be placed in the text; the message says why, `code` its problem code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _folded(text: str, lo: int, hi: int) -> tuple[str, list[int], list[int]]:
    """text[lo:hi] with every white-space run written as one space, and for each run of other
    characters its start in the folded text and in the text (to map a match back)."""
    parts, folded_starts, starts = [], [], []
    position = 0
    for token in _TOKEN.finditer(text, lo, hi):
        if token.group()[0].isspace():
            parts.append(" ")
            position += 1
        else:
            folded_starts.append(position)
            starts.append(token.start())
            parts.append(token.group())
            position += len(token.group())
    return "".join(parts), folded_starts, starts


# Occurrences are counted up to here (more only when `occurrence` asks for a later one): each further
# one costs a search, and an excerpt of one repeated word in a long text could occur everywhere.
COUNTED_OCCURRENCES = 100


def _occurrences(text: str, excerpt: str, lo: int, hi: int, limit: int) -> list[tuple[int, int]]:
    """At most `limit` occurrences of the excerpt in text[lo:hi] under rules 2 and 3."""
    found: list[tuple[int, int]] = []
    start = text.find(excerpt, lo, hi)
    while start != -1 and start + len(excerpt) <= hi and len(found) < limit:
        found.append((start, start + len(excerpt)))
        start = text.find(excerpt, start + 1, hi)
    if found:
        return found
    # Rule 3, as a plain search: with every white-space run of the text and of the excerpt written as
    # one space, the excerpt occurs where its words follow each other separated by runs of white space.
    # A match starts and ends inside runs of other characters (the excerpt is stripped), which map back.
    folded, folded_starts, starts = _folded(text, lo, hi)
    needle = " ".join(excerpt.split())

    def original(position: int) -> int:
        token = bisect.bisect_right(folded_starts, position) - 1
        return starts[token] + position - folded_starts[token]

    start = folded.find(needle)
    while start != -1 and len(found) < limit:
        found.append((original(start), original(start + len(needle) - 1) + 1))
        start = folded.find(needle, start + 1)
    return found


def _hint(text: str, excerpt: str) -> str:
    folded_text = text.translate(_QUOTE_FOLD)
    if excerpt.translate(_QUOTE_FOLD) in folded_text:
        return " (it would match if curly/straight quotes and dashes were folded: copy them exactly)"
    for form in ("NFC", "NFD"):
        if unicodedata.normalize(form, excerpt) in text:
            return f" (it matches after {form} normalisation: copy the characters exactly)"
    if excerpt.casefold() in text.casefold():
        return " (it matches ignoring case: copy the capitalisation exactly)"
    return ""


def locate(text: str, excerpt: str, *, within: str | None = None, occurrence: int | None = None) -> tuple[int, int]:
    """Return (char_start, char_end) of `excerpt` in `text` under the rule above."""
    excerpt = excerpt.strip()
    if not excerpt:
        raise LocateError("excerpt-not-found", "the excerpt is empty")
    lo, hi = 0, len(text)
    if within is not None:
        try:
            lo, hi = locate(text, within)
        except LocateError as exc:
            raise LocateError("excerpt-within", f"its `within` passage cannot be placed: {exc}") from None
    limit = max(COUNTED_OCCURRENCES, (occurrence or 0) + 1)
    found = _occurrences(text, excerpt, lo, hi, limit)
    times = f"{len(found)}" if len(found) < limit else f"at least {len(found)}"
    where = " inside its `within` passage" if within is not None else ""
    if not found:
        raise LocateError("excerpt-not-found", f"not found in the document{where}{_hint(text[lo:hi], excerpt)}")
    if occurrence is not None:
        if not 1 <= occurrence <= len(found):
            raise LocateError("excerpt-occurrence",
                              f"occurrence {occurrence} asked for, but it occurs {times} time(s){where}")
        return found[occurrence - 1]
    if len(found) > 1:
        starts = ", ".join(str(s) for s, _ in found[:5])
        raise LocateError(
            "excerpt-ambiguous", f"occurs {times} times{where} (at offsets {starts}); add `within:` with a longer passage "
            "that occurs once, or `occurrence:`"
        )
    return found[0]
