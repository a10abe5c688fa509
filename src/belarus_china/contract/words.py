"""What a document's words for a value mean: the words in, a value with its qualifier or bounds out.

A vocabulary module: the English words for qualifiers, scales, numbers, ordinals and changes live
here, and the values the parsers return are the registry's (tests/test_registry.py checks that every
qualifier they give is an allowed value of its column). Dates are read in contract.date_reader. The build
uses them to check that a curated value agrees with the as-reported words beside it. Each parser
returns a plain value or raises NormaliseError with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ..base.problems import Problem
from .number_languages import AmbiguousNumberWords, read_number


class NormaliseError(ValueError):
    """The words do not say what the parser expects; the message says what it got."""


# --- quantities in words -----------------------------------------------------------------

_QUALIFIERS = [
    ("approximately", "approximately"), ("about", "approximately"), ("around", "approximately"),
    ("some", "approximately"), ("roughly", "approximately"),
    ("more than", "more_than"), ("over", "more_than"), ("at least", "more_than"),
    ("less than", "less_than"), ("under", "less_than"), ("nearly", "less_than"), ("almost", "less_than"),
]
_QUALIFIER_RE = "|".join(re.escape(words) for words, _ in _QUALIFIERS)
_SCALES = {"thousand": 10**3, "million": 10**6, "mn": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9,
           "b": 10**9, "trillion": 10**12}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}


@dataclass(frozen=True)
class Quantity:
    value: float
    qualifier: str  # exact | approximately | more_than | less_than


def _qualifier(words: str | None) -> str:
    if not words:
        return "exact"
    words = " ".join(words.lower().split())
    return dict(_QUALIFIERS)[words]


def _decimal(digits: str) -> Decimal:
    return Decimal(digits.replace(",", ""))


def parse_money(text: str) -> Quantity:
    """US dollar amounts: "$3.5 billion", "more than $1 billion", "approximately $3.5 billion", "$6.45bn"."""
    match = re.fullmatch(
        rf"\s*(?:(?P<qual>{_QUALIFIER_RE})\s+)?(?:US)?\$\s?(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)"
        rf"\s*(?P<scale>thousand|million|billion|trillion|mn|bn|m|b)?\b\s*",
        text, flags=re.IGNORECASE,
    )
    if not match:
        raise NormaliseError(f"{text!r} is not a dollar amount such as '$3.5 billion' or 'more than $1 billion'")
    value = _decimal(match["num"]) * _SCALES.get((match["scale"] or "").lower(), 1)
    return Quantity(float(value), _qualifier(match["qual"]))


def parse_count(text: str) -> Quantity:
    """Counts with a unit noun: "27 intergovernmental agreements", "Eight contracts", "56 foreign companies"."""
    match = re.fullmatch(rf"\s*(?:(?P<qual>{_QUALIFIER_RE})\s+)?(?P<num>\d[\d,]*|[A-Za-z]+)(?:[\s-]+\S.*)?", text,
                         flags=re.IGNORECASE | re.DOTALL)
    if match:
        word = match["num"].lower()
        if word[0].isdigit():
            return Quantity(float(_decimal(word)), _qualifier(match["qual"]))
        if word in _NUMBER_WORDS:
            return Quantity(float(_NUMBER_WORDS[word]), _qualifier(match["qual"]))
    raise NormaliseError(f"{text!r} does not start with a count such as '27' or 'Eight'")


def parse_rank(text: str) -> Quantity:
    """Ordinal ranks: "seventh-largest" is 7, "second-largest" 2, "largest" 1, "3rd largest" 3."""
    match = re.fullmatch(r"\s*(?:the\s+)?(?:(?P<ord>[a-z]+|\d+(?:st|nd|rd|th))[\s-]+)?(?:largest|biggest|top)\b.*",
                         text, flags=re.IGNORECASE)
    if match:
        ordinal = (match["ord"] or "first").lower()
        if ordinal in _ORDINALS:
            return Quantity(float(_ORDINALS[ordinal]), "exact")
        if ordinal[0].isdigit():
            return Quantity(float(ordinal[:-2]), "exact")
    raise NormaliseError(f"{text!r} is not a rank such as 'seventh-largest'")


def parse_area_square_miles(text: str) -> Quantity:
    """ "around 43 square miles" """
    match = re.fullmatch(rf"\s*(?:(?P<qual>{_QUALIFIER_RE})\s+)?(?P<num>\d[\d,]*(?:\.\d+)?)\s+square\s+miles?\s*",
                         text, flags=re.IGNORECASE)
    if not match:
        raise NormaliseError(f"{text!r} is not an area such as 'around 43 square miles'")
    return Quantity(float(_decimal(match["num"])), _qualifier(match["qual"]))


_CHANGE_WORDS = {"doubled": 100.0, "tripled": 200.0, "trebled": 200.0, "quadrupled": 300.0, "halved": -50.0}


def parse_change_pct(text: str) -> float:
    """Stated change in percent: "83.6 percent", "83.6%", "doubled" (100), "halved" (-50)."""
    words = " ".join(text.lower().split())
    for word, pct in _CHANGE_WORDS.items():
        if re.search(rf"\b{word}\b", words):
            return pct
    match = re.search(r"(?P<sign>[-+−])?(?P<num>\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)", words)
    if not match:
        raise NormaliseError(f"{text!r} states no percentage or change word such as 'doubled'")
    value = float(match["num"])
    if match["sign"] in ("-", "−") or re.search(r"\b(decrease|decline|fall|drop|fell)\b", words):
        value = -value
    return value


def parse_quantity(text: str, unit: str) -> Quantity:
    """The as-reported words of a figure in the given registry unit; an amount or a count the English
    parsers do not read is read in the other languages of contract.number_languages."""
    parsers = {"USD": parse_money, "rank": parse_rank, "count": parse_count, "square_miles": parse_area_square_miles}
    if unit not in parsers:
        raise NormaliseError(f"no parser for unit {unit!r}")
    try:
        return parsers[unit](text)
    except NormaliseError:
        if unit not in ("USD", "count"):
            raise
        try:
            reading = read_number(text, money=unit == "USD")
        except AmbiguousNumberWords as exc:
            raise NormaliseError(str(exc)) from None
        if reading is None:
            raise
        return Quantity(float(reading.value), reading.qualifier)


# --- a record's values against their words ------------------------------------------------------

def _quantity_problems(rule, values: dict, unit: str | None) -> list[tuple[str, str, str]]:
    words = values.get(rule.column)
    value_column, qualifier_column = rule.targets["number"], rule.targets.get("qualifier")
    if words is None:
        if rule.required and values.get(value_column) is not None:
            return [("words-missing", rule.column, f"give the document's words for {value_column} "
                                                   f"{values[value_column]:g} (the number as printed, its scale "
                                                   "and qualifier included)")]
        return []
    if unit is None:
        return []
    try:
        parsed = parse_quantity(words, unit)
    except NormaliseError as exc:
        return [("words-unparseable", rule.column, str(exc))]
    if values.get(value_column) is None:
        return [("words-mismatch", value_column, f"is missing but {rule.column} {words!r} says {parsed.value:g}")]
    problems = []
    if abs(parsed.value - values[value_column]) > 1e-9 * max(1.0, abs(parsed.value)):
        problems.append(("words-mismatch", value_column,
                         f"is {values[value_column]:g} but {rule.column} {words!r} says {parsed.value:g}"))
    if qualifier_column:
        qualifier = values.get(qualifier_column) or "exact"
        if parsed.qualifier != qualifier:
            problems.append(("words-mismatch", qualifier_column,
                             f"is {qualifier!r} but {rule.column} {words!r} says {parsed.qualifier!r}"))
    return problems


def _change_problems(rule, values: dict) -> list[tuple[str, str, str]]:
    """A stated change keeps its words ("doubled" is 100), and the number must be what they say."""
    words, value_column = values.get(rule.column), rule.targets["number"]
    if words is None:
        if values.get(value_column) is not None:
            return [("words-missing", rule.column, f"give the document's words for {value_column}")]
        return []
    try:
        pct = parse_change_pct(words)
    except NormaliseError as exc:
        return [("words-unparseable", rule.column, str(exc))]
    if values.get(value_column) != pct:
        return [("words-mismatch", value_column, f"is {values.get(value_column)} but {rule.column} {words!r} says {pct:g}")]
    return []


def word_problems(table, values: dict) -> list[tuple[str, str, str]]:
    """(code, column, message) for every value of one record that disagrees with its words.

    `table` is a registry Table; its `words` roles say which columns hold words for which values (the
    words for dates and periods are read by contract.date_reader and checked in contract.windows)."""
    problems: list[tuple[str, str, str]] = []
    for rule in table.words:
        if rule.kind == "quantity":
            unit_column = rule.targets.get("unit_column")
            unit = rule.parser or (values.get(unit_column) if unit_column else table.column(rule.targets["number"]).unit)
            problems.extend(_quantity_problems(rule, values, unit))
        elif rule.kind == "change":
            problems.extend(_change_problems(rule, values))
    return problems


def check_words(registry, ids: dict[str, pd.Series], rows) -> list[Problem]:
    """Every row's values agree with their words (`word_problems`), on a package's tables as on a build's."""
    problems = []
    for table in registry:
        if not any(rule.kind in ("quantity", "change") for rule in table.words):
            continue
        for record_id, row in zip(ids[table.name].tolist(), rows[table.name], strict=True):
            values = {name: value for name, value in row.items() if value is not None and not pd.isna(value)}
            for code, column, message in word_problems(table, values):
                problems.append(Problem(code, message, table=table.name, record=record_id, column=column))
    return problems
