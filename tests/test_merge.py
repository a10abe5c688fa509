"""The rule that picks a shared record's curated value from the sources' claims."""

from __future__ import annotations

from datetime import date

from belarus_china.curate.merge import merge
from belarus_china.curate.records import Record


def _record(file, **values):
    resolve = values.pop("resolve", {})
    return Record("visits", "v", file, None, {"visit_id": "v", **values}, [], resolve=resolve)


SOURCES = {"a.yaml": "src-a", "b.yaml": "src-b", "c.yaml": "src-c"}


def _merge(registry, *records):
    problems = []
    table = registry["visits"]
    values, claims = merge(table, list(records), SOURCES, lambda record: [], problems, registry.precision_order(table))
    return values, {(c["claim"], c["source_id"]): c for c in claims}, problems


def test_agreeing_claims_are_combined(registry):
    values, claims, problems = _merge(
        registry,
        _record("a.yaml", start_date=date(2023, 2, 28), end_date=date(2023, 3, 2), date_precision="day"),
        _record("b.yaml", start_date=date(2023, 2, 28), date_precision="day", city="Beijing"),
    )
    assert not problems
    assert (values["start_date"], values["end_date"], values["city"]) == (date(2023, 2, 28), date(2023, 3, 2),
                                                                        "Beijing")
    assert claims[("dates", "src-b")]["agrees"] and claims[("dates", "src-b")]["rule"] == "all sources agree"


def test_finer_precision_wins_and_a_coarser_window_that_holds_it_agrees(registry):
    values, claims, _ = _merge(
        registry,
        _record("a.yaml", start_date=date(2023, 3, 1), date_precision="month", date_as_reported="early March 2023"),
        _record("b.yaml", start_date=date(2023, 2, 28), date_precision="day"),
        _record("c.yaml", start_date=date(2023, 2, 21), date_precision="month", date_as_reported="late February"),
    )
    assert values["start_date"] == date(2023, 2, 28) and values["date_precision"] == "day"
    assert claims[("dates", "src-b")]["rule"] == "finest date precision wins"
    assert claims[("dates", "src-a")]["agrees"] is False      # early March does not hold 28 February
    assert claims[("dates", "src-c")]["agrees"] is True       # late February does


def test_majority_decides_and_a_tie_asks_for_a_resolution(registry):
    values, claims, problems = _merge(
        registry,
        _record("a.yaml", visit_type="state_visit"), _record("b.yaml", visit_type="state_visit"),
        _record("c.yaml", visit_type="official_visit"),
    )
    assert values["visit_type"] == "state_visit" and not problems
    assert claims[("visit_type", "src-c")]["agrees"] is False
    assert claims[("visit_type", "src-a")]["rule"] == "majority of sources (2 of 3)"

    _, _, problems = _merge(registry, _record("a.yaml", visit_type="state_visit"),
                            _record("b.yaml", visit_type="official_visit"))
    assert len(problems) == 1 and "resolve" in problems[0].message and "src-a" in problems[0].message


def test_a_resolution_names_the_winner_and_its_reason(registry):
    values, claims, problems = _merge(
        registry, _record("a.yaml", visit_type="state_visit", resolve={"visit_type": "because"}),
        _record("b.yaml", visit_type="official_visit"),
    )
    assert values["visit_type"] == "state_visit" and not problems
    assert claims[("visit_type", "src-b")]["rule"] == "curator's resolution: because"


def test_curator_prose_may_be_written_once_only(registry):
    _, _, problems = _merge(registry, _record("a.yaml", summary="one"), _record("b.yaml", summary="two"))
    assert problems and problems[0].column == "summary"
