"""The document's own words stored as the document prints them.

A curator types a quotation, a stance or date words with ordinary spaces; the document may print a
no-break space or a line break there. The excerpt locator lets a typed space match any run of white
space (curate.locate, rule 3), so the typed words are found in the record's excerpts, and the value
stored is the raw slice found: the contract (`not-verbatim`) requires the exact characters, so that
the published text is a substring of its document, code point for code point.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..contract.registry import Table
from ..contract.vocabulary import Quotes
from .locate import LocateError, locate


def raw_slice(words: str, excerpts: Iterable[str]) -> str:
    """The first place the typed words occur in one of the excerpts (white space matched as the
    locator matches it), as the excerpt's own characters; the words unchanged when they occur in none
    (the contract then reports them as not verbatim)."""
    for excerpt in excerpts:
        try:
            start, end = locate(excerpt, words, occurrence=1)
        except LocateError:
            continue
        return excerpt[start:end]
    return words


def store_raw_slices(table: Table, values: dict, excerpts: list[str]) -> None:
    """Replace, in place, each of the record's verbatim text values by its raw slice (a translation too,
    when the document prints it)."""
    role = table.translation
    printed = [role.translation] if role is not None and values.get(role.by) == Quotes.by_document else []
    for name in [*table.verbatim_columns, *printed]:
        value = values.get(name)
        if isinstance(value, str):
            values[name] = raw_slice(value, excerpts)
        elif isinstance(value, list):
            values[name] = [raw_slice(item, excerpts) if isinstance(item, str) else item for item in value]
