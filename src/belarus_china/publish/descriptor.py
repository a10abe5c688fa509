"""datapackage.json: the Data Package v2 descriptor of the written files, with the tables' and views' CSV
and Parquet copies, their sizes and hashes, and the Table Schemas the registry generates. A view's
resource also says which tables it is derived from (`derivedFrom`)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd

from ..base.paths import DESCRIPTOR
from ..base.rawstore import sha256_bytes
from ..contract.registry import Registry, table_schema
from ..contract.vocabulary import Sources
from .tables import csv_bytes, parquet_bytes

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def version(root: Path) -> str:
    """The package version: pyproject.toml's, the one place it is written."""
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _file_resource(name: str, path: str, data: bytes, **extra) -> dict:
    return {"name": name, "path": path, **extra, "bytes": len(data), "hash": f"sha256:{sha256_bytes(data)}"}


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def descriptor(registry: Registry, metadata: dict, package_version: str, files: dict[str, bytes],
               sources: pd.DataFrame, generated: dict[str, bytes] | None = None) -> dict:
    """The datapackage.json for the given written files (path -> bytes), listing the generated
    documentation files (`generated`) with their sizes and hashes."""
    resources = []
    for table in registry.published:
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
        if table.name in registry.views:
            # A view (validation/views.yaml): made from these tables by the build, checked against them by validation.
            resource["derivedFrom"] = registry.views[table.name].derived_from
        resources.append(resource)
    package_sources = []
    for row in sources.to_dict("records"):
        title = _text(row[Sources.title])
        entry = {"title": title or row[Sources.id], "path": row[Sources.raw_path]}
        credits = [text for text in (_text(row[Sources.author]), _text(row[Sources.publisher])) if text]
        entry["description"] = f"{row[Sources.doc_kind]}" + (f" by {', '.join(credits)}" if credits else "")
        package_sources.append(entry)
    package = {
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
    if generated:
        # Every other file the build writes (docs/, CITATION.cff), so that `validate` can check them
        # like the tables and a build knows which files in docs/ are its own. A custom property:
        # Data Package v2 allows them, and frictionless ignores it.
        package["generated_files"] = [{"path": path, "bytes": len(data), "hash": f"sha256:{sha256_bytes(data)}"}
                                      for path, data in sorted(generated.items())]
    return package


def render_package(registry: Registry, frames: dict[str, pd.DataFrame], metadata: dict,
                   package_version: str, generated: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Every table and view file and the descriptor as bytes, keyed by path relative to the package root
    (`frames` holds the tables and the views)."""
    files: dict[str, bytes] = {}
    for table in registry.published:
        schema = table_schema(table)
        files[f"datasets/csv/{table.name}.csv"] = csv_bytes(frames[table.name], schema)
        files[f"datasets/parquet/{table.name}.parquet"] = parquet_bytes(frames[table.name], schema)
    package = descriptor(registry, metadata, package_version, files, frames[Sources.table], generated)
    files[DESCRIPTOR] = (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files
