"""Date words in other languages, read into the English forms contract.date_reader reads.

The reader of date words (contract.date_reader) is written for English. Words it does not read are read
here, in each language of LANGUAGES, with that language's words from CLDR (through Babel):
- month names, wide and abbreviated, in their format (genitive: "февраля") and stand-alone
  ("февраль") forms, with or without an abbreviation's dot ("févr.");
- weekday names, wide and abbreviated, both forms;
- day periods ("soir", "abends", "вечера", "下午"), which narrow a time within a day and so leave
  a day's window as it is; they are accepted only beside a day;
- relative words ("hier", "gestern", "вчера", "i går", "昨天"; "l'année dernière", "в прошлом году",
  "去年"; this/last/next week, month and year; the day before yesterday and after tomorrow), read
  against the anchor like their English forms;
- the literals of the language's date patterns: the words ("den", "de", "г.") and the marks that
  follow a number to say which field it is ("28.", "2023年2月28日").
Two small tables are not in CLDR and are kept here: FILLERS, the words for "on", "in" or "the"
that leave a window as it is ("le", "am", "в"), and ORDINAL_SUFFIXES of a day number ("1er",
"28-го").

The forms read: a year; a month with or without its year; a day and a month in either order,
with or without the year, and with the weekday, which must then be the date's; a range of two of
these joined by a dash ("28.–30. März 2023", "28 février – 2 mars"), the first borrowing the month
and year it leaves out from the second; or one relative phrase alone. A weekday alone ("mardi"),
words for a time of day with no day, and any word that is none of the above are not read: such
words need a window marked as an inference. Words read in two languages as different dates (a
month name one language spells like another's) are refused as ambiguous: the reader never picks.
A vocabulary module: CLDR's names of its date fields ("day", "month", "year") are not registry names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import get_day_names, get_month_names, tokenize_pattern

LANGUAGES = ("en", "fr", "de", "ru", "be", "uk", "da", "nb", "sv", "nl", "pl", "es", "it", "pt", "zh", "ja")
SPACELESS = {"zh", "ja"}   # no spaces between words: a run of letters is split into known words
ENGLISH_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Words for "on", "in", "of" or "the" beside a date, which leave its window as it is (not in CLDR).
FILLERS: dict[str, frozenset[str]] = {language: frozenset(words) for language, words in {
    "en": ("on", "in", "the", "of"), "fr": ("le", "en"), "de": ("am", "im", "den"), "ru": ("в", "во", "года"),
    "be": ("у", "ў", "года"), "uk": ("в", "у", "року"), "da": ("den", "i"), "nb": ("den", "i"), "sv": ("den", "i"),
    "nl": ("op", "in"), "pl": ("w", "we", "roku"), "es": ("el", "en"), "it": ("il", "nel", "del"),
    "pt": ("em", "o"), "zh": ("于", "在"), "ja": ("に",)}.items()}
# What follows a day number written as an ordinal (not in CLDR).
ORDINAL_SUFFIXES: dict[str, tuple[str, ...]] = {"en": ("st", "nd", "rd", "th"), "fr": ("er", "e"),
                                                "ru": ("-го", "-е"), "uk": ("-го",), "be": ("-га",)}
# The English words for CLDR's relative fields (offset from the anchor), as contract.date_reader reads them.
RELATIVE = {("day", -2): "the day before yesterday", ("day", -1): "yesterday", ("day", 0): "today",
            ("day", 1): "tomorrow", ("day", 2): "the day after tomorrow", ("week", -1): "last week",
            ("week", 0): "this week", ("week", 1): "next week", ("month", -1): "last month",
            ("month", 0): "this month", ("month", 1): "next month", ("year", -1): "last year",
            ("year", 0): "this year", ("year", 1): "next year"}
PERIOD = "\x00"   # stands for a time of day of several words, once found
_DASH = re.compile(r"\s*[–—]\s*|\s+-\s+")


class AmbiguousDateWords(ValueError):
    """The words are dates in two languages, and not the same date."""


@dataclass(frozen=True)
class _Vocabulary:
    months: dict[str, int]
    weekdays: dict[str, int]
    periods: tuple[str, ...]          # longest first
    relative: dict[str, str]          # the language's phrase -> the English one
    fillers: frozenset[str]
    suffixes: dict[str, str]          # field (y, M, d) -> the mark that follows its number
    ordinals: tuple[str, ...]
    known: tuple[str, ...]            # every word, longest first (to split text written without spaces)


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("\u202f", " ").replace("\xa0", " ")
    return " ".join(text.lower().replace(",", " ").split())


def _word(name: str) -> str:
    return _fold(name).rstrip(".")


def _pattern_literals(locale: Locale) -> tuple[set[str], dict[str, str]]:
    """The words of the language's date patterns ("den", "de", "г."), and the letters that follow a
    field's number directly to say which field it is ("年" in "y年M月d日")."""
    words: set[str] = set()
    suffixes: dict[str, str] = {}
    for width in ("full", "long", "medium"):
        tokens = tokenize_pattern(str(locale.date_formats[width].pattern))
        for index, (kind, value) in enumerate(tokens):
            if kind == "chars":
                words |= {w for w in (_word(p) for p in _fold(str(value)).split()) if w and w.isalpha()}
            elif str(value[0]) in "yMd" and index + 1 < len(tokens) and tokens[index + 1][0] == "chars":
                mark = str(tokens[index + 1][1])
                if mark.strip() and not mark[0].isspace() and mark.strip()[0].isalpha():
                    suffixes.setdefault(str(value[0]), _fold(mark))
    return words, suffixes


