"""datapackage.json: the Data Package v2 descriptor of the written files, with the tables' and views' CSV
and Parquet copies, their sizes and hashes, and the Table Schemas the registry generates. A view's
resource also says which tables it is derived from (`derivedFrom`).

`render_package` writes each table's files into the staging folder as it renders them (`written.py`);
the descriptor is made from the sizes and hashes counted while they were written."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..base.paths import DESCRIPTOR
from ..base.problems import Problem, ProblemsFound
from ..contract.registry import Registry, table_schema
from ..contract.vocabulary import Sources
from .tables import write_csv, write_parquet
from .written import StagedFiles, Written

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def version(root: Path) -> str:
    """The package version: pyproject.toml's, the one place it is written."""
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def checkout_version(root: Path) -> str:
    """The version of the checkout `root`; ProblemsFound (not-a-checkout) when `root` is not one."""
    try:
        project = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        if project["name"] == "belarus-china" and isinstance(project["version"], str):
            return project["version"]
        why = f"its pyproject.toml is the project {str(project.get('name'))[:80]!r}'s"
    except OSError as exc:
        why = f"its pyproject.toml cannot be read ({exc.strerror or exc})"
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        why = f"its pyproject.toml is not a project's ({type(exc).__name__}: {str(exc)[:120]})"
    raise ProblemsFound("package", [Problem("not-a-checkout", f"{root} is not a belarus-china checkout: {why}; "
                                            "run `belarus-china package --root CHECKOUT`", file="pyproject.toml")])


def _file_resource(name: str, path: str, written: Written, **extra) -> dict:
    return {"name": name, "path": path, **extra, "bytes": written.bytes, "hash": f"sha256:{written.sha256}"}


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def descriptor(registry: Registry, metadata: dict, package_version: str, files: Mapping[str, Written],
               sources: pd.DataFrame, generated: Mapping[str, Written] | None = None) -> dict:
    """The datapackage.json for the given written files (path -> size and hash), listing the generated
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
        package["generated_files"] = [{"path": path, "bytes": entry.bytes, "hash": f"sha256:{entry.sha256}"}
                                      for path, entry in sorted(generated.items())]
    return package


def render_package(registry: Registry, frames: Mapping[str, pd.DataFrame], metadata: dict, package_version: str,
                   out: StagedFiles, generated: Mapping[str, Written] | None = None) -> dict:
    """Every table and view file, then the descriptor, written into `out` (paths relative to the package root;
    `frames` holds the tables and the views); returns the descriptor."""
    for table in registry.published:
        schema = table_schema(table)
        with out.stream(f"datasets/csv/{table.name}.csv") as stream:
            write_csv(frames[table.name], schema, stream)
        with out.stream(f"datasets/parquet/{table.name}.parquet") as stream:
            write_parquet(frames[table.name], schema, stream)
    package = descriptor(registry, metadata, package_version, out.written, frames[Sources.table], generated)
    out.write(DESCRIPTOR, (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return package
