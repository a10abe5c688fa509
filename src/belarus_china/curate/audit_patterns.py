"""What a candidate fact looks like in a document's text: the coverage audit's vocabulary.

Patterns for quotations, money, percentages, counts, ranks, dates and names of people, built for
the document's language (sources.language). Month and weekday names and relative date phrases
("sidste år", "на прошлой неделе", "去年") come from the CLDR data that Babel ships, so a language
is not a hand-made list; English patterns are always applied as well, because documents in other
languages quote English names and dates. Quotation marks differ by language and CLDR as Babel
ships it does not carry them: the table is contract.quotations' (the rule that a quotation is in
marks uses the same one); dash-led quotations are looked for in the languages whose typography
uses them. A vocabulary module: its words are not registry
names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names

from ..contract.number_languages import QUALIFIERS
from ..contract.quotations import DASH_LINE, DASH_QUOTES, QUOTE_MARKS

KINDS = ("quotation", "money", "percentage", "count", "rank", "date", "person_name")
QUANTITIES = frozenset({"money", "percentage", "count", "rank"})   # what a number column can hold
DURATION_KINDS = frozenset({"count"})                             # "for three days": a count of days

_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred|dozens?|several|a few")
_ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
# What follows the number of an ordinal: English, French ("12e", "1er", "2ème") and Russian ("2-й", "3-го").
_ORDINAL_SUFFIXES = "st|nd|rd|th|er|re|ère|ème|e|-й|-я|-е|-го|-ий"
# Words after an ordinal that are not its noun ("the 7th in Europe", "the third of them").
_FUNCTION_WORDS = "in|of|on|at|to|by|or|and|the|for|with|from|et|de|du|la|le|en|und|der|die|das|im|в|на|и"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_SHORT = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_RELATIVE = (r"last year|this year|next year|last week|this week|last month|this month|the other day|yesterday|"
             r"today|tomorrow|earlier this year|recent years|past (?:few )?(?:years|decades?|months)|"
             r"a few (?:days|weeks|months) (?:before|ago|earlier)|yearlong|decades?")
_QUALIFIERS = r"more than|over|at least|about|around|nearly|almost|up to|fewer than|less than|some"
# Letters of the scripts the corpus can hold (Latin with its accents, Cyrillic): upper case, then any case.
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽА-ЯЁІЇЄҐЎ"
_LOWER = "a-zß-öø-ÿāăąćčďđēėęěğģīįıķĺļľłńņňōőœŕřśşšţťūůűųźżžа-яёіїєґў"

ENGLISH = "en"
_SPACELESS = {"zh", "ja"}   # scripts without spaces: no word boundaries around names


@dataclass(frozen=True)
class Patterns:
    language: str
    quotations: tuple[re.Pattern, ...]
    kinds: dict[str, re.Pattern]


def _quote_pattern(opening: str, closing: str) -> re.Pattern:
    if (opening, closing) == ("‘", "’"):   # not an apostrophe: no letter just outside the marks
        return re.compile(r"(?<![\w])‘([^’\n]+?)’(?![\w])")
    if (opening, closing) == ('"', '"'):   # not HTML attributes
        return re.compile(r"(?<![=\w])\"([^\"\n<>=]+)\"(?![\w>])")
    return re.compile(f"{re.escape(opening)}([^{re.escape(closing)}\\n]+?){re.escape(closing)}")


def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _alternation(words) -> str:
    unique = sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in unique)


def _local_date_words(locale: Locale) -> tuple[str, str, str]:
    """The language's month names (wide and abbreviated, format and stand-alone forms), weekday names and
    relative phrases (last/this/next year, month, week; yesterday, today, ...), from CLDR."""
    months, days = [], []
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            months += list(get_month_names(width, context=context, locale=locale).values())
            days += list(get_day_names(width, context=context, locale=locale).values()) if width == "wide" else []
    relative = []
    fields = locale._data["date_fields"]   # Babel exposes no public accessor for CLDR's relative fields
    for name in ("year", "quarter", "month", "week", "day"):
        if name in fields and "relative" in fields[name]:
            relative += list(dict(fields[name]["relative"]).values())
    # An abbreviation may end in a dot ("jan."); match it with or without.
    months = [m.rstrip(".") for m in months if len(m.rstrip(".")) > 1]
    return _alternation(months), _alternation(days), _alternation(relative)


@cache
def patterns_for(language: str | None) -> Patterns:
    """The audit's patterns for a document in `language` (ISO 639-1); English ones are always included."""
    language = (language or ENGLISH).lower()
    pairs = list(QUOTE_MARKS[ENGLISH])
    pairs += [p for p in QUOTE_MARKS.get(language, tuple(p for ps in QUOTE_MARKS.values() for p in ps))
              if p not in pairs]
    quotations = [_quote_pattern(o, c) for o, c in pairs]
    if language in DASH_QUOTES:
        quotations.append(DASH_LINE)   # "– Words, words, siger han.": the contract's own pattern
    numeric_dates = (r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?!\d)")
    english_dates = (rf"(?:\d{{1,2}}\.?\s+)?(?:{_MONTHS}|(?:{_MONTHS_SHORT})\b\.?)(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
                     rf"(?:,?\s+\d{{4}})?|(?:19|20)\d{{2}}s?|(?:[Oo]n\s+)?(?:{_WEEKDAYS})|(?i:{_RELATIVE})")
    # Longest forms first: an alternation takes the first that matches ("2023-12-01" before "2023").
    date_parts = [numeric_dates]
    if language in _SPACELESS:
        date_parts.append(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日")
    date_parts.append(english_dates)
    locale = _locale(language) if language != ENGLISH else None
    months = ""
    if locale is not None:
        months, days, relative = _local_date_words(locale)
        local = [rf"(?:\d{{1,2}}\.?\s*)?(?:{months})\.?(?:\s+\d{{1,2}}\.?)?(?:,?\s+\d{{4}})?" if months else "",
                 days, relative]
        date_parts += [f"(?i:{part})" for part in local if part]
    month_names = _MONTHS + ("|" + months if months else "")
    qualifiers = "|".join([_QUALIFIERS, *(re.escape(q) for q in sorted(QUALIFIERS.get(language, {}), key=len,
                                                                          reverse=True))])
    edge_start, edge_end = (r"(?<![\w])", r"(?![\w])") if language not in _SPACELESS else ("", "")
    kinds = {
        "money": re.compile(r"(?:US)?\$\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:billion|million|thousand|trillion|bn|mn)\b)?"
                            r"|\b\d[\d,.]*\s?(?:€|euros?|dollars?|rubles?|roubles?|yuan)\b", re.IGNORECASE),
        "percentage": re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|percent\b|per cent\b|procent\b|prozent\b)", re.IGNORECASE),
        # A number before a word, not a day before its month ("28 février"); the language's words for "more
        # than" or "about" before it belong to it ("более 120 компаний").
        "count": re.compile(
            rf"(?<![\d:.,])\b(?:(?:{qualifiers})\s+)?(?:\d{{1,3}}(?:,\d{{3}})*(?!\d)(?![.:,]\d)|(?:{_NUMBER_WORDS})\b)"
            rf"[ \xa0-]+(?!(?:{month_names})(?!\w))(?!percent\b|per cent\b|billion\b|million\b)"
            rf"[{_UPPER}{_LOWER}][{_LOWER}]+|\b(?:{qualifiers})\s+\d[\d,]*(?:\.\d+)?\b(?!\s*(?:%|percent))",
            re.IGNORECASE),
        # A rank ("seventh-largest") or an ordinal before its noun ("second trip", "12e voyage", "2-й визит").
        "rank": re.compile(rf"\b(?:\d+(?:st|nd|rd|th)|(?:{_ORDINALS}))(?:[ \xa0-](?:largest|biggest|highest|"
                           rf"lowest|most|top|smallest))\b|\b(?:{_ORDINALS}|\d+(?:{_ORDINAL_SUFFIXES}))[ \xa0]+"
                           rf"(?!(?:{month_names})(?!\w))(?!(?:{_FUNCTION_WORDS})(?!\w))(?-i:[{_LOWER}]{{2,}})"
                           rf"|\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE),
        "date": re.compile(f"{edge_start}(?:{'|'.join(date_parts)}){edge_end}"),
        # Capitalised words joined by spaces on one line; leading titles and place words are dropped by the audit.
        "person_name": re.compile(rf"(?<![\w])[{_UPPER}][{_LOWER}]+(?:[’']s)?(?:[ \xa0]+[{_UPPER}][{_LOWER}]+(?:[’']s)?)+"
                                  rf"(?![\w])"),
    }
    return Patterns(language, tuple(quotations), kinds)


# Words that begin capitalised sequences that are not people (titles, places, institutions).
NOT_PEOPLE = {
    "President", "Chinese", "Russian", "Belarusian", "Prime", "Minister", "Foreign", "First", "Deputy", "Great",
    "Hall", "People", "Republic", "Central", "Asia", "Shanghai", "Cooperation", "Organisation", "Organization",
    "Belt", "Road", "Initiative", "Industrial", "Park", "State", "Guesthouse", "Union", "Western", "Eastern",
    "Europe", "East", "Affairs", "United", "States", "Joint", "Statement", "China", "Russia", "Belarus", "Ukraine", "Kremlin",
    "Beijing", "Moscow", "Minsk", "Tiananmen", "Square", "Diaoyutai", "Comtrade", "Newsweek", "Xinhua", "Daily",
    "World", "Service", "Radio", "Free", "Liberty", "Realities", "Leave", "Reply", "Comment", "Home", "Opinions",
    "Voice", "About", "Read", "Photo", "Copyright", "Policy", "Magazine", "Post", "Morning", "South", "North",
    "Technology", "University", "Virginia", "Tech", "London", "British", "Columbia", "Group", "Wagner", "Between",
    "And", "The", "In", "On", "As", "But", "After", "Before", "During", "Despite", "This", "That", "It", "Both",
    "Some", "Kyiv", "Washington", "Yahoo", "News", "Taipei", "Taiwan", "Prague", "Atlantic", "Federation",
    "Objectives", "Visit", "Reaction", "Motivations", "Soviet", "Sino", "Kazakhstan", "Uzbekistan", "Crimea",
    "Georgia", "Abkhazia", "Sukhumi", "Donetsk", "Mogilev", "Vitebsk", "Lukashenkos", "Xinjiang", "Africa", "By",
}