@cache
def vocabulary(language: str) -> _Vocabulary:
    locale = Locale.parse(language)
    months: dict[str, set[int]] = {}
    weekdays: dict[str, set[int]] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                months.setdefault(_word(name), set()).add(number)
            for number, name in get_day_names(width, context, locale).items():
                weekdays.setdefault(_word(name), set()).add(number)
    # A word that names two months, two days or both (Spanish "mar": marzo and martes) names neither.
    clash = set(months) & set(weekdays)
    month_of = {w: next(iter(n)) for w, n in months.items() if len(n) == 1 and len(w) > 1 and w not in clash}
    weekday_of = {w: next(iter(n)) for w, n in weekdays.items() if len(n) == 1 and len(w) > 1 and w not in clash}
    periods = {_fold(name) for context in locale.day_periods.values() for width in context.values()
               for name in width.values()}
    relative = {}
    fields = locale._data["date_fields"]   # Babel has no public accessor for CLDR's relative fields
    for field in ("day", "week", "month", "year"):
        for offset, phrase in dict(fields.get(field, {}).get("relative", {})).items():
            if (field, offset) in RELATIVE:
                relative[_fold(phrase)] = RELATIVE[(field, offset)]
    words, suffixes = _pattern_literals(locale)
    fillers = FILLERS.get(language, frozenset()) | frozenset(words)
    known = tuple(sorted({*month_of, *weekday_of, *periods, *fillers}, key=len, reverse=True))
    return _Vocabulary(month_of, weekday_of, tuple(sorted(periods, key=len, reverse=True)), relative, fillers,
                       suffixes, ORDINAL_SUFFIXES.get(language, ()), known)


@dataclass
class _Date:
    weekday: int | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None

    def set(self, name: str, value: int) -> bool:
        if getattr(self, name) is not None:
            return False   # two days, two months: not a form read here
        setattr(self, name, value)
        return True

    def english(self) -> str | None:
        if self.weekday is not None and (self.day is None or self.month is None):
            return None
        if self.day is not None and self.month is None:
            return None
        parts = [str(self.day)] if self.day is not None else []
        parts += [ENGLISH_MONTHS[self.month]] if self.month is not None else []
        parts += [str(self.year)] if self.year is not None else []
        if not parts:
            return None
        text = " ".join(parts)
        return f"{ENGLISH_WEEKDAYS[self.weekday]}, {text}" if self.weekday is not None else text


