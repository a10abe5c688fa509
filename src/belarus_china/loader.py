"""Load the published tables into pandas: `load("quotes")`, and the helpers around it.

Reads the Parquet copy declared on the table's resource in the package descriptor after checking its
size and sha256, and applies the dtypes the descriptor's Table Schema prescribes (itself generated
from the column registry): nullable integers and floats, strings, datetime64 dates, categories for
enumerations, and Python lists for list columns (base.codec says how each type is held). Views (derived
tables, validation/views.yaml) load the same way.

Helpers: `parquet_path` (a table's Parquet file, for DuckDB or Polars), `describe` (a table's codebook
entry as a DataFrame), `raw_text` (a source document, checked against its checksum) and `context` (an
evidence excerpt with the text around it). Needs only the ground layer: imports neither pandera,
frictionless, YAML nor matplotlib.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .base.bounded_parquet import read_parquet
from .base.codec import TYPE_NAMES, arrow_schema, frame_from_arrow, loader_description, same_arrow_type
from .base.package_source import DERIVED_FROM, DataPackageError, PackageSource, datapackage_path, open_package
from .base.safe_files import PackageFileError

__all__ = ["DataPackageError", "PackageSource", "context", "datapackage_path", "describe", "load", "load_all", "load_from",
           "parquet_path", "raw_text", "tables", "views"]

# The evidence and sources tables and the columns the helpers read (as the package's Table Schemas name them).
EVIDENCE, EVIDENCE_KEY, EXCERPT, START, END = "evidence", "evidence_id", "excerpt", "char_start", "char_end"
SOURCES, SOURCE_KEY, RAW_PATH, SHA256 = "sources", "source_id", "raw_path", "sha256"
MARKS = ("⟦", "⟧")  # around the excerpt in context(): characters none of the documents uses


def tables(package: str | Path | None = None) -> list[str]:
    """Names of the tables in the package, in descriptor order (its views: `views()`)."""
    source = PackageSource(package)
    try:
        return source.tables()
    finally:
        source.close()


def _category_problem(field: dict) -> str | None:
    """Table Schema's `categories`: a list of values, or of objects with a `value` and an optional `label`."""
    categories = field.get("categories")
    if categories is None:
        return None
    if isinstance(categories, list) and all(
            isinstance(c, str) or (isinstance(c, dict) and isinstance(c.get("value"), str)
                                   and isinstance(c.get("label", ""), str)) for c in categories):
        return None
    return f"field {field['name']!r}: its categories are not a list of values or of {{value, label}} objects"


def _field_problem(field) -> str | None:
    constraints = field.get("constraints", {}) if isinstance(field, dict) else None
    enum = constraints.get("enum") if isinstance(constraints, dict) else None
    if not isinstance(field, dict) or not isinstance(field.get("name"), str) or field.get("type") not in TYPE_NAMES:
        return f"field {str(field)[:80]} is not an object with a name and one of the types {', '.join(TYPE_NAMES)}"
    if not isinstance(constraints, dict) or (enum is not None and not (
            isinstance(enum, list) and all(isinstance(v, str) for v in enum) and len(set(enum)) == len(enum))):
        return f"field {field['name']!r}: its constraints (or enum) are malformed"
    return _category_problem(field)


def table_schema_of(resource: dict, name: str) -> dict:
    """The resource's Table Schema, checked to be one the type codec can apply (the descriptor is untrusted)."""
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    problem = None
    if not isinstance(fields, list) or not fields:
        problem = "its schema is not an object with a list of fields"
    else:
        problem = next((found for found in map(_field_problem, fields) if found), None)
        if problem is None and len({field["name"] for field in fields}) != len(fields):
            problem = "its schema names a field twice"
    if problem:
        raise DataPackageError(f"table {name!r}: {problem}", code="descriptor-shape")
    assert isinstance(schema, dict)
    return schema


def derived_from(resource: dict, name: str) -> list[str] | None:
    """The tables a view is made from (None for a table), checked to be a list of names."""
    if DERIVED_FROM not in resource:
        return None
    tables = resource[DERIVED_FROM]
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        raise DataPackageError(f"table {name!r}: `{DERIVED_FROM}` is not a list of table names", code="descriptor-shape")
    return tables


def views(package: str | Path | None = None) -> list[str]:
    """Names of the package's views: denormalised tables made from its tables (see the codebook)."""
    source = PackageSource(package)
    try:
        return source.views()
    finally:
        source.close()


def _resource(source: PackageSource, name: str) -> dict:
    resource = source.resources().get(name)
    if resource is None or not isinstance(resource.get("parquet"), dict):
        raise DataPackageError(f"no table {name!r} in {source.path}; tables: {', '.join(source.tables())}; "
                               f"views: {', '.join(source.views())}", code="resource-missing")
    return resource


def load_from(source: PackageSource, name: str) -> pd.DataFrame:
    resource = _resource(source, name)
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
             for f in expected if not same_arrow_type(table.schema.field(f.name).type, f.type)]
    if wrong:
        raise DataPackageError(f"table {name!r}: {label} has columns of the wrong type: {'; '.join(wrong)}",
                               code="parquet-column-type")
    try:
        return frame_from_arrow(table, schema, categories=True)
    except (pa.ArrowException, ValueError, TypeError, KeyError, OverflowError) as exc:
        raise DataPackageError(f"table {name!r}: {label} is damaged or not as described: {exc}",
                               code="parquet-unreadable") from None


