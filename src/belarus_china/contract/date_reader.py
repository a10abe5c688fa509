"""Date words read into windows: the reading rules, for English words and (through
contract.date_languages) for words of other languages. The English forms are recognised in
contract.date_words; the window is contract.dates.Window.

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
from datetime import timedelta

from .date_languages import LANGUAGES, AmbiguousDateWords, in_english
from .date_words import FEW_DAYS, duration_days, named_weekday, parse
from .dates import DateWordsError, UnknownDateWords, Window


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
    named = named_weekday(words)
    return _kind_of(named[1]) if named else parse(words)[0]


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
    named = named_weekday(words)
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
    kind, role, read = parse(words)
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
