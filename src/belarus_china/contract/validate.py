"""Validate a published package (a folder, its datapackage.json, or a release zip): descriptor,
files (tables and generated documentation), tables, cross-table rules, raw text, views (each equal to
what the tables give), and frictionless as the standards gate (on a sanitised copy,
`frictionless_gate.py`). Every problem is collected; nothing here needs the code that built the package,
and nothing in the package is trusted.

The files are read columnar: CSV with pyarrow's CSV reader (every cell as the text written, then the codec's
typed conversion, bad cells found by masks and only then named by row and column), Parquet with pyarrow;
the two copies are compared column by column in Arrow, and cells are located only in a column that differs.
The table rules (contract.rules) run once on the CSV frames, the same code the build runs on what it writes.
"""

from __future__ import annotations

import csv as text_csv
import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow
import pyarrow.compute as pc
from pyarrow import csv

from ..base.bounded_parquet import read_parquet
from ..base.codec import arrow_schema, frame_from_arrow, frame_from_strings, same_arrow_type, same_cells, same_column
from ..base.journal import pending
from ..base.limits import (
    MAX_CSV_CELL_BYTES,
    MAX_CSV_COLUMNS,
    MAX_MANIFEST_BYTES,
    MAX_TABLE_CELLS,
    MAX_TABLE_ROWS,
    MAX_ZIP_TOTAL_BYTES,
    size_text,
)
from ..base.package_source import DERIVED_FROM, DataPackageError, PackageSource, open_package, shape_problems
from ..base.paths import CITATION, DESCRIPTOR
from ..base.problems import CATALOGUE, Problem
from ..base.published_files import listed_files, unlisted_files, unlisted_members
from ..base.rawstore import MANIFEST, RAW_FOLDER, check_documents
from ..base.safe_files import PackageFileError
from ..base.safe_yaml import parse_yaml
from .frictionless_gate import SanitisedCopy
from .registry import Registry, Table, load_registry, table_schema
from .rules import check_tables, record_ids
from .views import make_view, view_problems
from .vocabulary import Sources


class _CsvTooLarge(Exception):
    pass


def _csv_table(data: bytes, names: list[str]) -> pyarrow.Table:
    """A CSV file's cells as text, exactly as written ("" stays ""): pyarrow's CSV reader (about 10× pandas'
    on these files), every registry column read as a string so that nothing is inferred ("NA" is Namibia,
    "007" keeps its zeros); a column the registry lacks is named as extra by `_typed`, whatever its type.
    Read in batches, counting rows and cells, so that a file within the size limit but of millions of tiny
    rows is refused (_CsvTooLarge) before pandas makes an object of every cell."""
    reader = csv.open_csv(
        pyarrow.BufferReader(data),
        parse_options=csv.ParseOptions(newlines_in_values=True),  # an excerpt may span lines
        convert_options=csv.ConvertOptions(column_types=dict.fromkeys(names, pyarrow.string()),
                                           strings_can_be_null=False, quoted_strings_can_be_null=False))
    batches, rows = [], 0
    for batch in reader:
        rows += batch.num_rows
        if rows > MAX_TABLE_ROWS or rows * batch.num_columns > MAX_TABLE_CELLS:
            raise _CsvTooLarge(f"it has more than {min(rows, MAX_TABLE_ROWS):,} rows of {batch.num_columns:,} "
                               f"columns, more than the limits of {MAX_TABLE_ROWS:,} rows and {MAX_TABLE_CELLS:,} "
                               "cells; it is not read further")
        batches.append(batch)
    return pyarrow.Table.from_batches(batches, schema=reader.schema)


def _blank_lines(data: bytes, rows: int) -> int:
    """How many blank lines the reader skipped: no file of ours has one, pyarrow drops them silently, and
    frictionless reads them slowly (adversarial review 5, F11: 2,000 blank lines took 37 s there). Counted
    by a second streaming pass that keeps them, one batch at a time."""
    reader = csv.open_csv(pyarrow.BufferReader(data),
                          parse_options=csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
                          convert_options=csv.ConvertOptions(include_columns=[]))
    return sum(batch.num_rows for batch in reader) - rows


