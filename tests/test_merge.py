"""The rule that picks a shared record's curated value from the sources' claims."""

from __future__ import annotations

from datetime import date

from belarus_china.contract.date_reader import read_window
from belarus_china.contract.date_words import duration_days
from belarus_china.contract.dates import Window
from belarus_china.curate.merge import Claim, merge
from belarus_china.curate.records import Record

SOURCES = {"a.yaml": "src-a", "b.yaml": "src-b", "c.yaml": "src-c"}
ANCHOR = date(2023, 3, 3)   # every claim below is read as if published on this day


def _claim(file, **values):
    resolve = values.pop("resolve", {})
    record = Record("visits", "v", file, None, {"visit_id": "v", **values}, [], resolve=resolve)
    window = None
    if "date_as_reported" in values:
        duration = duration_days(values["duration_as_reported"]) if "duration_as_reported" in values else None
        window = read_window(values["date_as_reported"], anchor=ANCHOR, duration=duration, stay=True)
    elif "start_date" in values:
        window = Window(values["start_date"], values.get("end_date") or values["start_date"],
                        values["start_date"], values.get("end_date"))
    if window is not None:   # as the build does: a claim's window is written into its values
        values.update(date_earliest=window.earliest, date_latest=window.latest)
    return Claim(record, SOURCES[file], dict(values), window)


def _merge(registry, *claims):
    problems = []
    values, rows = merge(registry["visits"], list(claims), lambda record: [], problems)
    return values, {(r["field"], r["source_id"]): r for r in rows}, problems


def test_agreeing_claims_are_combined(registry):
    values, claims, problems = _merge(
        registry,
        _claim("a.yaml", start_date=date(2023, 2, 28), end_date=date(2023, 3, 2)),
        _claim("b.yaml", start_date=date(2023, 2, 28), city="Beijing"),
    )
    assert not problems
    assert (values["start_date"], values["end_date"], values["city"]) == (date(2023, 2, 28), date(2023, 3, 2),
                                                                        "Beijing")
    assert (values["date_earliest"], values["date_latest"]) == (date(2023, 2, 28), date(2023, 3, 2))
    assert claims[("start_date", "src-b")]["agrees"] and claims[("start_date", "src-b")]["rule"] == "all sources agree"
    assert claims[("city", "src-b")]["rule"] == "single source"


def test_windows_intersect_and_a_window_that_excludes_the_fixed_day_disagrees(registry):
    values, claims, problems = _merge(
        registry,
        _claim("a.yaml", date_as_reported="early March 2023"),
        _claim("b.yaml", start_date=date(2023, 2, 28)),
        _claim("c.yaml", date_as_reported="late February 2023"),
    )
    assert not problems
    # The fixed day decides; late February holds it, early March does not.
    assert values["start_date"] == date(2023, 2, 28)
    assert (values["date_earliest"], values["date_latest"]) == (date(2023, 2, 28), date(2023, 2, 28))
    assert claims[("date_earliest", "src-c")]["agrees"] is True
    assert claims[("date_earliest", "src-a")]["agrees"] is False
    assert claims[("date_earliest", "src-a")]["rule"] == "narrowest window consistent with the fixed days"


def test_two_windows_narrow_to_what_both_allow(registry):
    values, claims, problems = _merge(
        registry,
        _claim("a.yaml", date_as_reported="February 2023"),
        _claim("b.yaml", date_as_reported="late February 2023"),
    )
    assert not problems
    late = read_window("late February 2023", anchor=ANCHOR)
    assert (values["date_earliest"], values["date_latest"]) == (late.earliest, late.latest)
    # The row shows the words of the narrowest claim, so the words and the window match.
    assert values["date_as_reported"] == "late February 2023"
    assert claims[("date_earliest", "src-a")]["agrees"] and claims[("date_earliest", "src-b")]["agrees"]


def test_windows_that_do_not_meet_ask_for_a_resolution(registry):
    _, _, problems = _merge(
        registry,
        _claim("a.yaml", date_as_reported="early March 2023"),
        _claim("b.yaml", date_as_reported="late February 2023"),
    )
    assert [p.code for p in problems] == ["merge-tie"] and "resolve" in problems[0].message


