"""Load the published tables into pandas: `load("quotes")`.

Reads the Parquet copy declared on the table's resource in the package descriptor after checking its size and sha256,
and applies the dtypes the descriptor's Table Schema prescribes (itself generated from the
column registry): nullable integers and floats, strings, datetime64 dates, and categories
for enumerations. Imports neither pandera nor frictionless.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import paths
from .package_files import PackageFileError, read_verified
from .types import frame_from_arrow


class DataPackageError(RuntimeError):
    """The package is missing, damaged or does not hold the asked-for table."""


def datapackage_path(package: str | Path | None = None) -> Path:
    """Path of the datapackage.json `load()` reads (by default the one installed with this package)."""
    root = Path(package) if package is not None else paths.default_package_dir()
    return root / paths.DESCRIPTOR if root.is_dir() else root


def _descriptor(package) -> tuple[Path, dict]:
    path = datapackage_path(package)
    try:
        return path.parent, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataPackageError(f"cannot read the package descriptor {path}: {exc}") from None


def tables(package: str | Path | None = None) -> list[str]:
    """Names of the tables in the package, in descriptor order."""
    _, descriptor = _descriptor(package)
    return [r["name"] for r in descriptor["resources"] if r.get("type") == "table"]


def load(name: str, package: str | Path | None = None) -> pd.DataFrame:
    """One table as a DataFrame with the registry's dtypes."""
    root, descriptor = _descriptor(package)
    resources = {r.get("name"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}
    resource = resources.get(name)
    if resource is None or not isinstance(resource.get("parquet"), dict):
        raise DataPackageError(f"no table {name!r} in {root / paths.DESCRIPTOR}; tables: {', '.join(tables(root))}")
    try:
        data = read_verified(root, resource["parquet"])
        table = pq.read_table(pa.BufferReader(data))
        return frame_from_arrow(table, resource["schema"], categories=True)
    except PackageFileError as exc:
        raise DataPackageError(f"table {name!r}: {exc}") from None
    except (pa.ArrowException, OSError, KeyError) as exc:
        raise DataPackageError(f"table {name!r}: {resource['parquet'].get('path')} is damaged or not as described: {exc}") from None


def load_all(package: str | Path | None = None) -> dict[str, pd.DataFrame]:
    return {name: load(name, package) for name in tables(package)}
