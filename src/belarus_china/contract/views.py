"""Views (validation/views.yaml): derived tables made from the published tables, one definition each.

`make_view` makes a view from table frames in the value form (base.codec: a list is its joined text),
so the build publishes exactly what validation makes again from a package's tables; `view_problems`
compares a published view with what its tables give. Nothing here knows a view by name: every choice is
in the registry's `View` (contract.registry).
"""

from __future__ import annotations

import pandas as pd

from ..base.codec import CodecError, join_list, same_cells, value_dtype
from ..base.problems import Problem
from .event_export import make_directed_events
from .registry import Registry, Table, View, ViewColumn, field_descriptor
from .rules import record_ids


def _text(value) -> str | None:
    return None if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _lookup(frame: pd.DataFrame, key: str, column: str) -> dict[str, object]:
    return {k: v for k, v in zip(frame[key].tolist(), frame[column].tolist(), strict=True) if _text(k) is not None}


def _citations(registry: Registry, spec: ViewColumn, table: str, frames: dict[str, pd.DataFrame]) -> dict[str, list]:
    """Record id -> the values of `spec.take` of the rows of `spec.table` pointing at that record of `table`."""
    citing = registry[str(spec.table)]
    assert citing.points_at is not None
    table_column, id_column = citing.points_at
    rows = frames[citing.name]
    rows = rows[rows[table_column].astype("string") == table]
    rows = rows.sort_values(list(spec.order_by), kind="stable", na_position="last")
    found: dict[str, list] = {}
    for record, value in zip(rows[id_column].tolist(), rows[str(spec.take)].tolist(), strict=True):
        if _text(value) is None:
            continue
        items = found.setdefault(str(record), [])
        if not (spec.distinct and value in items):
            items.append(value)
    return found


def _member_columns(registry: Registry, view: View, table: Table, frames: dict[str, pd.DataFrame],
                    delimiter: str) -> dict[str, list]:
    """The view's columns for the rows of one of its tables, as Python values (lists for list columns)."""
    frame = frames[table.name]
    n = len(frame)
    key = table.primary_key[0]
    out: dict[str, list] = {}
    for spec, column in zip(view.columns, view.table.columns, strict=True):
        if spec.kind == "column":
            out[column.name] = frame[spec.columns[0]].tolist() if spec.columns[0] in frame.columns else [None] * n
        elif spec.kind == "via":
            target = registry[str(spec.table)]
            names = _lookup(frames[target.name], target.primary_key[0], str(spec.take))
            ids = frame[spec.columns[0]].tolist()
            if table.is_list(spec.columns[0]):
                out[column.name] = [None if _text(v) is None else
                                    [names[i] for i in str(v).split(delimiter) if i in names] or None for v in ids]
            else:
                out[column.name] = [None if _text(v) is None else names.get(str(v)) for v in ids]
        elif spec.kind == "cited_by":
            cited = _citations(registry, spec, table.name, frames)
            out[column.name] = [cited.get(str(k)) for k in frame[key].tolist()]
        elif spec.kind == "country_name":
            out[column.name] = [None if _text(code) is None else (registry.countries.get(str(code)) or (None,))[0]
                                for code in frame[spec.columns[0]].tolist()]
        elif spec.kind == "table_name":
            out[column.name] = [table.name] * n
        elif spec.kind == "key":
            out[column.name] = frame[key].tolist()
        else:  # first_of
            picked = next(c for c in spec.columns if c in frame.columns)
            out[column.name] = frame[picked].tolist()
    return out


def make_view(view: View, registry: Registry, frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Problem]]:
    """The view made from the table frames (value form), sorted by its `order_by` and key; and a list-item
    problem for every list value that its text cannot hold (an item containing the delimiter)."""
    if view.directed:
        return make_directed_events(view, registry, frames)
    problems: list[Problem] = []
    fields = [field_descriptor(view.table, c) for c in view.table.columns]
    delimiter = view.table.list_delimiter
    parts = []
    for name in view.tables:
        table = registry[name]
        values = _member_columns(registry, view, table, frames, delimiter)
        keys = frames[name][table.primary_key[0]].tolist()
        columns = {}
        for field in fields:
            cells = values[field["name"]]
            if field["type"] == "list":
                joined = []
                for record, items in zip(keys, cells, strict=True):
                    if not isinstance(items, list):  # a list column of the table: already its text, or missing
                        joined.append(_text(items))
                        continue
                    try:
                        joined.append(join_list([str(i) for i in items], field) if items else None)
                    except CodecError as exc:
                        problems.append(Problem("list-item", f"the view cannot hold this list in its text: {exc}",
                                                table=view.name, record=f"{name}/{record}", column=field["name"]))
                        joined.append(None)
                cells = joined
            series = pd.Series(cells, dtype="object")
            if field["type"] == "date":
                series = pd.to_datetime(series)
            columns[field["name"]] = series.astype(value_dtype(field))
        parts.append(pd.DataFrame(columns, columns=view.table.column_names))
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    for field in fields:  # concat may loosen a dtype where one table lacks the column
        frame[field["name"]] = frame[field["name"]].astype(value_dtype(field))
    order = list(dict.fromkeys([*view.order_by, *view.table.primary_key]))
    return frame.sort_values(order, kind="stable", na_position="last", ignore_index=True), problems


def make_views(registry: Registry, frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    made, problems = {}, []
    for view in registry.views.values():
        made[view.name], found = make_view(view, registry, frames)
        problems += found
    return made, problems


def view_problems(view: View, published: pd.DataFrame, expected: pd.DataFrame) -> list[Problem]:
    """Where a published view (value form, as read from its CSV) differs from what its tables give."""
    table = view.table
    if len(published) != len(expected) or not record_ids(table, published).equals(record_ids(table, expected)):
        missing = sorted(set(record_ids(table, expected)) - set(record_ids(table, published)))
        extra = sorted(set(record_ids(table, published)) - set(record_ids(table, expected)))
        detail = "; ".join(part for part in (f"missing rows {missing[:5]}" if missing else "",
                                             f"rows no table gives {extra[:5]}" if extra else "") if part)
        return [Problem("view-mismatch", f"the view's rows are not those its tables give ({len(published)} rows, "
                                         f"expected {len(expected)}{'; ' + detail if detail else ', or in another order'})",
                        table=view.name)]
    problems = []
    ids = record_ids(table, expected)
    for column in table.columns:
        same = same_cells(published[column.name], expected[column.name], field_descriptor(table, column))
        for index in same[~same].index:
            problems.append(Problem("view-mismatch", f"the view has {published[column.name][index]!r} where its tables "
                                    f"give {expected[column.name][index]!r}", table=view.name, record=ids[index],
                                    column=column.name))
    return problems
