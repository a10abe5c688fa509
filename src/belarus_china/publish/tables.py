"""The tables as files: CSV and Parquet bytes, deterministic (same frames, same bytes)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..base.codec import arrow_table, csv_cell


def csv_bytes(frame: pd.DataFrame, schema: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([f["name"] for f in schema["fields"]])
    fields = [(f["name"], f) for f in schema["fields"]]
    for row in frame.itertuples(index=False):
        writer.writerow([csv_cell(getattr(row, name), f) for name, f in fields])
    return buffer.getvalue().encode("utf-8")


def parquet_bytes(frame: pd.DataFrame, schema: dict) -> bytes:
    """The Parquet file of a table: list<string> lists, dictionary-encoded enumerations (base.codec).

    No pandas metadata (it would tie the file to the writer's pandas and makes plain `pd.read_parquet` fail on
    list columns); the Arrow schema is stored, so that readers get the enumerations back as dictionaries
    (pandas categories). The same frames give the same bytes (with the same pyarrow)."""
    sink = pa.BufferOutputStream()
    pq.write_table(arrow_table(frame, schema).replace_schema_metadata(None), sink, compression="zstd",
                   store_schema=True)
    return sink.getvalue().to_pybytes()
