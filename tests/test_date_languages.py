"""Date words in other languages (contract.date_languages): read with CLDR's words into the same
windows as their English forms, refused when not understood or ambiguous, and checked against the
window a curator gives, on a build and on a published package alike."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from conftest import copy_project
from documents import FRENCH, add_files, french_curation, problems_of

from belarus_china.contract import date_languages
from belarus_china.contract.date_reader import kind_of, read_window
from belarus_china.contract.dates import DateWordsError, UnknownDateWords, Window
from belarus_china.contract.rules import check_tables
from belarus_china.pipeline import make_tables

WRITTEN_3_MARCH = Window(date(2023, 3, 3), date(2023, 3, 3))   # an anchor: a document of Friday 3 March 2023
DAY = date(2023, 2, 28)


@pytest.mark.parametrize("words, earliest, latest", [
    # French, German, Russian, Danish, Chinese and others: a day with its weekday and time of day, a day
    # and month (genitive or stand-alone, abbreviated), a month, an ordinal day, a range.
    ("mardi soir 28 février", DAY, DAY),
    ("le 1er mars 2023", date(2023, 3, 1), date(2023, 3, 1)),
    ("févr. 2023", date(2023, 2, 1), date(2023, 2, 28)),
    ("28 février – 2 mars 2023", DAY, date(2023, 3, 2)),
    ("Dienstag, 28. Februar 2023", DAY, DAY),
    ("am Dienstagabend", None, None),
    ("28.–30. März 2023", date(2023, 3, 28), date(2023, 3, 30)),
    ("во вторник, 28 февраля", DAY, DAY),
    ("28-го февраля 2023 г.", DAY, DAY),
    ("в феврале 2023", None, None),            # the locative case is not a CLDR form: not read
    ("февраль 2023", date(2023, 2, 1), date(2023, 2, 28)),
    ("tirsdag den 28. februar 2023", DAY, DAY),
    ("i februar", date(2023, 2, 1), date(2023, 2, 28)),
    ("2023年2月28日星期二", DAY, DAY),
    ("2月28日", DAY, DAY),
    ("28 de febrero de 2023", DAY, DAY),
    ("Tuesday evening, 28 February", DAY, DAY),   # English words the English reader alone does not read
])
def test_words_of_other_languages_give_the_window_of_their_english_form(words, earliest, latest):
    if earliest is None:
        with pytest.raises(UnknownDateWords):
            read_window(words, anchor=WRITTEN_3_MARCH)
        return
    window = read_window(words, anchor=WRITTEN_3_MARCH)
    assert (window.earliest, window.latest) == (earliest, latest)


@pytest.mark.parametrize("words, earliest, latest", [
    ("hier", date(2023, 3, 2), date(2023, 3, 2)), ("avant-hier", date(2023, 3, 1), date(2023, 3, 1)),
    ("l’année dernière", date(2022, 1, 1), date(2022, 12, 31)), ("gestern", date(2023, 3, 2), date(2023, 3, 2)),
    ("letzte Woche", date(2023, 2, 20), date(2023, 2, 26)), ("в прошлом году", date(2022, 1, 1), date(2022, 12, 31)),
    ("на этой неделе", date(2023, 2, 27), date(2023, 3, 5)), ("i går", date(2023, 3, 2), date(2023, 3, 2)),
    ("sidste måned", date(2023, 2, 1), date(2023, 2, 28)), ("去年", date(2022, 1, 1), date(2022, 12, 31)),
    ("明天", date(2023, 3, 4), date(2023, 3, 4)), ("next week", date(2023, 3, 6), date(2023, 3, 12)),
])
def test_relative_words_are_read_against_the_anchor(words, earliest, latest):
    assert kind_of(words) == "relative"
    window = read_window(words, anchor=WRITTEN_3_MARCH)
    assert (window.earliest, window.latest) == (earliest, latest)


@pytest.mark.parametrize("words", ["mardi", "mardi soir", "fin février", "soir 28", "28", "du 28 février au 2 mars",
                                   "Ende Februar", "nous sommes prêts", "28 février 30 mars"])
def test_words_the_reader_does_not_understand_are_refused_never_guessed(words):
    with pytest.raises(UnknownDateWords, match="build/README.md lists the forms"):
        read_window(words, anchor=WRITTEN_3_MARCH)


def test_a_weekday_that_is_not_the_dates_is_refused_naming_the_words():
    with pytest.raises(DateWordsError, match="'vendredi 28 février 2023', read as .*not a Friday"):
        read_window("vendredi 28 février 2023")


def test_words_two_languages_read_as_different_dates_are_refused(monkeypatch):
    # "listopad" is November in Polish and October in Croatian: with both languages, no reading is chosen.
    assert read_window("listopad 2023").earliest == date(2023, 11, 1)
    monkeypatch.setattr(date_languages, "LANGUAGES", (*date_languages.LANGUAGES, "hr"))
    with pytest.raises(DateWordsError, match="different dates"):
        read_window("listopad 2023")


QUOTE = "lukashenko-nous-sommes-prets"
GUESSED = """    date_earliest: 2022-11-01
    date_latest: 2022-11-30
    inferred:
      date_earliest: a guess
      date_latest: a guess
"""


def test_a_window_that_disagrees_with_french_words_is_refused_on_a_build_and_a_package(tmp_path, registry):
    """The trial maintainer's mistake: "mardi soir 28 février" published with a November window marked
    as inferred, which the build accepted while it read no French."""
    root = copy_project(tmp_path / "project")
    raw_file = add_files(root, FRENCH, lambda name: french_curation(name, quote=GUESSED))
    problems = problems_of(root)
    assert {(p.code, p.column) for p in problems} == {("date-words", "date_earliest"), ("date-words", "date_latest")}
    assert all(f"build/{raw_file[:-4]}.yaml" in str(p) and f"quotes[{QUOTE}]" in str(p) for p in problems)
    assert "gives 2023-02-28" in problems[0].message

    # Without the guess the words give the day; the same rule holds on a package's tables (what `validate` runs).
    (root / "build" / f"{raw_file[:-4]}.yaml").write_text(french_curation(raw_file), encoding="utf-8")
    assembled, frames = make_tables(root, registry)
    quotes = frames["quotes"]
    row = quotes.index[quotes["quote_id"] == QUOTE][0]
    assert quotes.at[row, "said_date"] == pd.Timestamp(DAY)
    texts = {f"raw/{name}": text for name, text in assembled.texts.items()}
    assert check_tables(registry, frames, texts) == []
    for column, day in (("date_earliest", "2022-11-01"), ("date_latest", "2022-11-30")):
        quotes.at[row, column] = pd.Timestamp(day)
        frames["inferences"].loc[len(frames["inferences"])] = {
            "record_table": "quotes", "record_id": QUOTE, "field": column,
            "source_id": "exemple-loukachenko-a-pekin", "basis": "text", "reason": "a guess"}
    found = [(p.code, p.table, p.record, p.column) for p in check_tables(registry, frames, texts)
             if p.code == "date-words"]
    assert found == [("date-words", "quotes", QUOTE, "date_earliest"), ("date-words", "quotes", QUOTE, "date_latest")]
