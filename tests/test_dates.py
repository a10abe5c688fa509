"""Dates as windows: the reader of date words, on cases written for the tests (not copied from the
curated files), plus the windows of the published tables parsed back with a real EDTF library."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pandas as pd
import pytest
from edtf import parse_edtf
from hypothesis import given, settings
from hypothesis import strategies as st

from belarus_china.contract.date_reader import read_window
from belarus_china.contract.date_words import duration_days
from belarus_china.contract.dates import DateWordsError, Window, edtf, precision
from belarus_china.loader import load

PUBLISHED_IN_MARCH = Window(date(2021, 3, 3), date(2021, 3, 5))      # an anchor: a source written 3-5 March 2021
PUBLISHED_IN_AUTUMN = Window(date(2021, 10, 5), date(2021, 12, 31))  # an anchor with a wide window


@pytest.mark.parametrize("words, anchor, earliest, latest", [
    ("14 June 2021", None, date(2021, 6, 14), date(2021, 6, 14)),
    ("June 14, 2021", None, date(2021, 6, 14), date(2021, 6, 14)),
    ("July 02, 2021 at 09:15", None, date(2021, 7, 2), date(2021, 7, 2)),
    ("October 2021", None, date(2021, 10, 1), date(2021, 10, 31)),
    ("early October 2021", None, date(2021, 10, 1), date(2021, 10, 10)),
    ("late February 2024", None, date(2024, 2, 21), date(2024, 2, 29)),
    ("2019", None, date(2019, 1, 1), date(2019, 12, 31)),
    ("the first two quarters of 2021", None, date(2021, 1, 1), date(2021, 6, 30)),
    ("the third quarter of 2021", None, date(2021, 7, 1), date(2021, 9, 30)),
    # A day or month without a year: the latest such on or before the anchor.
    ("On March 1", PUBLISHED_IN_MARCH, date(2021, 3, 1), date(2021, 3, 1)),
    ("On March 4", PUBLISHED_IN_MARCH, date(2020, 3, 4), date(2021, 3, 4)),   # the anchor allows both years
    ("November's", PUBLISHED_IN_MARCH, date(2020, 11, 1), date(2020, 11, 30)),
    ("late January", PUBLISHED_IN_MARCH, date(2021, 1, 21), date(2021, 1, 31)),
    # Relative to the anchor day.
    ("on Friday", PUBLISHED_IN_AUTUMN, date(2021, 10, 1), date(2021, 12, 31)),
    ("last year", PUBLISHED_IN_AUTUMN, date(2020, 1, 1), date(2020, 12, 31)),
    ("this week", PUBLISHED_IN_AUTUMN, date(2021, 10, 4), date(2022, 1, 2)),
    ("earlier in March", PUBLISHED_IN_MARCH, date(2021, 3, 1), date(2021, 3, 5)),
    ("yesterday", PUBLISHED_IN_MARCH, date(2021, 3, 2), date(2021, 3, 4)),
    ("the other day", Window.day(date(2021, 3, 31)), date(2021, 3, 1), date(2021, 3, 31)),
    # An abbreviated month, with its dot; a weekday with the date in brackets.
    ("Dec. 6, 2021", None, date(2021, 12, 6), date(2021, 12, 6)),
    ("on Monday (Dec 6)", Window.day(date(2021, 12, 7)), date(2021, 12, 6), date(2021, 12, 6)),
])
def test_words_give_their_window(words, anchor, earliest, latest):
    window = read_window(words, anchor=anchor)
    assert (window.earliest, window.latest) == (earliest, latest)


def test_a_fixed_day_is_fixed_only_when_every_anchor_day_gives_it():
    assert read_window("On March 1", anchor=PUBLISHED_IN_MARCH).first == date(2021, 3, 1)
    assert read_window("On March 4", anchor=PUBLISHED_IN_MARCH).first is None


def test_a_stay_with_a_first_day_and_a_duration_is_fixed_to_the_day():
    window = read_window("Arriving on March 2", anchor=PUBLISHED_IN_MARCH, duration=3, stay=True)
    assert (window.first, window.last) == (date(2021, 3, 2), date(2021, 3, 4))
    assert precision(window, stay=True) == "day" and edtf(window) == "2021-03-02/2021-03-04"
    assert read_window("between 28 February and 1 March", anchor=PUBLISHED_IN_MARCH, stay=True).last == date(2021, 3, 1)


def test_a_stay_that_only_begins_in_a_window_has_no_upper_bound():
    window = read_window("since late February", anchor=PUBLISHED_IN_MARCH, stay=True)
    assert (window.earliest, window.latest) == (date(2021, 2, 21), None)
    assert precision(window, stay=True) == "open" and edtf(window) == "2021-02-21/"


def test_a_stay_within_a_window_is_not_fixed():
    window = read_window("for two days in mid April 2021", stay=True)
    assert (window.earliest, window.latest, window.first) == (date(2021, 4, 11), date(2021, 4, 20), None)


def test_event_words_are_read_against_an_anchor_record_within_the_container():
    meeting = Window.day(date(2021, 5, 11))
    visit = Window(date(2021, 5, 10), date(2021, 5, 12), date(2021, 5, 10), date(2021, 5, 12))
    after = read_window("After the talks", anchor=meeting, container=visit)
    assert (after.earliest, after.latest) == (date(2021, 5, 11), date(2021, 5, 12))
    before = read_window("ahead of his arrival", anchor=visit)
    assert (before.earliest, before.latest) == (None, date(2021, 5, 10))
    few = read_window("a few days before flying", anchor=visit)
    assert (few.earliest, few.latest) == (date(2021, 4, 26), date(2021, 5, 9))


@pytest.mark.parametrize("words, kwargs", [
    ("on Monday", {}),                      # relative, no anchor
    ("On March 1", {}),                     # yearless, no anchor
    ("After the meeting", {}),              # event, no anchor record
    ("last year", {"anchor": Window(date(2021, 1, 1), None)}),  # an anchor without an upper bound
    ("in that period", {}),                 # a form the reader does not know
    ("31 February 2021", {}),               # not a calendar day
])
def test_words_that_give_no_window_are_refused_with_a_reason(words, kwargs):
    with pytest.raises(DateWordsError):
        read_window(words, **kwargs)


def test_durations():
    assert duration_days("three-day") == duration_days("for three days") == duration_days("3-day state visit") == 3
    with pytest.raises(DateWordsError):
        duration_days("a long visit")


@pytest.mark.parametrize("window, expected_precision, expected_edtf", [
    (Window.day(date(2021, 2, 3)), "day", "2021-02-03"),
    (Window(date(2021, 2, 1), date(2021, 2, 10)), "days", "2021-02-01/2021-02-10"),
    (Window(date(2021, 2, 1), date(2021, 2, 28)), "month", "2021-02"),
    (Window(date(2021, 2, 20), date(2021, 4, 30)), "months", "2021-02-20/2021-04-30"),
    (Window(date(2021, 1, 1), date(2021, 12, 31)), "year", "2021"),
    (Window(date(2020, 6, 1), date(2021, 12, 31)), "years", "2020-06-01/2021-12-31"),
    (Window(None, date(2021, 2, 3)), "open", "/2021-02-03"),
])
def test_precision_and_edtf_are_derived_from_the_window(window, expected_precision, expected_edtf):
    assert precision(window) == expected_precision
    assert edtf(window) == expected_edtf


def _bounds(text: str):
    parsed = parse_edtf(text)
    day = lambda t: date(t.tm_year, t.tm_mon, t.tm_mday) if isinstance(t, time.struct_time) else None  # noqa: E731
    return day(parsed.lower_strict()), day(parsed.upper_strict())


def test_every_published_edtf_parses_back_to_its_window(built_package, registry):
    """The EDTF library's strict bounds equal the published window wherever the window is bounded."""
    checked = 0
    for table in registry:
        role = table.window
        if role is None:
            continue
        for row in load(table.name, built_package).to_dict("records"):
            earliest, latest = row[role.earliest], row[role.latest]
            if pd.isna(row[role.edtf]):
                assert pd.isna(earliest) and pd.isna(latest), (table.name, row)
                continue
            low, high = _bounds(str(row[role.edtf]))
            if not pd.isna(earliest):
                assert low == earliest.date(), (table.name, row[role.edtf])
            if not pd.isna(latest):
                assert high == latest.date(), (table.name, row[role.edtf])
            checked += 1
    assert checked >= 10


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=0, max_value=900),
       st.sampled_from(["both", "no start", "no end"]))
def test_any_window_written_as_edtf_parses_back_to_itself(earliest, width, open_end):
    """Property: whatever the window, an independent EDTF reader finds exactly its bounds in our string."""
    latest = earliest + timedelta(days=width)
    window = Window(None if open_end == "no start" else earliest, None if open_end == "no end" else latest)
    low, high = _bounds(edtf(window))
    if window.earliest is not None:
        assert low == window.earliest
    if window.latest is not None:
        assert high == window.latest


def test_a_weekday_must_match_the_date_in_its_brackets():
    with pytest.raises(DateWordsError, match="is not a Tuesday"):
        read_window("Tuesday (Dec 6)", anchor=Window.day(date(2021, 12, 7)))
