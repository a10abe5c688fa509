"""Which rows the charts label and how they summarise the rest (`publish.chart_rows`), on small
hand-made frames: the choice is pure pandas, so it is tested without drawing."""

from __future__ import annotations

import pandas as pd
import pytest

from belarus_china.publish import chart_rows
from belarus_china.publish.chart_rows import Limits
from belarus_china.publish.chart_text import Names

NA = pd.NA


def _day(text):
    return pd.Timestamp(text) if text else pd.NaT


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    """Three visits (one undated), four events in the first visit, one free-standing agreement and one
    inside the second visit; the first visit cited by three documents, the agreement by two."""
    visits = pd.DataFrame({
        "visit_id": ["v1", "v2", "v3"],
        "start_date": [_day("2023-03-01"), _day("2023-05-10"), pd.NaT],
        "end_date": [_day("2023-03-03"), _day("2023-05-10"), pd.NaT],
        "date_earliest": [_day("2023-03-01"), _day("2023-05-10"), pd.NaT],
        "date_latest": [_day("2023-03-03"), _day("2023-05-10"), pd.NaT],
        "date_as_reported": ["1-3 March", "10 May", NA],
        "city": ["Beijing", "Minsk", NA],
        "summary": ["The state visit to Beijing", "The May talks in Minsk", "A visit nobody dated"],
    })
    events = pd.DataFrame({
        "event_id": ["e1", "e2", "e3", "e4"],
        "visit_id": ["v1"] * 4,
        "event_date": [_day("2023-03-01"), _day("2023-03-02"), _day("2023-03-03"), _day("2023-03-02")],
        "date_earliest": [_day("2023-03-01"), _day("2023-03-02"), _day("2023-03-03"), _day("2023-03-02")],
        "date_latest": [_day("2023-03-01"), _day("2023-03-02"), _day("2023-03-03"), _day("2023-03-02")],
        "summary": ["Arrival", "Talks with Xi", "Departure", "A banquet"],
    })
    agreements = pd.DataFrame({
        "agreement_id": ["a1", "a2"],
        "visit_id": pd.Series([NA, "v2"], dtype="string"),
        "signed_date": [_day("2023-04-01"), pd.NaT],
        "date_earliest": [_day("2023-04-01"), _day("2023-05-01")],
        "date_latest": [_day("2023-04-01"), pd.NaT],
        "title": ["A free-standing memorandum", "A roadmap signed in May"],
    })
    cited = [("visits", "v1", s) for s in ("s1", "s2", "s3")] + [("agreements", "a1", s) for s in ("s1", "s2")]
    cited += [("visits", "v2", "s1"), ("visits", "v1", "s1")]  # a document cited twice counts once
    evidence = pd.DataFrame(cited, columns=["record_table", "record_id", "source_id"])
    return {"visits": visits, "visit_events": events, "agreements": agreements, "evidence": evidence}


SMALL = Limits(overview_rows=2, detail_panels=1, detail_rows=2)


def test_the_timeline_labels_the_best_attested_records_and_counts_the_rest(frames, registry):
    chosen = chart_rows.timeline_rows(registry, frames, SMALL)
    # v1 (3 documents) and a1 (2) beat v2 (1); shown in date order.
    assert chosen.shown["key"].tolist() == ["v1", "a1"]
    assert chosen.n_top == 3
    assert chosen.letters == {"v1": "B"}  # the only shown visit with records inside
    assert [p["key"].tolist() for p in chosen.panels] == [["e1", "e2"]]  # the first two by date, then by id
    assert sorted(zip(chosen.rest["kind"], chosen.rest["key"], strict=True)) == [
        ("agreements", "a2"), ("visit_events", "e3"), ("visit_events", "e4"), ("visits", "v2")]
    assert chart_rows.counted(chosen.rest) == "1 visit, 2 events, 1 agreement"
    assert chosen.undated["key"].tolist() == ["v3"]
    assert chosen.low < pd.Timestamp("2023-03-01") and chosen.high > pd.Timestamp("2023-05-10")

    labels = chart_rows.overview_labels(chosen, frames, registry)
    assert labels == ["The state visit to Beijing  [see B]", "A free-standing memorandum"]
    entries = chart_rows.visit_entries(chosen.details.to_dict("records")[0], chosen.panels[0], frames, registry)
    assert [words for *_, words in entries] == ["the visit (“1-3 March”)", "Arrival", "Talks with Xi"]
    assert chart_rows.undated_note(chosen.undated, frames, registry) == (
        "Not drawn, no date in the documents: A visit nobody dated")


def test_the_rest_of_the_timeline_is_counted_in_every_month_a_window_overlaps(frames, registry):
    chosen = chart_rows.timeline_rows(registry, frames, SMALL)
    months, counts = chart_rows.monthly(chosen.rest, chosen.low, chosen.high)
    by_month = {m.strftime("%Y-%m"): i for i, m in enumerate(months)}
    assert counts["visit_events"][by_month["2023-03"]] == 2
    assert counts["visits"][by_month["2023-05"]] == 1 and counts["visits"][by_month["2023-03"]] == 0
    # a2 has no latest date: its window runs from May to the chart's right edge.
    assert counts["agreements"][by_month["2023-04"]] == 0
    assert counts["agreements"][by_month["2023-05"]] == 1 == counts["agreements"][-1]


def test_with_nothing_dated_the_timeline_shows_no_row(frames, registry):
    for name in ("visits", "visit_events", "agreements"):
        frames[name] = frames[name].assign(date_earliest=pd.NaT, date_latest=pd.NaT)
    chosen = chart_rows.timeline_rows(registry, frames, SMALL)
    assert chosen.shown.empty and chosen.rest.empty and not chosen.panels
    assert len(chosen.undated) == 9
    assert chart_rows.undated_note(chosen.undated, frames, registry).endswith("; and 5 more")


