"""Text -> value, once for each registry type: the grammar of the type's text and what a text of that
grammar is worth.

One parser per type, run two ways that cannot disagree:
- `parse_value`: one text (a scalar of a curation file) -> its value, or CodecError saying why not;
- `parse_column`: a column of texts (a CSV's cells) -> its values and which cells are none. The grammar
  is one regex over the Arrow column (the same pattern: RE2 and Python's `re` read it alike) and the
  conversion one Arrow cast; only what a regex cannot say (a real calendar day, a whole number within
  64 bits) is decided by `parse_value` itself, once per distinct text.

A grammar is the form the CSV writer writes (codec.TypeCodec.csv_text) and nothing looser: no "+" sign,
no padding, no digit grouping, no "inf" or "nan", ASCII digits only, a date's month and day in two digits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class CodecError(ValueError):
    """A text is not a value of the column's type; the message says what it got."""


INT64 = (-(2**63), 2**63 - 1)


def _integer(text: str) -> int:
    value = int(text)
    if not INT64[0] <= value <= INT64[1]:
        raise CodecError(f"{text!r} is too large for a whole number (64 bits)")
    return value


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise CodecError(f"{text!r} is too large for a number (64-bit floating point)")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CodecError(f"{text!r} is not a real calendar date ({exc})") from None


@dataclass(frozen=True)
class Grammar:
    pattern: str                    # the whole text; ASCII classes only, so that RE2 and `re` agree
    refusal: str                    # what a text off the grammar is told: "{text!r} " + refusal
    value: Callable[[str], Any]     # a text of the grammar -> its value (CodecError for what a regex cannot say)
    arrow: pa.DataType


GRAMMARS: dict[str, Grammar] = {
    "integer": Grammar(r"-?[0-9]+", "is not a whole number (digits, with '-' before a negative one)",
                       _integer, pa.int64()),
    "number": Grammar(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?",
                      "is not a number (digits, with '-' before a negative one, a '.' before decimals and "
                      "an exponent such as e+20)", _number, pa.float64()),
    "boolean": Grammar(r"true|false", "is not true or false", lambda text: text == "true", pa.bool_()),
    "date": Grammar(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "is not a date of the form YYYY-MM-DD", _date, pa.date32()),
}


def parse_value(text: str, type_name: str):
    """One text -> the value of the type (texts of a type without a grammar, string and list, as they are)."""
    grammar = GRAMMARS.get(type_name)
    if grammar is None:
        return text
    if not re.fullmatch(grammar.pattern, text):
        raise CodecError(f"{text!r} {grammar.refusal}")
    return grammar.value(text)


def refusal(text: str, type_name: str) -> str:
    """Why a text is not a value of the type, in `parse_value`'s words ("" when it is one)."""
    try:
        parse_value(text, type_name)
    except CodecError as exc:
        return str(exc)
    return ""


def _per_distinct(texts: pa.Array, grammar: Grammar) -> pa.Array:
    """`grammar.value` once per distinct text, spread over the cells (None where it refuses)."""
    encoded = texts.dictionary_encode()
    values = []
    for text in encoded.dictionary.to_pylist():
        try:
            values.append(grammar.value(text))
        except CodecError:
            values.append(None)
    return pa.array(values, type=grammar.arrow).take(encoded.indices)


def parse_column(texts: pa.Array | pa.ChunkedArray, type_name: str) -> tuple[pa.Array, np.ndarray]:
    """A column of texts (null = missing) -> (its values as Arrow, a boolean mask of the cells that are
    present but no value of the type: those are null in the values). Agrees with `parse_value` cell by cell."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = texts.cast(pa.string())
    grammar = GRAMMARS.get(type_name)
    if grammar is None:
        return texts, np.zeros(len(texts), dtype=bool)
    matched = pc.match_substring_regex(texts, f"^(?:{grammar.pattern})$")
    kept = pc.if_else(matched, texts, pa.scalar(None, pa.string()))   # a cell off the grammar is no value
    if type_name == "boolean":
        values = pc.equal(kept, "true")
    elif type_name == "date":
        values = _per_distinct(kept, grammar)   # the days are few; a calendar check is Python's
    elif type_name == "integer":
        try:
            values = kept.cast(pa.int64())
        except pa.ArrowInvalid:   # a whole number past 64 bits: only this column goes the slow way
            values = _per_distinct(kept, grammar)
    else:
        values = kept.cast(pa.float64())
        values = pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))
    bad = pc.and_(pc.is_valid(texts), pc.is_null(values))
    return values, bad.to_numpy(zero_copy_only=False)
