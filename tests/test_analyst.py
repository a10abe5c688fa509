"""For analysts: native types in Parquet (list<string>, dictionary-encoded enumerations) read the same by
pyarrow, pandas, DuckDB and load(); CSV and Parquet compared as lists; and the loader's helpers
(parquet_path, describe, raw_text, context) checked against the files themselves."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from corrupt import rehash

import belarus_china as bc
from belarus_china.contract.validate import validate_package

SEP = " | "


def _descriptor(root):
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def _fields(root, name):
    return {f["name"]: f for r in _descriptor(root)["resources"] if r["name"] == name for f in r["schema"]["fields"]}


def _csv(root, name):
    with open(root / f"datasets/csv/{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- Parquet types --------------------------------------------------------------------------------

def test_list_columns_are_list_of_string_and_enumerations_dictionaries_in_parquet(built_package):
    for resource in _descriptor(built_package)["resources"]:
        schema = pq.read_schema(built_package / resource["parquet"]["path"])
        for field in resource["schema"]["fields"]:
            arrow = schema.field(field["name"]).type
            enum = field.get("constraints", {}).get("enum")
            if field["type"] == "list":
                assert pa.types.is_list(arrow) and arrow.value_type == pa.string(), (resource["name"], field["name"])
            elif enum:
                assert pa.types.is_dictionary(arrow) and arrow.value_type == pa.string(), (resource["name"], field["name"])
                # the dictionary is the registry's values in their order, used or not
                column = pq.read_table(built_package / resource["parquet"]["path"], columns=[field["name"]]).column(0)
                assert len(column) == 0 or column.chunk(0).dictionary.to_pylist() == enum  # an empty file keeps no dictionary
            elif field["type"] == "string":
                assert arrow == pa.string()


def test_each_reader_sees_the_csvs_list_as_a_list(built_package):
    path = built_package / "datasets/parquet/actors.parquet"
    rows = {r["actor_id"]: r for r in _csv(built_package, "actors")}
    expected = rows["alexander-lukashenko"]["aliases"].split(SEP)
    assert len(expected) > 1
    via_duckdb = duckdb.sql(f"SELECT aliases, len(aliases) FROM '{path}' WHERE actor_id = 'alexander-lukashenko'").fetchall()[0]
    assert via_duckdb == (expected, len(expected))
    loaded = bc.load("actors", package=built_package).set_index("actor_id")
    assert loaded["aliases"].dtype == object and loaded.loc["alexander-lukashenko", "aliases"] == expected
    missing = [a for a, r in rows.items() if r["aliases"] == ""]
    assert all(loaded.loc[a, "aliases"] is None for a in missing)
    plain = pd.read_parquet(path)  # no pandas metadata: plain pandas reads it (lists as arrays, enums as categories)
    assert list(plain.set_index("actor_id").loc["alexander-lukashenko", "aliases"]) == expected
    assert isinstance(plain["actor_kind"].dtype, pd.CategoricalDtype)
    exploded = loaded["aliases"].explode()
    assert len(exploded.dropna()) == sum(len(r["aliases"].split(SEP)) for r in rows.values() if r["aliases"])


def test_load_gives_categories_in_registry_order_and_lists_stay_lists_through_pandas(built_package):
    quotes = bc.load("quotes", package=built_package)
    fields = _fields(built_package, "quotes")
    assert list(quotes["channel"].cat.categories) == fields["channel"]["constraints"]["enum"]
    assert all(isinstance(v, list) and v for v in quotes["speaker_ids"])
    by_speaker = quotes.explode("speaker_ids").groupby("speaker_ids").size()
    assert by_speaker.sum() == sum(len(r["speaker_ids"].split(SEP)) for r in _csv(built_package, "quotes"))


def test_csv_and_parquet_are_compared_as_lists(project, registry):
    """A Parquet list holding one item "a | b" is not the CSV's two items, although its text would be."""
    path = project / "datasets/parquet/actors.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("aliases")
    values = table.column("aliases").to_pylist()
    row = next(i for i, v in enumerate(values) if v and len(v) > 1)
    values[row] = [SEP.join(values[row])]
    table = table.set_column(index, table.schema.field(index), pa.array(values, type=table.schema.field(index).type))
    pq.write_table(table, path)
    rehash(project)
    problems = validate_package(project, registry, use_frictionless=False)
    assert [(p.code, p.table, p.column) for p in problems] == [("csv-parquet-mismatch", "actors", "aliases")]


