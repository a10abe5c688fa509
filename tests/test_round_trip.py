"""CSV -> DataFrame -> Parquet -> DataFrame gives equal frames, dtypes included, for every table,
and for awkward values: missing vs empty, Unicode, embedded quotes and newlines, nullable ints, lists.

The Parquet copy comes back in the loader's form (lists as Python lists, enumerations as categories),
which must equal the CSV read in that form."""

from __future__ import annotations

import copy
import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from belarus_china.base.codec import frame_from_arrow, frame_from_strings
from belarus_china.contract.registry import table_schema
from belarus_china.publish.tables import csv_bytes, parquet_bytes


def _round_trip(frame, schema):
    """(the CSV read back, the Parquet read back in the loader's form, the CSV read in the loader's form)"""
    text = pd.read_csv(io.BytesIO(csv_bytes(frame, schema)), dtype=str, keep_default_na=False)
    from_csv, bad = frame_from_strings(text, schema)
    assert bad == []
    as_loaded, _ = frame_from_strings(text, schema, categories=True)
    from_parquet = frame_from_arrow(pq.read_table(pa.BufferReader(parquet_bytes(from_csv, schema))), schema,
                                    categories=True)
    return from_csv, from_parquet, as_loaded


@pytest.mark.parametrize("name", ["sources", "actors", "visits", "agreements", "trade_figures", "quotes",
                                  "evidence", "inferences", "claims"])
def test_every_published_table_round_trips(built_package, registry, name):
    schema = table_schema(registry[name])
    text = pd.read_csv(built_package / f"datasets/csv/{name}.csv", dtype=str, keep_default_na=False)
    original, _ = frame_from_strings(text, schema)
    from_csv, from_parquet, as_loaded = _round_trip(original, schema)
    pd.testing.assert_frame_equal(from_csv, original)
    pd.testing.assert_frame_equal(from_parquet, as_loaded)
    for field in schema["fields"]:  # lists come back as lists of their items, not as one text
        if field["type"] == "list":
            items = [v for v in from_parquet[field["name"]] if v is not None]
            assert items and all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in items)


AWKWARD_TEXT = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), min_size=1)
    .filter(lambda s: s.strip() == s and s != ""),
    st.sampled_from(['He said "no", twice', "line one\nline two", "Lukashenka’s “peace plan” — 🎙️", "NA", "null"]),
)


AWKWARD_ITEM = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00|"),
                       min_size=1).filter(lambda s: s.strip() == s and s != "")


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(AWKWARD_TEXT, min_size=1, max_size=6), data=st.data())
def test_awkward_values_round_trip(registry, texts, data):
    # Values, not the contract, are under test here: every column may be missing.
    schema = copy.deepcopy(table_schema(registry["evidence"]))
    for field in schema["fields"]:
        field.get("constraints", {}).pop("required", None)
    n = len(texts)
    starts = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 10**9)), min_size=n, max_size=n))
    frame = pd.DataFrame({
        f["name"]: pd.Series([None] * n, dtype="string") for f in schema["fields"]
    })
    frame["excerpt"] = pd.Series(texts, dtype="string")
    frame["video_time"] = pd.Series(texts[::-1], dtype="string")
    frame["char_start"] = pd.Series(starts, dtype="Int64")
    frame["char_end"] = pd.Series(starts, dtype="Int64")
    lists = data.draw(st.lists(st.one_of(st.none(), st.lists(AWKWARD_ITEM, min_size=1, max_size=4)), min_size=n,
                               max_size=n))
    frame["supports"] = pd.Series([" | ".join(items) if items else None for items in lists], dtype="string")
    from_csv, from_parquet, as_loaded = _round_trip(frame, schema)
    pd.testing.assert_frame_equal(from_csv, frame)
    pd.testing.assert_frame_equal(from_parquet, as_loaded)
    assert from_parquet["supports"].tolist() == lists