def test_majority_decides_and_a_tie_asks_for_a_resolution(registry):
    values, claims, problems = _merge(
        registry,
        _claim("a.yaml", visit_type="state_visit"), _claim("b.yaml", visit_type="state_visit"),
        _claim("c.yaml", visit_type="official_visit"),
    )
    assert values["visit_type"] == "state_visit" and not problems
    assert claims[("visit_type", "src-c")]["agrees"] is False
    assert claims[("visit_type", "src-a")]["rule"] == "majority of sources (2 of 3)"

    _, _, problems = _merge(registry, _claim("a.yaml", visit_type="state_visit"),
                            _claim("b.yaml", visit_type="official_visit"))
    assert len(problems) == 1 and "resolve" in problems[0].message and "src-a" in problems[0].message


def test_a_resolution_names_the_winner_and_its_reason(registry):
    values, claims, problems = _merge(
        registry, _claim("a.yaml", visit_type="state_visit", resolve={"visit_type": "because"}),
        _claim("b.yaml", visit_type="official_visit"),
    )
    assert values["visit_type"] == "state_visit" and not problems
    assert claims[("visit_type", "src-b")]["rule"] == "curator's resolution: because"
    assert claims[("visit_type", "src-b")]["agrees"] is False


def test_lists_take_the_union_and_a_shorter_list_agrees(registry):
    values, claims, problems = _merge(
        registry,
        _claim("a.yaml", delegation_ids=["x"]),
        _claim("b.yaml", delegation_ids=["y", "x"]),
    )
    assert not problems
    assert sorted(values["delegation_ids"]) == ["x", "y"]
    assert claims[("delegation_ids", "src-a")]["agrees"] and claims[("delegation_ids", "src-b")]["agrees"]


def test_a_source_is_credited_only_with_the_columns_it_states(registry):
    _, claims, _ = _merge(registry, _claim("a.yaml", city="Beijing"), _claim("b.yaml", visit_type="state_visit"))
    assert set(claims) == {("city", "src-a"), ("visit_type", "src-b")}


def test_curator_prose_may_be_written_once_only(registry):
    _, _, problems = _merge(registry, _claim("a.yaml", summary="one"), _claim("b.yaml", summary="two"))
    assert problems and problems[0].column == "summary" and problems[0].code == "curator-text-conflict"


def test_two_sources_with_windows_of_different_width_need_no_resolution(registry):
    """Precision and EDTF are derived from the curated window, not claims that could tie."""
    wide = _claim("a.yaml", date_as_reported="2023")
    narrow = _claim("b.yaml", date_as_reported="Arriving on 28 February 2023", duration_as_reported="three-day")
    for claim in (wide, narrow):   # as the build writes them into every claim's values
        claim.values.update(date_precision="year" if claim is wide else "day", date_edtf="x" + claim.source)
    values, _, problems = _merge(registry, wide, narrow)
    assert not problems, [str(p) for p in problems]
    assert (values["date_earliest"], values["date_latest"]) == (date(2023, 2, 28), date(2023, 3, 2))


def test_a_claim_that_leaves_the_last_day_open_agrees_with_one_that_fixes_it(registry):
    opened = _claim("a.yaml", date_as_reported="Arriving on 28 February 2023")   # no duration: no last day
    opened.values.update(start_date=date(2023, 2, 28), end_date=None)  # as the build writes the day columns
    fixed = _claim("b.yaml", start_date=date(2023, 2, 28), end_date=date(2023, 3, 2))
    values, claims, problems = _merge(registry, opened, fixed)
    assert not problems, [str(p) for p in problems]
    assert values["end_date"] == date(2023, 3, 2) and claims[("start_date", "src-a")]["agrees"]


def test_a_resolution_of_a_window_uses_the_tables_own_group_name(registry):
    table = registry["agreements"]
    group = next(name for name, columns in table.claim_groups.items() if table.window.earliest in columns)

    def claim(file, words, resolve=None):
        record = Record("agreements", "a", file, None, {"agreement_id": "a", "date_as_reported": words}, [],
                        resolve=resolve or {})
        window = read_window(words, anchor=ANCHOR)
        values = {"agreement_id": "a", "date_as_reported": words, "date_earliest": window.earliest,
                  "date_latest": window.latest}
        return Claim(record, SOURCES[file], values, window)

    problems = []
    values, _ = merge(table, [claim("a.yaml", "early March 2023", {group: "a's words are the signing's"}),
                              claim("b.yaml", "late February 2023")], lambda r: [], problems)
    assert not problems, [str(p) for p in problems]
    assert values["date_earliest"] == date(2023, 3, 1)
