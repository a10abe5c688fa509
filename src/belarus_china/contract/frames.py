"""Rows (Python values) -> DataFrames with the registry's columns, order and dtypes."""

from __future__ import annotations

import pandas as pd

from ..base.codec import column_from_values
from .registry import Registry, Table, table_schema


def to_frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    """One table's rows as a frame sorted by primary key, so output never depends on input order."""
    data = {f["name"]: column_from_values([row.get(f["name"]) for row in rows], f)
            for f in table_schema(table)["fields"]}
    frame = pd.DataFrame(data, columns=table.column_names)
    return frame.sort_values(list(table.primary_key), kind="stable", ignore_index=True)


def to_frames(registry: Registry, rows: dict[str, list[dict]], *, release: bool = False) -> dict[str, pd.DataFrame]:
    """Every table's frame; with `release`, each table's rows are removed from `rows` once its frame is made, so
    that a table is never held as dicts and as a frame for longer than its own conversion."""
    frames = {}
    for table in registry:
        frames[table.name] = to_frame(table, rows.pop(table.name, []) if release else rows.get(table.name, []))
    return frames
