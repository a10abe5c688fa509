"""`belarus-china diff OLD NEW`: what a change did to the data, and the version bump it needs.

Compares two packages (folders, datapackage.json files or release zips) table by table, rows
matched by primary key, plus the schemas in their descriptors; a changed cell is shown old → new.
The bump follows the Data Package versioning recipe: major when a table or column is removed or a
column's type changes; minor when tables, columns or rows are added; patch when existing values are
corrected or rows removed. The versions the two descriptors carry are compared with the bump needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..base.package_source import DataPackageError, PackageSource
from ..base.terminal import shown
from ..loader import load_from, table_schema_of
from .renames import renamed


@dataclass
class TableDiff:
    name: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[object, object]]] = field(default_factory=dict)  # id -> column -> (old, new)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # old id -> new id (NEW's renamed_ids)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed
                    or self.columns_retyped or self.renamed)


BUMPS = ("none", "patch", "minor", "major")


@dataclass
class PackageDiff:
    tables: list[TableDiff]
    tables_added: list[str]
    tables_removed: list[str]
    old_version: str | None = None
    new_version: str | None = None

    def bump(self) -> str:
        if self.tables_removed or any(t.columns_removed or t.columns_retyped for t in self.tables):
            return "major"
        if self.tables_added or any(t.columns_added or t.added for t in self.tables):
            return "minor"
        if any(t.changed or t.removed or t.renamed for t in self.tables):
            return "patch"
        return "none"

    def bump_made(self) -> str | None:
        """The bump from OLD's version to NEW's (None when either is not x.y.z)."""
        old, new = _semver(self.old_version), _semver(self.new_version)
        if old is None or new is None:
            return None
        if new[0] > old[0]:
            return "major"
        if new[0] == old[0] and new[1] > old[1]:
            return "minor"
        if new[:2] == old[:2] and new[2] > old[2]:
            return "patch"
        return "none" if new == old else "backwards"

    def version_advice(self) -> str:
        needed, made = self.bump(), self.bump_made()
        if made is None:
            return f"version bump needed: {needed} (the versions {self.old_version!r} → {self.new_version!r} are not x.y.z)"
        said = f"version {self.old_version} → {self.new_version}"
        if made == "backwards":
            return f"{said} goes backwards; the change needs a {needed} bump"
        if BUMPS.index(made) >= BUMPS.index(needed):
            return f"{said} is a {made} bump; the change needs {needed}: enough"
        return f"{said} is a {made} bump, but the change needs {needed}: bump the version in pyproject.toml to " \
               f"{_next(self.old_version or '', needed)} and add its CHANGELOG heading"


def _semver(version: str | None) -> tuple[int, int, int] | None:
    parts = (version or "").split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def _next(version: str, bump: str) -> str:
    major, minor, patch = _semver(version) or (0, 0, 0)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0"}.get(bump, f"{major}.{minor}.{patch + 1}")


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


def diff_table(name: str, old: PackageSource, new: PackageSource, old_schema: dict, new_schema: dict,
               renames: dict[tuple[str, str], str] | None = None) -> TableDiff:
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
    # A removed id that NEW lists as renamed to an added one is a rename, not a removal and an addition.
    for old_id in list(result.removed):
        new_id = (renames or {}).get((name, old_id))
        if new_id in result.added:
            result.renamed[old_id] = new_id
            result.removed.remove(old_id)
            result.added.remove(new_id)
    common_rows = sorted(set(before.index) & set(after.index))
    common_columns = [c for c in new_types if c in old_types and c not in result.columns_retyped]
    for column in common_columns:
        old_values, new_values = before.loc[common_rows, column], after.loc[common_rows, column]
        same = _same(old_values, new_values)
        for key in same[~same].index:
            result.changed.setdefault(key, {})[column] = (old_values[key], new_values[key])
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
        renames = renamed(new)
        tables = [diff_table(name, old, new, old_schemas[name], new_schemas[name], renames)
                  for name in new_schemas if name in old_schemas]
        versions = _version(old), _version(new)
    finally:
        old.close()
        new.close()
    return PackageDiff(tables=tables, tables_added=[n for n in new_schemas if n not in old_schemas],
                       tables_removed=[n for n in old_schemas if n not in new_schemas],
                       old_version=versions[0], new_version=versions[1])


def _version(source: PackageSource) -> str | None:
    version = source.descriptor.get("version")
    return version if isinstance(version, str) else None


def _shown(value: object, limit: int = 80) -> str:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return "(empty)"
    text = " | ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    if hasattr(value, "date") and getattr(value, "hour", 0) == 0 and getattr(value, "minute", 0) == 0:
        text = str(value.date())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        lines += [f"  row renamed: {old} → {new}" for old, new in sorted(table.renamed.items())]
        for key, columns in sorted(table.changed.items()):
            lines.append(f"  row changed: {key}")
            lines += [f"    {column}: {_shown(old)} → {_shown(new)}" for column, (old, new) in columns.items()]
    lines.append(f"version bump needed: {result.bump()}")
    lines.append(result.version_advice())
    return "\n".join(shown(line) for line in lines)  # each line: no package text can break or colour it
