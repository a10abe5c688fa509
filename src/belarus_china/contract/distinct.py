"""Declared distinct: two records that look alike but are declared distinct name what differs.

A `distinctions` row says record_id is not other_id, and in which columns (`differs_in`) the two differ.
Each named column must be a column of the table in which the two records' published values are not
the same (one may be empty where the other is not): a reason that names no difference, or one the
tables do not show, would let a second account of one fact pass as another fact.
"""

from __future__ import annotations

import pandas as pd

from ..base.codec import csv_cell
from ..base.problems import Problem
from .registry import Registry, field_descriptor
from .vocabulary import Distinctions


def _items(value, delimiter: str) -> list[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [i for i in str(value).split(delimiter) if i]


def check_distinctions(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]) -> list[Problem]:
    frame = frames[Distinctions.table]
    problems = []
    rows_of: dict[str, dict[str, dict]] = {}
    for label, table_name, record, other, differs in zip(
            ids[Distinctions.table].tolist(), *(frame[c].tolist() for c in (
                Distinctions.record_table, Distinctions.record_id, Distinctions.other_id, Distinctions.differs_in)),
            strict=True):
        if table_name not in registry.tables:
            continue  # an unknown table is reported by the enumeration rule
        table = registry[table_name]
        if table_name not in rows_of:
            target = frames[table_name]
            rows_of[table_name] = {str(k): row for k, row in zip(target[table.primary_key[0]].tolist(),
                                                                  target.to_dict("records"), strict=True)}
        rows = rows_of[table_name]

        def problem(message: str, label: str = label) -> None:
            problems.append(Problem("distinction-unfounded", message, table=Distinctions.table, record=label,
                                    column=Distinctions.differs_in))

        if other not in rows or record not in rows:
            missing = other if other not in rows else record
            problem(f"{missing!r} names no row of {table_name}")
            continue
        for column in _items(differs, registry.list_delimiter):
            if column not in table.column_names:
                problem(f"{column!r} is not a column of {table_name}")
                continue
            descriptor = field_descriptor(table, table.column(column))
            mine, theirs = csv_cell(rows[record][column], descriptor), csv_cell(rows[other][column], descriptor)
            if table.is_list(column):  # a list names the same items in any order
                mine, theirs = (registry.list_delimiter.join(sorted(_items(v, registry.list_delimiter)))
                                for v in (mine, theirs))
            if mine == theirs:
                problem(f"{record} and {other} have the same {column} ({mine or 'both empty'}): name a column in "
                        "which they differ")
    return problems
