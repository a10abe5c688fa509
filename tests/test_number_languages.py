"""Amounts and counts in other languages (contract.number_languages), read with CLDR's separators,
scale words and currency names; a number that disagrees with its words, or has none, is refused."""

from __future__ import annotations

import pytest
from conftest import ROOT

from belarus_china.contract.registry import read_registry
from belarus_china.contract.words import NormaliseError, parse_quantity, word_problems


@pytest.mark.parametrize("words, unit, value, qualifier", [
    ("$3.56 billion", "USD", 3.56e9, "exact"),
    ("3,56 milliards de dollars", "USD", 3.56e9, "exact"),
    ("plus de 3,56 milliards de dollars", "USD", 3.56e9, "more_than"),
    ("3,5 Mrd. US-Dollar", "USD", 3.5e9, "exact"),
    ("rund 3,5 Milliarden US-Dollar", "USD", 3.5e9, "approximately"),
    ("3,56 млрд долларов", "USD", 3.56e9, "exact"),
    ("около 3,56 миллиарда долларов США", "USD", 3.56e9, "approximately"),
    ("35 mil millones de dólares", "USD", 35e9, "exact"),
    ("omkring 1,6 mia. amerikanske dollar", "USD", 1.6e9, "approximately"),
    ("约35亿美元", "USD", 3.5e9, "approximately"),
    ("US$ 3,5 Mrd.", "USD", 3.5e9, "exact"),
    ("более 120 компаний", "count", 120, "more_than"),
    ("plus de 120 entreprises", "count", 120, "more_than"),
])
def test_amounts_and_counts_are_read_in_other_languages_with_their_scale_words(words, unit, value, qualifier):
    parsed = parse_quantity(words, unit)
    assert parsed.value == pytest.approx(value) and parsed.qualifier == qualifier


@pytest.mark.parametrize("words, unit, reason", [
    ("3,56 milliards d'euros", "USD", "not a dollar amount"),      # another currency is no dollar amount
    ("3,56 milliards", "USD", "not a dollar amount"),              # nor is a number with no currency
    ("3,560 dollars", "USD", "different numbers"),                  # 3560 in English, 3.56 in French
    ("beaucoup de dollars", "USD", "not a dollar amount"),
])
def test_words_that_are_no_amount_or_two_amounts_are_refused(words, unit, reason):
    with pytest.raises(NormaliseError, match=reason):
        parse_quantity(words, unit)


def test_a_figure_needs_its_words_and_their_number_must_be_its_value():
    figures = read_registry(ROOT / "validation")["trade_figures"]
    given = {"figure_id": "f", "value": 3.5e9, "unit": "USD", "value_qualifier": "exact"}
    assert word_problems(figures, given) == [
        ("words-missing", "value_as_reported", "give the document's words for value 3.5e+09 (the number as printed, "
                                               "its scale and qualifier included)")]
    said = {**given, "value_as_reported": "3,56 milliards de dollars"}
    assert [(code, column) for code, column, _ in word_problems(figures, said)] == [("words-mismatch", "value")]
    assert word_problems(figures, {**said, "value": 3.56e9}) == []
