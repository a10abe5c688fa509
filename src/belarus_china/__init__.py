"""belarus_china: the curated Belarus–China data package, loadable in one line.

>>> import belarus_china as bc
>>> bc.load("quotes")            # a DataFrame with the registry's dtypes (lists as Python lists)
>>> bc.tables(), bc.views(), bc.datapackage_path()
>>> bc.describe("quotes")        # the codebook entry of a table, as a DataFrame
>>> bc.parquet_path("claims")    # the Parquet file, for DuckDB or Polars
>>> bc.raw_text(source_id), bc.context(evidence_id)   # a document, an excerpt in its text

The code is layered as the data flows (see the README's "How it is made"):
`base` (paths, safe file access, problems, the type codec) -> `contract` (registry, rules,
validation) and the light `loader` -> `curate` (curation files to rows) -> `publish` (files) ->
`browse` (serve, diff) -> `pipeline` and `cli`.

The library functions the CLI runs are importable from here too; they load their layer only when
first used, so `import belarus_china` stays as light as the loader.
"""

from __future__ import annotations

from importlib import import_module

from .loader import (
    DataPackageError,
    context,
    datapackage_path,
    describe,
    load,
    load_all,
    parquet_path,
    raw_text,
    tables,
    views,
)

_LIBRARY = {
    "build": "pipeline",
    "audit_report": "pipeline",
    "validate_package": "contract.validate",
    "diff_packages": "browse.diff",
    "write_sqlite": "publish.sqlite",
    "write_workbook": "publish.workbook",
    "start_server": "browse.serve",
    "stop_server": "browse.serve",
    "resolve_id": "browse.renames",
    "add_document": "curate.add",
}

__all__ = ["DataPackageError", "context", "datapackage_path", "describe", "load", "load_all", "parquet_path", "raw_text",
           "tables", "views", *_LIBRARY]


def __getattr__(name: str):
    if name in _LIBRARY:
        return getattr(import_module(f".{_LIBRARY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