def _header(data: bytes) -> list[str]:
    """A CSV file's first record, read without pyarrow (which takes about 20 s to read a header of 60,000
    columns)."""
    first_line = data[:data.find(b"\n") + 1 or len(data)]
    if first_line.count(b",") >= MAX_CSV_COLUMNS:  # an upper bound on the columns, counted before any list is made
        raise _TooWide(first_line.count(b",") + 1)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline="")
    return next(text_csv.reader(stream), [])


class _TooWide(Exception):
    """A header line with more commas than the column limit allows (adversarial review 5, F10: a 266 MB
    header took 2 GB as a list of cells before the limit was checked)."""

    def __init__(self, columns: int):
        super().__init__(columns)
        self.columns = columns


def _csv_limits(data: bytes, table: str) -> Problem | None:
    """A CSV file wider than the limit, or whose header holds a cell over the limit, is refused unparsed."""
    file = f"datasets/csv/{table}.csv"
    try:
        header = _header(data)
    except text_csv.Error as exc:
        return Problem("csv-unreadable", f"unreadable CSV header: {exc}", file=file, table=table)
    except _TooWide as wide:
        header = [""] * wide.columns
    except MemoryError:
        return Problem("file-too-large", "its header does not fit in memory; it is not read", file=file, table=table)
    if len(header) > MAX_CSV_COLUMNS:
        return Problem("csv-too-many-columns", f"its header has {len(header):,} columns, more than the limit of "
                       f"{MAX_CSV_COLUMNS:,}; it is not read", file=file, table=table)
    largest = max((len(name.encode("utf-8", "surrogatepass")) for name in header), default=0)
    if largest > MAX_CSV_CELL_BYTES:
        return Problem("csv-cell-too-large", f"a header cell of {largest:,} bytes, more than the limit of "
                       f"{size_text(MAX_CSV_CELL_BYTES)}; it is not read", file=file, table=table)
    return None


def _large_cells(text: pyarrow.Table, table: str) -> list[Problem]:
    """A cell over the size limit, per column (messages, regular expressions and reports stay bounded)."""
    problems = []
    for name, column in zip(text.column_names, text.columns, strict=True):
        if not (pyarrow.types.is_string(column.type) or pyarrow.types.is_binary(column.type)) or len(column) == 0:
            continue
        largest = pc.max(pc.binary_length(column)).as_py() or 0
        if largest > MAX_CSV_CELL_BYTES:
            problems.append(Problem("csv-cell-too-large", f"a cell of {largest:,} bytes, more than the limit of "
                                    f"{size_text(MAX_CSV_CELL_BYTES)}", file=f"datasets/csv/{table}.csv", table=table,
                                    column=name[:200]))
    return problems


def _read_csv(data: bytes, table: str, schema: dict, problems: list[Problem]) -> pd.DataFrame | None:
    refused = _csv_limits(data, table)
    if refused is not None:
        problems.append(refused)
        return None
    try:
        arrow = _csv_table(data, [f["name"] for f in schema["fields"]])
    except (_CsvTooLarge, MemoryError, pyarrow.ArrowMemoryError) as exc:
        problems.append(Problem("file-too-large", str(exc) or "it does not fit in memory", table=table,
                                file=f"datasets/csv/{table}.csv"))
        return None
    except (pyarrow.ArrowInvalid, ValueError, UnicodeDecodeError) as exc:
        problems.append(Problem("csv-unreadable", f"unreadable CSV: {exc}", file=f"datasets/csv/{table}.csv",
                                table=table))
        return None
    large = _large_cells(arrow, table)
    if large:
        problems.extend(large)
        return None
    blank = _blank_lines(data, arrow.num_rows)
    if blank:
        problems.append(Problem("csv-unreadable", f"{blank:,} blank line(s), which no file of this package has",
                                file=f"datasets/csv/{table}.csv", table=table))
        return None
    text = arrow.to_pandas(types_mapper={pyarrow.string(): pd.StringDtype()}.get)
    return _typed(text, table, schema, problems, "csv")


