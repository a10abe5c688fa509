"""Dates as windows: what a document's words for a date allow, and how precisely that is known.

A dated row holds a *window*, the earliest and latest day that certainly contain its date (for a
visit: the whole stay), and a day only where the words fix one. The window is computed from the
document's words, read against an *anchor* when they are relative ("on Monday" is read against the
publication window of the document; "After the meeting" against another record's window). The
build computes windows with `read_window`; validation recomputes them from the published words and
anchors and compares, so a window can never disagree with its words.

A vocabulary module: the English words for months, weekdays, parts of a month, quarters, durations
and relations live here, and the precisions it gives are the registry's `date_precision` values
(tests/test_registry.py checks them).

Reading rules, stated once:
- A plain calendar expression ("28 February 2023", "March 2023", "late February 2023", "2023",
  "the first three quarters of 2023") is its own window.
- A day or month without a year ("On February 24", "September's", "late February") is the latest
  such day or month on or before the anchor; "the first ... after" an anchor if the relation is after.
- "between 28 February and 2 March", "from ... to ...": a first and a last day (a visit's stay).
- "Arriving on X", "arrived on X", "since X": X is the window of the first day of a stay; with a
  duration ("three-day"), the last day follows.
- Any other window is the whole stay (or the day) within it: "for three days in early March 2023"
  (a duration and the window of the stay).
- A weekday with a date in brackets or after a comma ("Monday (Dec 4)", "Wednesday, 5 January 2000")
  is the date, which must fall on that weekday;
  a month may be abbreviated, with or without its dot ("Dec. 4").
- Relative to an anchor day d: "on Monday" (the latest Monday on or before d), "yesterday", "last
  year", "this year", "earlier in <month>", "the other day" (within the 30 days before d), "this
  week" (Monday to Sunday of d's week).
- Relative to an anchor record: "After X" (on or after the anchor's first day, within the row's
  container), "ahead of X" / "before X" / "prior to X" (on or before the anchor's first day),
  "during X" (within the anchor's window).
A record that lies within another (an event, agreement or quotation with its visit: tables.yaml
`window.within`) has the window its own words (or its sources' claims) give, narrowed to the
container's window; with no window of its own it takes the container's (`contained`). Each source's
claim keeps the window its own words give.
A window read against an anchor window is the hull over every day the anchor allows; every reading
above is monotone in the anchor day, so the hull is the readings at the anchor's two ends.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .date_languages import LANGUAGES, AmbiguousDateWords, in_english
from .vocabulary import Precision

# --- the window ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Bounds that certainly contain a date (or a stay); a bound is None where nothing bounds it.
    `first` and `last` are the days the words fix, if they fix them (for a single day, both)."""

    earliest: date | None
    latest: date | None
    first: date | None = None
    last: date | None = None

    def __post_init__(self) -> None:
        if self.earliest and self.latest and self.earliest > self.latest:
            raise DateWordsError(f"the window {self.earliest} to {self.latest} ends before it begins")

    @classmethod
    def day(cls, day: date) -> Window:
        return cls(day, day, day, day)

    @property
    def bounded(self) -> bool:
        return self.earliest is not None and self.latest is not None

    def contains(self, other: Window) -> bool:
        """True when every day `other` allows is allowed here (an unbounded end contains anything)."""
        low = self.earliest is None or (other.earliest is not None and other.earliest >= self.earliest)
        high = self.latest is None or (other.latest is not None and other.latest <= self.latest)
        return low and high

    def intersect(self, other: Window) -> Window | None:
        lows = [d for d in (self.earliest, other.earliest) if d]
        highs = [d for d in (self.latest, other.latest) if d]
        low, high = (max(lows) if lows else None), (min(highs) if highs else None)
        if low and high and low > high:
            return None
        return Window(low, high)


def contained(window: Window | None, container: Window | None) -> Window | None:
    """The window of a record that lies within another (an event in its visit): its own window narrowed to
    the container's, or the container's when it has none. Disjoint windows are left as they are (the
    contract reports them as date-container)."""
    if container is None or (container.earliest is None and container.latest is None):
        return window
    if window is None:
        return Window(container.earliest, container.latest)
    narrowed = window.intersect(container)
    if narrowed is None:
        return window
    inside = lambda day: day is not None and narrowed.earliest <= day <= narrowed.latest if narrowed.bounded else day
    return Window(narrowed.earliest, narrowed.latest, window.first if inside(window.first) else None,
                  window.last if inside(window.last) else None)


