"""Codes made of digits (CAMEO's `042`) survive a reader of the CSV files who follows the codebook: which
columns they are is derived from the registry (`Column.digits_as_text`), and the codebook says so."""

from __future__ import annotations

import dataclasses

import pandas as pd
from conftest import ROOT

from belarus_china.publish.csv_reading import codebook_section, digit_code_columns

VISITS_CSV = ROOT / "datasets" / "csv" / "visits.csv"


def test_a_guessing_reader_loses_the_zeros_and_the_codebooks_dtype_keeps_them(registry):
    guessed = pd.read_csv(VISITS_CSV)["cameo_code"].dropna()
    assert guessed.dtype.kind in "if" and not guessed.astype(str).str.startswith("0").any()  # the trap is real
    columns = digit_code_columns(registry)["visits"]
    kept = pd.read_csv(VISITS_CSV, dtype=dict.fromkeys(columns, "string"), keep_default_na=False, na_values=[""])
    for column in columns:
        assert kept[column].dropna().str.fullmatch("0[0-9]{2}").all(), column


def test_which_columns_are_codes_is_derived_from_the_registry(registry):
    found = digit_code_columns(registry)
    assert found["visits"] == ["cameo_code", "cameo_host_code"] and found["agreements"] == ["cameo_code"]
    assert "plover_event_type" not in found["visits"]  # codes of letters need nothing
    column = registry.fields["plover_event_type"]
    assert dataclasses.replace(column, enum={"007": "x", "120": "y"}).digits_as_text
    assert dataclasses.replace(column, enum=None, example="0123").digits_as_text
    assert not dataclasses.replace(column, enum={"007": "x", "A1": "y"}).digits_as_text
    assert not dataclasses.replace(column, type="integer", enum=None, example="12").digits_as_text
    assert not dataclasses.replace(column, enum=None, example=None).digits_as_text


def test_the_codebook_names_the_code_columns(registry):
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    section = codebook_section(registry)
    assert section and section[0] in codebook
    for table, columns in digit_code_columns(registry).items():
        assert f"`{table}`: " + ", ".join(f"`{c}`" for c in columns) in section[0]
    assert codebook.count("(digits kept as text: read as `str`)") >= sum(map(len, digit_code_columns(registry).values()))
