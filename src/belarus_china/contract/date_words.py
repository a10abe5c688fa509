"""The English words for dates, read into calendar readings (contract.date_reader reads them into windows).

A vocabulary module: the English words for months, weekdays, parts of a month, quarters, durations
and relations live here; each form of the reading rules (contract.date_reader) is recognised here as
a reading that gives a window from an anchor day, or as the relation of words read against a record.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import DateWordsError, UnknownDateWords, Window, month_end

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "a": 1}
PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
QUARTERS = {"one": 1, "two": 2, "three": 3, "four": 4, "1": 1, "2": 2, "3": 3, "4": 4}
START_WORDS = ("arriving on", "arrived on", "arriving", "since", "beginning on", "starting on")
OTHER_DAY = 30       # "the other day": within this many days before the anchor day
FEW_DAYS = 14        # "a few days before": within this many days before
RELATIONS = (("after", ("after",)), ("before", ("ahead of", "before", "prior to")), ("during", ("during", "at")))
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))


def _normal(words: str) -> str:
    text = words.replace("’", "'").replace("‘", "'").replace(",", " ").replace("–", " - ").replace("—", " - ")
    text = re.sub(r"\s+at\s+\d{1,2}:\d{2}\s*$", "", text.strip(), flags=re.IGNORECASE)
    text = " ".join(text.lower().split()).rstrip(".")
    # "Dec. 4": the dot of an abbreviated month.
    return re.sub(r"\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.", r"\1", text)


def duration_days(words: str) -> int:
    """ "three-day", "for three days", "3-day", "a two-day" -> the number of days."""
    text = _normal(words)
    match = re.fullmatch(r"(?:for\s+)?(?:a\s+)?(\d+|[a-z]+)[\s-]+days?(?:\s+.*)?", text)
    if match:
        word = match.group(1)
        if word.isdigit() and int(word) >= 1:
            return int(word)
        if word in NUMBERS and word != "a":
            return NUMBERS[word]
    raise DateWordsError(f"{words!r} is not a duration such as 'three-day' or 'for three days'")


Reader = Callable[[date | None, bool], Window]  # (anchor day, or None when not needed; read forward) -> window


@dataclass(frozen=True)
class _Calendar:
    """A calendar reading: a window given an anchor day."""
    kind: str                           # absolute | yearless | relative
    role: str                           # stay | start | range
    read: Reader


def _day_month(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(rf"(\d{{1,2}})\s+({_MONTH_RE})|({_MONTH_RE})\s+(\d{{1,2}})", text)
    if not match:
        return None
    if match.group(1):
        return MONTHS[match.group(2)], int(match.group(1))
    return MONTHS[match.group(3)], int(match.group(4))


def _safe_day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateWordsError(f"{day} {calendar.month_name[month]} {year} is not a calendar day") from None


def _latest_on_or_before(anchor: date, month: int, day: int | None, after: bool) -> int:
    """The year of the latest such month (and day) on or before the anchor; the earliest on or after it if `after`."""
    probe_day = day or 1
    year = anchor.year
    if after:
        while (_safe_day(year, month, probe_day) if day else month_end(year, month)) < anchor:
            year += 1
        return year
    while _safe_day(year, month, probe_day) > anchor:
        year -= 1
    return year


def _month_window(year: int, month: int, part: str | None) -> Window:
    first, last = date(year, month, 1), month_end(year, month)
    if part:
        low, high = PARTS[part]
        first, last = date(year, month, low), min(last, date(year, month, high) if high <= last.day else last)
    return Window(first, last)


def _plain(text: str) -> _Calendar | None:
    """Calendar expressions that need no anchor, or only a year from it."""
    text = re.sub(r"^(?:on|in|of)\s+", "", text)
    match = re.fullmatch(rf"(?:(\d{{1,2}})\s+)?({_MONTH_RE})(?:\s+(\d{{1,2}}))?\s+(\d{{4}})", text)
    if match and (match.group(1) is None or match.group(3) is None):
        day = match.group(1) or match.group(3)
        year, month = int(match.group(4)), MONTHS[match.group(2)]
        if day:
            result = Window.day(_safe_day(year, month, int(day)))
            return _Calendar("absolute", "stay", lambda d, after: result)
        result = _month_window(year, month, None)
        return _Calendar("absolute", "stay", lambda d, after: result)
    match = re.fullmatch(rf"(early|mid|late)[\s-]+({_MONTH_RE})\s+(\d{{4}})", text)
    if match:
        result = _month_window(int(match.group(3)), MONTHS[match.group(2)], match.group(1))
        return _Calendar("absolute", "stay", lambda d, after: result)
    match = re.fullmatch(r"(\d{4})", text)
    if match:
        year = int(match.group(1))
        result = Window(date(year, 1, 1), date(year, 12, 31))
        return _Calendar("absolute", "stay", lambda d, after: result)
    match = re.fullmatch(r"the\s+first\s+(one|two|three|four|\d)\s+quarters?\s+of\s+(\d{4})", text)
    if match:
        quarters, year = QUARTERS[match.group(1)], int(match.group(2))
        result = Window(date(year, 1, 1), month_end(year, 3 * quarters))
        return _Calendar("absolute", "stay", lambda d, after: result)
    match = re.fullmatch(r"(?:the\s+)?(first|second|third|fourth)\s+quarter\s+of\s+(\d{4})", text)
    if match:
        quarter = ("first", "second", "third", "fourth").index(match.group(1)) + 1
        year = int(match.group(2))
        result = Window(date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter))
        return _Calendar("absolute", "stay", lambda d, after: result)
    day_month = _day_month(text)
    if day_month:
        month, day = day_month

        def yearless_day(anchor: date | None, after: bool) -> Window:
            assert anchor is not None
            return Window.day(_safe_day(_latest_on_or_before(anchor, month, day, after), month, day))
        return _Calendar("yearless", "stay", yearless_day)
    match = re.fullmatch(rf"(?:(early|mid|late)[\s-]+)?({_MONTH_RE})(?:'s)?", text)
    if match:
        part, month = match.group(1), MONTHS[match.group(2)]

        def yearless_month(anchor: date | None, after: bool) -> Window:
            assert anchor is not None
            return _month_window(_latest_on_or_before(anchor, month, None, after), month, part)
        return _Calendar("yearless", "stay", yearless_month)
    return None


def _range(text: str) -> _Calendar | None:
    match = re.fullmatch(r"(?:between|from)\s+(.+?)\s+(?:and|to|until)\s+(.+)", text) or \
        re.fullmatch(r"(.+?)\s+-\s+(.+)", text)
    if not match:
        return None
    first, last = _plain(match.group(1)), _plain(match.group(2))
    if first is None or last is None:
        return None

    def read(anchor: date | None, after: bool) -> Window:
        end = last.read(anchor, after)
        start = first.read(end.latest if first.kind == "yearless" else anchor, False)
        return Window(start.earliest, end.latest, start.first, end.last)
    kind = "yearless" if "yearless" in (first.kind, last.kind) else "absolute"
    return _Calendar(kind, "range", read)


def _shift_month(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _relative(text: str) -> _Calendar | None:
    """Words read against an anchor day d."""
    simple = {
        "yesterday": lambda d: Window.day(d - timedelta(days=1)),
        "today": lambda d: Window.day(d),
        "last year": lambda d: Window(date(d.year - 1, 1, 1), date(d.year - 1, 12, 31)),
        "in the past year": lambda d: Window(date(d.year - 1, 1, 1), date(d.year - 1, 12, 31)),
        "the previous year": lambda d: Window(date(d.year - 1, 1, 1), date(d.year - 1, 12, 31)),
        "this year": lambda d: Window(date(d.year, 1, 1), d),
        "earlier this year": lambda d: Window(date(d.year, 1, 1), d),
        "the other day": lambda d: Window(d - timedelta(days=OTHER_DAY), d),
        "this week": lambda d: Window(d - timedelta(days=d.weekday()), d - timedelta(days=d.weekday()) + timedelta(days=6)),
        "last week": lambda d: Window(d - timedelta(days=d.weekday() + 7), d - timedelta(days=d.weekday() + 1)),
        "next week": lambda d: Window(d + timedelta(days=7 - d.weekday()), d + timedelta(days=13 - d.weekday())),
        "tomorrow": lambda d: Window.day(d + timedelta(days=1)),
        "the day before yesterday": lambda d: Window.day(d - timedelta(days=2)),
        "the day after tomorrow": lambda d: Window.day(d + timedelta(days=2)),
        "this month": lambda d: _month_window(d.year, d.month, None),
        "last month": lambda d: _month_window(*_shift_month(d, -1), None),
        "next month": lambda d: _month_window(*_shift_month(d, 1), None),
        "next year": lambda d: Window(date(d.year + 1, 1, 1), date(d.year + 1, 12, 31)),
    }
    if text in simple:
        function = simple[text]
        return _Calendar("relative", "stay", lambda d, after: function(d))
    match = re.fullmatch(r"(?:on\s+|last\s+)?([a-z]+day)", text)
    if match and match.group(1) in WEEKDAYS:
        weekday = WEEKDAYS[match.group(1)]

        def latest_weekday(d: date | None, after: bool) -> Window:
            assert d is not None
            return Window.day(d - timedelta(days=(d.weekday() - weekday) % 7))
        return _Calendar("relative", "stay", latest_weekday)
    match = re.fullmatch(rf"earlier\s+in\s+({_MONTH_RE})", text)
    if match:
        month = MONTHS[match.group(1)]

        def earlier_in(d: date | None, after: bool) -> Window:
            assert d is not None
            year = _latest_on_or_before(d, month, None, False)
            return Window(date(year, month, 1), min(month_end(year, month), d))
        return _Calendar("relative", "stay", earlier_in)
    return None


def _event(text: str) -> str | None:
    """The relation of words read against an anchor record: after, before, during, few-days-before."""
    if re.fullmatch(r"a\s+few\s+days\s+(?:before|ahead\s+of|prior\s+to)\s+.+", text):
        return "few-days-before"
    for relation, prefixes in RELATIONS:
        if any(text.startswith(prefix + " ") for prefix in prefixes):
            return relation
    return None


def named_weekday(words: str) -> tuple[int, str] | None:
    """ "Monday (Dec 4)", "Wednesday, 5 January 2000" -> (the weekday, the date after it)."""
    match = (re.fullmatch(r"\s*(?:on\s+)?([a-z]+)\s*\((.+)\)\s*", words, flags=re.IGNORECASE)
             or re.fullmatch(r"\s*(?:on\s+)?([a-z]+),\s+(.*\d.*)", words, flags=re.IGNORECASE))
    if match and match.group(1).lower() in WEEKDAYS:
        return WEEKDAYS[match.group(1).lower()], match.group(2)
    return None


def parse(words: str) -> tuple[str, str, Reader | str]:
    """(kind, role, reader) — for event words the reader is the relation's name."""
    text = _normal(words)
    role = "stay"
    for prefix in START_WORDS:
        if text.startswith(prefix + " "):
            text, role = text[len(prefix) + 1:], "start"
            break
    for parser in (_range, _plain, _relative):
        found = parser(text)
        if found is not None:
            return found.kind, (found.role if found.role == "range" else role), found.read
    relation = _event(text)
    if relation is not None:
        return "event", role, relation
    raise UnknownDateWords(f"{words!r} is not a date expression this parser reads")
