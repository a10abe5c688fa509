"""Load the published tables into pandas: `load("quotes")`.

Reads the Parquet copy declared on the table's resource in the package descriptor after checking its
size and sha256, and applies the dtypes the descriptor's Table Schema prescribes (itself generated
from the column registry): nullable integers and floats, strings, datetime64 dates, and categories
for enumerations. Needs only the ground layer: imports neither pandera, frictionless, YAML nor
matplotlib.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from .base.bounded_parquet import read_parquet
from .base.codec import TYPE_NAMES, arrow_schema, frame_from_arrow
from .base.package_source import DataPackageError, PackageSource, datapackage_path, open_package
from .base.safe_files import PackageFileError

__all__ = ["DataPackageError", "PackageSource", "datapackage_path", "load", "load_all", "load_from", "tables"]


def tables(package: str | Path | None = None) -> list[str]:
    """Names of the tables in the package, in descriptor order."""
    source = PackageSource(package)
    try:
        return source.tables()
    finally:
        source.close()


def table_schema_of(resource: dict, name: str) -> dict:
    """The resource's Table Schema, checked to be one the type codec can apply (the descriptor is untrusted)."""
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    problem = None
    if not isinstance(fields, list) or not fields:
        problem = "its schema is not an object with a list of fields"
    else:
        names = []
        for field in fields:
            constraints = field.get("constraints", {}) if isinstance(field, dict) else None
            enum = constraints.get("enum") if isinstance(constraints, dict) else None
            if not isinstance(field, dict) or not isinstance(field.get("name"), str) or field.get("type") not in TYPE_NAMES:
                problem = f"field {str(field)[:80]} is not an object with a name and one of the types {', '.join(TYPE_NAMES)}"
            elif not isinstance(constraints, dict) or (enum is not None and not (
                    isinstance(enum, list) and all(isinstance(v, str) for v in enum) and len(set(enum)) == len(enum))):
                problem = f"field {field['name']!r}: its constraints (or enum) are malformed"
            else:
                names.append(field["name"])
                continue
            break
        if problem is None and len(set(names)) != len(names):
            problem = "its schema names a field twice"
    if problem:
        raise DataPackageError(f"table {name!r}: {problem}", code="descriptor-shape")
    assert isinstance(schema, dict)
    return schema


def load_from(source: PackageSource, name: str) -> pd.DataFrame:
    resource = source.resources().get(name)
    if resource is None or not isinstance(resource.get("parquet"), dict):
        raise DataPackageError(f"no table {name!r} in {source.path}; tables: {', '.join(source.tables())}",
                               code="resource-missing")
    schema = table_schema_of(resource, name)
    label = str(resource["parquet"].get("path"))
    try:
        table = read_parquet(source.read(resource["parquet"]), label)
    except PackageFileError as exc:
        raise DataPackageError(f"table {name!r}: {exc}", code=exc.code) from None
    expected = arrow_schema(schema)
    missing = [n for n in expected.names if n not in table.schema.names]
    if missing or len(set(table.schema.names)) != len(table.schema.names):
        raise DataPackageError(f"table {name!r}: {label} lacks the columns {missing[:20]} its schema declares "
                               "(or names a column twice)", code="columns-mismatch")
    wrong = [f"{f.name} is {table.schema.field(f.name).type}, expected {f.type}"
             for f in expected if table.schema.field(f.name).type != f.type]
    if wrong:
        raise DataPackageError(f"table {name!r}: {label} has columns of the wrong type: {'; '.join(wrong)}",
                               code="parquet-column-type")
    try:
        return frame_from_arrow(table, schema, categories=True)
    except (pa.ArrowException, ValueError, TypeError, KeyError, OverflowError) as exc:
        raise DataPackageError(f"table {name!r}: {label} is damaged or not as described: {exc}",
                               code="parquet-unreadable") from None


def load(name: str, package: str | Path | None = None) -> pd.DataFrame:
    """One table as a DataFrame with the registry's dtypes, from the installed package, a package
    folder, its datapackage.json, or a release zip. Anything wrong with the package (it is untrusted
    input) is a DataPackageError with the problem code as `code`."""
    source = open_package(package)
    try:
        return load_from(source, name)
    finally:
        if source is not package:
            source.close()


def load_all(package: str | Path | None = None) -> dict[str, pd.DataFrame]:
    source = open_package(package)
    try:
        return {name: load_from(source, name) for name in source.tables()}
    finally:
        if source is not package:
            source.close()
