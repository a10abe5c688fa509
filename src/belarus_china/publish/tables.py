"""The tables as files: CSV and Parquet, deterministic (same frames, same bytes).

Each is written to a binary stream (a file in the staging folder, `written.py`) rather than returned as
bytes, so a table's file never has to be held whole in memory beside its frame. The CSV rows go
through the standard library's csv writer (its quoting is what the published files have always had),
a slice of rows at a time, each column turned into its text in one pass instead of one Python object
per row.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..base.codec import arrow_table, csv_cell

CSV_SLICE = 50_000  # rows turned into text at once: bounds the strings alive while a large table is written


def write_csv(frame: pd.DataFrame, schema: dict, out: Any) -> None:
    """The CSV file of a table: UTF-8, "\\n" line ends, minimal quoting, each cell as `codec.csv_cell` writes it."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")  # out: any writable binary stream
    try:
        writer = csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        fields = [(f["name"], f) for f in schema["fields"]]
        writer.writerow([name for name, _ in fields])
        for start in range(0, len(frame), CSV_SLICE):
            part = frame.iloc[start:start + CSV_SLICE]
            # Iterating a column gives the same values itertuples did (the cells the tests pin).
            columns = [[csv_cell(value, f) for value in part[name]] for name, f in fields]
            writer.writerows(zip(*columns, strict=True))
        text.flush()
    finally:
        text.detach()  # the stream belongs to the caller


def write_parquet(frame: pd.DataFrame, schema: dict, out: Any) -> None:
    """The Parquet file of a table: list<string> lists, dictionary-encoded enumerations (base.codec).

    No pandas metadata (it would tie the file to the writer's pandas and makes plain `pd.read_parquet` fail on
    list columns); the Arrow schema is stored, so that readers get the enumerations back as dictionaries
    (pandas categories). The same frames give the same bytes (with the same pyarrow)."""
    pq.write_table(arrow_table(frame, schema).replace_schema_metadata(None), out, compression="zstd",
                   store_schema=True)


def csv_bytes(frame: pd.DataFrame, schema: dict) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, schema, buffer)
    return buffer.getvalue()


def parquet_bytes(frame: pd.DataFrame, schema: dict) -> bytes:
    sink = pa.BufferOutputStream()
    write_parquet(frame, schema, sink)
    return sink.getvalue().to_pybytes()
