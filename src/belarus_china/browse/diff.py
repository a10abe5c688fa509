"""`belarus-china diff OLD NEW`: what a change did to the data, and the version bump it needs.

Compares two packages (folders, datapackage.json files or release zips) table by table, rows
matched by primary key, plus the schemas in their descriptors. The bump follows the Data Package
versioning recipe: major when a table or column is removed or a column's type changes; minor when
tables, columns or rows are added; patch when existing values are corrected or rows removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..base.package_source import DataPackageError, PackageSource
from ..loader import load_from, table_schema_of


@dataclass
class TableDiff:
    name: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # record id -> changed columns
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed
                    or self.columns_retyped)


@dataclass
class PackageDiff:
    tables: list[TableDiff]
    tables_added: list[str]
    tables_removed: list[str]

    def bump(self) -> str:
        if self.tables_removed or any(t.columns_removed or t.columns_retyped for t in self.tables):
            return "major"
        if self.tables_added or any(t.columns_added or t.added for t in self.tables):
            return "minor"
        if any(t.changed or t.removed for t in self.tables):
            return "patch"
        return "none"


def _schemas(source: PackageSource) -> dict[str, dict]:
    """Each table's schema, checked to be usable (the packages are untrusted: DataPackageError otherwise)."""
    return {name: table_schema_of(resource, name) for name, resource in source.resources().items()
            if resource.get("type") == "table"}


def _keys(frame: pd.DataFrame, schema: dict, name: str, label: str) -> pd.Index:
    """The rows' keys; the rows must be unique by key to be matched (DataPackageError `unique` otherwise)."""
    key = schema.get("primaryKey") or [schema["fields"][0]["name"]]
    key = [key] if isinstance(key, str) else key
    if not (isinstance(key, list) and key and all(isinstance(c, str) and c in frame.columns for c in key)):
        raise DataPackageError(f"table {name!r} in {label}: its primaryKey {str(key)[:80]} names no columns of the table",
                               code="descriptor-shape")
    index = pd.Index(frame[key].astype("string").fillna("").agg("/".join, axis=1), name="key")
    repeated = index[index.duplicated()].unique()
    if len(repeated):
        shown = ", ".join(repr(k) for k in repeated[:5])
        raise DataPackageError(f"table {name!r} in {label}: {len(repeated)} key(s) occur more than once ({shown}); "
                               "rows are matched by key, so each must be unique (`belarus-china validate` names them)",
                               code="unique")
    return index


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    a, b = a.astype("object"), b.astype("object")
    return (a.isna() & b.isna()) | (a == b).fillna(False).astype(bool)


def diff_table(name: str, old: PackageSource, new: PackageSource, old_schema: dict, new_schema: dict) -> TableDiff:
    result = TableDiff(name)
    old_types = {f["name"]: f["type"] for f in old_schema.get("fields", [])}
    new_types = {f["name"]: f["type"] for f in new_schema.get("fields", [])}
    result.columns_added = [c for c in new_types if c not in old_types]
    result.columns_removed = [c for c in old_types if c not in new_types]
    result.columns_retyped = [c for c in new_types if c in old_types and new_types[c] != old_types[c]]
    before = load_from(old, name)
    after = load_from(new, name)
    before.index = _keys(before, old_schema, name, old.label)
    after.index = _keys(after, new_schema, name, new.label)
    result.added = sorted(set(after.index) - set(before.index))
    result.removed = sorted(set(before.index) - set(after.index))
    common_rows = sorted(set(before.index) & set(after.index))
    common_columns = [c for c in new_types if c in old_types and c not in result.columns_retyped]
    for column in common_columns:
        same = _same(before.loc[common_rows, column], after.loc[common_rows, column])
        for key in same[~same].index:
            result.changed.setdefault(key, []).append(column)
    return result


def diff_packages(old_path, new_path) -> PackageDiff:
    """The differences between two packages (untrusted: anything wrong with either is a DataPackageError)."""
    old = PackageSource(old_path)
    try:
        new = PackageSource(new_path)
    except BaseException:
        old.close()
        raise
    try:
        old_schemas, new_schemas = _schemas(old), _schemas(new)
        tables = [diff_table(name, old, new, old_schemas[name], new_schemas[name])
                  for name in new_schemas if name in old_schemas]
    finally:
        old.close()
        new.close()
    return PackageDiff(tables=tables, tables_added=[n for n in new_schemas if n not in old_schemas],
                       tables_removed=[n for n in old_schemas if n not in new_schemas])


def render(result: PackageDiff) -> str:
    lines = []
    for name in result.tables_added:
        lines.append(f"table {name}: added")
    for name in result.tables_removed:
        lines.append(f"table {name}: removed")
    for table in result.tables:
        if table.empty:
            continue
        lines.append(f"table {table.name}:")
        for label, items in (("column added", table.columns_added), ("column removed", table.columns_removed),
                             ("column retyped", table.columns_retyped), ("row added", table.added),
                             ("row removed", table.removed)):
            lines += [f"  {label}: {item}" for item in items]
        lines += [f"  row changed: {key} ({', '.join(columns)})" for key, columns in sorted(table.changed.items())]
    lines.append(f"version bump needed: {result.bump()}")
    return "\n".join(lines)
