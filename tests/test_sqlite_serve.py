"""The SQLite export and Datasette: schema from the registry, data equal to the CSVs, full-text
search, canned queries, a real Datasette server on loopback, and a headless Chromium looking at it."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from browser import WINDOW, png_size, run_chromium
from conftest import ROOT

from belarus_china.browse import serve
from belarus_china.publish.sqlite import ExportError, write_sqlite

FIRST_VISIT = "lukashenko-china-2023-02-28"
SPEAKER = "alexander-lukashenko"
SOURCE = "rferl-lukashenka-goes-to-china"
RELIABLE_QUOTE = "lukashenko-reliable-partner-for-china"
PARAMS = {"visit_id": FIRST_VISIT, "speaker_id": SPEAKER, "source_id": SOURCE, "words": "Lukashenka"}
SCREENSHOT_NAME = "datasette-quotes.png"


def csv_rows(package: Path, table: str) -> list[dict[str, str]]:
    with open(package / "datasets" / "csv" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def database(built_package, registry, tmp_path_factory) -> Path:
    return write_sqlite(built_package, tmp_path_factory.mktemp("sqlite") / "belarus-china.sqlite", registry)


@pytest.fixture
def db(database):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def meta(built_package, registry) -> dict:
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    return serve.metadata(registry, descriptor)


# --- the SQLite file ---------------------------------------------------------------------------

def test_every_table_has_the_registry_columns_types_and_keys(db, registry):
    sql_type = {"string": "TEXT", "list": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL",
                "boolean": "INTEGER"}
    user_tables = {name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%\\_fts%' ESCAPE '\\'")}
    own = list(registry.browse.tables.values())  # the database's own tables (browse.yaml)
    assert user_tables == {table.name for table in [*registry.published, *own]}  # the tables, the views, its own
    for table in [*registry.published, *own]:
        info = db.execute(f'PRAGMA table_info("{table.name}")').fetchall()
        assert [row[1] for row in info] == table.column_names, table.name
        for (_, name, declared, notnull, _, pk), column in zip(info, table.columns, strict=True):
            assert declared == sql_type[column.type], (table.name, name)
            assert bool(notnull) == table.is_required(column), (table.name, name)
            assert pk == (table.primary_key.index(name) + 1 if name in table.primary_key else 0), (table.name, name)
        declared_fks = {(row[3], row[2], row[4]) for row in db.execute(f'PRAGMA foreign_key_list("{table.name}")')}
        expected = {fk for fk in table.foreign_keys() if table.column(fk[0]).type != "list"}
        assert declared_fks == expected, table.name
    # A list of ids is a JSON array: SQL cannot reference its items (the links plugin links them).
    assert registry["agreements"].column("parties").references == ("actors", "actor_id")
    assert "parties" not in {row[3] for row in db.execute('PRAGMA foreign_key_list("agreements")')}
    assert "speaker_ids" not in {row[3] for row in db.execute('PRAGMA foreign_key_list("quotes")')}
    assert {("visit_id", "visits", "visit_id"), ("addressee_id", "actors", "actor_id")} <= {
        (row[3], row[2], row[4]) for row in db.execute('PRAGMA foreign_key_list("quotes")')}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_rows_equal_the_csvs_in_primary_key_order(db, registry, built_package):
    for table in registry:
        expected = csv_rows(built_package, table.name)
        rows = db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid').fetchall()
        assert len(rows) == len(expected), table.name
        assert rows or table.name == "renamed_ids", table.name  # no record of the real data was renamed yet
        keys = [tuple(row[table.column_names.index(c)] for c in table.primary_key) for row in rows]
        assert keys == sorted(keys), f"{table.name} is not in primary-key order"
        by_key = {tuple(r[c] for c in table.primary_key): r for r in expected}
        for row in rows:
            text = by_key[tuple(row[table.column_names.index(c)] for c in table.primary_key)]
            for column, value in zip(table.columns, row, strict=True):
                cell = text[column.name]
                where = (table.name, column.name, cell, value)
                if cell == "":
                    assert value is None, where
                elif column.type == "boolean":
                    assert value == {"true": 1, "false": 0}[cell], where
                elif column.type == "integer":
                    assert isinstance(value, int) and value == int(cell), where
                elif column.type == "number":
                    assert isinstance(value, float) and value == float(cell), where
                elif column.type == "list":  # a JSON array of the CSV's items
                    assert json.loads(value) == cell.split(registry.list_delimiter), where
                else:  # string, list, date: the CSV's text (dates are ISO already)
                    assert value == cell, where
    dates = db.execute("SELECT date_earliest FROM quotes WHERE date_earliest IS NOT NULL").fetchall()
    assert dates and all(len(d) == 10 and d[4] == d[7] == "-" for (d,) in dates)
    assert {v for (v,) in db.execute("SELECT DISTINCT agrees FROM claims")} == {0, 1}
    parties = db.execute("SELECT parties FROM agreements WHERE json_array_length(parties) > 1").fetchone()
    assert parties is not None and parties[0].startswith('["')
    list_columns = [(t.name, c.name) for t in registry.published for c in t.columns if c.type == "list"]
    for table, column in list_columns:  # views too: every list cell is a JSON array of text
        assert db.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL AND NOT (json_valid("{column}") '
                          f'AND json_type("{column}") = \'array\')').fetchone()[0] == 0, (table, column)
    assert ("quotes_in_context", "speaker_names") in list_columns


def test_a_list_cell_that_is_no_json_array_is_refused(database, tmp_path):
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(database, copy)
    connection = sqlite3.connect(copy)
    try:
        for bad in ("alexander-lukashenko | xi-jinping", '"alexander-lukashenko"', "{}"):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
                connection.execute("UPDATE quotes SET speaker_ids = ? WHERE rowid = 1", (bad,))
        connection.execute("UPDATE quotes SET speaker_ids = ? WHERE rowid = 1", ('["xi-jinping"]',))
    finally:
        connection.close()


def test_full_text_search_finds_quotes_and_excerpts(db):
    found = db.execute("SELECT quote_id FROM quotes WHERE rowid IN "
                       "(SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH 'reliable')").fetchall()
    assert (RELIABLE_QUOTE,) in found
    excerpts = db.execute("SELECT e.evidence_id, e.excerpt FROM evidence_fts JOIN evidence AS e "
                          "ON e.rowid = evidence_fts.rowid WHERE evidence_fts MATCH 'reliable'").fetchall()
    assert excerpts and all("reliable" in excerpt.lower() for _, excerpt in excerpts)
    drones = db.execute("SELECT count(*) FROM evidence_fts WHERE evidence_fts MATCH 'drones'").fetchone()[0]
    assert drones >= 1
    # Every row is indexed (the index has a copy of each row's text, under the base row's rowid).
    for table in ("quotes", "evidence", "documents"):
        assert db.execute(f"SELECT count(*) FROM {table}_fts").fetchone() == db.execute(
            f"SELECT count(*) FROM {table}").fetchone()


def _fts_tables(db) -> list[str]:
    return [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND sql LIKE 'CREATE VIRTUAL TABLE%USING FTS5%' ORDER BY name")]


def _matching(db, fts: str, query: str) -> set[int]:
    return {rowid for (rowid,) in db.execute(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH ?', (query,))}


def test_lukashenka_and_lukashenko_find_the_same_rows_in_every_searchable_table(db, registry):
    """Issue 13: a search for "Lukashenka" and one for "Lukashenko" return the same rows."""
    searchable = {f"{t.name}_fts" for t in serve.searchable(registry)}
    assert set(_fts_tables(db)) == searchable == {"quotes_fts", "evidence_fts", "documents_fts"}
    widened = False
    for fts in sorted(searchable):
        first, second = _matching(db, fts, "Lukashenka"), _matching(db, fts, "Lukashenko")
        assert first and first == second, fts
        # ... and more than the text alone gives for at least one spelling: the aliases did it
        text_column = db.execute(f'SELECT * FROM "{fts}" LIMIT 0').description[0][0]
        literal = _matching(db, fts, f'{{{text_column}}} : Lukashenka')
        widened |= literal < first
    assert widened
    evidence = db.execute("SELECT count(*) FROM evidence WHERE excerpt LIKE '%Lukashenka%' "
                          "OR excerpt LIKE '%Lukashenko%'").fetchone()[0]
    assert len(_matching(db, "evidence_fts", "Lukashenka")) >= evidence  # every excerpt with either spelling


def test_every_spelling_of_every_actor_finds_the_same_rows(db, registry):
    """The rule behind it, for every actor with several spellings: any two find the same rows (as phrases)."""
    groups = []
    for name, aliases in db.execute("SELECT name, aliases FROM actors ORDER BY actor_id"):
        spellings = list(dict.fromkeys([name, *(json.loads(aliases) if aliases else [])]))
        if len(spellings) > 1:
            groups.append(spellings)
    assert any("Lukashenka" in g and "Lukashenko" in g for g in groups)
    for fts in _fts_tables(db):
        for spellings in groups:
            found = [_matching(db, fts, '"' + s.replace('"', '""') + '"') for s in spellings]
            assert all(f == found[0] for f in found), (fts, spellings, [len(f) for f in found])


def test_the_search_terms_rule_reaches_a_fixed_point():
    """A spelling found only through another actor's spellings still widens the row (repeat until stable)."""
    from belarus_china.publish.sqlite import search_terms

    groups = [("Alpha Beta", "AB"), ("Beta", "Gamma")]
    terms = search_terms(["AB went home", "nothing here", "Gamma said"], groups, " | ")
    assert terms == ["Alpha Beta | AB | Beta | Gamma", "", "Beta | Gamma"]


