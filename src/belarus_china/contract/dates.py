"""Dates as windows: what a document's words for a date allow, and how precisely that is known.

A dated row holds a *window*, the earliest and latest day that certainly contain its date (for a
visit: the whole stay), and a day only where the words fix one. The window is computed from the
document's words, read against an *anchor* when they are relative ("on Monday" is read against the
publication window of the document; "After the meeting" against another record's window). The
build computes windows with `contract.date_reader.read_window`; validation recomputes them from the
published words and anchors and compares, so a window can never disagree with its words.

This module holds the window itself, the window of a record within another (`contained`), and what
is derived from a window alone: its precision (the registry's `date_precision` values;
tests/test_registry.py checks them) and its EDTF form.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

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


def month_end(year: int, month: int) -> date:
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
        if low.day == 1 and high == month_end(low.year, low.month) and (low.year, low.month) == (high.year, high.month):
            return f"{low.year:04d}-{low.month:02d}"
        if (low.month, low.day, high.month, high.day) == (1, 1, 12, 31) and low.year == high.year:
            return f"{low.year:04d}"
    return f"{low.isoformat() if low else ''}/{high.isoformat() if high else ''}"

