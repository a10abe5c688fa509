"""Validate a published package folder: descriptor, files, tables, cross-table rules, raw text,
and frictionless as the standards gate. Every problem is collected.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .contract import check_tables, record_ids
from .package_files import PackageFileError, read_verified, resolve_inside
from .paths import DESCRIPTOR
from .problems import Problem
from .rawstore import MANIFEST, check_raw
from .registry import Registry, table_schema
from .types import arrow_schema, frame_from_arrow, frame_from_strings


def _read_csv(data: bytes, table: str, schema: dict, problems: list[Problem]) -> pd.DataFrame | None:
    import io

    try:
        text = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        problems.append(Problem(file=f"datasets/csv/{table}.csv", table=table, message=f"unreadable CSV: {exc}"))
        return None
    return _typed(text, table, schema, problems, "csv")


def _typed(text: pd.DataFrame, table: str, schema: dict, problems: list[Problem], kind: str):
    expected = [f["name"] for f in schema["fields"]]
    if list(text.columns) != expected:
        missing = [c for c in expected if c not in text.columns]
        extra = [c for c in text.columns if c not in expected]
        detail = f"missing {missing}" if missing else ""
        detail += ("; " if detail and extra else "") + (f"extra {extra}" if extra else "")
        problems.append(Problem(file=f"datasets/{kind}/{table}.{kind}", table=table,
                                message=f"columns differ from the registry: {detail or 'order differs'}"))
        return None
    frame, bad = frame_from_strings(text, schema)
    for position, column, value in bad:
        kind_of = next(f["type"] for f in schema["fields"] if f["name"] == column)
        problems.append(Problem(file=f"datasets/{kind}/{table}.{kind}", table=table, record=f"row {position + 1}",
                                column=column, message=f"{value!r} is not a valid {kind_of}"))
    return frame


def _read_parquet(data: bytes, table: str, schema: dict, problems: list[Problem]) -> pd.DataFrame | None:
    label = f"datasets/parquet/{table}.parquet"
    try:
        arrow = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        problems.append(Problem(file=label, table=table, message=f"unreadable Parquet: {exc}"))
        return None
    expected = arrow_schema(schema)
    if arrow.schema.names != expected.names:
        missing = [c for c in expected.names if c not in arrow.schema.names]
        extra = [c for c in arrow.schema.names if c not in expected.names]
        problems.append(Problem(file=label, table=table,
                                message=f"columns differ from the registry: missing {missing}, extra {extra}"))
        return None
    wrong = [f"{f.name} is {arrow.schema.field(f.name).type}, expected {f.type}"
             for f in expected if arrow.schema.field(f.name).type != f.type]
    if wrong:
        problems.append(Problem(file=label, table=table, message="wrong column types: " + "; ".join(wrong)))
        return None
    return frame_from_arrow(arrow, schema, categories=False)


def _compare(table, csv_frame: pd.DataFrame, parquet_frame: pd.DataFrame, problems: list[Problem]) -> None:
    if len(csv_frame) != len(parquet_frame):
        problems.append(Problem(table=table.name, message=f"CSV has {len(csv_frame)} rows, Parquet {len(parquet_frame)}"))
        return
    ids = record_ids(table, csv_frame)
    for column in csv_frame.columns:
        a, b = csv_frame[column], parquet_frame[column]
        same = (a.isna() & b.isna()) | (a == b).fillna(False).astype(bool)
        for index in same[~same].index:
            problems.append(Problem(table=table.name, record=ids[index], column=column,
                                    message=f"CSV has {a[index]!r} but Parquet has {b[index]!r}"))


def _frictionless(package_dir: Path) -> list[Problem]:
    from frictionless import Package, system

    problems = []
    with system.use_context(trusted=False):
        report = Package(str(package_dir / DESCRIPTOR)).validate()
    if report.valid:
        return problems
    for error in report.errors:
        problems.append(Problem(file=DESCRIPTOR, message=f"frictionless: {error.message}"))
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            problems.append(Problem(table=task.name, record=f"row {row}" if row else None, column=field,
                                    message=f"frictionless {error.type}: {error.note}"))
    return problems


def validate_package(package_dir: Path, registry: Registry, *, use_frictionless: bool = True) -> list[Problem]:
    """Every problem of the package in `package_dir`; an empty list means valid."""
    package_dir = Path(package_dir)
    problems: list[Problem] = []
    try:
        package = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem(file=DESCRIPTOR, message=f"cannot read the descriptor: {exc}")]
    resources = {r.get("name"): r for r in package.get("resources", []) if isinstance(r, dict)}
    for name in sorted(set(registry.names) - set(resources)):
        problems.append(Problem(file=DESCRIPTOR, table=name, message="resource missing from the descriptor"))
    for name in sorted(set(resources) - set(registry.names)):
        problems.append(Problem(file=DESCRIPTOR, table=name, message="resource not defined by the registry"))

    csv_frames, parquet_frames = {}, {}
    for table in registry:
        resource = resources.get(table.name)
        if resource is None:
            continue
        schema = table_schema(table)
        if resource.get("schema") != schema:
            problems.append(Problem(file=DESCRIPTOR, table=table.name,
                                    message="schema differs from the registry (stale or edited descriptor)"))
        parquet = resource.get("parquet") if isinstance(resource.get("parquet"), dict) else {}
        for declared, reader, frames in ((resource, _read_csv, csv_frames), (parquet, _read_parquet, parquet_frames)):
            try:
                data = read_verified(package_dir, declared)
            except PackageFileError as exc:
                problems.append(Problem(file=declared.get("path"), table=table.name, message=str(exc)))
                continue
            frame = reader(data, table.name, schema, problems)
            if frame is not None:
                frames[table.name] = frame
        if table.name in csv_frames and table.name in parquet_frames:
            _compare(table, csv_frames[table.name], parquet_frames[table.name], problems)
        # The Parquet copy is only compared with the CSV one; the table rules run on the CSV frames,
        # so it is released here rather than held for every table at once.
        parquet_frames.pop(table.name, None)

    if len(csv_frames) == len(registry.names):
        texts = {}
        raw_dir = package_dir / "raw"
        if (raw_dir / MANIFEST).is_file():
            problems.extend(check_raw(raw_dir))
        for raw_path in csv_frames["sources"]["raw_path"].dropna():
            try:
                texts[raw_path] = resolve_inside(package_dir, raw_path).read_bytes().decode("utf-8")
            except (PackageFileError, OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(file=raw_path, table="sources", message=f"cannot read raw document: {exc}"))
        problems.extend(check_tables(registry, csv_frames, texts))
    if use_frictionless and not any(p.file == DESCRIPTOR for p in problems):
        problems.extend(_frictionless(package_dir))
    return problems
