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

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class LocateError(ValueError):
    """An excerpt cannot be placed in the text; the message says why, `code` its problem code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _pattern(excerpt: str) -> re.Pattern:
    parts = _WHITESPACE.split(excerpt)
    return re.compile(r"\s+".join(re.escape(p) for p in parts))


def _occurrences(text: str, excerpt: str, lo: int, hi: int) -> list[tuple[int, int]]:
    found = []
    start = text.find(excerpt, lo, hi)
    while start != -1 and start + len(excerpt) <= hi:
        found.append((start, start + len(excerpt)))
        start = text.find(excerpt, start + 1, hi)
    if found:
        return found
    pattern = _pattern(excerpt)
    position = lo
    while True:
        match = pattern.search(text, position, hi)
        if match is None:
            return found
        found.append(match.span())
        position = match.start() + 1


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
    found = _occurrences(text, excerpt, lo, hi)
    where = " inside its `within` passage" if within is not None else ""
    if not found:
        raise LocateError("excerpt-not-found", f"not found in the document{where}{_hint(text[lo:hi], excerpt)}")
    if occurrence is not None:
        if not 1 <= occurrence <= len(found):
            raise LocateError("excerpt-occurrence",
                              f"occurrence {occurrence} asked for, but it occurs {len(found)} time(s){where}")
        return found[occurrence - 1]
    if len(found) > 1:
        starts = ", ".join(str(s) for s, _ in found[:5])
        raise LocateError(
            "excerpt-ambiguous", f"occurs {len(found)} times{where} (at offsets {starts}); add `within:` with a longer passage "
            "that occurs once, or `occurrence:`"
        )
    return found[0]
