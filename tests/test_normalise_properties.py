"""Property tests: the normalisers invert the ways the documents write values."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from belarus_china.base.codec import parse_text
from belarus_china.contract.date_reader import read_window
from belarus_china.contract.dates import Window, precision
from belarus_china.contract.words import parse_change_pct, parse_count, parse_money

QUALIFIER_WORDS = {"": "exact", "approximately ": "approximately", "about ": "approximately",
                   "around ": "approximately", "more than ": "more_than", "over ": "more_than",
                   "nearly ": "less_than", "less than ": "less_than"}
SCALES = {"": 1, " thousand": 10**3, " million": 10**6, " billion": 10**9, "bn": 10**9}
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(st.decimals(min_value=0, max_value=999, places=2, allow_nan=False), st.sampled_from(sorted(SCALES)),
       st.sampled_from(sorted(QUALIFIER_WORDS)))
def test_money_words_give_back_the_amount_and_qualifier(amount, scale, qualifier):
    words = f"{qualifier}${amount}{scale}"
    parsed = parse_money(words)
    assert parsed.value == float(Decimal(amount) * SCALES[scale])
    assert parsed.qualifier == QUALIFIER_WORDS[qualifier]


@given(st.integers(min_value=1, max_value=10**7))
def test_thousands_separators(value):
    assert parse_money(f"${value:,}").value == value
    assert parse_count(f"{value:,} companies").value == value


@given(st.decimals(min_value=0, max_value=10**4, places=1, allow_nan=False), st.sampled_from(["%", " percent",
                                                                                             " per cent"]))
def test_percentages(value, unit):
    assert parse_change_pct(f"a {value}{unit} increase") == float(value)
    assert parse_change_pct(f"a {value}{unit} decline") == -float(value)


@given(DATES)
def test_exact_dates_in_every_written_form(day):
    month = calendar.month_name[day.month]
    for words in (f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}",
                  f"{month} {day.day:02d}, {day.year} at 20:46", day.isoformat()):
        if words == day.isoformat():
            assert parse_text(words, {"type": "date"}) == day
            continue
        window = read_window(words)
        assert window.earliest == window.latest == day and precision(window) == "day"


@given(DATES, st.sampled_from(["", "early ", "mid ", "late "]))
def test_months_and_their_parts_are_bounded_within_the_month(day, part):
    window = read_window(f"{part}{calendar.month_name[day.month]} {day.year}")
    assert precision(window) in ("month", "days")
    assert window.earliest.month == window.latest.month == day.month and window.earliest <= window.latest
    assert window.latest == date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]) or part in (
        "early ", "mid ")


@given(st.integers(1900, 2100), st.integers(1, 3))
def test_periods_of_quarters_end_on_the_quarter_end(year, quarters):
    words = ["one", "two", "three"][quarters - 1]
    window = read_window(f"the first {words} quarters of {year}")
    next_quarter = date(year, 3 * quarters + 1, 1)
    assert window.earliest == date(year, 1, 1) and window.latest == next_quarter - timedelta(days=1)


@given(DATES)
def test_last_year_is_the_previous_calendar_year(reference):
    window = read_window("last year", anchor=Window.day(reference))
    assert (window.earliest, window.latest) == (date(reference.year - 1, 1, 1), date(reference.year - 1, 12, 31))


@given(DATES, st.sampled_from(list(calendar.day_name)))
def test_a_weekday_is_the_latest_such_day_on_or_before_the_anchor(reference, weekday):
    day = read_window(f"on {weekday}", anchor=Window.day(reference)).earliest
    assert calendar.day_name[day.weekday()] == weekday
    assert timedelta(0) <= reference - day < timedelta(days=7)