def test_documents_hold_the_raw_texts_and_evidence_in_context_is_the_loaders_context(db, built_package, registry):
    import hashlib

    from belarus_china import loader

    sources = {r["source_id"]: r for r in csv_rows(built_package, "sources")}
    documents = db.execute("SELECT source_id, title, document_text, viewer_page FROM documents ORDER BY rowid").fetchall()
    assert [d[0] for d in documents] == sorted(sources)
    for source_id, title, text, page in documents:
        raw = (built_package / sources[source_id]["raw_path"]).read_bytes()
        assert text == raw.decode("utf-8") and hashlib.sha256(raw).hexdigest() == sources[source_id]["sha256"]
        assert title == sources[source_id]["title"] and page == f"docs/sources/{source_id}.html"
        assert (built_package / page).is_file()  # the build's viewer page
    rows = db.execute("SELECT evidence_id, context_before, excerpt, context_after FROM evidence_in_context "
                      "ORDER BY rowid").fetchall()
    assert len(rows) == db.execute("SELECT count(*) FROM evidence").fetchone()[0]
    chars = registry.browse.context_chars
    for evidence_id, before, excerpt, after in rows[:: max(1, len(rows) // 25)]:  # the loader reloads per call
        assert loader.context(evidence_id, chars=chars, package=built_package, marks=("\x00", "\x01")) == \
            f"{before}\x00{excerpt}\x01{after}"


def test_export_is_byte_deterministic_and_atomic(built_package, registry, database, tmp_path):
    again = write_sqlite(built_package, tmp_path / "again.sqlite", registry)
    assert again.read_bytes() == database.read_bytes()
    write_sqlite(built_package, again, registry)  # overwriting an existing file
    assert again.read_bytes() == database.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.sqlite"]


def test_a_dangling_reference_publishes_nothing(built_package, registry, tmp_path, monkeypatch):
    from belarus_china import loader
    from belarus_china.publish import sqlite as sqlite_export

    def broken(source, name):  # the export reads one table at a time
        frame = loader.load_from(source, name)
        if name != "quotes":
            return frame
        quotes = frame.copy()
        quotes["addressee_id"] = quotes["addressee_id"].astype("string")
        quotes.loc[quotes.index[0], "addressee_id"] = "nobody-at-all"
        return quotes

    monkeypatch.setattr(sqlite_export, "load_from", broken)
    target = tmp_path / "out.sqlite"
    target.write_bytes(b"previous")
    with pytest.raises(ExportError, match="dangling foreign key"):
        write_sqlite(built_package, target, registry)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.sqlite"]


# --- metadata and canned queries ---------------------------------------------------------------

def test_metadata_describes_every_table_and_column(meta, registry, built_package):
    assert meta["license"] == "CC-BY-4.0"
    assert meta["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["title"] and meta["description"]
    assert f"{len(csv_rows(built_package, 'sources'))} source documents" in meta["source"] and "raw/" in meta["source"]
    assert meta["source_url"] == f"/{serve.DB_NAME}/sources"
    database = meta["databases"][serve.DB_NAME]
    own = list(registry.browse.tables.values())
    assert set(database["tables"]) == {table.name for table in [*registry.published, *own]}
    assert database["tables"]["documents"]["fts_table"] == "documents_fts"
    assert serve.viewer_index_url() in meta["description_html"] == database["description_html"]
    links = meta["plugins"]["belarus-china"]
    assert links["points_at"]["evidence"] == list(registry["evidence"].points_at)
    assert {name for name in links["keys"]} >= set(registry["evidence"].column("record_table").enum)
    for table in [*registry.published, *own]:
        entry = database["tables"][table.name]
        assert entry["title"] == table.title and entry["description"] == table.description
        assert list(entry["columns"]) == table.column_names
        for column in table.columns:
            assert entry["columns"][column.name].startswith(column.description.rstrip(".")), (table.name, column.name)
            for value in column.enum or {}:
                assert f"{value} = " in entry["columns"][column.name]
        for facet in entry.get("facets", []):
            assert facet in table.column_names
    assert "visit_type" in database["tables"]["visits"]["facets"]
    assert "channel" in database["tables"]["quotes"]["facets"]
    assert "record_table" in database["tables"]["evidence"]["facets"]
    assert database["tables"]["quotes"]["fts_table"] == "quotes_fts"
    json.dumps(meta)  # serialisable as metadata.json


def test_every_canned_query_runs_and_returns_rows_for_a_real_id(db, meta):
    queries = meta["databases"][serve.DB_NAME]["queries"]
    assert set(queries) == {"claims_for_visit", "conflicts", "quotes_by_speaker", "facts_for_source", "search"}
    results = {}
    for name, query in queries.items():
        cursor = db.execute(query["sql"], PARAMS)
        columns = [d[0] for d in cursor.description]
        results[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        assert results[name], name
        assert query["title"] and query["description"]

    claims = results["claims_for_visit"]
    assert {r["field"] for r in claims} >= {"date_earliest", "start_date", "visit_type"}
    assert any(r["agrees"] == 0 for r in claims)
    assert sum(r["excerpt"] is not None for r in claims) > len(claims) / 2

    conflicts = results["conflicts"]
    disagreeing = db.execute("SELECT record_table, record_id, field, source_id FROM claims WHERE agrees = 0").fetchall()
    assert {(r["record_table"], r["record_id"], r["field"], r["source_id"]) for r in conflicts if r["agrees"] == 0} \
        == set(disagreeing)
    assert any(r["agrees"] == 1 for r in conflicts)  # the other side of each conflict is shown too

    quotes = results["quotes_by_speaker"]
    assert {r["speaker"] for r in quotes} == {"Alexander Lukashenko"}
    assert RELIABLE_QUOTE in {r["quote_id"] for r in quotes}
    spoken = sum(SPEAKER in json.loads(ids) for (ids,) in db.execute("SELECT speaker_ids FROM quotes"))
    assert len(quotes) == spoken and spoken > 1

    searched = results["search"]
    assert {r["record_table"] for r in searched} == {"quotes", "evidence", "documents"}
    other = {(t, i) for t, i, *_ in db.execute(queries["search"]["sql"], {"words": "Lukashenko"})}
    assert {(r["record_table"], r["record_id"]) for r in searched} == other
    db.execute(queries["search"]["sql"], {"words": 'a "quoted" - (word) OR'}).fetchall()  # any text: no FTS error

    facts = results["facts_for_source"]
    assert len(facts) == db.execute("SELECT count(*) FROM evidence WHERE source_id = ?", (SOURCE,)).fetchone()[0]
    assert all(r["fact"] for r in facts), [r for r in facts if not r["fact"]][:3]
    assert {"visits", "quotes", "actors"} <= {r["record_table"] for r in facts}


def test_canned_queries_offer_their_choices_as_links(database, registry, meta):
    choices = serve.query_choices(registry, database)
    assert set(choices) == {"claims_for_visit", "quotes_by_speaker", "facts_for_source"}
    speakers = dict(choices["quotes_by_speaker"]["speaker_id"].options)
    assert speakers[SPEAKER] == "Alexander Lukashenko"
    with closing(sqlite3.connect(database)) as db:
        (sources,) = db.execute("SELECT count(*) FROM sources").fetchone()
    assert len(choices["facts_for_source"]["source_id"].options) == sources  # every source has facts
    assert FIRST_VISIT in dict(choices["claims_for_visit"]["visit_id"].options)
    assert not any(found.truncated for query in choices.values() for found in query.values())  # all rows checked
    connection = sqlite3.connect(database)
    try:  # only choices with results are offered
        quoted = {actor for (ids,) in connection.execute("SELECT speaker_ids FROM quotes") for actor in json.loads(ids)}
    finally:
        connection.close()
    assert set(speakers) == quoted
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    page = serve.metadata(registry, descriptor, choices=choices)["databases"][serve.DB_NAME]["queries"]
    assert f'href="?speaker_id={SPEAKER}"' in page["quotes_by_speaker"]["description_html"]
    with pytest.raises(ValueError, match="choices"):
        broken = {**registry.queries, "x": {"title": "x", "description": "x", "sql": "SELECT 1", "choices": {"y": "actors"}}}
        serve.canned_queries(dataclasses.replace(registry, queries=broken))


# --- Datasette in process (its ASGI test client: no server, no network) ------------------------------

LUKASHENKO, XI = "alexander-lukashenko", "xi-jinping"


def datasette_get(database: Path, meta: dict, *paths: str) -> list:
    """GET each path from a Datasette serving `database` as `serve` runs it (immutable, this metadata, the
    links plugin), in process."""
    import asyncio

    from datasette.app import Datasette

    async def run():
        datasette = Datasette(immutables=[str(database)], metadata=meta, plugins_dir=str(serve.PLUGINS_DIR))
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]

    assert database.stem == serve.DB_NAME  # Datasette names a database after its file
    return asyncio.run(run())


def _speakers(db) -> dict[str, list[str]]:
    return {quote: json.loads(ids) for quote, ids in db.execute("SELECT quote_id, speaker_ids FROM quotes")}


def test_datasette_facets_a_list_column_by_its_items(database, meta, db):
    """Issue 22: `_facet_array=speaker_ids` counts each speaker once per quotation it speaks in (a joint statement
    counts for each of its speakers), and `__arraycontains` filters by one."""
    speakers = _speakers(db)
    expected = Counter(actor for ids in speakers.values() for actor in ids)
    by_xi = {quote for quote, ids in speakers.items() if XI in ids}
    assert len(by_xi) > sum(ids == [XI] for ids in speakers.values())  # a joint statement is among them
    facet, filtered, column = datasette_get(
        database, meta, f"/{serve.DB_NAME}/quotes.json?_facet_array=speaker_ids&_size=0",
        f"/{serve.DB_NAME}/quotes.json?speaker_ids__arraycontains={XI}&_shape=array&_size=max",
        f"/{serve.DB_NAME}/quotes.json?_facet=speaker_ids&_size=0")
    assert facet.status_code == 200, facet.text[:2000]
    results = facet.json()["facet_results"]["speaker_ids"]
    assert results["type"] == "array" and not results["truncated"]
    counts = {r["value"]: r["count"] for r in results["results"]}
    assert counts == dict(expected) and counts[XI] == len(by_xi)
    assert {q["quote_id"] for q in filtered.json()} == by_xi
    # the plain facet counts whole arrays (as SQL holds them): no " | "-joined bucket
    plain = column.json()["facet_results"]["speaker_ids"]["results"]
    assert all(" | " not in str(r["value"]) for r in plain)


def test_datasette_search_finds_a_quote_by_every_spelling_of_its_speakers(database, meta, db):
    """Issue 22: `quotes?_search=Lukashenka` finds every quotation he speaks (his name is not in their text), by any
    spelling of his name; a quotation by someone else is found only where its own words name him."""
    name, aliases = db.execute("SELECT name, aliases FROM actors WHERE actor_id = ?", (LUKASHENKO,)).fetchone()
    spellings = [name, *json.loads(aliases)]
    assert {"Lukashenka", "Lukashenko"} <= set(spellings)
    texts = dict(db.execute("SELECT quote_id, text FROM quotes"))
    by_him = {quote for quote, ids in _speakers(db).items() if LUKASHENKO in ids}
    naming_him = {quote for quote, text in texts.items() if any(s.lower() in text.lower() for s in spellings)}
    assert by_him and not any(s.lower() in texts[q].lower() for q in by_him for s in spellings)  # found by speaker
    addressed_only = {q for (q,) in db.execute("SELECT quote_id FROM quotes WHERE addressee_id = ?", (LUKASHENKO,))}
    addressed_only -= by_him | naming_him
    assert addressed_only  # a quotation addressed to him: not his words, not about him by name
    responses = datasette_get(database, meta, *(f"/{serve.DB_NAME}/quotes.json?_shape=array&_size=max&"
                                                f"_search={urllib.parse.quote(s)}" for s in spellings))
    for spelling, response in zip(spellings, responses, strict=True):
        found = {q["quote_id"] for q in response.json()}
        assert found == by_him | naming_him, spelling
        assert not found & addressed_only


def test_every_speaker_finds_all_its_quotes_in_the_index(db):
    """The rule for every actor who speaks, not only Lukashenko: each spelling, as a phrase, finds each of its quotes."""
    speakers = _speakers(db)
    for actor, name, aliases in db.execute("SELECT actor_id, name, aliases FROM actors ORDER BY actor_id").fetchall():
        quotes = {q for q, ids in speakers.items() if actor in ids}
        if not quotes:
            continue
        rowids = {rowid for quote, rowid in db.execute("SELECT quote_id, rowid FROM quotes") if quote in quotes}
        for spelling in [name, *(json.loads(aliases) if aliases else [])]:
            assert rowids <= _matching(db, "quotes_fts", '"' + spelling.replace('"', '""') + '"'), (actor, spelling)


def test_the_search_terms_of_a_row_include_its_seeded_actors():
    from belarus_china.publish.sqlite import search_terms

    groups = [("Alpha Beta", "AB"), ("Beta", "Gamma"), ("Delta",)]
    terms = search_terms(["nothing here", "Delta said", "quiet"], groups, " | ", seeds=[{0}, set(), {2}])
    assert terms == ["Alpha Beta | AB | Beta | Gamma", "Delta", "Delta"]  # a seed widens like a name in the text
    with pytest.raises(ValueError, match="one seed per text"):
        search_terms(["a", "b"], groups, " | ", seeds=[set()])


def test_a_row_page_links_its_foreign_keys_and_list_items(database, meta, db):
    """Issue 22: Datasette 0.65's row page shows foreign keys as plain text; the plugin links each, and each id of
    a list column (a JSON array)."""
    db.row_factory = sqlite3.Row
    references = [(row[3], row[2]) for row in db.execute('PRAGMA foreign_key_list("quotes")')]
    quotes = db.execute("SELECT * FROM quotes ORDER BY rowid").fetchall()
    richest = max(quotes, key=lambda q: sum(q[column] is not None for column, _ in references))
    joint = next(q for q in quotes if len(json.loads(q["speaker_ids"])) > 1)
    evidence = db.execute("SELECT * FROM evidence ORDER BY rowid LIMIT 1").fetchone()
    quote_page, joint_page, evidence_page = datasette_get(
        database, meta, f"/{serve.DB_NAME}/quotes/{richest['quote_id']}", f"/{serve.DB_NAME}/quotes/{joint['quote_id']}",
        f"/{serve.DB_NAME}/evidence/{evidence['evidence_id']}")
    assert quote_page.status_code == joint_page.status_code == evidence_page.status_code == 200
    linked = 0
    for column, table in references:
        if richest[column] is not None:
            linked += 1
            assert f'<a href="/{serve.DB_NAME}/{table}/{richest[column]}" title="{table} row">{richest[column]}</a>' \
                in quote_page.text, column
    assert linked >= 4  # visit, event, addressee, channel, source: a quote with most of them
    for quote, page in ((richest, quote_page), (joint, joint_page)):
        for speaker in json.loads(quote["speaker_ids"]):
            assert f'<a href="/{serve.DB_NAME}/actors/{speaker}" title="actors row">{speaker}</a>' in page.text
    # the (record_table, record_id) pair of a row about a record, and its document
    target = f"/{serve.DB_NAME}/{evidence['record_table']}/{evidence['record_id']}"
    assert f'<a href="{target}" title="{evidence["record_table"]} row">' in evidence_page.text
    assert f'<a href="/{serve.DB_NAME}/sources/{evidence["source_id"]}"' in evidence_page.text


def _section(page: str, table: str) -> str:
    start = page.index(f'class="rows-and-columns cited-{table}"')
    return page[start:page.index("</table>", start)]


def test_a_visit_page_lists_its_evidence_and_claims(database, meta, db, registry):
    """Issue 22: a record's page shows the evidence rows and claims about it (a (record_table, record_id) pair is no
    SQL foreign key, so Datasette's own "Links from other tables" cannot)."""
    about = ("SELECT {} FROM {} WHERE record_table = 'visits' AND record_id = ? ORDER BY rowid")
    evidence = [e for (e,) in db.execute(about.format("evidence_id", "evidence"), (FIRST_VISIT,))]
    claims = db.execute(about.format("field, source_id, claimed_value", "claims"), (FIRST_VISIT,)).fetchall()
    other = db.execute("SELECT visit_id FROM visits WHERE visit_id != ? ORDER BY rowid LIMIT 1", (FIRST_VISIT,)).fetchone()[0]
    assert evidence and claims
    page, other_page, actor_page = datasette_get(database, meta, f"/{serve.DB_NAME}/visits/{FIRST_VISIT}",
                                                 f"/{serve.DB_NAME}/visits/{other}", f"/{serve.DB_NAME}/actors/{XI}")
    assert page.status_code == 200
    text = page.text
    assert f"{html.escape(registry['evidence'].title)} ({len(evidence)})" in text
    assert f"{html.escape(registry['claims'].title)} ({len(claims)})" in text
    listed = re.findall(rf'<tr><td><a href="/{serve.DB_NAME}/evidence/([^"]+)" title="evidence row">',
                        _section(text, "evidence"))
    assert listed == evidence  # every excerpt about the visit, in key order, each linked to its row
    rows = _section(text, "claims").split("<tr>")[2:]  # after the header row
    assert len(rows) == len(claims)
    for row, (field, source, value) in zip(rows, claims, strict=True):
        cells = html.unescape(row)
        assert cells.startswith(f"<td>{field}</td>") and f"/sources/{source}" in cells and f"<td>{value}</td>" in cells
    assert f"record_table=visits&amp;record_id={FIRST_VISIT}" in text  # all of them, as a filtered table
    assert "Links from other tables" in text  # Datasette's own section (real foreign keys) is still there
    assert f"/{serve.DB_NAME}/evidence/{evidence[0]}" not in other_page.text  # each page its own record's rows
    assert actor_page.status_code == 200 and 'class="rows-and-columns cited-evidence"' in actor_page.text


def test_bad_cells_and_ids_are_shown_as_text_not_links_or_markup(database, meta):
    """A query's column named like a list column but holding no JSON array is left as text; an item is escaped; an
    unknown record is a 404, not a traceback."""
    sql = urllib.parse.quote("""select 'a | b' as speaker_ids, '["<script>x</script>"]' as parties, '{}' as delegation_ids""")
    query, missing, two = datasette_get(database, meta, f"/{serve.DB_NAME}?sql={sql}",
                                        f"/{serve.DB_NAME}/visits/no-such-visit", f"/{serve.DB_NAME}/visits/a,b")
    assert query.status_code == 200, query.text[-2000:]
    assert "a | b" in query.text and f"/{serve.DB_NAME}/actors/a" not in query.text
    assert "<script>x" not in query.text and "&lt;script&gt;x&lt;/script&gt;</a>" in query.text
    assert missing.status_code == two.status_code == 404


def _tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder`: a file's bytes, a link's target."""
    return {str(p.relative_to(folder)): (os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An XDG cache folder of the test's own: `serve.cache_root()` is inside it."""
    folder = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def test_default_location_is_the_user_cache_keyed_by_content_and_nothing_is_written_into_the_package(
        built_package, registry, tmp_path, cache, monkeypatch):
    package = tmp_path / "package"
    package.mkdir()
    for name in ("datapackage.json", "CITATION.cff"):
        shutil.copy2(built_package / name, package / name)
    for folder in ("datasets", "raw", "docs"):  # a whole package: serve refuses one that does not validate
        shutil.copytree(built_package / folder, package / folder)
    before = _tree(package)
    prepared = serve.prepare(package / "datapackage.json", registry=registry)
    root = cache / "belarus-china"
    assert serve.cache_root() == root
    assert prepared.temporary is None and prepared.database.parent.parent == root
    assert prepared.database.name == "belarus-china.sqlite" and prepared.database.is_file()
    assert prepared.metadata == prepared.database.with_name("belarus-china.metadata.json")
    assert "belarus-china" in json.loads(prepared.metadata.read_text(encoding="utf-8"))["databases"]
    for folder in (root, prepared.database.parent):
        assert oct(folder.stat().st_mode & 0o777) == oct(0o700)  # only the user can plant anything
    assert sorted(p.name for p in root.iterdir()) == [prepared.database.parent.name]  # built aside, renamed whole
    # The same page, less the published page's schema.org block for search engines (serve renders from the
    # package's tables, and takes no metadata from an untrusted descriptor into a page).
    published = (built_package / "docs/sources/index.html").read_bytes()
    landing = re.compile(rb'<script type="application/ld\+json">\n.*?\n</script>\n', re.S)
    assert landing.search(published)
    assert (prepared.files / "docs/sources/index.html").read_bytes() == landing.sub(b"", published)
    assert _tree(package) == before

    # The same package again: the same entry, not rewritten.
    stamp = prepared.database.stat().st_mtime_ns
    assert serve.prepare(package, registry=registry) == prepared and prepared.database.stat().st_mtime_ns == stamp
    # A changed package (its descriptor pins every file's hash): another entry, so a stale database is never served.
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "Changed"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    changed = serve.prepare(package, registry=registry)
    assert changed.database.parent != prepared.database.parent
    assert json.loads(changed.metadata.read_text(encoding="utf-8"))["title"] == "Changed"

    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG rule: a relative path is ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert serve.cache_root() == tmp_path / "home" / ".cache" / "belarus-china"


def test_planted_links_in_the_cache_are_refused_or_replaced_never_followed(built_package, registry, tmp_path, cache,
                                                                           capsys):
    victim_folder = tmp_path / "victim"
    victim_folder.mkdir()
    victim = victim_folder / ".bashrc"
    victim.write_text("the user's own file\n")
    cache.mkdir()
    (cache / "belarus-china").symlink_to(victim_folder)  # the cache folder itself a link
    with pytest.raises(serve.CacheError, match="not a folder") as refused:
        serve.prepare(built_package, registry=registry)
    assert refused.value.code == "cache-unsafe"
    assert _tree(victim_folder) == {".bashrc": b"the user's own file\n"}
    main = argparse.ArgumentParser(prog="belarus-china")
    serve.add_cli(main.add_subparsers(dest="command", required=True))
    args = main.parse_args(["serve", "--package", str(built_package)])
    assert args.func(args) == 1 and "(cache-unsafe)" in capsys.readouterr().err
    (cache / "belarus-china").unlink()

    root = cache / "belarus-china"
    root.mkdir(mode=0o777)
    root.chmod(0o777)  # open to others: closed before use
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    entry = root / serve.cache_key(descriptor)
    entry.symlink_to(victim_folder)  # the entry's name a link to the user's folder
    victim_before = _tree(victim_folder)
    prepared = serve.prepare(built_package, registry=registry)
    assert oct(root.stat().st_mode & 0o777) == oct(0o700)
    assert prepared.database.parent == entry and not entry.is_symlink() and entry.is_dir()
    assert _tree(victim_folder) == victim_before and victim.read_text() == "the user's own file\n"

    # A half-made entry (no metadata) is not served: it is rebuilt.
    prepared.metadata.unlink()
    again = serve.prepare(built_package, registry=registry)
    assert again.metadata.is_file()


def test_a_symlinked_dist_and_planted_temporary_file_links_leave_their_targets_untouched(built_package, registry,
                                                                                         tmp_path, cache):
    """The attack of the review: a package whose dist/ is a link to a folder of the user's, and links
    planted under the names the old code wrote through (dist/.belarus-china.metadata.json.<pid>.tmp)."""
    package = tmp_path / "package"
    shutil.copytree(built_package, package, ignore=shutil.ignore_patterns("dist"))
    victim_folder = tmp_path / "home"
    victim_folder.mkdir()
    victim = victim_folder / ".bashrc"
    victim.write_text("the user's own file\n")
    (package / "dist").symlink_to(victim_folder)
    for pid in range(os.getpid() - 5, os.getpid() + 50):  # any pid serve might run as
        (victim_folder / f".belarus-china.metadata.json.{pid}.tmp").symlink_to(victim)
    for name in ("belarus-china.sqlite", "belarus-china.metadata.json"):
        (victim_folder / name).symlink_to(victim)
    before, victim_before = _tree(package), _tree(victim_folder)
    prepared = serve.prepare(package, registry=registry)
    assert prepared.database.is_file() and prepared.metadata.is_file()
    assert not prepared.database.is_relative_to(victim_folder) and not prepared.metadata.is_relative_to(victim_folder)
    assert victim.read_text() == "the user's own file\n"
    assert _tree(victim_folder) == victim_before and _tree(package) == before


def test_a_named_sqlite_path_replaces_a_planted_link_instead_of_writing_through_it(built_package, registry, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "db.sqlite").symlink_to(victim)
    (out / "db.metadata.json").symlink_to(victim)
    prepared = serve.prepare(built_package, sqlite_path=out / "db.sqlite", registry=registry)
    try:
        assert not prepared.database.is_symlink() and not prepared.metadata.is_symlink()
        assert victim.read_text() == "keep me"
        assert sorted(p.name for p in out.iterdir()) == ["db.metadata.json", "db.sqlite"]
        # the viewer's pages go to a private temporary folder, removed when the server stops
        assert prepared.temporary is not None and not prepared.temporary.is_relative_to(out)
        assert oct(prepared.temporary.stat().st_mode & 0o777) == oct(0o700)
        assert prepared.files.is_relative_to(prepared.temporary)
    finally:
        shutil.rmtree(prepared.temporary)


def test_only_http_urls_from_the_package_become_links(registry, built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    for bad in ("javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
                "//evil.example/x", " javascript:alert(1)", "http:", 42, None):
        descriptor["licenses"] = [{"name": "CC-BY-4.0", "path": bad}]
        assert serve.metadata(registry, descriptor)["license_url"] == ""
    descriptor["licenses"] = [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert serve.metadata(registry, descriptor)["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    for malformed in ([], "CC-BY", [None], [["x"]]):
        descriptor["licenses"] = malformed
        assert serve.metadata(registry, descriptor)["license_url"] == ""
    descriptor["title"] = ["not", "text"]
    assert serve.metadata(registry, descriptor)["title"] == descriptor["name"]


def test_only_loopback_addresses_are_served():
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert serve.loopback_host(host)
    for host in ("0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.org", ""):
        with pytest.raises(ValueError, match="refusing to serve"):
            serve.loopback_host(host)
    with pytest.raises(ValueError):
        serve.start_server(ROOT, host="0.0.0.0")

    main = argparse.ArgumentParser(prog="belarus-china")
    serve.add_cli(main.add_subparsers(dest="command", required=True))
    args = main.parse_args(["serve"])
    assert (args.host, args.port, args.package, args.func) == ("127.0.0.1", 8001, None, serve.cmd_serve)
    args = main.parse_args(["serve", "--port", "9000", "--host", "::1", "--package", "somewhere"])
    assert (args.host, args.port, args.package) == ("::1", 9000, "somewhere")
    for bad in (["serve", "--host", "0.0.0.0"], ["serve", "--port", "0"], ["serve", "--port", "http"]):
        with pytest.raises(SystemExit) as exit_info:
            main.parse_args(bad)
        assert exit_info.value.code == 2


def test_serving_a_folder_without_a_package_is_a_usage_error(tmp_path, capsys):
    main = argparse.ArgumentParser(prog="belarus-china")
    serve.add_cli(main.add_subparsers(dest="command", required=True))
    args = main.parse_args(["serve", "--package", str(tmp_path)])
    assert args.func(args) == 2
    assert "datapackage.json" in capsys.readouterr().err


# --- a real Datasette on loopback ----------------------------------------------------------------

@pytest.fixture(scope="module")
def server(built_package, registry, tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    process, url = serve.start_server(built_package, host="127.0.0.1", port=serve.free_port("127.0.0.1"),
                                      sqlite_path=folder / "belarus-china.sqlite", registry=registry)
    try:
        yield url
    finally:
        serve.stop_server(process)
    assert process.poll() is not None


def get_json(url: str):
    return json.loads(serve.fetch(url, timeout=10))


def test_datasette_serves_the_tables_search_metadata_and_canned_queries(server, built_package, registry):
    assert server.startswith("http://127.0.0.1:")
    versions = get_json(f"{server}/-/versions.json")
    assert versions["datasette"]["version"]

    quotes = get_json(f"{server}/{serve.DB_NAME}/quotes.json?_shape=array&_size=max")
    assert sorted(q["quote_id"] for q in quotes) == sorted(r["quote_id"] for r in csv_rows(built_package, "quotes"))
    found = get_json(f"{server}/{serve.DB_NAME}/quotes.json?_shape=array&_search=reliable")
    assert [q["quote_id"] for q in found] == [RELIABLE_QUOTE]
    excerpts = get_json(f"{server}/{serve.DB_NAME}/evidence.json?_shape=array&_search=reliable")
    assert excerpts and all("reliable" in e["excerpt"].lower() for e in excerpts)

    served = get_json(f"{server}/-/metadata.json")["databases"][serve.DB_NAME]
    quotes_table = registry["quotes"]
    assert served["tables"]["quotes"]["description"] == quotes_table.description
    assert served["tables"]["quotes"]["columns"]["channel"].startswith(quotes_table.column("channel").description)

    claims = get_json(f"{server}/{serve.DB_NAME}/claims_for_visit.json?_shape=array&visit_id={FIRST_VISIT}")
    assert claims and any(c["agrees"] == 0 for c in claims)
    by_speaker = get_json(f"{server}/{serve.DB_NAME}/quotes_by_speaker.json?_shape=array&speaker_id={SPEAKER}")
    assert RELIABLE_QUOTE in {q["quote_id"] for q in by_speaker}
    conflicts = get_json(f"{server}/{serve.DB_NAME}/conflicts.json?_shape=array")
    assert any(c["agrees"] == 0 for c in conflicts)

    databases = get_json(f"{server}/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [(serve.DB_NAME, False)]  # served immutable (-i)

    facets = get_json(f"{server}/{serve.DB_NAME}/visits.json")["facet_results"]
    assert "visit_type" in facets

    index = html.unescape(serve.fetch(f"{server}/{serve.DB_NAME}", timeout=10).decode("utf-8"))
    for query in serve.canned_queries(registry).values():
        assert query["title"] in index
    page = html.unescape(serve.fetch(f"{server}/{serve.DB_NAME}/quotes_by_speaker?speaker_id={SPEAKER}",
                                     timeout=10).decode("utf-8"))
    assert "reliable partner for China" in page


def test_datasette_search_finds_every_spelling_in_every_searchable_table(server, registry):
    """Issue 13, through Datasette's own search (`?_search=`, the table page's search box) and the search query."""
    for table in serve.searchable(registry):
        rows = [get_json(f"{server}/{serve.DB_NAME}/{table.name}.json?_shape=array&_size=max&_search={word}")
                for word in ("Lukashenka", "Lukashenko")]
        assert rows[0] and rows[0] == rows[1], table.name
    found = [{(r["record_table"], r["record_id"]) for r in
              get_json(f"{server}/{serve.DB_NAME}/search.json?_shape=array&_size=max&words={word}")}
             for word in ("Lukashenka", "Lukashenko")]
    assert found[0] and found[0] == found[1]


def test_datasette_links_records_documents_and_the_viewer(server, registry):
    page = serve.fetch(f"{server}/{serve.DB_NAME}/evidence?record_table=visits&_size=5", timeout=10).decode("utf-8")
    assert f'<a href="/{serve.DB_NAME}/visits/{FIRST_VISIT}" title="visits row">{FIRST_VISIT}</a>' in page
    page = serve.fetch(f"{server}/{serve.DB_NAME}/facts_for_source?source_id={SOURCE}", timeout=10).decode("utf-8")
    assert f'<a href="/{serve.DB_NAME}/actors/{SPEAKER}" title="actors row">' in page  # in a canned query too
    assert get_json(f"{server}/{serve.DB_NAME}/visits/{FIRST_VISIT}.json?_shape=array")[0]["visit_id"] == FIRST_VISIT
    documents = serve.fetch(f"{server}/{serve.DB_NAME}/documents", timeout=10).decode("utf-8")
    viewer_page = f"/package/docs/sources/{SOURCE}.html"
    assert f'<a href="{viewer_page}">' in documents
    assert "mark id=" in serve.fetch(f"{server}{viewer_page}", timeout=10).decode("utf-8")
    index = serve.fetch(f"{server}/{serve.DB_NAME}", timeout=10).decode("utf-8")
    assert f'href="{serve.viewer_index_url()}"' in index
    assert b"<h1" in serve.fetch(f"{server}{serve.viewer_index_url()}", timeout=10)
    in_context = get_json(f"{server}/{serve.DB_NAME}/evidence_in_context.json?_shape=array&_size=1")[0]
    assert in_context["excerpt"] and in_context["context_after"]
    query = serve.fetch(f"{server}/{serve.DB_NAME}/quotes_by_speaker", timeout=10).decode("utf-8")
    assert f'<a href="?speaker_id={SPEAKER}">Alexander Lukashenko</a>' in query  # choices, not a typed slug


def test_serve_runs_in_the_foreground_and_stops_on_interrupt(built_package, tmp_path):
    """`serve()` as `belarus-china serve` runs it: answers, then Ctrl-C stops it and its Datasette."""
    port = serve.free_port("127.0.0.1")
    code = ("import sys; from belarus_china.browse.serve import serve; "
            f"sys.exit(serve({str(built_package)!r}, port={port}, sqlite_path={str(tmp_path / 'db.sqlite')!r}))")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/-/versions.json"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                assert get_json(url)["datasette"]
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "serve() did not answer within 30 s"
                time.sleep(0.2)
        os.kill(process.pid, signal.SIGINT)
        assert process.wait(timeout=20) == 0
        with pytest.raises((urllib.error.URLError, OSError)):
            serve.fetch(url, timeout=2)
        assert (tmp_path / "db.metadata.json").is_file()
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the session this test started, if anything is left in it
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
        process.stdout.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan may wait a while to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _start_cli_serve(package: Path, port: int, tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """`belarus-china serve` in its own session; returns it and its Datasette child once the server answers."""
    process = subprocess.Popen([sys.executable, "-m", "belarus_china.cli", "serve", "--package", str(package),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, cwd=tmp_path,
                               env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, f"serve exited with {process.returncode}"
        try:
            get_json(f"http://127.0.0.1:{port}/-/versions.json")
            break
        except (urllib.error.URLError, OSError):
            assert time.monotonic() < deadline, "serve did not answer within 60 s"
            time.sleep(0.2)
    children = _children(process.pid)
    assert len(children) == 1, children
    return process, children[0]


@pytest.fixture
def hostile_package(built_package, tmp_path) -> Path:
    """The package with a licence `path` that would run script in a browser."""
    package = tmp_path / "hostile"
    shutil.copytree(built_package, package, ignore=shutil.ignore_patterns("dist"))
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["licenses"][0]["path"] = "javascript:alert(document.cookie)"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return package


def _stop_session(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the session this test started, if anything is left in it
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def test_sigterm_stops_serve_and_its_datasette_and_no_package_url_is_a_script(hostile_package, tmp_path):
    port = serve.free_port("127.0.0.1")
    process, datasette = _start_cli_serve(hostile_package, port, tmp_path)
    try:
        for page in ("", f"/{serve.DB_NAME}", f"/{serve.DB_NAME}/quotes"):
            text = serve.fetch(f"http://127.0.0.1:{port}{page}", timeout=10).decode("utf-8")
            assert "javascript:" not in text and "CC-BY-4.0" in text, page
        os.kill(process.pid, signal.SIGTERM)  # to serve alone, as a service manager or `kill` sends it
        assert process.wait(timeout=30) == 0
        assert not _running(datasette), "Datasette outlived serve"
        assert not _listening(port), "something still listens on the port"
    finally:
        _stop_session(process)


def test_a_killed_serve_takes_its_datasette_with_it(built_package, tmp_path):
    """SIGKILL cannot be caught: the child is stopped by the kernel (PR_SET_PDEATHSIG)."""
    port = serve.free_port("127.0.0.1")
    process, datasette = _start_cli_serve(built_package, port, tmp_path)
    try:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 30
        while _running(datasette) or _listening(port):
            assert time.monotonic() < deadline, "Datasette still runs 30 s after serve was killed"
            time.sleep(0.2)
    finally:
        _stop_session(process)


# --- a headless browser ------------------------------------------------------------------------

def test_the_quotes_page_in_a_headless_browser(chromium, server, registry, tmp_path):
    # Facets off for the picture (they are on by default) so that rows show under the codebook.
    page = f"{server}/{serve.DB_NAME}/quotes?_nofacet=1&_nosuggest=1"

    screenshot = tmp_path / SCREENSHOT_NAME
    result = run_chromium(chromium, tmp_path / "profile-shot", f"--screenshot={screenshot}", page)
    assert screenshot.is_file(), result.stderr.decode(errors="replace")[-3000:]
    data = screenshot.read_bytes()
    assert png_size(data) == WINDOW
    assert len(data) > 20_000, "the screenshot is suspiciously small (a blank page?)"

    result = run_chromium(chromium, tmp_path / "profile-dom", "--dump-dom", page)
    dom = html.unescape(result.stdout.decode("utf-8", errors="replace"))
    assert result.returncode == 0 and "<table" in dom, result.stderr.decode(errors="replace")[-3000:]
    assert registry["quotes"].description in dom
    assert registry["quotes"].column("quote_kind").description in dom  # column descriptions are shown
    assert "reliable partner for China" in dom

    target = os.environ.get("BELARUS_CHINA_SCREENSHOT_DIR")
    if target:  # e.g. BELARUS_CHINA_SCREENSHOT_DIR=docs/screenshots, to refresh the committed picture
        folder = Path(target) if Path(target).is_absolute() else ROOT / target
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(screenshot, folder / SCREENSHOT_NAME)


# --- serve from an unrelated folder on a regular (non-editable) install ---------------------------

def _tree_without_bytecode(folder: Path) -> dict[str, bytes | str]:
    return {name: value for name, value in _tree(folder).items() if "__pycache__" not in name}


def test_serve_from_an_unrelated_folder_on_a_wheel_install_answers_searches_and_stops_on_sigterm(installed_wheel,
                                                                                                 tmp_path):
    """Issue 13: `belarus-china serve` with no --package, in a folder that is no package, on the installed wheel:
    it serves the package the wheel carries, from the user cache (nothing written into site-packages), finds
    every spelling, and SIGTERM leaves nothing listening."""
    elsewhere, cache = tmp_path / "elsewhere", tmp_path / "xdg-cache"
    elsewhere.mkdir()
    before = _tree_without_bytecode(installed_wheel)
    port = serve.free_port("127.0.0.1")
    env = {**os.environ, "PYTHONPATH": str(installed_wheel), "XDG_CACHE_HOME": str(cache)}
    process = subprocess.Popen([sys.executable, "-m", "belarus_china.cli", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, cwd=elsewhere,
                               env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                get_json(f"{url}/-/versions.json")
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "serve did not answer within 90 s"
                time.sleep(0.3)
        (datasette,) = _children(process.pid)
        command = Path(f"/proc/{datasette}/cmdline").read_bytes().split(b"\0")
        plugins = Path(command[command.index(b"--plugins-dir") + 1].decode())  # the launcher has become Datasette
        assert plugins.is_relative_to(installed_wheel)  # the installed copy's plugin, not the checkout's
        database = Path(command[command.index(b"-i") + 1].decode())
        assert database.is_relative_to(cache / "belarus-china") and database.is_file()

        quotes = get_json(f"{url}/{serve.DB_NAME}/quotes.json?_shape=array&_size=max")
        assert len(quotes) == len(csv_rows(ROOT, "quotes"))  # the package the wheel carries
        for table in ("quotes", "evidence", "documents"):
            found = [get_json(f"{url}/{serve.DB_NAME}/{table}.json?_shape=array&_size=max&_search={word}")
                     for word in ("Lukashenka", "Lukashenko")]
            assert found[0] and found[0] == found[1], table
        assert b"<mark" in serve.fetch(f"{url}/package/docs/sources/{SOURCE}.html", timeout=10)

        os.kill(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert not _running(datasette), "Datasette outlived serve"
        assert not _listening(port), "something still listens on the port"
        assert _tree_without_bytecode(installed_wheel) == before  # nothing written into the installed package
        assert not list(elsewhere.iterdir())  # nor into the folder it ran in
    finally:
        _stop_session(process)
        process.stdout.close()
