"""Polars, an analyst's other DataFrame library, reads the published files as pandas and DuckDB do: every
table and view from Parquet with the loader's rows and columns, list columns as lists, enumerations as
categories, and the CSVs with codes kept as text when read without type inference."""

from __future__ import annotations

import json

import polars as pl
import pytest
from conftest import ROOT

from belarus_china.loader import load

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_polars_reads_every_parquet_file_as_the_loader_does(name):
    resource = RESOURCES[name]
    frame = pl.read_parquet(ROOT / resource["parquet"]["path"])
    loaded = load(name, ROOT)
    assert frame.columns == list(loaded.columns)
    assert frame.height == len(loaded)
    for field in resource["schema"]["fields"]:
        kind = frame.schema[field["name"]]
        if field["type"] == "list":
            assert isinstance(kind, pl.List), (name, field["name"], kind)
            expected = [None if v is None else list(v) for v in loaded[field["name"]]]
            assert frame[field["name"]].to_list() == expected, (name, field["name"])
        elif field["type"] == "date":
            assert kind == pl.Date, (name, field["name"], kind)


def test_polars_counts_each_speaker_once_per_quotation():
    quotes = pl.read_parquet(ROOT / RESOURCES["quotes"]["parquet"]["path"])
    counts = dict(quotes.explode("speaker_ids").group_by("speaker_ids").len().iter_rows())
    loaded = load("quotes", ROOT)
    for speaker, count in counts.items():
        assert count == sum(speaker in ids for ids in loaded["speaker_ids"]), speaker


def test_polars_keeps_the_codes_leading_zeros_when_csv_types_are_not_inferred():
    visits = pl.read_csv(ROOT / RESOURCES["visits"]["path"], infer_schema=False)
    codes = [c for c in visits["cameo_code"].to_list() if c]
    assert codes and all(c.startswith("0") and len(c) == 3 for c in codes)
    assert codes == [c for c in load("visits", ROOT)["cameo_code"].dropna()]
