"""Views (validation/views.yaml): each published view holds what its tables give, computed here again
independently (csv module, plain dictionaries) rather than with the code that made it; a stale or
edited view is caught; the registry refuses a view it cannot make."""

from __future__ import annotations

import csv
import shutil
import sqlite3

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from corrupt import rehash

import belarus_china as bc
from belarus_china.base.codec import frame_from_strings
from belarus_china.contract.registry import RegistryError, read_registry, table_schema
from belarus_china.contract.validate import validate_package
from belarus_china.contract.views import make_view
from belarus_china.publish.tables import csv_bytes, parquet_bytes

SEP = " | "


def _rows(root, name):
    with open(root / f"datasets/csv/{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by(rows, key):
    return {row[key]: row for row in rows}


def _citing(root, table, record, take, distinct=False):
    """The `take` values of the evidence rows citing a record, in reading order (source, start, end)."""
    cited = [e for e in _rows(root, "evidence") if e["record_table"] == table and e["record_id"] == record]
    cited.sort(key=lambda e: (e["source_id"], int(e["char_start"]), int(e["char_end"])))
    values = [e[take] for e in cited]
    return list(dict.fromkeys(values)) if distinct else values


def _view_row(root, view, key, value):
    (row,) = [r for r in _rows(root, view) if r[key] == value]
    return row


def test_a_quote_in_context_is_its_quote_with_names_source_and_excerpts(built_package):
    root = built_package
    actors, sources = _by(_rows(root, "actors"), "actor_id"), _by(_rows(root, "sources"), "source_id")
    quote = _by(_rows(root, "quotes"), "quote_id")["lukashenka-as-if-i-could-not-agree"]
    row = _view_row(root, "quotes_in_context", "quote_id", quote["quote_id"])
    for column in ("text", "speaker_ids", "addressee_id", "date_earliest", "date_latest", "date_precision", "date_edtf",
                   "date_as_reported", "source_id", "notes"):
        assert row[column] == quote[column], column
    assert row["speaker_names"] == SEP.join(actors[a]["name"] for a in quote["speaker_ids"].split(SEP))
    assert row["addressee_name"] == actors[quote["addressee_id"]]["name"] != ""
    assert row["source_title"] == sources[quote["source_id"]]["title"]
    assert row["publisher"] == sources[quote["source_id"]]["publisher"]
    excerpts = _citing(root, "quotes", quote["quote_id"], "excerpt")
    assert len(excerpts) == 2 and row["excerpts"] == SEP.join(excerpts)
    assert row["evidence_ids"] == SEP.join(_citing(root, "quotes", quote["quote_id"], "evidence_id"))
    assert any(quote["text"] in excerpt for excerpt in excerpts)
    # load() gives the lists as lists, the same items as the CSV's text
    loaded = bc.load("quotes_in_context", package=root).set_index("quote_id").loc[quote["quote_id"]]
    assert loaded["excerpts"] == excerpts and loaded["speaker_names"] == row["speaker_names"].split(SEP)
    assert [r["quote_id"] for r in _rows(root, "quotes_in_context")] == [r["quote_id"] for r in _rows(root, "quotes")]


def test_a_timeline_row_is_its_event_with_window_kind_and_sources(built_package):
    root = built_package
    event = _by(_rows(root, "visit_events"), "event_id")["lukashenko-xi-talks-2023-03-01"]
    row = [r for r in _rows(root, "timeline") if r["record_id"] == event["event_id"]][0]
    assert row["record_table"] == "visit_events"
    assert row["visit_id"] == event["visit_id"] and row["kind"] == event["event_kind"] and row["city"] == event["city"]
    assert row["first_day"] == row["last_day"] == event["event_date"] == "2023-03-01"
    for column in ("date_earliest", "date_latest", "date_precision", "date_edtf", "date_as_reported", "date_anchor",
                   "summary"):
        assert row[column] == event[column], column
    assert row["title"] == ""  # events have no title
    assert row["source_ids"] == SEP.join(sorted(set(_citing(root, "visit_events", event["event_id"], "source_id"))))
    agreement = _rows(root, "agreements")[0]
    as_timeline = [r for r in _rows(root, "timeline") if r["record_id"] == agreement["agreement_id"]][0]
    assert (as_timeline["title"], as_timeline["kind"], as_timeline["first_day"]) == (
        agreement["title"], agreement["agreement_type"], agreement["signed_date"])


def test_the_timeline_holds_every_visit_event_and_agreement_in_date_order(built_package):
    root = built_package
    expected = [("visits", r["visit_id"], r["date_earliest"], r["date_latest"]) for r in _rows(root, "visits")]
    expected += [("visit_events", r["event_id"], r["date_earliest"], r["date_latest"]) for r in _rows(root, "visit_events")]
    expected += [("agreements", r["agreement_id"], r["date_earliest"], r["date_latest"]) for r in _rows(root, "agreements")]
    # ISO dates sort as text; a missing bound sorts last; ties by table name and id
    expected.sort(key=lambda r: (r[2] == "", r[2], r[3] == "", r[3], r[0], r[1]))
    assert [(r["record_table"], r["record_id"]) for r in _rows(root, "timeline")] == [r[:2] for r in expected]


def test_a_figure_in_context_names_its_countries_producer_and_source(built_package):
    root = built_package
    countries = yaml.safe_load((ROOT / "validation/countries.yaml").read_text(encoding="utf-8"))
    actors, sources = _by(_rows(root, "actors"), "actor_id"), _by(_rows(root, "sources"), "source_id")
    figure = _by(_rows(root, "trade_figures"), "figure_id")["blr-chn-import-partner-rank-pre-2022"]
    row = _view_row(root, "trade_figures_in_context", "figure_id", figure["figure_id"])
    for column in ("measure", "reporter", "partner", "period_start", "period_end", "period_as_reported", "value", "unit",
                   "value_qualifier", "value_as_reported", "change_pct", "change_as_reported", "reported_by",
                   "reported_by_id", "source_id"):
        assert row[column] == figure[column], column
    names = {code: country["names"][0] for code, country in countries.items()}  # a country's first name
    assert (row["reporter_name"], row["partner_name"]) == (names[figure["reporter"]], names[figure["partner"]])
    assert row["producer_name"] == actors[figure["reported_by_id"]]["name"]
    assert row["source_title"] == sources[figure["source_id"]]["title"]
    assert row["excerpts"] == SEP.join(_citing(root, "trade_figures", figure["figure_id"], "excerpt"))
    assert figure["value_as_reported"] in row["excerpts"]


def test_views_are_resources_derived_from_tables_and_sqlite_tables(built_package, registry):
    root = built_package
    assert bc.views(root) == list(registry.views) == ["quotes_in_context", "timeline", "trade_figures_in_context",
                                                       "directed_events"]
    assert not set(bc.views(root)) & set(bc.tables(root))
    import json
    resources = {r["name"]: r for r in json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    assert resources["timeline"]["derivedFrom"] == ["visits", "visit_events", "agreements", "evidence"]
    assert "derivedFrom" not in resources["quotes"]
    database = sqlite3.connect(root / "dist/belarus-china.sqlite")
    try:
        for view in registry.views:
            rows = database.execute(f'SELECT * FROM "{view}"').fetchall()
            csv_rows = _rows(root, view)
            assert len(rows) == len(csv_rows)
            assert [str(r[1]) for r in rows] == [r[list(csv_rows[0])[1]] for r in csv_rows]  # the published order
        assert json.loads(database.execute('SELECT excerpts FROM quotes_in_context WHERE quote_id = ?',
                                           ("lukashenka-as-if-i-could-not-agree",)).fetchone()[0]) == \
            _citing(root, "quotes", "lukashenka-as-if-i-could-not-agree", "excerpt")  # a JSON array in SQLite
    finally:
        database.close()


def _edit_view(root, registry, name, mutate):
    schema = table_schema(registry.views[name].table)
    text = pd.read_csv(root / f"datasets/csv/{name}.csv", dtype=str, keep_default_na=False)
    frame, bad = frame_from_strings(text, schema)
    assert not bad
    frame = mutate(frame)
    (root / f"datasets/csv/{name}.csv").write_bytes(csv_bytes(frame, schema))
    (root / f"datasets/parquet/{name}.parquet").write_bytes(parquet_bytes(frame, schema))
    rehash(root)


def test_an_edited_view_is_view_mismatch(project, registry):
    def mutate(frame):
        frame.loc[0, "addressee_name"] = "Someone Else"
        return frame
    _edit_view(project, registry, "quotes_in_context", mutate)
    problems = validate_package(project, registry, use_frictionless=False)
    assert [(p.code, p.table, p.column) for p in problems] == [("view-mismatch", "quotes_in_context", "addressee_name")]


def test_a_view_with_a_row_missing_is_view_mismatch(project, registry):
    _edit_view(project, registry, "timeline", lambda frame: frame.iloc[1:].reset_index(drop=True))
    problems = validate_package(project, registry, use_frictionless=False)
    assert [(p.code, p.table) for p in problems] == [("view-mismatch", "timeline")]
    assert "missing rows" in problems[0].message


def test_a_table_changed_without_its_views_leaves_them_stale(project, registry):
    """A careless edit of actors.csv and .parquet (hashes recomputed): the views that name the actor no longer
    agree with the tables."""
    from corrupt import edit_table

    def rename(frame):
        frame.loc[frame.actor_id == "vladimir-putin", "name"] = "V. Putin"
        return frame
    edit_table(project, registry, "actors", rename)
    problems = validate_package(project, registry, use_frictionless=False)
    stale = {(p.table, p.column) for p in problems if p.code == "view-mismatch"}
    assert ("quotes_in_context", "addressee_name") in stale


def test_a_listed_excerpt_holding_the_delimiter_is_refused(built_package, registry):
    """The view's CSV could not tell such an excerpt from two: list-item, naming the view and the record."""
    from corrupt import read_table

    frames = {t.name: read_table(built_package, registry, t.name) for t in registry}
    evidence = frames["evidence"]
    row = evidence.index[(evidence.record_table == "quotes")][0]
    evidence.loc[row, "excerpt"] = "one | two"
    _, problems = make_view(registry.views["quotes_in_context"], registry, frames)
    assert [(p.code, p.table, p.column) for p in problems] == [("list-item", "quotes_in_context", "excerpts")]
    assert problems[0].record == f"quotes/{evidence.loc[row, 'record_id']}"


def _registry_with_views(tmp_path, views: dict):
    directory = tmp_path / "validation"
    shutil.copytree(ROOT / "validation", directory)
    (directory / "views.yaml").write_text(yaml.safe_dump(views), encoding="utf-8")
    return directory


@pytest.mark.parametrize("spec, message", [
    ({"title": "T", "description": "D", "from": "quotes", "columns": ["quote_id", "colour"]}, "no table of the view"),
    ({"title": "T", "description": "D", "from": "quotes", "columns": ["quote_id", {"x": {"via": "text", "take": "name"}}]},
     "foreign key"),
    ({"title": "T", "description": "D", "from": "quotes", "columns": ["quote_id", {"x": {"table_name": True}}]},
     "union"),
    ({"title": "T", "description": "D", "from": "nothing", "columns": []}, "does not define"),
    ({"title": "T", "description": "D", "from": "quotes", "columns": [{"notes": {"via": "speaker_ids", "take": "name"}}]},
     "is a field of type string"),
    ({"title": "T", "description": "D", "union": ["visits", "agreements"], "primary_key": ["k"],
      "columns": [{"k": {"first_of": ["visit_type", "document_count"]}}]}, "all of one type"),
])
def test_the_registry_refuses_a_view_it_cannot_make(tmp_path, spec, message):
    with pytest.raises(RegistryError, match=message):
        read_registry(_registry_with_views(tmp_path, {"probe": spec}))


def test_a_view_declared_in_the_registry_is_built_and_validated(tmp_path):
    """One definition: a new view in views.yaml is published and checked with no code of its own."""
    from conftest import copy_project

    from belarus_china.pipeline import build

    root = copy_project(tmp_path / "project")
    views = yaml.safe_load((root / "validation/views.yaml").read_text(encoding="utf-8"))
    views["claims_in_context"] = {"title": "Claims in context", "description": "Each claim with its source's title.",
                                  "from": "assessments",
                                  "columns": ["assessment_id", "stance", {"holder": {"via": "holder_id", "take": "name"}},
                                              {"source_title": {"via": "source_id", "take": "title"}}]}
    (root / "validation/views.yaml").write_text(yaml.safe_dump(views, sort_keys=False), encoding="utf-8")
    build(root, use_frictionless=False)
    made = bc.load("claims_in_context", package=root)
    assessments = bc.load("assessments", package=root)
    assert len(made) == len(assessments) and made.columns.tolist() == ["assessment_id", "stance", "holder", "source_title"]
    assert "claims_in_context" in (root / "docs/codebook.md").read_text(encoding="utf-8")