class DateWordsError(ValueError):
    """The words do not give a window (unknown form, or an anchor they need is missing)."""


class UnknownDateWords(DateWordsError):
    """The words are no form the reader knows, in English or in any language of contract.date_languages."""


# --- precision and EDTF, derived from the window -------------------------------------------------

PRECISIONS = (Precision.day, Precision.days, Precision.month, Precision.months, Precision.year, Precision.years,
              Precision.open)  # finest first
DAYS_SPAN = 10       # "days": at most this many days (an "early March" is ten)
MONTHS_SPAN = 92     # "months": at most a quarter's length


def precision(window: Window, *, stay: bool = False) -> str | None:
    """How precisely a date is known, from its window alone (None when there is no window).

    `stay`: the window is a visit's whole stay, which is known to the day when its first and last
    days are both fixed."""
    if window.earliest is None and window.latest is None:
        return None
    if not window.bounded:
        return Precision.open
    assert window.earliest and window.latest
    if window.earliest == window.latest or (stay and window.first == window.earliest and window.last == window.latest):
        return Precision.day
    width = (window.latest - window.earliest).days + 1
    if width <= DAYS_SPAN:
        return Precision.days
    if (window.earliest.year, window.earliest.month) == (window.latest.year, window.latest.month):
        return Precision.month
    if width <= MONTHS_SPAN:
        return Precision.months
    if window.earliest.year == window.latest.year:
        return Precision.year
    return Precision.years


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def edtf(window: Window) -> str | None:
    """The window as an EDTF (ISO 8601-2) string: a day, a whole month or year, or an interval
    whose missing end is left blank (unknown)."""
    low, high = window.earliest, window.latest
    if low is None and high is None:
        return None
    if low and high:
        if low == high:
            return low.isoformat()
        if low.day == 1 and high == _month_end(low.year, low.month) and (low.year, low.month) == (high.year, high.month):
            return f"{low.year:04d}-{low.month:02d}"
        if (low.month, low.day, high.month, high.day) == (1, 1, 12, 31) and low.year == high.year:
            return f"{low.year:04d}"
    return f"{low.isoformat() if low else ''}/{high.isoformat() if high else ''}"


# --- words ---------------------------------------------------------------------------------------

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
        while (_safe_day(year, month, probe_day) if day else _month_end(year, month)) < anchor:
            year += 1
        return year
    while _safe_day(year, month, probe_day) > anchor:
        year -= 1
    return year


