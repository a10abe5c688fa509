"""The excerpt locator: exact first, white space folded, nothing else folded, ambiguity named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from belarus_china.curate.locate import LocateError, locate

TEXT = "Alyaksandr Lukashenka paid an official\xa0visit. Lukashenka met Xi. “Quoted,” he said."


def test_exact_excerpt_gives_its_offsets():
    start, end = locate(TEXT, "paid an official\xa0visit")
    assert TEXT[start:end] == "paid an official\xa0visit"


def test_a_typed_space_matches_a_non_breaking_space_and_the_raw_text_is_kept():
    start, end = locate(TEXT, "official visit")
    assert TEXT[start:end] == "official\xa0visit"


def test_outer_white_space_of_the_excerpt_is_ignored():
    assert locate(TEXT, "  met Xi \n") == locate(TEXT, "met Xi")


def test_an_ambiguous_excerpt_is_refused_with_its_offsets():
    with pytest.raises(LocateError, match=rf"occurs 2 times .*offsets 11, {TEXT.rindex('Lukashenka')}"):
        locate(TEXT, "Lukashenka")


def test_within_and_occurrence_disambiguate():
    start, _ = locate(TEXT, "Lukashenka", within="Lukashenka met Xi")
    assert start == TEXT.rindex("Lukashenka")
    assert locate(TEXT, "Lukashenka", occurrence=1)[0] == 11
    with pytest.raises(LocateError, match="occurrence 3"):
        locate(TEXT, "Lukashenka", occurrence=3)


def test_quotes_are_not_folded_but_the_error_says_so():
    with pytest.raises(LocateError, match="curly/straight quotes"):
        locate(TEXT, '"Quoted," he said')


def test_nfd_is_not_folded_but_the_error_says_so():
    with pytest.raises(LocateError, match="NFC normalisation"):
        locate("café society", "cafe\u0301 society")


def test_missing_excerpt_and_missing_within_are_named():
    with pytest.raises(LocateError, match="not found"):
        locate(TEXT, "Lukashenko")
    with pytest.raises(LocateError, match="within"):
        locate(TEXT, "Xi", within="Putin met Xi")
    with pytest.raises(LocateError, match="empty"):
        locate(TEXT, "   ")


@given(st.text(min_size=1, max_size=200), st.data())
def test_any_substring_that_occurs_once_is_located_exactly(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    excerpt = text[start:end]
    if excerpt.strip() != excerpt or text.count(excerpt) != 1:
        return  # the rule strips outer white space; repeated substrings need `within`
    assert locate(text, excerpt) == (start, end)