def _typed(text: pd.DataFrame, table: str, schema: dict, problems: list[Problem], kind: str):
    expected = [f["name"] for f in schema["fields"]]
    if list(text.columns) != expected:
        missing = [c for c in expected if c not in text.columns]
        extra = [c for c in text.columns if c not in expected]
        twice = sorted(c for c, n in Counter(text.columns).items() if n > 1)  # linear: a header may be wide
        detail = "; ".join(part for part in (f"missing {missing}" if missing else "", f"extra {extra}" if extra else "",
                                             f"named twice {twice}" if twice else "") if part)
        problems.append(Problem("columns-mismatch", f"columns differ from the registry: {detail or 'order differs'}",
                                file=f"datasets/{kind}/{table}.{kind}", table=table))
        return None
    frame, bad = frame_from_strings(text, schema)
    for position, column, why in bad:  # in the words of the type's parser, the curation files' too
        problems.append(Problem("cell-type", why,
                                file=f"datasets/{kind}/{table}.{kind}", table=table, record=f"row {position + 1}",
                                column=column))
    return frame


def _read_parquet(data: bytes, table: str, schema: dict, problems: list[Problem]) -> pyarrow.Table | None:
    label = f"datasets/parquet/{table}.parquet"
    try:
        arrow = read_parquet(data, label)
    except PackageFileError as exc:
        problems.append(Problem(exc.code, f"unreadable Parquet: {exc}", file=label, table=table))
        return None
    expected = arrow_schema(schema)
    if arrow.schema.names != expected.names:
        missing = [c for c in expected.names if c not in arrow.schema.names]
        extra = [c for c in arrow.schema.names if c not in expected.names]
        problems.append(Problem("columns-mismatch", f"columns differ from the registry: missing {missing}, extra {extra}",
                                file=label, table=table))
        return None
    wrong = [f"{f.name} is {arrow.schema.field(f.name).type}, expected {f.type}"
             for f in expected if not same_arrow_type(arrow.schema.field(f.name).type, f.type)]
    if wrong:
        problems.append(Problem("parquet-column-type", "wrong column types: " + "; ".join(wrong), file=label,
                                table=table))
        return None
    return arrow  # kept in Arrow: only a column that differs from the CSV is ever turned into pandas (_compare)


def _compare(table: Table, csv_frame: pd.DataFrame, parquet: pyarrow.Table, problems: list[Problem]) -> None:
    if len(csv_frame) != parquet.num_rows:
        problems.append(Problem("csv-parquet-row-count", f"CSV has {len(csv_frame)} rows, Parquet {parquet.num_rows}",
                                table=table.name))
        return
    schema = table_schema(table)
    fields = {f["name"]: f for f in schema["fields"]}
    # One Arrow comparison per column; the differing cells are located (in pandas) only where a column differs.
    differing = [c for c in csv_frame.columns if not same_column(csv_frame[c], parquet.column(c), fields[c])]
    if not differing:
        return
    parquet_frame = frame_from_arrow(parquet.select(differing), {"fields": [fields[c] for c in differing]},
                                     categories=False)
    ids = record_ids(table, csv_frame)
    for column in differing:
        a, b = csv_frame[column], parquet_frame[column]
        same = same_cells(a, b, fields[column])
        for index in same[~same].index:
            problems.append(Problem("csv-parquet-mismatch", f"CSV has {a[index]!r} but Parquet has {b[index]!r}",
                                    table=table.name, record=ids[index], column=column))


def _raw_problems(source: PackageSource) -> list[Problem]:
    """The package's raw/ folder against its manifest, when the package carries one."""
    label = f"{RAW_FOLDER}/{MANIFEST}"
    if not source.has_member(label):
        return []
    try:
        manifest = source.read_member(label, MAX_MANIFEST_BYTES).decode("utf-8", "replace")
    except PackageFileError as exc:
        return [Problem(exc.code, str(exc), file=label)]
    return check_documents(manifest, source.members(RAW_FOLDER),
                           lambda name: source.read_member(f"{RAW_FOLDER}/{name}"))


