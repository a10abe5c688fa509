"""Coverage audit: candidates found, classified, and an uncovered one fails the build."""

from __future__ import annotations

import pytest
from conftest import snapshot

from belarus_china.base.problems import ProblemsFound
from belarus_china.curate.audit import ANY_KIND, Span, classify, column_kinds, scan
from belarus_china.pipeline import build

TEXT = ("President Anna Petrova said “we will sign” on Monday. Exports rose 12.5 percent to $2 billion "
        "in 2021, and 14 memoranda were signed. It may rain; China’s ‘peace plan’ was <a data-t=\"00:01:02\">x</a>.")


def _kinds(text):
    return [(c.kind, c.text) for c in scan("doc.txt", text)]


def test_scan_finds_every_kind_and_skips_markup_and_apostrophes():
    found = _kinds(TEXT)
    assert ("person_name", "Anna Petrova") in found
    assert ("quotation", "we will sign") in found
    assert ("quotation", "peace plan") in found
    assert ("date", "on Monday") in found and ("date", "2021") in found
    assert ("percentage", "12.5 percent") in found
    assert ("money", "$2 billion") in found
    assert ("count", "14 memoranda") in found
    assert not any(text in ("may", "00:01:02", "s’ ‘peace plan") for _, text in found)
    assert not any(kind == "quotation" and "00:01" in text for kind, text in found)


def test_classify_covered_dismissed_uncovered():
    candidates = scan("doc.txt", TEXT)
    money = next(c for c in candidates if c.kind == "money")
    quote = next(c for c in candidates if c.kind == "quotation" and c.text == "peace plan")
    result = {(c.kind, c.text): c for c in classify(candidates, [Span(money.start - 5, money.end + 1, ANY_KIND)],
                                                    [(quote.start - 1, quote.end + 1, "scare quotes")],
                                                    {"Anna Petrova"})}
    assert result[("money", "$2 billion")].status == "covered"
    assert result[("quotation", "peace plan")].status == "dismissed"
    assert result[("quotation", "peace plan")].reason == "scare quotes"
    assert result[("person_name", "Anna Petrova")].status == "covered"
    assert result[("count", "14 memoranda")].status == "uncovered"


