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
    sink = pa.BufferOutputStream()
    # No pandas metadata and no embedded Arrow schema: identical bytes for identical data (same pyarrow).
    pq.write_table(arrow_table(frame, schema).replace_schema_metadata(None), sink, compression="zstd",
                   store_schema=False)
    return sink.getvalue().to_pybytes()
