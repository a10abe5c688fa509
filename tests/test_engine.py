"""The reference rules as SQL on DuckDB (contract.engine): each problem exactly as validation names it
(code, table, record, column, message), in the order of the rows; on small frames written by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT
from corrupt import read_table

from belarus_china.base.problems import Problem
from belarus_china.contract.engine import check_references, foreign_key_sql, quote
from belarus_china.contract.rules import record_ids


@pytest.fixture(scope="module")
def frames(registry) -> dict[str, pd.DataFrame]:
    """The committed package's tables in the value form (the rules find nothing in them)."""
    return {t.name: read_table(ROOT, registry, t.name) for t in registry}


def _check(registry, frames):
    return check_references(registry, frames, {t.name: record_ids(t, frames[t.name]) for t in registry})


def _edited(frames, table, row, **values):
    out = dict(frames)
    frame = frames[table].copy()
    for column, value in values.items():
        frame.loc[row, column] = value
    out[table] = frame
    return out


def test_the_published_tables_break_no_reference_rule(registry, frames):
    assert _check(registry, frames) == []


def test_a_list_item_naming_no_record_is_reported_item_by_item_in_row_order(registry, frames):
    agreements = frames["agreements"]
    first, second = agreements["agreement_id"].iloc[0], agreements["agreement_id"].iloc[1]
    edited = _edited(frames, "agreements", 1, parties="nobody | government-of-china |  | also-nobody")
    edited = _edited(edited, "agreements", 0, parties="first-nobody")
    assert _check(registry, edited) == [
        Problem("foreign-key", "'first-nobody' is not among actors.actor_id", table="agreements", record=first,
                column="parties"),
        Problem("foreign-key", "'nobody' is not among actors.actor_id", table="agreements", record=second,
                column="parties"),
        Problem("foreign-key", "'' is not among actors.actor_id", table="agreements", record=second, column="parties"),
        Problem("foreign-key", "'also-nobody' is not among actors.actor_id", table="agreements", record=second,
                column="parties"),
    ]


def test_a_removed_parent_makes_every_child_dangle_and_a_missing_value_is_no_reference(registry, frames):
    quotes = frames["quotes"]
    row = int(quotes.index[quotes["addressee_id"].notna()][0])
    edited = _edited(frames, "quotes", row, addressee_id=None)
    assert _check(registry, edited) == []
    edited = _edited(frames, "quotes", row, addressee_id="nobody-at-all")
    assert _check(registry, edited) == [
        Problem("foreign-key", "'nobody-at-all' is not among actors.actor_id", table="quotes",
                record=quotes["quote_id"].iloc[row], column="addressee_id")]


def test_an_uncited_record_and_a_pointer_to_no_record(registry, frames):
    evidence = frames["evidence"]
    quote_id = frames["quotes"]["quote_id"].iloc[0]
    edited = dict(frames, evidence=evidence[~((evidence["record_table"] == "quotes") &
                                            (evidence["record_id"] == quote_id))].reset_index(drop=True))
    assert _check(registry, edited) == [Problem("no-evidence", "no evidence row cites this record", table="quotes",
                                                record=quote_id)]
    claims = frames["claims"]
    edited = _edited(frames, "claims", 0, record_id="no-such-visit")
    edited = _edited(edited, "claims", 2, record_id=None)
    edited = _edited(edited, "claims", 1, record_table="not-a-table")   # names no table: not this rule's
    found = [p for p in _check(registry, edited) if p.code == "record-reference"]
    assert found == [
        Problem("record-reference", f"'no-such-visit' is not a record of {claims['record_table'].iloc[0]}",
                table="claims", record=record_ids(registry["claims"], edited["claims"]).iloc[0], column="record_id"),
        Problem("record-reference", f"<NA> is not a record of {claims['record_table'].iloc[2]}", table="claims",
                record=record_ids(registry["claims"], edited["claims"]).iloc[2], column="record_id"),
    ]


def test_the_sql_is_generated_from_the_registry_and_quotes_every_name(registry):
    table = registry["agreements"]
    sql = foreign_key_sql(table, "parties", "actors", "actor_id")
    assert "string_split" in sql and "WITH ORDINALITY" in sql and "' | '" in sql and quote("actors") in sql
    assert quote('a"b') == '"a""b"'
    scalar = foreign_key_sql(registry["quotes"], "addressee_id", "actors", "actor_id")
    assert "string_split" not in scalar


def test_the_engine_is_not_the_loaders():
    """The loader never imports the validation engine (ARCHITECTURE.md)."""
    import subprocess
    import sys
    code = "import belarus_china.loader, sys; assert 'duckdb' not in sys.modules and 'pandera' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
