"""Load the published tables into pandas: `load("quotes")`.

Reads the Parquet copy declared on the table's resource in the package descriptor after checking its
size and sha256, and applies the dtypes the descriptor's Table Schema prescribes (itself generated
from the column registry): nullable integers and floats, strings, datetime64 dates, and categories
for enumerations. Needs only the ground layer: imports neither pandera, frictionless, YAML nor
matplotlib.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .base.codec import frame_from_arrow
from .base.package_source import DataPackageError, PackageSource, datapackage_path, open_package
from .base.safe_files import PackageFileError

__all__ = ["DataPackageError", "PackageSource", "datapackage_path", "load", "load_all", "load_from", "tables"]


def tables(package: str | Path | None = None) -> list[str]:
    """Names of the tables in the package, in descriptor order."""
    return PackageSource(package).tables()


def load_from(source: PackageSource, name: str) -> pd.DataFrame:
    resource = source.resources().get(name)
    if resource is None or not isinstance(resource.get("parquet"), dict):
        raise DataPackageError(f"no table {name!r} in {source.path}; tables: {', '.join(source.tables())}",
                               code="resource-missing")
    try:
        table = pq.read_table(pa.BufferReader(source.read(resource["parquet"])))
        return frame_from_arrow(table, resource["schema"], categories=True)
    except PackageFileError as exc:
        raise DataPackageError(f"table {name!r}: {exc}", code=exc.code) from None
    except (pa.ArrowException, OSError, KeyError) as exc:
        raise DataPackageError(f"table {name!r}: {resource['parquet'].get('path')} is damaged or not as described: "
                               f"{exc}", code="parquet-unreadable") from None


def load(name: str, package: str | Path | None = None) -> pd.DataFrame:
    """One table as a DataFrame with the registry's dtypes, from the installed package, a package
    folder, its datapackage.json, or a release zip."""
    return load_from(open_package(package), name)


def load_all(package: str | Path | None = None) -> dict[str, pd.DataFrame]:
    source = open_package(package)
    return {name: load_from(source, name) for name in source.tables()}
