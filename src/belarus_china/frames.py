"""Rows (Python values) -> DataFrames with the registry's columns, order and dtypes."""

from __future__ import annotations

import pandas as pd

from .registry import LIST_DELIMITER, Registry, Table, table_schema
from .types import value_dtype


def to_frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    """One table's rows as a frame sorted by primary key, so output never depends on input order."""
    schema = table_schema(table)
    data = {}
    for f in schema["fields"]:
        name = f["name"]
        cells = [row.get(name) for row in rows]
        if f["type"] == "list":  # stored as one text, joined; an empty list is missing
            cells = [LIST_DELIMITER.join(value) if value else None for value in cells]
        series = pd.Series(cells, dtype="object")
        if f["type"] == "date":
            series = pd.to_datetime(series)
        data[f["name"]] = series.astype(value_dtype(f))
    frame = pd.DataFrame(data, columns=table.column_names)
    return frame.sort_values(list(table.primary_key), kind="stable", ignore_index=True)


def to_frames(registry: Registry, rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    return {table.name: to_frame(table, rows.get(table.name, [])) for table in registry}
