"""Write the tables as CSV and Parquet with a Data Package v2 descriptor, deterministically,
and swap them into place only after the written package validates.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from .paths import DESCRIPTOR
from .rawstore import sha256_bytes
from .registry import Registry, table_schema
from .types import arrow_schema

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PUBLISHED = ("datasets", "docs", DESCRIPTOR, "CITATION.cff")  # everything the build generates
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def csv_cell(value, kind: str) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "date":
        return value.strftime("%Y-%m-%d")
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def csv_bytes(frame: pd.DataFrame, schema: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([f["name"] for f in schema["fields"]])
    kinds = [(f["name"], f["type"]) for f in schema["fields"]]
    for row in frame.itertuples(index=False):
        writer.writerow([csv_cell(getattr(row, name), kind) for name, kind in kinds])
    return buffer.getvalue().encode("utf-8")


def arrow_table(frame: pd.DataFrame, schema: dict) -> pa.Table:
    target = arrow_schema(schema)
    arrays = []
    for f, arrow_field in zip(schema["fields"], target):
        series = frame[f["name"]]
        if f["type"] == "date":
            values = [None if pd.isna(v) else v.date() for v in series]
            arrays.append(pa.array(values, type=arrow_field.type))
        else:
            arrays.append(pa.array(series.astype(object).where(series.notna(), None).tolist(), type=arrow_field.type))
    return pa.Table.from_arrays(arrays, schema=target)


def parquet_bytes(frame: pd.DataFrame, schema: dict) -> bytes:
    sink = pa.BufferOutputStream()
    # No pandas metadata and no embedded Arrow schema: identical bytes for identical data (same pyarrow).
    pq.write_table(arrow_table(frame, schema).replace_schema_metadata(None), sink, compression="zstd",
                   store_schema=False)
    return sink.getvalue().to_pybytes()


def package_metadata(root: Path) -> dict:
    return yaml.safe_load((root / "validation" / "package.yaml").read_text(encoding="utf-8"))


def version(root: Path) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _file_resource(name: str, path: str, data: bytes, **extra) -> dict:
    return {"name": name, "path": path, **extra, "bytes": len(data), "hash": f"sha256:{sha256_bytes(data)}"}


def descriptor(registry: Registry, metadata: dict, package_version: str, files: dict[str, bytes],
               sources: pd.DataFrame) -> dict:
    """The datapackage.json for the given written files (path -> bytes)."""
    resources = []
    for table in registry:
        csv_path, parquet_path = f"datasets/csv/{table.name}.csv", f"datasets/parquet/{table.name}.parquet"
        resource = _file_resource(
            table.name, csv_path, files[csv_path], type="table", title=table.title, description=table.description,
            format="csv", mediatype="text/csv", encoding="utf-8",
            dialect={"delimiter": ",", "lineTerminator": "\n", "header": True},
        )
        # The same rows as Parquet. Declared on the resource rather than as a resource of its own:
        # frictionless cannot check a Parquet file's bytes and hash and misreads its missing numbers,
        # so the CSV is the resource every Frictionless tool validates, and `belarus-china validate`
        # checks that the Parquet copy holds exactly the same data.
        resource["parquet"] = _file_resource(table.name, parquet_path, files[parquet_path], format="parquet",
                                             mediatype=PARQUET_MEDIATYPE)
        del resource["parquet"]["name"]
        resource["schema"] = table_schema(table)
        resources.append(resource)
    package_sources = []
    for row in sources.itertuples(index=False):
        entry = {"title": row.title if not pd.isna(row.title) else row.source_id, "path": row.raw_path}
        credits = [str(v) for v in (row.author, row.publisher) if not pd.isna(v)]
        entry["description"] = f"{row.doc_kind}" + (f" by {', '.join(credits)}" if credits else "")
        package_sources.append(entry)
    return {
        "$schema": PROFILE,
        "name": metadata["name"],
        "id": metadata["id"],
        "title": metadata["title"],
        "description": " ".join(metadata["description"].split()),
        "version": package_version,
        "keywords": metadata["keywords"],
        "licenses": metadata["licenses"],
        "contributors": metadata["contributors"],
        "sources": package_sources,
        "resources": resources,
    }


def render_package(registry: Registry, frames: dict[str, pd.DataFrame], root: Path) -> dict[str, bytes]:
    """Every published file as bytes, keyed by its path relative to the package root."""
    files: dict[str, bytes] = {}
    for table in registry:
        schema = table_schema(table)
        files[f"datasets/csv/{table.name}.csv"] = csv_bytes(frames[table.name], schema)
        files[f"datasets/parquet/{table.name}.parquet"] = parquet_bytes(frames[table.name], schema)
    package = descriptor(registry, package_metadata(root), version(root), files, frames["sources"])
    files[DESCRIPTOR] = (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files


def write_tree(directory: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def stage(root: Path, files: dict[str, bytes]) -> Path:
    """Write the package beside the published one, with a copy of raw/ so it validates on its own."""
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = root / f".staging-{os.getpid()}"
    write_tree(staging, files)
    shutil.copytree(root / "raw", staging / "raw")
    return staging


def swap_into_place(root: Path, staging: Path) -> None:
    """Replace datasets/ and datapackage.json with the staged ones; on failure restore the old ones."""
    previous = root / f".previous-{os.getpid()}"
    shutil.rmtree(previous, ignore_errors=True)
    previous.mkdir()
    try:
        for name in PUBLISHED:
            if (root / name).exists():
                os.replace(root / name, previous / name)
        for name in PUBLISHED:
            os.replace(staging / name, root / name)
    except BaseException:
        for name in PUBLISHED:
            if (previous / name).exists():
                if (root / name).is_dir():
                    shutil.rmtree(root / name)
                os.replace(previous / name, root / name)
        raise
    finally:
        shutil.rmtree(previous, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
