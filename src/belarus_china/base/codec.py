"""The type codec: for every registry type, its Arrow, pandas and SQLite types and every conversion.

A column's type is one of the registry's types (string, integer, number, boolean, date, list). This
module is the only place that knows how each is held and written:
- Arrow (Parquet) type; pandas dtype while building and validating; the loader's dtype;
- SQLite column type and cell value (a list is a JSON array there, for SQLite's json_each and Datasette's
  array facets);
- CSV cell text, and parsing CSV text back (bad cells reported, not raised);
- the text of a curation file (YAML scalars are read as text) to a Python value.

Three forms of a table's values:
- the value form (building, validating, CSV): a list is one text, its items joined by the field's
  delimiter (the registry's list_delimiter), enumerations are plain strings;
- the Parquet form (Arrow): a list is `list<string>`, an enumeration is dictionary-encoded with the
  registry's values as its dictionary, in their order (Arrow's schema is stored in the file, so
  pyarrow reads it back as a dictionary, pandas as a category);
- the loader form (what `load()` returns): a list is a Python `list` of `str` in an object column
  (None when missing), an enumeration a pandas category with the registry's values in order.

Functions take Table Schema field descriptors (as datapackage.json holds them), so the loader can
use them on any package without the registry. Adding a type touches this file only. Kept free of
pandera, frictionless and YAML so that importing the loader stays cheap.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .cells import GRAMMARS, CodecError, parse_column, parse_value, refusal


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


# --- text -> value (curation files and CSV cells alike: base.cells) -------------------------------

def _parser(type_name: str) -> Callable[[str], Any]:
    return partial(parse_value, type_name=type_name)


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
    sqlite_form: str = ""                             # the SQLite cell, for the codebook ("" = the column type)
    codebook_name: str = ""                           # the type as the codebook names it ("" = its name)
    csv_form: str = ""                                # how a CSV cell writes a value, for the codebook
    spreadsheet: str = "string"                       # the workbook's cell kind: string, number, boolean or date
    loader_dtype: str = ""                            # the dtype `load()` gives ("" = value_dtype)
    loader_note: str = ""                             # what a pandas user of the column needs to know


CODECS: dict[str, TypeCodec] = {c.name: c for c in [
    TypeCodec("string", pa.string(), "string", "TEXT", _parse_string, str, str, is_text=True, csv_form="the text",
              loader_note="pandas string (<NA> when missing)"),
    # A list is one text in CSV, its items joined by the field's delimiter; SQLite holds a JSON array of them
    # (sqlite_cell), Parquet list<string> and load() Python lists. An empty list is missing (null), never [].
    TypeCodec("list", pa.list_(pa.string()), "string", "TEXT", _parse_string, str, str, is_text=True, is_list=True,
              sqlite_check="{column} IS NULL OR (json_valid({column}) AND json_type({column}) = 'array')",
              sqlite_form='TEXT holding a JSON array (`["a", "b"]`)',
              schema_extras=(("itemType", "string"),),
              reader_note='A JSON array of text (["a", "b"]); the CSV joins the items with "{delimiter}".',
              codebook_name="list of text (CSV: joined by `{delimiter}`; Parquet: list<string>)",
              csv_form="the items joined by `{delimiter}`", loader_dtype="object",
              loader_note="a Python list of str per row (None when missing)"),
    TypeCodec("integer", pa.int64(), "Int64", "INTEGER", _parser("integer"), lambda v: str(int(v)), int, csv_form="digits",
              is_number=True,
              loader_note="nullable integer (<NA> when missing)", spreadsheet="number"),
    TypeCodec("number", pa.float64(), "Float64", "REAL", _parser("number"), _csv_number, float, csv_form="a decimal number",
              is_number=True,
              loader_note="nullable float (<NA> when missing)", spreadsheet="number"),
    TypeCodec("boolean", pa.bool_(), "boolean", "INTEGER", _parser("boolean"), lambda v: "true" if v else "false",
              lambda v: 1 if bool(v) else 0, sqlite_check="{column} IN (0, 1)", reader_note="1 = true, 0 = false.",
              csv_form="`true` or `false`", loader_note="nullable boolean (<NA> when missing)", spreadsheet="boolean"),
    TypeCodec("date", pa.date32(), "datetime64[ns]", "TEXT", _parser("date"),
              lambda v: v.strftime("%Y-%m-%d"), lambda v: pd.Timestamp(v).strftime("%Y-%m-%d"),
              schema_extras=(("format", "default"),), reader_note="ISO date (YYYY-MM-DD).", csv_form="`YYYY-MM-DD`",
              loader_note="Timestamp at midnight (NaT when missing)", spreadsheet="date"),
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

# The dictionary of an enumeration is small; int32 indices are what every Parquet reader gives back.
ENUM_ARROW = pa.dictionary(pa.int32(), pa.string())


def _enum(field: dict) -> list[str] | None:
    return field.get("constraints", {}).get("enum")


def arrow_type(field: dict) -> pa.DataType:
    """A column's Arrow (Parquet) type: the type's, except that an enumeration is dictionary-encoded."""
    if _enum(field) and not codec(field).is_list:
        return ENUM_ARROW
    return codec(field).arrow


def same_arrow_type(actual: pa.DataType, expected: pa.DataType) -> bool:
    """Whether a Parquet column's type is the registry's. A list's item field may be named `item` or
    `element` (Parquet's compliant nesting) depending on the writer; only the item type matters. Dictionary
    encoding is how the build stores an enumeration, not a type of its own: a plain column of the dictionary's
    value type holds the same values (a writer that drops the stored Arrow schema gives one)."""
    if pa.types.is_list(actual) and pa.types.is_list(expected):
        return actual.value_type == expected.value_type
    if pa.types.is_dictionary(actual):
        actual = actual.value_type
    if pa.types.is_dictionary(expected):
        expected = expected.value_type
    return actual == expected


def arrow_schema(schema: dict) -> pa.Schema:
    return pa.schema([pa.field(f["name"], arrow_type(f), nullable=not _required(f)) for f in schema["fields"]])


def value_dtype(field: dict):
    """The dtype a table's values are held in while building and validating. Enumerations stay plain
    strings, so that a value outside the enumeration is reported as such rather than silently turned
    into a missing category."""
    return codec(field).value_dtype


def loader_dtype(field: dict):
    """The dtype users get from `load()`: enumerations become categories in the registry's order, lists
    object columns of Python lists."""
    enum = _enum(field)
    if enum and not codec(field).is_list:
        return pd.CategoricalDtype(categories=enum)
    return codec(field).loader_dtype or value_dtype(field)


def type_forms(delimiter: str) -> list[tuple[str, str, str, str, str]]:
    """Every registry type (and enumerations) as the files and `load()` hold it: (type, CSV cell, Parquet type,
    SQLite type, `load()` dtype), for the codebook."""
    rows = []
    for name, kind in CODECS.items():
        field = {"type": name, "delimiter": delimiter}
        rows.append((name, kind.csv_form.format(delimiter=delimiter), str(kind.arrow), kind.sqlite_form or kind.sqlite,
                     loader_description(field)))
        if kind.is_text and not kind.is_list:
            enum = {**field, "constraints": {"enum": ["a"]}}
            rows.append((f"{name} with allowed values", "the value", str(arrow_type(enum)), kind.sqlite,
                         loader_description(enum)))
    return rows


def loader_description(field: dict) -> str:
    """What `load()` gives for a column, in words (describe(), the codebook)."""
    dtype = loader_dtype(field)
    if isinstance(dtype, pd.CategoricalDtype):
        return "category (the allowed values, in order)"
    note = codec(field).loader_note
    return f"{dtype}: {note}" if note else str(dtype)


def sqlite_type(field: dict) -> str:
    return codec(field).sqlite


# --- conversions ---------------------------------------------------------------------------------

def parse_text(text: str, field: dict):
    """A curation file's text for one value to the Python value of the field's type (CodecError if not)."""
    return codec(field).parse_text(text)


def join_list(items: list[str], field: dict) -> str:
    """A list value as the one text that CSV and SQLite store (and the value form holds)."""
    delimiter = field["delimiter"]
    bad = [item for item in items if not item or item != item.strip() or delimiter.strip() in item]
    if bad:
        raise CodecError(f"list items must be non-empty and free of {delimiter.strip()!r}: {bad}")
    return delimiter.join(items)


def list_items(value, field: dict) -> list[str] | None:
    """A list value (its joined text, or already a list or array of items) as a Python list; None when missing.
    The text is split as it stands: items are checked by the contract, not here."""
    if _missing(value):
        return None
    if isinstance(value, str):
        return value.split(field["delimiter"])
    return [str(item) for item in value]


def _as_text(value, field: dict):
    """A value as the value form holds it: a list (from load()) joined into its text."""
    if codec(field).is_list and not isinstance(value, str):
        return join_list(list(value), field)
    return value


def csv_cell(value, field: dict) -> str:
    """One value (value or loader form) as its CSV text; a missing value is the empty cell."""
    if _missing(value):
        return ""
    return codec(field).csv_text(_as_text(value, field))


def sqlite_cell(value, field: dict):
    """One pandas value (value or loader form) as the SQLite value the column type prescribes (None when missing):
    a list is a JSON array of its items, so that SQL (json_each) and Datasette (`_facet_array`) see the items."""
    if _missing(value):
        return None
    if codec(field).is_list:
        return json.dumps(list_items(value, field), ensure_ascii=False)
    return codec(field).sqlite_value(_as_text(value, field))


def spreadsheet_cell(value, field: dict) -> tuple[str, Any] | None:
    """One value (value or loader form) as a workbook cell: (kind, value) with kind string (a str: a list is its
    CSV text), number (int or float), boolean (bool) or date (a datetime at midnight); None when missing."""
    if _missing(value):
        return None
    kind = codec(field)
    if kind.spreadsheet == "date":
        return kind.spreadsheet, pd.Timestamp(value).to_pydatetime()
    if kind.spreadsheet == "number":
        return kind.spreadsheet, kind.sqlite_value(value)
    if kind.spreadsheet == "boolean":
        return kind.spreadsheet, bool(value)
    return kind.spreadsheet, csv_cell(value, field)


def same_cells(a: pd.Series, b: pd.Series, field: dict) -> pd.Series:
    """Cell by cell, whether two copies of a column hold the same values (both missing counts as the same),
    whatever form each is in: list columns are compared as lists of items (the CSV's text split at the
    delimiter against the Parquet's lists), so an item holding the delimiter is not the same as two items."""
    if codec(field).is_list:
        left = [list_items(v, field) for v in a.astype(object)]
        right = [list_items(v, field) for v in b.astype(object)]
        return pd.Series([x == y for x, y in zip(left, right, strict=True)], index=a.index, dtype=bool)
    return (a.isna() & b.isna()) | (a == b).fillna(False).astype(bool)


def same_column(values: pd.Series, arrow: pa.ChunkedArray, field: dict) -> bool:
    """Whether a whole value-form column holds exactly the values of an Arrow (Parquet-form) column: one
    Arrow comparison, so that the cell-by-cell `same_cells` (and the Parquet column in pandas) is needed only
    for a column that differs. True only when every cell is the same by `same_cells`' rules: a list column's
    text is split at the delimiter (an item holding the delimiter is two items, as there), an enumeration's
    dictionary is compared by its values. Anything this cannot decide cheaply answers False."""
    if pa.types.is_dictionary(arrow.type):
        arrow = arrow.cast(arrow.type.value_type)
    try:
        left = pa.array(values, from_pandas=True)  # an Arrow-backed column comes out chunked already
        if isinstance(left, pa.Array):
            left = pa.chunked_array([left])
        if codec(field).is_list:
            left = pc.split_pattern(left.cast(pa.string()), field["delimiter"])
            right = arrow.cast(pa.list_(pa.string()))
        elif field["type"] == "date":
            left = left.cast(pa.date32())
            right = arrow.cast(pa.date32())
        else:
            left = left.cast(arrow.type)
            right = arrow
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False
    return len(left) == len(right) and left.equals(right)


def column_from_values(cells: list, field: dict) -> pd.Series:
    """Python values (lists for list columns, dates for date columns) as a column of the value dtype."""
    if field["type"] == "list":  # an empty list is missing
        cells = [join_list(value, field) if value else None for value in cells]
    series = pd.Series(cells, dtype="object")
    if field["type"] == "date":
        series = pd.to_datetime(series)
    return series.astype(value_dtype(field))


def arrow_array(series: pd.Series, field: dict, arrow_field: pa.Field) -> pa.Array:
    """A column (value or loader form) as its Arrow array."""
    kind = codec(field)
    if field["type"] == "date":
        return pa.array([None if pd.isna(v) else v.date() for v in series], type=arrow_field.type)
    values = [None if _missing(v) else v for v in series.astype(object).tolist()]
    if kind.is_list:
        return pa.array([list_items(v, field) for v in values], type=arrow_field.type)
    if pa.types.is_dictionary(arrow_field.type):
        # The registry's values are the dictionary, in their order, used or not; a value outside the
        # enumeration (only ever in a damaged package) is appended, so that the contract can name it.
        dictionary = list(_enum(field) or [])
        extra = [v for v in dict.fromkeys(values) if v is not None and v not in dictionary]
        positions = {value: i for i, value in enumerate(dictionary + extra)}
        indices = pa.array([None if v is None else positions[v] for v in values], type=arrow_field.type.index_type)
        return pa.DictionaryArray.from_arrays(indices, pa.array(dictionary + extra, type=arrow_field.type.value_type))
    return pa.array(values, type=arrow_field.type)


def arrow_table(frame: pd.DataFrame, schema: dict) -> pa.Table:
    target = arrow_schema(schema)
    arrays = [arrow_array(frame[f["name"]], f, arrow_field) for f, arrow_field in zip(schema["fields"], target, strict=True)]
    return pa.Table.from_arrays(arrays, schema=target)


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while building many small acyclic objects (lists of
    strings): each few hundred allocations would otherwise start a collection that walks the objects made
    so far, which made converting a list column three times slower than the conversion itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def python_lists(column: pa.ChunkedArray) -> list[list | None]:
    """A list<string> column as Python lists (None for a null list). The items are converted once, as
    one flat list through a dictionary (the distinct items are few: ids and column names), and sliced by
    the offsets; `to_pylist()` makes an Arrow scalar per row and per item."""
    out: list[list | None] = []
    with _collector_paused():
        for chunk in column.chunks:
            if len(chunk) == 0:
                continue
            offsets = chunk.offsets.to_numpy()  # of this chunk's rows, into the whole child array `values`
            first = int(offsets[0])
            encoded = chunk.values.slice(first, int(offsets[-1]) - first).dictionary_encode()
            words = [*encoded.dictionary.to_pylist(), None]   # a null item: the index past the words
            items = [words[i] for i in encoded.indices.fill_null(len(words) - 1).to_numpy().tolist()]
            bounds = (offsets - first).tolist()
            lists: list[list | None] = [items[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            if chunk.null_count:
                # A null list may still span items (Arrow allows it): it is missing all the same.
                for i in chunk.is_null().to_numpy(zero_copy_only=False).nonzero()[0].tolist():
                    lists[i] = None
            out.extend(lists)
    return out


def _categories(column: pa.ChunkedArray, dtype: pd.CategoricalDtype) -> pd.Series | None:
    """A dictionary-encoded enumeration straight to the loader's categories, recoding the dictionary's
    codes instead of decoding every value to a string and encoding it again; None when the dictionary is
    not one pandas takes as categories (repeated or missing values: an odd writer), for the general path."""
    try:
        series = column.to_pandas()
        # set_categories, not astype: a value outside the enumeration becomes missing, as a cast of the strings makes it
        return series.cat.set_categories(dtype.categories, ordered=bool(dtype.ordered))
    except (pa.ArrowException, ValueError, TypeError):
        return None


def frame_from_arrow(table: pa.Table, schema: dict, *, categories: bool) -> pd.DataFrame:
    """A Parquet table in pandas with the dtypes the schema prescribes: list columns as Python lists (the
    Parquet's own form, also for validation, which compares them with the CSV's as lists); enumerations as
    categories when `categories` (the loader), else as the strings they hold (validation)."""
    columns = {}
    for f in schema["fields"]:
        column = table.column(f["name"])
        dtype = loader_dtype(f) if categories else value_dtype(f)
        if pa.types.is_dictionary(column.type):
            fast = _categories(column, dtype) if isinstance(dtype, pd.CategoricalDtype) else None
            if fast is not None:
                columns[f["name"]] = fast.rename(f["name"])
                continue
            column = column.cast(column.type.value_type)
        if codec(f).is_list:
            columns[f["name"]] = pd.Series(python_lists(column), dtype=object, name=f["name"])
        elif f["type"] == "date":
            columns[f["name"]] = pd.Series(column.to_pandas(date_as_object=False), name=f["name"]).astype(dtype)
        else:
            columns[f["name"]] = column.to_pandas().astype(dtype)
    return pd.DataFrame(columns)


# The pandas dtype each parsed Arrow type comes out as (nullable, so that a missing value stays missing).
_PANDAS_OF_ARROW = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype()}


def frame_from_strings(frame: pd.DataFrame, schema: dict, *, categories: bool = False):
    """An all-text frame (CSV as written) in the schema's dtypes; "" is missing. The value form (list columns
    as their text), or with `categories` the loader form (categories, lists as Python lists).

    Each typed column goes through its type's one parser (`cells.parse_column`, the parser of a curation
    file's values too), vectorised. Returns the typed frame and the cells that did not parse, as
    (row position, column, why not in the parser's words): those cells are left missing in the frame.
    """
    out: dict[str, pd.Series] = {}
    bad: list[tuple[int, str, str]] = []
    for f in schema["fields"]:
        name, kind = f["name"], f["type"]
        text = frame[name].astype("string").replace("", pd.NA)
        if kind in GRAMMARS:
            values, unparsed = parse_column(pa.array(text, type=pa.string(), from_pandas=True), kind)
            cells = text.to_numpy()
            bad.extend((int(i), name, refusal(str(cells[i]), kind)) for i in unparsed.nonzero()[0])
            series = pd.Series(values.to_pandas(types_mapper=_PANDAS_OF_ARROW.get, date_as_object=False),
                               index=text.index)
        else:
            series = text
        if categories and codec(f).is_list:
            out[name] = pd.Series([list_items(v, f) for v in series.astype(object)], index=text.index, dtype=object)
        else:
            out[name] = series.astype(loader_dtype(f) if categories else value_dtype(f))
    return pd.DataFrame(out, index=frame.index), bad
