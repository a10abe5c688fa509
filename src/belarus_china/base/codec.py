"""The type codec: for every registry type, its Arrow, pandas and SQLite types and every conversion.

A column's type is one of the registry's types (string, integer, number, boolean, date, list). This
module is the only place that knows how each is held and written:
- Arrow (Parquet) type; pandas dtype while building and validating; the loader's dtype;
- SQLite column type and cell value;
- CSV cell text, and parsing CSV text back (bad cells reported, not raised);
- the text of a curation file (YAML scalars are read as text) to a Python value.

Functions take Table Schema field descriptors (as datapackage.json holds them), so the loader can
use them on any package without the registry. Adding a type touches this file only. Kept free of
pandera, frictionless and YAML so that importing the loader stays cheap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
import pyarrow as pa


class CodecError(ValueError):
    """A text is not a value of the column's type; the message says what it got."""


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


# --- text -> value (curation files) -------------------------------------------------------------

def _parse_date(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise CodecError(f"{text!r} is not a date of the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CodecError(f"{text!r} is not a real calendar date ({exc})") from None


def _parse_integer(text: str) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise CodecError(f"{text!r} is not a whole number")
    return int(text)


def _parse_number(text: str) -> float:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CodecError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise CodecError(f"{text!r} is not a finite number")
    return float(value)


def _parse_boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise CodecError(f"{text!r} is not true or false")
    return text == "true"


def _parse_string(text: str) -> str:
    return " ".join(text.split()) if "\n" in text else text


# --- value -> CSV text ---------------------------------------------------------------------------

def _csv_number(value) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


@dataclass(frozen=True)
class TypeCodec:
    name: str
    arrow: pa.DataType
    value_dtype: str          # pandas dtype while building and validating
    sqlite: str               # SQLite column type
    parse_text: Callable[[str], Any]
    csv_text: Callable[[Any], str]
    sqlite_value: Callable[[Any], Any]
    is_text: bool = False     # held as text: blank and padded values are refused
    is_list: bool = False     # items joined by the field's delimiter
    is_number: bool = False   # a quantity (the coverage audit: an amount, count or rank may be read into it)
    schema_extras: tuple[tuple[str, str], ...] = ()   # Table Schema field properties the type implies
    sqlite_check: str | None = None                   # CHECK on the SQLite column, "{column}" filled in
    reader_note: str = ""                             # what a reader of the SQLite column needs to know
    codebook_name: str = ""                           # the type as the codebook names it ("" = its name)


CODECS: dict[str, TypeCodec] = {c.name: c for c in [
    TypeCodec("string", pa.string(), "string", "TEXT", _parse_string, str, str, is_text=True),
    # A list is stored as one text, its items joined with the field's delimiter, so CSV and Parquet hold the same text.
    TypeCodec("list", pa.string(), "string", "TEXT", _parse_string, str, str, is_text=True, is_list=True,
              schema_extras=(("itemType", "string"),), reader_note='A list, items joined by "{delimiter}".',
              codebook_name="list of text (joined by `{delimiter}`)"),
    TypeCodec("integer", pa.int64(), "Int64", "INTEGER", _parse_integer, lambda v: str(int(v)), int, is_number=True),
    TypeCodec("number", pa.float64(), "Float64", "REAL", _parse_number, _csv_number, float, is_number=True),
    TypeCodec("boolean", pa.bool_(), "boolean", "INTEGER", _parse_boolean, lambda v: "true" if v else "false",
              lambda v: 1 if bool(v) else 0, sqlite_check="{column} IN (0, 1)", reader_note="1 = true, 0 = false."),
    TypeCodec("date", pa.date32(), "datetime64[ns]", "TEXT", _parse_date,
              lambda v: v.strftime("%Y-%m-%d"), lambda v: pd.Timestamp(v).strftime("%Y-%m-%d"),
              schema_extras=(("format", "default"),), reader_note="ISO date (YYYY-MM-DD)."),
]}
TYPE_NAMES = tuple(CODECS)


def codec(field: dict) -> TypeCodec:
    """The codec of a Table Schema field (or of anything with a registry type name under "type")."""
    return CODECS[field["type"]]


def codec_of(type_name: str) -> TypeCodec:
    return CODECS[type_name]


def _required(field: dict) -> bool:
    return bool(field.get("constraints", {}).get("required"))


# --- Arrow and pandas types ----------------------------------------------------------------------

def arrow_type(field: dict) -> pa.DataType:
    return codec(field).arrow


def arrow_schema(schema: dict) -> pa.Schema:
    return pa.schema([pa.field(f["name"], arrow_type(f), nullable=not _required(f)) for f in schema["fields"]])


def value_dtype(field: dict):
    """The dtype a table's values are held in while building and validating. Enumerations stay plain
    strings, so that a value outside the enumeration is reported as such rather than silently turned
    into a missing category."""
    return codec(field).value_dtype


def loader_dtype(field: dict):
    """The dtype users get from `load()`: enumerations become categories in the registry's order."""
    enum = field.get("constraints", {}).get("enum")
    if enum:
        return pd.CategoricalDtype(categories=enum)
    return value_dtype(field)


def sqlite_type(field: dict) -> str:
    return codec(field).sqlite


# --- conversions ---------------------------------------------------------------------------------

def parse_text(text: str, field: dict):
    """A curation file's text for one value to the Python value of the field's type (CodecError if not)."""
    return codec(field).parse_text(text)


def join_list(items: list[str], field: dict) -> str:
    """A list value as the one text that CSV and Parquet store."""
    delimiter = field["delimiter"]
    bad = [item for item in items if not item or item != item.strip() or delimiter.strip() in item]
    if bad:
        raise CodecError(f"list items must be non-empty and free of {delimiter.strip()!r}: {bad}")
    return delimiter.join(items)


def csv_cell(value, field: dict) -> str:
    """One value as its CSV text; a missing value is the empty cell."""
    if _missing(value):
        return ""
    return codec(field).csv_text(value)


def sqlite_cell(value, field: dict):
    """One pandas value as the SQLite value the column type prescribes (None when missing)."""
    if _missing(value):
        return None
    return codec(field).sqlite_value(value)


def column_from_values(cells: list, field: dict) -> pd.Series:
    """Python values (lists for list columns, dates for date columns) as a column of the value dtype."""
    if field["type"] == "list":  # an empty list is missing
        cells = [join_list(value, field) if value else None for value in cells]
    series = pd.Series(cells, dtype="object")
    if field["type"] == "date":
        series = pd.to_datetime(series)
    return series.astype(value_dtype(field))


def arrow_array(series: pd.Series, field: dict, arrow_field: pa.Field) -> pa.Array:
    if field["type"] == "date":
        return pa.array([None if pd.isna(v) else v.date() for v in series], type=arrow_field.type)
    return pa.array(series.astype(object).where(series.notna(), None).tolist(), type=arrow_field.type)


def arrow_table(frame: pd.DataFrame, schema: dict) -> pa.Table:
    target = arrow_schema(schema)
    arrays = [arrow_array(frame[f["name"]], f, arrow_field) for f, arrow_field in zip(schema["fields"], target, strict=True)]
    return pa.Table.from_arrays(arrays, schema=target)


def frame_from_arrow(table: pa.Table, schema: dict, *, categories: bool) -> pd.DataFrame:
    """A Parquet table in pandas with the dtypes the schema prescribes."""
    columns = {}
    for f in schema["fields"]:
        column = table.column(f["name"])
        if f["type"] == "date":
            series = pd.Series(column.to_pandas(date_as_object=False), name=f["name"])
        else:
            series = column.to_pandas()
        columns[f["name"]] = series.astype(loader_dtype(f) if categories else value_dtype(f))
    return pd.DataFrame(columns)


def frame_from_strings(frame: pd.DataFrame, schema: dict, *, categories: bool = False):
    """An all-text frame (CSV as written) in the schema's dtypes; "" is missing.

    Returns the typed frame and the cells that did not parse, as (row position, column, text):
    those cells are left missing in the frame.
    """
    out: dict[str, pd.Series] = {}
    bad: list[tuple[int, str, str]] = []
    for f in schema["fields"]:
        name, kind = f["name"], f["type"]
        text = frame[name].astype("string").replace("", pd.NA)
        if kind in ("integer", "number"):
            values = pd.to_numeric(text, errors="coerce")
            if kind == "integer":
                fractional = values.notna() & (values % 1 != 0)
                values = values.mask(fractional)
        elif kind == "boolean":
            values = text.map({"true": True, "false": False}, na_action="ignore")
        elif kind == "date":
            values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        else:
            values = text
        unparsed = text.notna() & pd.Series(values, index=text.index).isna()
        bad.extend((int(i), name, str(text.iloc[i])) for i in unparsed.to_numpy().nonzero()[0])
        out[name] = pd.Series(values, index=text.index).astype(loader_dtype(f) if categories else value_dtype(f))
    return pd.DataFrame(out, index=frame.index), bad
