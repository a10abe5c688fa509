"""What a document's words for a value mean: the words in, a value with its qualifier or bounds out.

A vocabulary module: the English words for qualifiers, scales, numbers, ordinals, changes, months
and weekdays live here, and the values the parsers return are the registry's (tests/test_registry.py
checks that every qualifier and precision they give is an allowed value of its column). The build
uses them to check that a curated value agrees with the as-reported words beside it. Each parser
returns a plain value or raises NormaliseError with the reason.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


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
    """The as-reported words of a figure in the given registry unit."""
    parsers = {"USD": parse_money, "rank": parse_rank, "count": parse_count, "square_miles": parse_area_square_miles}
    if unit not in parsers:
        raise NormaliseError(f"no parser for unit {unit!r}")
    return parsers[unit](text)


# --- dates in words ----------------------------------------------------------------------

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}


@dataclass(frozen=True)
class DateSpan:
    """What a date expression allows: the earliest and latest day, and the precision of the statement."""

    earliest: date
    latest: date
    precision: str  # day | month | year
    reasoning: str = ""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def window_end(day: date, precision: str) -> date:
    """The last day a date of the given precision allows (its month's or year's end)."""
    if precision == "year":
        return date(day.year, 12, 31)
    if precision == "month":
        return _month_end(day.year, day.month)
    return day


def parse_date_phrase(text: str, *, reference: date | None = None) -> DateSpan:
    """Exact, partial, vague and relative date expressions.

    "28 February 2023", "February 28, 2023", "March 01, 2023 at 20:46" -> day
    "March 2023", "early/mid/late March 2023" -> month (early: 1-10, mid: 11-20, late: 21-end)
    "2023" -> year; "September 2022" -> month
    Relative expressions need `reference` (the document's own date, or the date of the event
    the sentence is about): "last year", "this year", "on Monday" (the latest Monday on or
    before the reference), "yesterday", "the other day".
    """
    words = " ".join(text.replace(",", " ").split()).lower()
    words = re.sub(r"\s+at\s+\d{1,2}:\d{2}$", "", words)

    match = re.fullmatch(r"(?:on\s+)?(\d{1,2})\s+([a-z]+)\s+(\d{4})", words) or None
    if match and match[2] in _MONTHS:
        day = date(int(match[3]), _MONTHS[match[2]], int(match[1]))
        return DateSpan(day, day, "day")
    match = re.fullmatch(r"(?:on\s+)?([a-z]+)\s+(\d{1,2})\s+(\d{4})", words)
    if match and match[1] in _MONTHS:
        day = date(int(match[3]), _MONTHS[match[1]], int(match[2]))
        return DateSpan(day, day, "day")
    match = re.fullmatch(r"(?:in\s+)?(?:(early|mid|late)[\s-]+)?([a-z]+)\s+(\d{4})", words)
    if match and match[2] in _MONTHS:
        year, month = int(match[3]), _MONTHS[match[2]]
        first, last = date(year, month, 1), _month_end(year, month)
        if match[1] == "early":
            last = date(year, month, 10)
        elif match[1] == "mid":
            first, last = date(year, month, 11), date(year, month, 20)
        elif match[1] == "late":
            first = date(year, month, 21)
        return DateSpan(first, last, "month")
    match = re.fullmatch(r"(?:in\s+)?(\d{4})", words)
    if match:
        year = int(match[1])
        return DateSpan(date(year, 1, 1), date(year, 12, 31), "year")
    match = re.fullmatch(r"(?:in\s+)?the\s+first\s+(one|two|three|1|2|3)\s+quarters?\s+of\s+(\d{4})", words)
    if match:
        quarters = {"one": 1, "two": 2, "three": 3}.get(match[1]) or int(match[1])
        year = int(match[2])
        return DateSpan(date(year, 1, 1), _month_end(year, 3 * quarters), "month")

    if reference is None:
        raise NormaliseError(f"{text!r} is not a date expression this parser knows without a reference date")
    if words in ("last year", "in the past year", "the previous year"):
        year = reference.year - 1
        return DateSpan(date(year, 1, 1), date(year, 12, 31), "year",
                        f"'{text}' read relative to {reference.isoformat()}: the calendar year {year}")
    if words in ("this year", "earlier this year"):
        return DateSpan(date(reference.year, 1, 1), reference, "year",
                        f"'{text}' read relative to {reference.isoformat()}")
    if words == "yesterday":
        day = reference - timedelta(days=1)
        return DateSpan(day, day, "day", f"the day before {reference.isoformat()}")
    match = re.fullmatch(r"(?:on\s+|last\s+)?([a-z]+day)", words)
    if match and match[1] in _WEEKDAYS:
        back = (reference.weekday() - _WEEKDAYS[match[1]]) % 7
        day = reference - timedelta(days=back)
        return DateSpan(day, day, "day",
                        f"'{text}' read as the latest {match[1].title()} on or before {reference.isoformat()}")
    raise NormaliseError(f"{text!r} is not a date expression this parser knows")


# --- a record's values against their words ------------------------------------------------------

def _quantity_problems(rule, values: dict, unit: str | None) -> list[tuple[str, str, str]]:
    words = values.get(rule.column)
    value_column, qualifier_column = rule.targets["number"], rule.targets.get("qualifier")
    if words is None or unit is None:
        return []
    try:
        parsed = parse_quantity(words, unit)
    except NormaliseError as exc:
        return [("words-unparseable", rule.column, str(exc))]
    if value_column not in values:
        return [("words-mismatch", value_column, f"is missing but {rule.column} {words!r} says {parsed.value:g}")]
    problems = []
    if abs(parsed.value - values[value_column]) > 1e-9 * max(1.0, abs(parsed.value)):
        problems.append(("words-mismatch", value_column,
                         f"is {values[value_column]:g} but {rule.column} {words!r} says {parsed.value:g}"))
    if qualifier_column:
        qualifier = values.get(qualifier_column, "exact")
        if parsed.qualifier != qualifier:
            problems.append(("words-mismatch", qualifier_column,
                             f"is {qualifier!r} but {rule.column} {words!r} says {parsed.qualifier!r}"))
    return problems


def _change_problems(rule, values: dict) -> list[tuple[str, str, str]]:
    """A stated change keeps its words ("doubled" is 100), and the number must be what they say."""
    words, value_column = values.get(rule.column), rule.targets["number"]
    if words is None:
        if value_column in values:
            return [("words-missing", rule.column, f"give the document's words for {value_column}")]
        return []
    try:
        pct = parse_change_pct(words)
    except NormaliseError as exc:
        return [("words-unparseable", rule.column, str(exc))]
    if values.get(value_column) != pct:
        return [("words-mismatch", value_column, f"is {values.get(value_column)} but {rule.column} {words!r} says {pct:g}")]
    return []


def _period_problems(rule, values: dict) -> list[tuple[str, str, str]]:
    """Period words that name a period by themselves must give its start and end; relative words
    ("last year") need the document's date and are explained in `inferred` instead."""
    words = values.get(rule.column)
    start, end = rule.targets["start"], rule.targets["end"]
    if words is None:
        return []
    try:
        span = parse_date_phrase(words)
    except NormaliseError:
        return []
    if (values.get(start), values.get(end)) != (span.earliest, span.latest):
        return [("words-mismatch", start, f"{rule.column} {words!r} means {span.earliest} to {span.latest}, not "
                                          f"{values.get(start)} to {values.get(end)}")]
    return []


def word_problems(table, values: dict) -> list[tuple[str, str, str]]:
    """(code, column, message) for every value of one record that disagrees with its words.

    `table` is a registry Table; its `words` roles say which columns hold words for which values."""
    problems: list[tuple[str, str, str]] = []
    for rule in table.words:
        if rule.kind == "quantity":
            unit_column = rule.targets.get("unit_column")
            unit = values.get(unit_column) if unit_column else table.column(rule.targets["number"]).unit
            problems.extend(_quantity_problems(rule, values, unit))
        elif rule.kind == "change":
            problems.extend(_change_problems(rule, values))
        elif rule.kind == "period":
            problems.extend(_period_problems(rule, values))
    return problems
