"""Load the published tables into pandas: `load("quotes")`.

Reads the Parquet copy declared on the table's resource in the package descriptor after checking its size and sha256,
and applies the dtypes the descriptor's Table Schema prescribes (itself generated from the
column registry): nullable integers and floats, strings, datetime64 dates, and categories
for enumerations. Imports neither pandera nor frictionless.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import paths
from .package_files import PackageFileError, read_verified, read_verified_from_zip
from .types import frame_from_arrow


class DataPackageError(RuntimeError):
    """The package is missing, damaged or does not hold the asked-for table."""


def datapackage_path(package: str | Path | None = None) -> Path:
    """Path of the datapackage.json `load()` reads (by default the one installed with this package);
    for a release zip, the zip itself."""
    root = Path(package) if package is not None else paths.default_package_dir()
    return root / paths.DESCRIPTOR if root.is_dir() else root


class PackageSource:
    """A package folder or a release zip: its descriptor and verified access to its files."""

    def __init__(self, package):
        self.path = datapackage_path(package)
        self.zip = None
        try:
            if zipfile.is_zipfile(self.path):
                self.zip = zipfile.ZipFile(self.path)
                self.descriptor = json.loads(self.zip.read(paths.DESCRIPTOR).decode("utf-8"))
            else:
                self.descriptor = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise DataPackageError(f"cannot read the package descriptor {self.path}: {exc}") from None

    def read(self, resource: dict) -> bytes:
        if self.zip is not None:
            return read_verified_from_zip(self.zip, resource)
        return read_verified(self.path.parent, resource)

    def tables(self) -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", []) if r.get("type") == "table"]


def tables(package: str | Path | None = None) -> list[str]:
    """Names of the tables in the package, in descriptor order."""
    return PackageSource(package).tables()


def load_from(source: PackageSource, name: str) -> pd.DataFrame:
    resources = {r.get("name"): r for r in source.descriptor.get("resources", []) if isinstance(r, dict)}
    resource = resources.get(name)
    if resource is None or not isinstance(resource.get("parquet"), dict):
        raise DataPackageError(f"no table {name!r} in {source.path}; tables: {', '.join(source.tables())}")
    try:
        table = pq.read_table(pa.BufferReader(source.read(resource["parquet"])))
        return frame_from_arrow(table, resource["schema"], categories=True)
    except PackageFileError as exc:
        raise DataPackageError(f"table {name!r}: {exc}") from None
    except (pa.ArrowException, OSError, KeyError) as exc:
        raise DataPackageError(f"table {name!r}: {resource['parquet'].get('path')} is damaged or not as described: "
                               f"{exc}") from None


def load(name: str, package: str | Path | None = None) -> pd.DataFrame:
    """One table as a DataFrame with the registry's dtypes, from the installed package, a package
    folder, its datapackage.json, or a release zip."""
    return load_from(PackageSource(package), name)


def load_all(package: str | Path | None = None) -> dict[str, pd.DataFrame]:
    source = PackageSource(package)
    return {name: load_from(source, name) for name in source.tables()}
