"""Amounts and counts in other languages: "3,56 milliards de dollars", "более 120 компаний",
"35 mil millones de dólares", "3,5 Mrd. US-Dollar", "35亿美元", read into a number and its qualifier.

contract.words reads English; the words it does not read are read here in each language of
contract.date_languages.LANGUAGES, with that language's data from CLDR (through Babel):
- the number, with the language's decimal and group separators ("3,56" is 3.56 in French and
  German; "3 560" is 3560), read strictly (a group separator in the wrong place is no number);
- the scale words of the language's compact number formats, long and short ("milliard",
  "Milliarden", "Mrd.", "млрд", "mil millones", "亿"), each worth what its format says;
- for an amount in US dollars, the currency's symbols and the words of its names ("$", "US$",
  "$US", "dollars", "долларов", "dólares", "美元"); without one of them the words are no amount.
QUALIFIERS, the words for "about", "more than" and "less than" before a number, are not in CLDR
and are kept here. Words two languages read as different numbers ("3,560 dollars") are refused as
ambiguous; any word that is none of these (after a count: its unit noun, which is free) makes the
words unread. A vocabulary module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import NumberFormatError, get_currency_name, get_currency_symbol, parse_decimal

from .date_languages import LANGUAGES, SPACELESS

# Before a number: words for approximately, more than and less than (not in CLDR); longest first per language.
QUALIFIERS: dict[str, dict[str, str]] = {
    "en": {"approximately": "approximately", "about": "approximately", "around": "approximately",
           "more than": "more_than", "over": "more_than", "less than": "less_than", "nearly": "less_than"},
    "fr": {"environ": "approximately", "près de": "approximately", "quelque": "approximately",
           "plus de": "more_than", "moins de": "less_than", "presque": "less_than"},
    "de": {"etwa": "approximately", "rund": "approximately", "ungefähr": "approximately", "circa": "approximately",
           "mehr als": "more_than", "über": "more_than", "weniger als": "less_than", "fast": "less_than"},
    "ru": {"около": "approximately", "примерно": "approximately", "более": "more_than", "свыше": "more_than",
           "больше": "more_than", "менее": "less_than", "почти": "less_than"},
    "uk": {"близько": "approximately", "понад": "more_than", "більше": "more_than", "менше": "less_than",
           "майже": "less_than"},
    "be": {"каля": "approximately", "больш за": "more_than", "больш як": "more_than", "амаль": "less_than"},
    "da": {"omkring": "approximately", "cirka": "approximately", "ca.": "approximately", "over": "more_than",
           "mere end": "more_than", "mindre end": "less_than", "næsten": "less_than"},
    "es": {"alrededor de": "approximately", "unos": "approximately", "más de": "more_than",
           "menos de": "less_than", "casi": "less_than"},
    "zh": {"约": "approximately", "大约": "approximately", "超过": "more_than", "逾": "more_than"},
}
# Between a scale word and the currency ("milliards de dollars", "mil millones de dólares").
_LINKS = ("de", "d'")
_NUMBER = r"\d[\d\s.,'’\u202f\xa0]*"


class AmbiguousNumberWords(ValueError):
    """The words are numbers in two languages, and not the same number."""


@dataclass(frozen=True)
class _Vocabulary:
    language: str
    scales: dict[str, int]
    dollars: frozenset[str]            # words of the US dollar's names and its symbols, folded
    qualifiers: dict[str, str]


def _fold(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").replace("’", "'").lower().split())


@cache
def vocabulary(language: str) -> _Vocabulary:
    locale = Locale.parse(language)
    scales: dict[str, set[int]] = {}
    for width in ("long", "short"):
        for patterns in locale.compact_decimal_formats[width].values():
            for magnitude, pattern in patterns.items():
                text = str(getattr(pattern, "pattern", pattern)).replace("'", "")
                zeros = text.count("0")
                word = _fold(text.replace("0", "")).rstrip(".")
                if word and zeros:
                    scales.setdefault(word, set()).add(int(magnitude) // 10 ** (zeros - 1))
    names = [get_currency_name("USD", locale=locale), *dict(locale._data["currency_names_plural"].get("USD", {})).values()]
    dollars = {w.strip("()") for name in names for w in _fold(name).split()} - {"des", "de"}
    dollars |= {_fold(get_currency_symbol("USD", locale=locale)), "$", "us$", "usd"}
    return _Vocabulary(language, {w: next(iter(n)) for w, n in scales.items() if len(n) == 1}, frozenset(dollars),
                       QUALIFIERS.get(language, {}))


@dataclass(frozen=True)
class Reading:
    value: Decimal
    qualifier: str


def _number(text: str, language: str) -> Decimal | None:
    try:
        return parse_decimal(text.strip(), locale=language, strict=True)
    except (NumberFormatError, ValueError):
        return None


def _read_in(words: str, language: str, money: bool) -> Reading | None:
    vocab = vocabulary(language)
    spaceless = language in SPACELESS
    text = _fold(words)
    qualifier = "exact"
    for phrase in sorted(vocab.qualifiers, key=len, reverse=True):
        if text.startswith(phrase + " ") or (spaceless and text.startswith(phrase)):
            qualifier, text = vocab.qualifiers[phrase], text[len(phrase):].lstrip()
            break
    symbol = next((s for s in sorted(vocab.dollars, key=len, reverse=True) if not s.isalpha() and text.startswith(s)),
                  None)
    if symbol:
        text = text[len(symbol):].lstrip()
    match = re.match(_NUMBER, text)
    number = _number(match.group(0), language) if match else None
    if match is None or number is None:
        return None
    tail = text[match.end():].strip()
    for word in sorted(vocab.scales, key=len, reverse=True):
        found = re.match(rf"{re.escape(word)}\.?(?:\s+|$)" if not spaceless else re.escape(word), tail)
        if found:
            number *= vocab.scales[word]
            tail = tail[found.end():].strip()
            break
    if not money:
        return Reading(number, qualifier)   # a count: what follows is its unit noun
    rest = ([tail] if tail else []) if spaceless else [w.rstrip(".,") for w in tail.split() if w not in _LINKS]
    rest = [w[2:] if w.startswith("d'") else w for w in rest]
    named = bool(rest) and all(w in vocab.dollars for w in rest)
    if not (symbol or named) or (rest and not named):
        return None
    return Reading(number, qualifier)


def read_number(words: str, *, money: bool) -> Reading | None:
    """The number the words give in some language of LANGUAGES (None when no language reads them);
    AmbiguousNumberWords when two languages read different numbers."""
    readings: dict[Reading, list[str]] = {}
    for language in LANGUAGES:
        reading = _read_in(words, language, money)
        if reading is not None:
            readings.setdefault(reading, []).append(language)
    if len(readings) > 1:
        said = "; ".join(f"{r.value:g} ({r.qualifier}) in {', '.join(ls)}" for r, ls in readings.items())
        raise AmbiguousNumberWords(f"{words!r} reads as different numbers in different languages: {said}")
    return next(iter(readings), None)