def _figures() -> pd.DataFrame:
    rows = [("f1", "exports", "USD", 2e9), ("f2", "exports", "USD", 5e9), ("f3", "exports", "USD", 3e9),
            ("f4", "exports", "USD", None), ("f5", "trading_partner_rank", "rank", 7.0), ("f6", "imports", "USD", 1e9)]
    frame = pd.DataFrame(rows, columns=["figure_id", "measure", "unit", "value"])
    year = [_day("2022-01-01"), _day("2022-12-31")]
    return frame.assign(period_start=[year[0]] * 6, period_end=[year[1]] * 6, period_as_reported="last year")


def test_trade_panels_label_the_largest_figures_and_leave_out_panels_beyond_the_limit(registry):
    frames = {"trade_figures": _figures()}
    panels, left_out = chart_rows.trade_panels(frames, registry, Limits(figures_per_panel=2, trade_panels=2))
    # US$ before ranks, exports before imports (the registry's order); f4 has no value and is not drawn.
    assert [(unit, measure, period) for unit, measure, period, *_ in panels] == [
        ("USD", "exports", "over a calendar year"), ("USD", "imports", "over a calendar year")]
    unit, measure, period, top, more = panels[0]
    assert top["key"].tolist() == ["f2", "f3"] and more["key"].tolist() == ["f1"]
    assert panels[1][3]["key"].tolist() == ["f6"] and panels[1][4].empty
    assert [key for key, _ in left_out] == [("rank", "trading_partner_rank", "over a calendar year")]


def test_a_figure_without_subject_words_is_named_by_its_countries(registry):
    f = {"subject_as_reported": NA, "reporter": "BLR", "partner": "CHN", "period_as_reported": "last year",
         "period_start": _day("2022-01-01"), "period_end": _day("2022-12-31"), "source_id": "missing",
         "reported_by": NA}
    words = chart_rows.figure_label(f, Names(registry, {}), pd.DataFrame(index=pd.Index([], dtype=str)))
    assert words.split("\n") == [f"{registry.countries['BLR'][0]} → {registry.countries['CHN'][0]}",
                                 "“last year” (2022-01-01 to 2022-12-31)", "producer not stated, in ?"]


def _claims(frames) -> dict[str, pd.DataFrame]:
    """v1's city: s1 agrees, s2 disagrees; its summary: s1 and s3 agree; v2's city: s3 alone."""
    rows = [("v1", "city", "s1", True, "Beijing", NA), ("v1", "city", "s2", False, "Shanghai", "in Shanghai"),
            ("v1", "summary", "s1", True, "x", NA), ("v1", "summary", "s3", True, "x", NA),
            ("v2", "city", "s3", True, "Minsk", NA)]
    claims = pd.DataFrame(rows, columns=["record_id", "field", "source_id", "agrees", "claimed_value",
                                         "value_as_reported"]).assign(record_table="visits")
    sources = pd.DataFrame({"source_id": ["s1", "s2", "s3"], "publisher": ["BelTA", "Xinhua", "Reuters"],
                            "title": ["a", "b", "c"], "doc_kind": ["news", "news", "news"]})
    return {**frames, "claims": claims, "sources": sources}


def test_the_claims_matrix_shows_conflicting_fields_first_and_counts_the_rest(frames, registry):
    frames = _claims(frames)
    limits = Limits(matrix_rows=1, matrix_sources=1)
    fields = chart_rows.claim_fields(frames, registry, limits)
    assert len(fields.shared) == 2  # v2's city has one document: not a row
    assert fields.chosen[["record", "column"]].values.tolist() == [["v1", "city"]]  # the conflict first
    assert fields.rest[["record", "column"]].values.tolist() == [["v1", "summary"]]

    shown, columns, others = chart_rows.claim_columns(fields, frames, limits)
    assert len(shown) == 2 and columns == ["s1"] and others == 1  # a tie on claims: the first id
    names = Names(registry, frames)
    cells, other_cells = chart_rows.claim_cells(shown, columns, names, registry)
    assert cells == {("visits", "v1", "city", "s1"): (True, "Beijing")}
    assert other_cells == {("visits", "v1", "city"): [0, 1]}  # s2 disagrees, without a column
    rows = chart_rows.claim_rows(fields, names, registry)
    assert rows == [("visits · The state visit to Beijing", "claim-record-visits-v1", None),
                    ("city = Beijing", "claim-row-visits-v1-city", ("visits", "v1", "city")),
                    ("and 1 more field that several documents describe", "claim-rest", None)]
    assert chart_rows.rest_tallies(fields, columns) == ({"s1": [1, 0]}, [1, 0])  # s3 agrees on the summary


def test_with_room_for_every_document_a_disagreement_keeps_the_document_s_words(frames, registry):
    frames = _claims(frames)
    fields = chart_rows.claim_fields(frames, registry)
    shown, columns, others = chart_rows.claim_columns(fields, frames)
    assert columns == ["s1", "s2", "s3"] and others == 0 and fields.rest.empty
    cells, other_cells = chart_rows.claim_cells(shown, columns, Names(registry, frames), registry)
    assert cells[("visits", "v1", "city", "s2")] == (False, "in Shanghai")
    assert other_cells == {}
    assert chart_rows.rest_tallies(fields, columns) == ({"s1": [0, 0], "s2": [0, 0], "s3": [0, 0]}, [0, 0])
