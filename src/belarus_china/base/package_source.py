"""One resolver for a published package: a folder, its datapackage.json, or a release zip.

The loader, `validate`, `diff` and `serve` all open packages through `open_package`, so a package is
read the same way whatever its form: the descriptor is parsed once, and every file is read through
the safe-file checks (inside the package, declared size and sha256). A zip member is looked up by
name and never extracted.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath

from . import paths
from .safe_files import PackageFileError, check_relative, read_verified, read_verified_from_zip, resolve_inside

# The resource property naming the tables a view (a derived table, validation/views.yaml) is made from.
DERIVED_FROM = "derivedFrom"


class DataPackageError(RuntimeError):
    """The package is missing, damaged or does not hold the asked-for table; `code` is its problem code."""

    def __init__(self, message: str, code: str = "descriptor-unreadable"):
        super().__init__(message)
        self.code = code


def datapackage_path(package: str | Path | None = None) -> Path:
    """Path of the datapackage.json `load()` reads (by default the one installed with this package);
    for a release zip, the zip itself."""
    root = Path(package) if package is not None else paths.default_package_dir()
    return root / paths.DESCRIPTOR if root.is_dir() else root


class PackageSource:
    """A package folder or a release zip: its descriptor and verified access to its files."""

    def __init__(self, package: str | Path | None):
        self.path = datapackage_path(package)
        self.zip: zipfile.ZipFile | None = None
        try:
            if zipfile.is_zipfile(self.path):
                self.zip = zipfile.ZipFile(self.path)
                self.descriptor = json.loads(self.zip.read(paths.DESCRIPTOR).decode("utf-8"))
            else:
                self.descriptor = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise DataPackageError(f"cannot read the package descriptor {self.path}: {exc}") from None
        if not isinstance(self.descriptor, dict):
            raise DataPackageError(f"the package descriptor {self.path} is not a JSON object")

    @property
    def root(self) -> Path:
        """The package folder (for a zip, the folder holding it)."""
        return self.path.parent

    @property
    def label(self) -> str:
        return str(self.path if self.zip is not None else self.root)

    def read(self, resource: dict) -> bytes:
        """A declared file's bytes after the path, size and hash checks (PackageFileError otherwise)."""
        if self.zip is not None:
            return read_verified_from_zip(self.zip, resource)
        return read_verified(self.root, resource)

    def read_member(self, relative: str) -> bytes:
        """An undeclared file of the package (a raw document, the manifest), by its relative path."""
        check_relative(relative)
        if self.zip is not None:
            try:
                return self.zip.read(relative)
            except KeyError:
                raise PackageFileError("file-missing", f"{relative!r} is missing from the zip") from None
        return resolve_inside(self.root, relative).read_bytes()

    def members(self, folder: str) -> dict[str, bool]:
        """The files directly inside `folder` (e.g. "raw"), each with whether it is a regular file."""
        if self.zip is not None:
            found = {}
            for info in self.zip.infolist():
                path = PurePosixPath(info.filename)
                if len(path.parts) == 2 and path.parts[0] == folder and not info.is_dir():
                    found[path.name] = True
            return found
        directory = self.root / folder
        if not directory.is_dir():
            return {}
        return {p.name: p.is_file() and not p.is_symlink() for p in directory.iterdir()}

    def has_member(self, relative: str) -> bool:
        if self.zip is not None:
            return relative in self.zip.namelist()
        return (self.root / relative).is_file()

    def resources(self) -> dict[str, dict]:
        listed = self.descriptor.get("resources", [])
        if not isinstance(listed, list):
            return {}
        return {str(r.get("name")): r for r in listed if isinstance(r, dict)}

    def tables(self) -> list[str]:
        """The package's tables, in descriptor order (not its views)."""
        return [name for name, r in self.resources().items() if r.get("type") == "table" and DERIVED_FROM not in r]

    def views(self) -> list[str]:
        """The package's views: tables derived from its tables (their resources say `derivedFrom`)."""
        return [name for name, r in self.resources().items() if r.get("type") == "table" and DERIVED_FROM in r]

    def local_path(self, declared: dict) -> Path:
        """The file of a declared resource copy on disk, after the path, size and hash checks: for readers that open
        files themselves (DuckDB, Polars). A release zip has no such file (PackageFileError file-missing)."""
        if self.zip is not None:
            raise PackageFileError("file-missing", f"{declared.get('path')!r} is inside the zip {self.path}; unzip it, "
                                   "or read the table with load()")
        read_verified(self.root, declared)
        return resolve_inside(self.root, declared.get("path"))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def open_package(package: str | Path | PackageSource | None) -> PackageSource:
    return package if isinstance(package, PackageSource) else PackageSource(package)