def _month_window(year: int, month: int, part: str | None) -> Window:
    first, last = date(year, month, 1), _month_end(year, month)
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
        result = Window(date(year, 1, 1), _month_end(year, 3 * quarters))
        return _Calendar("absolute", "stay", lambda d, after: result)
    match = re.fullmatch(r"(?:the\s+)?(first|second|third|fourth)\s+quarter\s+of\s+(\d{4})", text)
    if match:
        quarter = ("first", "second", "third", "fourth").index(match.group(1)) + 1
        year = int(match.group(2))
        result = Window(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
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
            return Window(date(year, month, 1), min(_month_end(year, month), d))
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


def kind_of(words: str) -> str:
    """What the words need: 'absolute' (nothing), 'yearless' or 'relative' (an anchor day), 'event'
    (an anchor record). DateWordsError when they are not a form this module reads."""
    try:
        return _kind_of(words)
    except UnknownDateWords:
        return _kind_of(_in_english(words))


def _in_english(words: str) -> str:
    """Words of another language as the English form they mean (contract.date_languages)."""
    try:
        english = in_english(words)
    except AmbiguousDateWords as exc:
        raise DateWordsError(str(exc)) from None
    if english is None:
        raise UnknownDateWords(f"{words!r} is not a date expression this reader reads, in English or in "
                               f"{', '.join(LANGUAGES[1:])} (build/README.md lists the forms)")
    return english


def _kind_of(words: str) -> str:
    named = _named_weekday(words)
    return _kind_of(named[1]) if named else _parse(words)[0]


def _named_weekday(words: str) -> tuple[int, str] | None:
    """ "Monday (Dec 4)", "Wednesday, 5 January 2000" -> (the weekday, the date after it)."""
    match = (re.fullmatch(r"\s*(?:on\s+)?([a-z]+)\s*\((.+)\)\s*", words, flags=re.IGNORECASE)
             or re.fullmatch(r"\s*(?:on\s+)?([a-z]+),\s+(.*\d.*)", words, flags=re.IGNORECASE))
    if match and match.group(1).lower() in WEEKDAYS:
        return WEEKDAYS[match.group(1).lower()], match.group(2)
    return None


def _parse(words: str) -> tuple[str, str, Reader | str]:
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


def read_window(words: str, *, anchor: Window | None = None, container: Window | None = None,
                duration: int | None = None, stay: bool = False) -> Window:
    """The window the words give.

    anchor: the window the words are read against (the document's publication window, or another
    record's), needed by yearless, relative and event words. container: the window of the record
    this row lies within (an agreement's visit), which bounds event words. duration: the length of
    a stay in days. stay: the row is a visit (a stay with a first and a last day). Words in another
    language are read as the English form they mean (contract.date_languages)."""
    try:
        return _read_window(words, anchor=anchor, container=container, duration=duration, stay=stay)
    except UnknownDateWords:
        english = _in_english(words)
    try:
        return _read_window(english, anchor=anchor, container=container, duration=duration, stay=stay)
    except DateWordsError as exc:
        raise DateWordsError(f"{words!r}, read as {exc}") from None


def _read_window(words: str, *, anchor: Window | None, container: Window | None, duration: int | None,
                 stay: bool) -> Window:
    named = _named_weekday(words)
    if named is not None:
        # "Monday (Dec 4)": the date in brackets, which must fall on the weekday named.
        weekday, inner = named
        window = _read_window(inner, anchor=anchor, container=container, duration=duration, stay=stay)
        if window.earliest is not None and window.earliest == window.latest and window.earliest.weekday() != weekday:
            raise DateWordsError(f"{words!r}: {window.earliest} is not a {calendar.day_name[weekday]}")
        return window
    stated = re.match(r"\s*for\s+(\d+|[a-z]+)\s+days?\s+(?:in|on|during)\s+(.+)", words, flags=re.IGNORECASE)
    if stated:  # "for three days in early March 2023": a duration and the window of the whole stay
        duration = duration_days(f"{stated.group(1)} days")
        words = stated.group(2)
    kind, role, read = _parse(words)
    if isinstance(read, str):
        return _event_window(read, anchor, container)
    if kind in ("yearless", "relative"):
        if anchor is None or not anchor.bounded:
            raise DateWordsError(f"{words!r} is read against an anchor, and the anchor has no bounded window")
        low, high = read(anchor.earliest, False), read(anchor.latest, False)
        window = Window(low.earliest, high.latest, low.first if low.first == high.first else None,
                        low.last if low.last == high.last else None)
    else:
        window = read(None, False)
    return _as_stay(window, role, duration) if stay else _as_date(window)


def _as_date(window: Window) -> Window:
    """A single date: fixed only when the window is one day."""
    if window.earliest == window.latest and window.earliest is not None:
        return Window.day(window.earliest)
    return Window(window.earliest, window.latest)


def _as_stay(window: Window, role: str, duration: int | None) -> Window:
    if role == "range":
        return window
    if role == "start":
        first = window.earliest if window.earliest == window.latest else None
        if duration is None:
            return Window(window.earliest, None, first, None)
        assert window.latest is not None
        last = window.latest + timedelta(days=duration - 1)
        return Window(window.earliest, last, first, last if first else None)
    # The whole stay lies within the window; it is fixed only if it fills a window of its length.
    if duration is not None and window.bounded:
        assert window.earliest and window.latest
        if (window.latest - window.earliest).days + 1 == duration:
            return Window(window.earliest, window.latest, window.earliest, window.latest)
    if window.earliest == window.latest:
        return Window.day(window.earliest) if window.earliest else window
    return Window(window.earliest, window.latest)


def _event_window(relation: str, anchor: Window | None, container: Window | None) -> Window:
    if anchor is None:
        raise DateWordsError("words relative to an event need an anchor record (date_anchor)")
    bound = container or Window(None, None)
    if relation == "after":
        window = Window(anchor.earliest, None).intersect(bound)
    elif relation == "before":
        window = Window(None, anchor.first or anchor.earliest).intersect(bound)
    elif relation == "few-days-before":
        if anchor.earliest is None:
            raise DateWordsError("the anchor of 'a few days before' has no first day")
        start = anchor.first or anchor.earliest
        window = Window(start - timedelta(days=FEW_DAYS), start - timedelta(days=1)).intersect(bound)
    else:
        window = Window(anchor.earliest, anchor.latest).intersect(bound)
    if window is None:
        raise DateWordsError("the words put the date outside the window of the record it lies within")
    return _as_date(window)