def _kind_problems(registry: Registry, name: str, resource: dict) -> list[Problem]:
    """A resource is a table, and names the tables it is derived from exactly when the registry makes it as a
    view: otherwise `tables()`, the workbook and serve would take a table for a view or a view for a table."""
    found = []
    if resource.get("type") != "table":
        found.append(Problem("resource-kind", f"`type` is {str(resource.get('type'))[:40]!r}, not 'table'",
                             file=DESCRIPTOR, table=name))
    view = registry.views.get(name)
    expected = view.derived_from if view is not None else None
    declared = resource.get(DERIVED_FROM)
    if declared != expected:
        said = "it has none" if DERIVED_FROM not in resource else f"it says {str(declared)[:120]}"
        wanted = f"a view derived from {expected}" if expected is not None else "a table, derived from nothing"
        found.append(Problem("resource-kind", f"`{DERIVED_FROM}`: the registry makes it {wanted}; {said}",
                             file=DESCRIPTOR, table=name))
    return found


def _read_tables(source: PackageSource, registry: Registry, problems: list[Problem],
                 gate: SanitisedCopy | None) -> dict[str, pd.DataFrame]:
    resources = source.resources()
    names = [table.name for table in registry.published]
    for name in sorted(set(names) - set(resources)):
        problems.append(Problem("resource-missing", "resource missing from the descriptor", file=DESCRIPTOR, table=name))
    for name in sorted(set(resources) - set(names)):
        problems.append(Problem("resource-unknown", "resource not defined by the registry", file=DESCRIPTOR, table=name))
    csv_frames: dict[str, pd.DataFrame] = {}
    for table in registry.published:  # the tables, then the views, each read and checked the same way
        resource = resources.get(table.name)
        if resource is None:
            continue
        problems.extend(_kind_problems(registry, table.name, resource))
        schema = table_schema(table)
        if isinstance(resource.get("schema"), dict) and resource["schema"] != schema:
            problems.append(Problem("schema-mismatch", "schema differs from the registry (stale or edited descriptor)",
                                    file=DESCRIPTOR, table=table.name))
        parquet = resource.get("parquet")
        copies: dict[str, Any] = {}  # the CSV as a frame, the Parquet as an Arrow table
        declared_copies: list[tuple[str, dict, Callable]] = [
            ("csv", resource, _read_csv), ("parquet", parquet if isinstance(parquet, dict) else {}, _read_parquet)]
        for kind, declared, reader in declared_copies:
            try:
                data = source.read(declared)
            except PackageFileError as exc:
                path = declared.get("path")
                problems.append(Problem(exc.code, str(exc), file=path if isinstance(path, str) else None,
                                        table=table.name))
                continue
            if kind == "csv" and gate is not None:
                gate.add(resource, data)
            frame = reader(data, table.name, schema, problems)
            if frame is not None:
                copies[kind] = frame
        if len(copies) == 2:
            _compare(table, copies["csv"], copies["parquet"], problems)
        # The Parquet copy is only compared with the CSV one; the table rules (and the views' check) run on the
        # CSV frames, so it is released here rather than held for every table at once.
        if "csv" in copies:
            csv_frames[table.name] = copies["csv"]
    return csv_frames


def _view_problems(registry: Registry, frames: dict[str, pd.DataFrame], read: dict[str, pd.DataFrame]) -> list[Problem]:
    """Each published view against the view made again from the package's tables."""
    problems: list[Problem] = []
    for view in registry.views.values():
        if view.name not in read:
            continue  # unreadable or missing: already reported
        expected, found = make_view(view, registry, frames)
        problems += found + view_problems(view, read[view.name], expected)
    return problems


