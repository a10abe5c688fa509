"""Normalisers, on cases written for the tests (not copied from the curated files)."""

from __future__ import annotations

from datetime import date

import pytest

from belarus_china.base.codec import CodecError, parse_text
from belarus_china.contract.words import (
    NormaliseError,
    Quantity,
    parse_change_pct,
    parse_count,
    parse_money,
    parse_quantity,
    parse_rank,
)


def parse_iso_date(text):
    return parse_text(text, {"type": "date"})


@pytest.mark.parametrize("words, value, qualifier", [
    ("$3.5 billion", 3.5e9, "exact"),
    ("more than $1 billion", 1e9, "more_than"),
    ("approximately $2.25 million", 2.25e6, "approximately"),
    ("around $700,000", 7e5, "approximately"),
    ("nearly $12bn", 12e9, "less_than"),
    ("$6.45 billion", 6.45e9, "exact"),
])
def test_money(words, value, qualifier):
    assert parse_money(words) == Quantity(value, qualifier)


@pytest.mark.parametrize("words", ["3.5 billion dollars", "$", "about billion", "€3 billion"])
def test_money_rejects_what_it_cannot_read(words):
    with pytest.raises(NormaliseError):
        parse_money(words)


@pytest.mark.parametrize("words, value", [
    ("14 memoranda of understanding", 14), ("Twelve contracts", 12), ("more than 40 firms", 40),
])
def test_counts(words, value):
    assert parse_count(words).value == value
    assert parse_count("more than 40 firms").qualifier == "more_than"


@pytest.mark.parametrize("words, rank", [("third-largest", 3), ("largest", 1), ("the fifth largest", 5),
                                         ("2nd largest", 2)])
def test_ranks(words, rank):
    assert parse_rank(words).value == rank


@pytest.mark.parametrize("words, pct", [("a 12.5 percent rise", 12.5), ("up 40%", 40.0), ("tripled", 200.0),
                                        ("halved", -50.0), ("a 7 per cent decline", -7.0)])
def test_change(words, pct):
    assert parse_change_pct(words) == pct


def test_change_without_a_number_is_refused():
    with pytest.raises(NormaliseError):
        parse_change_pct("grew strongly")


def test_quantity_dispatches_on_unit_and_refuses_unknown_units():
    assert parse_quantity("around 12 square miles", "square_miles") == Quantity(12.0, "approximately")
    with pytest.raises(NormaliseError):
        parse_quantity("12", "furlongs")


def test_iso_dates_are_strict():
    assert parse_iso_date("2022-11-30") == date(2022, 11, 30)
    for bad in ("2022-11", "30.11.2022", "2022-02-30", "2022-11-30T10:00"):
        with pytest.raises(CodecError):
            parse_iso_date(bad)
