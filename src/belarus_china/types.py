"""Physical types derived from a Table Schema field: pyarrow for Parquet, pandas for frames.

The Table Schemas come from the column registry (registry.table_schema), so these mappings
are the only other place types are named. Kept free of pandera and frictionless so that
importing the loader stays cheap.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

_ARROW = {
    "string": pa.string(),
    "list": pa.string(),  # joined with the registry's delimiter: CSV and Parquet hold the same text
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}

# Frames keep values; enumerations stay plain strings so that a value outside the enumeration
# is reported as such rather than silently turned into a missing category.
_VALUE_DTYPES = {
    "string": "string",
    "list": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
}


def arrow_type(field: dict) -> pa.DataType:
    return _ARROW[field["type"]]


def arrow_schema(schema: dict) -> pa.Schema:
    required = lambda f: bool(f.get("constraints", {}).get("required"))  # noqa: E731
    return pa.schema([pa.field(f["name"], arrow_type(f), nullable=not required(f)) for f in schema["fields"]])


def value_dtype(field: dict):
    """The dtype a table's values are held in while building and validating."""
    return _VALUE_DTYPES[field["type"]]


def loader_dtype(field: dict):
    """The dtype users get from `load()`: enumerations become ordered-by-registry categories."""
    enum = field.get("constraints", {}).get("enum")
    if enum:
        return pd.CategoricalDtype(categories=enum)
    return value_dtype(field)


def frame_from_arrow(table: pa.Table, schema: dict, *, categories: bool) -> pd.DataFrame:
    """Convert a Parquet table to pandas with the dtypes the schema prescribes."""
    columns = {}
    for f in schema["fields"]:
        column = table.column(f["name"])
        if f["type"] == "date":
            series = pd.Series(column.to_pandas(date_as_object=False), name=f["name"])
        else:
            series = column.to_pandas()
        dtype = loader_dtype(f) if categories else value_dtype(f)
        columns[f["name"]] = series.astype(dtype)
    return pd.DataFrame(columns)


def frame_from_strings(frame: pd.DataFrame, schema: dict, *, categories: bool = False):
    """Convert an all-text frame (CSV as written) to the schema's dtypes; "" is missing.

    Returns the typed frame and the cells that did not parse, as (row position, column, text):
    those cells are left missing in the frame.
    """
    out, bad = {}, []
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