def _generated_problems(source: PackageSource) -> list[Problem]:
    """Every generated file the descriptor lists (docs/, CITATION.cff) is there, with its size and hash."""
    listed = source.descriptor.get("generated_files")
    problems: list[Problem] = []
    seen, total = set(), 0
    for entry in listed if isinstance(listed, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or entry["path"] in seen:
            continue  # reported as descriptor-shape (a repeated path is read once)
        seen.add(entry["path"])
        if total > MAX_ZIP_TOTAL_BYTES:  # every one is at most MAX_FILE_BYTES: the total is bounded too
            problems.append(Problem("file-too-large", f"the generated files read so far have {total:,} bytes, more "
                                    f"than the limit of {size_text(MAX_ZIP_TOTAL_BYTES)}; the rest are not read",
                                    file=DESCRIPTOR))
            break
        try:
            data = source.read(entry)
            total += len(data)
            if entry.get("path") == CITATION:  # YAML that the workbook reads: through the bounded reader only
                parse_yaml(data, CITATION)
        except PackageFileError as exc:
            path = entry.get("path")
            problems.append(Problem(exc.code, str(exc), file=path if isinstance(path, str) else DESCRIPTOR))
    return problems


def _unlisted_problems(source: PackageSource) -> list[Problem]:
    """A file in datasets/ or docs/ the descriptor does not list: no build made it (the build's rule)."""
    listed = listed_files(source.descriptor)
    if source.zip is not None:
        unlisted = unlisted_members(source.zip.namelist(), source.prefix, listed)
    else:
        unlisted = unlisted_files(source.root, listed)
    return [Problem("unknown-published-file", "is not listed by the descriptor: no build made it (a stray note, an "
                    "editor's file?); remove it", file=path) for path in unlisted]


# Problems after which frictionless is not run: the package's files or descriptor cannot be trusted
# to be what our checks saw (its findings would only repeat them, or it would read what we refused).
_STOPS_FRICTIONLESS = {"path-unsafe", "file-missing", "size-mismatch", "hash-missing", "hash-unsupported", "hash-mismatch",
                       "schema-mismatch", "descriptor-unreadable", "resource-missing", "csv-unreadable",
                       "csv-parquet-row-count"}


def _stops_frictionless(problem: Problem) -> bool:
    return problem.code in _STOPS_FRICTIONLESS or CATALOGUE[problem.code].group == "trust" or problem.file == DESCRIPTOR


def validate_package(package, registry: Registry | None = None, *, use_frictionless: bool = True,
                     check_journal: bool = True) -> list[Problem]:
    """Every problem of a package (a folder, its datapackage.json, or a release zip); [] means valid.

    The package is untrusted input: nothing is fetched, no link is followed, every limit of
    base/limits.py holds; nothing is changed. A folder with a publishing journal (a build was killed while
    publishing, or the journal came with the folder) is reported as `publish-pending` and not read further:
    its files may be a mixture, and only `build` finishes a publish (check_journal=False: the build's own
    staging folder)."""
    registry = registry or load_registry()
    if check_journal and not isinstance(package, PackageSource):
        named = Path(package)
        folder = named if named.is_dir() else named.parent if named.name == DESCRIPTOR else None
        if folder is not None and (problems := pending(folder)):
            return problems
    problems = []
    try:
        source = open_package(Path(package) if not isinstance(package, PackageSource) else package)
    except DataPackageError as exc:
        return [Problem(exc.code, str(exc), file=DESCRIPTOR)]
    gate = SanitisedCopy() if use_frictionless else None
    try:
        problems.extend(shape_problems(source.descriptor))
        if not isinstance(source.descriptor.get("resources"), list):
            return problems
        read = _read_tables(source, registry, problems, gate)
        frames = {name: read[name] for name in registry.names if name in read}
        problems.extend(_generated_problems(source))
        problems.extend(_unlisted_problems(source))
        if len(frames) == len(registry.names):
            problems.extend(_raw_problems(source))
            texts = {}
            for raw_path in frames[Sources.table][Sources.raw_path].dropna():
                try:
                    texts[raw_path] = source.read_member(raw_path).decode("utf-8")
                except (PackageFileError, OSError, UnicodeDecodeError) as exc:
                    problems.append(Problem("raw-unreadable", f"cannot read raw document: {exc}", file=raw_path,
                                            table=Sources.table))
            problems.extend(check_tables(registry, frames, texts))
            problems.extend(_view_problems(registry, frames, read))
        if gate is not None and not any(_stops_frictionless(p) for p in problems):
            problems.extend(gate.validate(source.descriptor))
        return problems
    finally:
        source.close()
        if gate is not None:
            gate.close()