def _split(token: str, vocab: _Vocabulary) -> list[str] | None:
    """A run of text written without spaces, as the known words it is made of (longest first)."""
    found = []
    while token:
        word = next((w for w in vocab.known if token.startswith(w)), None)
        if word is None:
            return None
        found.append(word)
        token = token[len(word):]
    return found


def _side(text: str, vocab: _Vocabulary, language: str) -> tuple[_Date, bool] | None:
    """One date of the words (a range has two): its fields, and whether a time of day was named."""
    for field, mark in vocab.suffixes.items():
        text = re.sub(rf"(\d{{1,4}})\s*{re.escape(mark.lower())}", rf" {field}\1 ", text)
    date, period = _Date(), False
    tokens = text.split()
    while tokens:
        token = tokens.pop(0).rstrip(".")
        if not token or token in vocab.fillers:
            continue
        if token in vocab.periods or token == PERIOD:
            period = True
            continue
        match = re.fullmatch(r"([yMd]?)(\d{1,4})(" + "|".join(map(re.escape, vocab.ordinals)) + r")?", token) \
            if vocab.ordinals else re.fullmatch(r"([yMd]?)(\d{1,4})()", token)
        if match:
            field, number = match.group(1), int(match.group(2))
            if field == "y" or (not field and len(match.group(2)) == 4 and not match.group(3)):
                ok = date.set("year", number)
            elif field == "M":
                ok = 1 <= number <= 12 and date.set("month", number)
            else:
                ok = len(match.group(2)) <= 2 and 1 <= number <= 31 and date.set("day", number)
        elif token in vocab.months:
            ok = date.set("month", vocab.months[token])
        elif token in vocab.weekdays:
            ok = date.set("weekday", vocab.weekdays[token])
        elif language in SPACELESS and (parts := _split(token, vocab)) is not None and parts != [token]:
            tokens = parts + tokens
            continue
        else:
            ok = False
        if not ok:
            return None
    return date, period


def _read_in(words: str, language: str) -> str | None:
    """The English form of the words read in one language, or None when that language does not read them."""
    vocab = vocabulary(language)
    text = _fold(words).rstrip(".")
    bare = " ".join(w for w in text.split() if w not in vocab.fillers) if text not in vocab.relative else text
    if text in vocab.relative or bare in vocab.relative:
        return vocab.relative.get(text) or vocab.relative[bare]
    for period in vocab.periods:   # a time of day may be several words ("du soir", "på kvelden")
        if " " in period:
            text = re.sub(rf"(?<!\w){re.escape(period)}(?!\w)", f" {PERIOD} ", text)
    sides = [_side(part, vocab, language) for part in _DASH.split(text)]
    if any(side is None for side in sides) or len(sides) > 2:
        return None
    dates = [side[0] for side in sides if side is not None]
    if any(side[1] and side[0].day is None for side in sides if side is not None):
        return None   # a time of day with no day
    if len(dates) == 1:
        return dates[0].english()
    first, last = dates
    if first.weekday is not None or last.weekday is not None or first.day is None or last.day is None:
        return None
    if first.month is None:   # "28.–30. März 2023": the first day borrows the month and year of the last
        first.month, first.year = last.month, last.year
    start, end = first.english(), last.english()
    return f"{start} - {end}" if start and end else None


def in_english(words: str) -> str | None:
    """The words as the English form contract.date_reader reads, when some language of LANGUAGES reads
    them; None when none does. AmbiguousDateWords when two languages read them as different dates."""
    readings: dict[str, list[str]] = {}
    for language in LANGUAGES:
        form = _read_in(words, language)
        if form is not None:
            readings.setdefault(form, []).append(language)
    if len(readings) > 1:
        said = "; ".join(f"{form!r} in {', '.join(languages)}" for form, languages in readings.items())
        raise AmbiguousDateWords(f"{words!r} reads as different dates in different languages ({said})")
    return next(iter(readings), None)
