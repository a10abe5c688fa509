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


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts, as `frame.to_dict("records")` gives them (a missing value is None, a missing date
    NaT), built column by column: pandas' to_dict boxes every cell of an Arrow-backed column one by one,
    which dominated the row-by-row rules at 100k+ rows."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            columns.append(series.tolist())  # Timestamps, NaT where missing (what to_dict gives)
        else:
            columns.append(series.to_numpy(dtype=object, na_value=None).tolist())
    names = list(frame.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


class Rows:
    """Each table's rows as dicts (`records`), made once per check: several rules walk the same table row by
    row, and making the dicts cost as much as some of the rules themselves. The rows are read, never changed
    (a rule that adds its own keys names them with a leading underscore)."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames
        self._made: dict[str, list[dict]] = {}

    def __getitem__(self, name: str) -> list[dict]:
        if name not in self._made:
            self._made[name] = records(self.frames[name])
        return self._made[name]