def test_build_fails_while_a_candidate_is_uncovered(project):
    path = project / "build/003_e34279620fbde07c.yaml"
    text = path.read_text(encoding="utf-8")
    dismissal = '  - excerpt: "In 2015, Minsk announced the completion'
    assert dismissal in text
    path.write_text(text.replace(dismissal, '  - excerpt: "In 2015X, Minsk announced the completion', 1)
                    .replace("In 2015X, Minsk announced", "Minsk announced"), encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    assert caught.value.step == "coverage audit"
    assert any("raw/003_e34279620fbde07c.txt" in str(p) and "'2015'" in str(p) for p in caught.value.problems)
    assert snapshot(project) == before


def test_an_excerpt_covers_only_the_kinds_of_the_columns_it_supports(registry):
    """A date inside an excerpt that supports only a visit's guest is not curated as a date."""
    text = "Anna Petrova arrived in Minsk on 4 December 2023 for three days."
    date = next(c for c in scan("doc.txt", text) if c.kind == "date")
    kinds = column_kinds(registry["visits"])
    guest_only, dated = Span(0, len(text), kinds["guest_id"]), Span(0, len(text), kinds["date_as_reported"])
    assert classify([date], [guest_only], [], set())[0].status == "uncovered"
    assert classify([date], [dated], [], set())[0].status == "covered"
    assert "count" in kinds["duration_as_reported"] and "person_name" in kinds["guest_id"]


def test_abbreviated_and_numeric_dates_ranks_and_qualified_counts_are_found():
    text = ("The talks on Monday (Dec 4) followed a call on 4-12-2023 and another on 2023-12-01. China was "
            "the seventh largest partner, the 7th in Europe, with more than 120 firms on 4 December.")
    found = _kinds(text)
    for expected in (("date", "Dec 4"), ("date", "4-12-2023"), ("date", "2023-12-01"), ("date", "4 December"),
                     ("rank", "seventh largest"), ("rank", "7th"), ("count", "more than 120 firms")):
        assert expected in found, (expected, found)


DANISH = ("Lukasjenko besøgte Beijing den 4. december 2023, skriver avisen. ”Vi er klar til samarbejde,” sagde han.\n"
          "– Kina er vores ven, siger Lukasjenko.\n"
          "I februar sidste år mødtes de også, og i går kom »en ny aftale« på plads. Mandag talte de igen.")


def test_the_audit_reads_a_danish_document_with_danish_marks_and_calendar_words():
    """A made-up Danish text: its quotations (”…”, »…«, a dash-led line) and dates (month and weekday names,
    relative phrases from the CLDR data) are candidates; with the English patterns alone they are not."""
    found = [(c.kind, c.text) for c in scan("doc.txt", DANISH, "da")]
    for expected in (("quotation", "Vi er klar til samarbejde,"), ("quotation", "en ny aftale"),
                     ("quotation", "Kina er vores ven, siger Lukasjenko."), ("date", "4. december 2023"),
                     ("date", "februar"), ("date", "sidste år"), ("date", "i går"), ("date", "Mandag")):
        assert expected in found, (expected, found)
    english = [(c.kind, c.text) for c in scan("doc.txt", DANISH, "en")]
    assert ("date", "sidste år") not in english and ("quotation", "en ny aftale") not in english


def test_other_languages_get_their_calendar_words_from_the_locale_data():
    samples = {"de": ("Am 4. Dezember 2023 sagte er „Wir sind bereit“.", ("date", "4. Dezember 2023"),
                      ("quotation", "Wir sind bereit")),
               "ru": ("В прошлом году, 4 декабря 2023, он сказал «Мы готовы».", ("date", "4 декабря 2023"),
                      ("quotation", "Мы готовы")),
               "fr": ("Le 4 décembre 2023, il a dit « nous sommes prêts ».", ("date", "4 décembre 2023"),
                      ("quotation", " nous sommes prêts ")),
               "zh": ("他在2023年12月4日说“我们准备好了”。", ("date", "2023年12月4日"), ("quotation", "我们准备好了"))}
    for language, (text, *expected) in samples.items():
        found = [(c.kind, c.text) for c in scan("doc.txt", text, language)]
        for item in expected:
            assert item in found, (language, item, found)
    assert ("date", "В прошлом году") in [(c.kind, c.text) for c in scan("doc.txt", samples["ru"][0], "ru")]


@pytest.mark.parametrize("language, text, present, absent", [
    # Ordinals before their noun (issue 20), not a capitalised title ("First Deputy").
    ("en", "It was his second trip, the 3rd visit. First Deputy Prime Minister Ivanov came.",
     [("rank", "second trip"), ("rank", "3rd visit")], [("rank", "First Deputy")]),
    ("fr", "Son 12e voyage en Chine commença le 28 février ; plus de 120 entreprises signèrent.",
     [("rank", "12e voyage"), ("date", "28 février"), ("count", "plus de 120 entreprises")],
     [("count", "28 février")]),                        # a day before its month is a date, not a count
    ("ru", "Это 2-й визит. 28 февраля более 120 компаний подписали договоры.",
     [("rank", "2-й визит"), ("date", "28 февраля"), ("count", "более 120 компаний")], [("count", "28 февраля")]),
    # Dash-led quotations, at a line's start or after a colon, in Danish, Norwegian Bokmål and Swedish.
    ("da", "Han sagde: – Vi er klar.\n– Kina er vores ven, siger han.\n",
     [("quotation", "Vi er klar."), ("quotation", "Kina er vores ven, siger han.")], []),
    ("nb", "– Vi er klare, sier han.\n", [("quotation", "Vi er klare, sier han.")], []),
    ("sv", "— Vi är redo, säger han.\n", [("quotation", "Vi är redo, säger han.")], []),
    ("en", "– a bullet point\n", [], [("quotation", "a bullet point")]),   # not in English typography
])
def test_scan_finds_ordinals_dash_led_quotations_and_counts_in_other_languages(language, text, present, absent):
    found = [(c.kind, c.text) for c in scan("doc.txt", text, language)]
    assert all(item in found for item in present), found
    assert not any(item in found for item in absent), found