def load(name: str, package: str | Path | PackageSource | None = None) -> pd.DataFrame:
    """One table (or view) as a DataFrame with the registry's dtypes, from the installed package, a package
    folder, its datapackage.json, or a release zip. Anything wrong with the package (it is untrusted
    input) is a DataPackageError with the problem code as `code`."""
    source = open_package(package)
    try:
        return load_from(source, name)
    finally:
        if source is not package:
            source.close()


def load_all(package: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the package (not its views) by name."""
    source = open_package(package)
    try:
        return {name: load_from(source, name) for name in source.tables()}
    finally:
        if source is not package:
            source.close()


def parquet_path(name: str, package: str | Path | PackageSource | None = None) -> Path:
    """The Parquet file of a table or view, checked against its size and sha256 first: for DuckDB, Polars or
    any reader of files. A release zip holds no files on disk: unzip it first."""
    source = open_package(package)
    try:
        return source.local_path(_resource(source, name)["parquet"])
    except PackageFileError as exc:
        raise DataPackageError(f"table {name!r}: {exc}", code=exc.code) from None


def describe(name: str, package: str | Path | PackageSource | None = None) -> pd.DataFrame:
    """The codebook entry of a table or view as a DataFrame, one row per column: its type, the dtype `load()`
    gives it, whether it is required, its description, unit and allowed values (`value: meaning; ...`).
    `.attrs` holds the table's title and description (and, for a view, the tables it is made from)."""
    source = open_package(package)
    try:
        resource = _resource(source, name)
        schema, tables = table_schema_of(resource, name), derived_from(resource, name)
    finally:
        if source is not package:
            source.close()
    rows = []
    for field in schema["fields"]:
        constraints = field.get("constraints", {})
        labels = {c["value"]: c.get("label", "") for c in field.get("categories", []) if isinstance(c, dict)}
        allowed = "; ".join(f"{value}: {labels.get(value, '')}".rstrip(": ") for value in constraints.get("enum", []))
        rows.append({"column": field["name"], "type": field["type"], "dtype": loader_description(field),
                     "required": bool(constraints.get("required")), "description": field.get("description", ""),
                     "unit": field.get("unit"), "allowed_values": allowed or None})
    frame = pd.DataFrame(rows, columns=["column", "type", "dtype", "required", "description", "unit", "allowed_values"])
    frame.attrs.update(table=name, title=resource.get("title", ""), description=resource.get("description", ""))
    if tables is not None:
        frame.attrs["derived_from"] = list(tables)
    return frame


def _row(frame: pd.DataFrame, key: str, value: str, table: str) -> dict:
    found = frame[frame[key] == value]
    if found.empty:
        raise KeyError(f"no {table} row with {key} {value!r}")
    return found.iloc[0].to_dict()


def _raw_text(source: PackageSource, source_id: str) -> str:
    return _checked_text(source, _row(load_from(source, SOURCES), SOURCE_KEY, source_id, SOURCES))


def _checked_text(source: PackageSource, row: dict) -> str:
    """The text of the document a sources row names, after checking it against the row's sha256 (a caller that
    reads every document passes each row it already holds, rather than loading the sources table per document)."""
    source_id = row[SOURCE_KEY]
    try:
        data = source.read_member(str(row[RAW_PATH]))
    except (PackageFileError, OSError) as exc:
        raise DataPackageError(f"source {source_id!r}: cannot read {row[RAW_PATH]}: {exc}", code="raw-unreadable") from None
    if hashlib.sha256(data).hexdigest() != row[SHA256]:
        raise DataPackageError(f"source {source_id!r}: {row[RAW_PATH]} does not match the sha256 in sources "
                               "(damaged or edited)", code="source-checksum")
    return data.decode("utf-8")


def raw_text(source_id: str, package: str | Path | PackageSource | None = None) -> str:
    """The full text of a source document (raw/), after checking it against the sha256 the sources table gives."""
    return _raw_text(open_package(package), source_id)


def context(evidence_id: str, chars: int = 200, package: str | Path | PackageSource | None = None,
            marks: tuple[str, str] = MARKS) -> str:
    """An evidence excerpt inside up to `chars` characters of its document on each side, the excerpt between
    `marks` (⟦ ⟧); "…" where the document goes on. The excerpt is checked against the document first."""
    source = open_package(package)
    row = _row(load_from(source, EVIDENCE), EVIDENCE_KEY, evidence_id, EVIDENCE)
    text = _raw_text(source, str(row[SOURCE_KEY]))
    start, end = int(row[START]), int(row[END])
    if text[start:end] != row[EXCERPT]:
        raise DataPackageError(f"evidence {evidence_id!r}: the excerpt is not the document's text at {start}-{end}",
                               code="excerpt-mismatch")
    before, excerpt, after = context_parts(text, start, end, chars)
    return before + marks[0] + excerpt + marks[1] + after


def context_parts(text: str, start: int, end: int, chars: int = 200) -> tuple[str, str, str]:
    """(before, excerpt, after): the `chars` characters of `text` around text[start:end], "…" where it goes
    on. The one rule `context` and the SQLite export's evidence_in_context both use."""
    first, last = max(0, start - chars), min(len(text), end + chars)
    return ("…" if first else "") + text[first:start], text[start:end], text[end:last] + ("…" if last < len(text) else "")