def test_a_parquet_written_without_the_arrow_schema_still_holds_the_same_data(project, registry):
    """Dictionary encoding is how the build stores an enumeration, not a type: a writer that drops the stored
    Arrow schema (enumerations come back as plain strings) has written the same data; a list is still a list."""
    path = project / "datasets/parquet/sources.parquet"
    pq.write_table(pq.read_table(path).replace_schema_metadata(None), path, store_schema=False)
    assert not pa.types.is_dictionary(pq.read_schema(path).field("doc_kind").type)
    rehash(project)
    assert validate_package(project, registry, use_frictionless=False) == []
    path = project / "datasets/parquet/actors.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("aliases")
    table = table.set_column(index, "aliases", pa.array([None if v is None else SEP.join(v)
                                                         for v in table.column("aliases").to_pylist()]))
    pq.write_table(table, path)
    rehash(project)
    problems = validate_package(project, registry, use_frictionless=False)
    assert [(p.code, p.table) for p in problems] == [("parquet-column-type", "actors")]


# --- loader helpers ---------------------------------------------------------------------------------

def test_parquet_path_is_the_checked_file_duckdb_reads(built_package):
    path = bc.parquet_path("claims", package=built_package)
    assert path == (built_package / "datasets/parquet/claims.parquet").resolve()
    count = duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()[0][0]
    assert count == len(_csv(built_package, "claims"))
    assert bc.parquet_path("timeline", package=built_package).name == "timeline.parquet"


def test_parquet_path_refuses_a_damaged_file_and_a_zip(project, tmp_path):
    zipped = tmp_path / "package.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(project / "datapackage.json", "datapackage.json")
    with pytest.raises(bc.DataPackageError, match="unzip") as caught:
        bc.parquet_path("claims", package=zipped)
    assert caught.value.code == "file-missing"
    target = project / "datasets/parquet/claims.parquet"
    target.write_bytes(target.read_bytes()[:-1] + b"\0")
    with pytest.raises(bc.DataPackageError) as caught:
        bc.parquet_path("claims", package=project)
    assert caught.value.code == "hash-mismatch"


def test_describe_is_the_codebook_entry_of_a_table(built_package):
    described = bc.describe("sources", package=built_package)
    fields = _fields(built_package, "sources")
    assert described["column"].tolist() == list(fields)
    assert list(described.columns) == ["column", "type", "dtype", "required", "description", "unit", "allowed_values"]
    row = described.set_index("column").loc["doc_kind"]
    assert row["required"] and row["type"] == "string" and row["dtype"].startswith("category")
    for category in fields["doc_kind"]["categories"]:
        assert f"{category['value']}: {category['label']}" in row["allowed_values"]
    assert described.set_index("column").loc["char_count", "dtype"].startswith("Int64")
    assert described.attrs["title"] == "Source documents" and "derived_from" not in described.attrs
    view = bc.describe("quotes_in_context", package=built_package)
    assert view.attrs["derived_from"] == ["quotes", "actors", "sources", "evidence"]
    assert view.set_index("column").loc["excerpts", "dtype"].startswith("object: a Python list")


def test_raw_text_is_the_checked_document(project):
    sources = {r["source_id"]: r for r in _csv(project, "sources")}
    source_id, row = next(iter(sources.items()))
    text = bc.raw_text(source_id, package=project)
    assert text == (project / row["raw_path"]).read_text(encoding="utf-8") and len(text) == int(row["char_count"])
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == row["sha256"]
    (project / row["raw_path"]).write_text(text + " ", encoding="utf-8")
    with pytest.raises(bc.DataPackageError) as caught:
        bc.raw_text(source_id, package=project)
    assert caught.value.code == "source-checksum"
    with pytest.raises(KeyError, match="no sources row"):
        bc.raw_text("no-such-source", package=project)


def test_context_marks_the_excerpt_inside_its_text(built_package):
    evidence = _csv(built_package, "evidence")
    row = max(evidence, key=lambda r: int(r["char_start"]))  # late in its document: text on both sides
    raw_path = {r["source_id"]: r["raw_path"] for r in _csv(built_package, "sources")}[row["source_id"]]
    text = (built_package / raw_path).read_text(encoding="utf-8")
    start, end = int(row["char_start"]), int(row["char_end"])
    shown = bc.context(row["evidence_id"], chars=40, package=built_package)
    before = text[max(0, start - 40):start]
    after = text[end:end + 40]
    assert shown.startswith("…" + before) if start > 40 else shown.startswith(before)
    assert f"{before}⟦{row['excerpt']}⟧{after}" in shown
    assert shown.endswith("…") == (end + 40 < len(text))
    assert bc.context(row["evidence_id"], chars=0, package=built_package).strip("…") == f"⟦{row['excerpt']}⟧"
    assert bc.context(row["evidence_id"], chars=5, package=built_package, marks=("<<", ">>")).count("<<") == 1
    with pytest.raises(KeyError):
        bc.context("no-such-evidence", package=built_package)


def test_the_helpers_are_on_the_top_level_package_and_light():
    import subprocess
    import sys

    code = ("import sys, belarus_china as bc; [getattr(bc, n) for n in ('parquet_path', 'describe', 'raw_text', "
            "'context', 'views')]; bc.describe('quotes'); "
            "assert not {'pandera', 'frictionless', 'yaml', 'matplotlib'} & set(sys.modules), sorted(sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
