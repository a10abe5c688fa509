"""One resolver for a published package: a folder, its datapackage.json, or a release zip.

The loader, `validate`, `diff` and `serve` all open packages through `open_package`, so a package is
read the same way whatever its form, and always as untrusted input: the descriptor is read once
(a regular file within the size limit, JSON within the depth limit, an object), and every file is
read through the safe-file checks (inside the package, never through a link, declared size and
sha256). A zip's central directory is checked first (member count, duplicate names, total
uncompressed size); a member is looked up by name and never extracted, and only the members the
descriptor (or the raw manifest) names are ever read. The limits are in `limits.py`.
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from . import paths
from .limits import (
    MAX_DESCRIPTOR_BYTES,
    MAX_FILE_BYTES,
    MAX_ZIP_DIRECTORY_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_TOTAL_BYTES,
    size_text,
)
from .problems import Problem
from .safe_files import (
    PackageFileError,
    check_relative,
    entry_kind,
    list_folder,
    open_regular,
    parse_json,
    read_inside,
    read_verified,
    read_verified_from_zip,
    read_zip_member,
)

# The `$schema` values frictionless knows without fetching anything; any other is refused, never fetched.
STANDARD_PROFILES = ("https://datapackage.org/profiles/2.0/datapackage.json",
                     "https://datapackage.org/profiles/1.0/datapackage.json")

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


# --- zips ------------------------------------------------------------------------------------------

_EOCD = struct.Struct("<4s4H2LH")            # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def _zip64_record(handle, offset: int, size: int) -> tuple[int, int] | None:
    """(entries, directory bytes) of a zip64 end record at `offset`, if one is there."""
    if not 0 <= offset <= size - _ZIP64_EOCD.size:
        return None
    handle.seek(offset)
    record = handle.read(_ZIP64_EOCD.size)
    if len(record) != _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
        return None
    fields = _ZIP64_EOCD.unpack(record)
    return fields[7], fields[8]


def _directory_size(handle) -> tuple[int, int]:
    """(entries, central directory bytes) from the end records, read before zipfile parses the
    directory (which it holds in memory whole, one object per entry).

    Readers disagree on where the records are, and a hostile zip makes each reading say something else:
    the end record is the last 22 bytes or the last signature in the tail, and its zip64 record is at the
    offset the locator gives (the standard, newer Pythons) or just before the locator (older Pythons,
    3.11's zipfile among them). Every reading is taken and the largest counts, so no reader is shown less
    than the limits were checked against."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    tail_start = max(0, size - (_EOCD.size + 0xFFFF))
    handle.seek(tail_start)
    tail = handle.read()
    ends = {tail.rfind(b"PK\x05\x06")} - {-1}
    if len(tail) >= _EOCD.size and tail[-_EOCD.size:][:4] == b"PK\x05\x06":
        ends.add(len(tail) - _EOCD.size)
    ends = {at for at in ends if len(tail) - at >= _EOCD.size}
    if not ends:
        raise DataPackageError("not a valid zip: no end-of-central-directory record")
    readings = []
    for at in ends:
        _, _, _, _, entries, directory, _, _ = _EOCD.unpack_from(tail, at)
        readings.append((entries, directory))
        locator_at = tail_start + at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            continue
        handle.seek(locator_at)
        locator = handle.read(_ZIP64_LOCATOR.size)
        if len(locator) != _ZIP64_LOCATOR.size or locator[:4] != b"PK\x06\x07":
            continue
        _, _, offset, _ = _ZIP64_LOCATOR.unpack(locator)
        for record_at in (offset, locator_at - _ZIP64_EOCD.size):
            found = _zip64_record(handle, record_at, size)
            if found is not None:
                readings.append(found)
    handle.seek(0)
    return max(entries for entries, _ in readings), max(directory for _, directory in readings)


def open_zip(handle, label: str) -> zipfile.ZipFile:
    """A ZipFile over `handle` after the member count, directory size, duplicate-name and total-size checks."""
    entries, directory = _directory_size(handle)
    if entries > MAX_ZIP_MEMBERS or directory > MAX_ZIP_DIRECTORY_BYTES:
        raise DataPackageError(f"{label} declares {entries:,} entries ({directory:,} bytes of directory), more than the "
                               f"limits of {MAX_ZIP_MEMBERS:,} entries and {size_text(MAX_ZIP_DIRECTORY_BYTES)} of "
                               "directory; it is not opened", code="zip-too-many-members")
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise DataPackageError(f"{label} is not a valid zip: {exc}") from None
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(infos) > MAX_ZIP_MEMBERS:
        archive.close()
        raise DataPackageError(f"{label} holds {len(infos):,} entries, more than the limit of {MAX_ZIP_MEMBERS:,}",
                               code="zip-too-many-members")
    if len(set(names)) != len(names):
        seen: set[str] = set()
        twice = sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]
        archive.close()
        raise DataPackageError(f"{label} holds several entries named {', '.join(map(repr, twice[:5]))}",
                               code="zip-duplicate-member")
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_TOTAL_BYTES:
        archive.close()
        raise DataPackageError(f"{label} would uncompress to {total:,} bytes, more than the limit of "
                               f"{size_text(MAX_ZIP_TOTAL_BYTES)} (a decompression bomb?); nothing is read",
                               code="zip-too-large")
    return archive


def _zip_prefix(archive: zipfile.ZipFile) -> str:
    """"" when datapackage.json is at the top of the zip; "folder/" when the whole package sits in one
    folder (as `zip -r package.zip package/` makes it)."""
    names = archive.namelist()
    if paths.DESCRIPTOR in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1:
        prefix = f"{next(iter(tops))}/"
        if prefix + paths.DESCRIPTOR in names:
            return prefix
    return ""


# --- the descriptor's shape ---------------------------------------------------------------------------

def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _file_entry_problems(entry, where: str, table: str | None) -> list[Problem]:
    """A {path, bytes, hash} object (a resource, its Parquet copy, a generated file)."""
    if not isinstance(entry, dict):
        return [Problem("descriptor-shape", f"{where} must be an object", file=paths.DESCRIPTOR, table=table)]
    found = []
    if not isinstance(entry.get("path"), str):
        found.append(Problem("descriptor-shape", f"{where}: `path` must be a string, not "
                             f"{type(entry.get('path')).__name__}", file=paths.DESCRIPTOR, table=table))
    if "bytes" in entry and not _is_count(entry["bytes"]):
        found.append(Problem("descriptor-shape", f"{where}: `bytes` must be a whole number, not {str(entry['bytes'])[:40]}",
                             file=paths.DESCRIPTOR, table=table))
    if "hash" in entry and not isinstance(entry["hash"], str):
        found.append(Problem("descriptor-shape", f"{where}: `hash` must be a string, not {type(entry['hash']).__name__}",
                             file=paths.DESCRIPTOR, table=table))
    return found


def _inline_problems(resource: dict, table: str) -> list[Problem]:
    found = []
    for key in ("dialect", "schema"):
        value = resource.get(key)
        if value is None or isinstance(value, dict):
            continue
        if isinstance(value, str):
            found.append(Problem("remote-reference", f"`{key}` names {value[:120]!r} instead of being written inline; "
                                 "it is not fetched", file=paths.DESCRIPTOR, table=table))
        else:
            found.append(Problem("descriptor-shape", f"`{key}` must be an object, not {type(value).__name__}",
                                 file=paths.DESCRIPTOR, table=table))
    return found


def shape_problems(descriptor: dict) -> list[Problem]:
    """What in a descriptor (already known to be an object) is not the JSON shape the standard requires,
    and every reference to another file or URL that frictionless would fetch."""
    found: list[Problem] = []
    profile = descriptor.get("$schema")
    if profile is not None and profile not in STANDARD_PROFILES:
        found.append(Problem("remote-reference", f"`$schema` is {str(profile)[:120]!r}, not a standard Data Package "
                             "profile; custom profiles are not fetched", file=paths.DESCRIPTOR))
    for key in ("licenses", "sources", "contributors"):
        value = descriptor.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            found.append(Problem("descriptor-shape", f"`{key}` must be a list of objects", file=paths.DESCRIPTOR))
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        found.append(Problem("descriptor-shape", f"`resources` must be a list, not {type(resources).__name__}",
                             file=paths.DESCRIPTOR))
        resources = []
    for index, resource in enumerate(resources):
        where = f"resources[{index}]"
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            found.append(Problem("descriptor-shape", f"{where} must be an object with a `name` string",
                                 file=paths.DESCRIPTOR))
            continue
        name = resource["name"]
        found += _file_entry_problems(resource, where, name)
        found += _inline_problems(resource, name)
        if "parquet" in resource:
            found += _file_entry_problems(resource["parquet"], f"{where}.parquet", name)
    generated = descriptor.get("generated_files")
    if generated is not None:
        if not isinstance(generated, list):
            found.append(Problem("descriptor-shape", "`generated_files` must be a list", file=paths.DESCRIPTOR))
        else:
            for index, entry in enumerate(generated):
                found += _file_entry_problems(entry, f"generated_files[{index}]", None)
    return found + _duplicate_problems(resources, generated)


def _duplicate_problems(resources: list, generated) -> list[Problem]:
    """A path listed twice (one 200 MiB file listed 66,000 times would be read and hashed each time)."""
    entries = [(r, r.get("parquet")) for r in resources if isinstance(r, dict)]
    listed = [entry.get("path") for pair in entries for entry in pair if isinstance(entry, dict)]
    listed += [entry.get("path") for entry in (generated if isinstance(generated, list) else []) if isinstance(entry, dict)]
    counts = Counter(path for path in listed if isinstance(path, str))
    return [Problem("descriptor-shape", f"lists the file {path[:200]!r} {count:,} times; a file is listed once",
                    file=paths.DESCRIPTOR) for path, count in counts.items() if count > 1]


# --- the source ------------------------------------------------------------------------------------------

class PackageSource:
    """A package folder or a release zip: its descriptor and verified access to its files."""

    def __init__(self, package: str | Path | None):
        self.path = datapackage_path(package)
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""  # a zip's folder holding the package, if any
        self._handle: BinaryIO | None = None
        data = self._open_descriptor()
        try:
            self.descriptor = parse_json(data, f"the package descriptor {self.label}")
        except PackageFileError as exc:
            self.close()
            raise DataPackageError(str(exc), code=exc.code) from None
        if not isinstance(self.descriptor, dict):
            self.close()
            raise DataPackageError(f"the package descriptor {self.label} is not a JSON object "
                                   f"(it is {type(self.descriptor).__name__})", code="descriptor-shape")

    def _open_descriptor(self) -> bytes:
        try:
            if self.path.name == paths.DESCRIPTOR:
                return read_inside(self.path.parent, paths.DESCRIPTOR, limit=MAX_DESCRIPTOR_BYTES)
            # A file the user named: a release zip, or a descriptor under another name.
            handle = self._handle = open_regular(self.path, f"the package descriptor {self.path}")
            if handle.read(2) != b"PK":
                handle.seek(0)
                data = handle.read(MAX_DESCRIPTOR_BYTES + 1)
                if len(data) > MAX_DESCRIPTOR_BYTES:
                    raise PackageFileError("file-too-large", f"it is larger than {size_text(MAX_DESCRIPTOR_BYTES)}")
                return data
            handle.seek(0)
            self.zip = open_zip(handle, str(self.path))
            self.prefix = _zip_prefix(self.zip)
            return read_zip_member(self.zip, self.prefix + paths.DESCRIPTOR, limit=MAX_DESCRIPTOR_BYTES)
        except PackageFileError as exc:
            self.close()
            code = {"file-missing": "descriptor-unreadable", "file-too-large": "descriptor-too-large"}.get(exc.code, exc.code)
            note = f" (the limit is {size_text(MAX_DESCRIPTOR_BYTES)})" if code == "descriptor-too-large" else ""
            raise DataPackageError(f"cannot read the package descriptor {self.path}: {exc}{note}", code=code) from None
        except DataPackageError:
            self.close()
            raise
        except OSError as exc:
            self.close()
            raise DataPackageError(f"cannot read the package descriptor {self.path}: {exc.strerror or exc}") from None

    @property
    def root(self) -> Path:
        """The package folder (for a zip, the folder holding it)."""
        return self.path.parent

    @property
    def label(self) -> str:
        return str(self.path if self.zip is not None else self.root)

    def read(self, resource: dict) -> bytes:
        """A declared file's bytes after the path, size and hash checks (PackageFileError otherwise)."""
        if not isinstance(resource, dict):
            raise PackageFileError("descriptor-shape", "a declared file must be an object")
        if self.zip is not None:
            return read_verified_from_zip(self.zip, resource, self.prefix)
        return read_verified(self.root, resource)

    def read_member(self, relative: str, limit: int = MAX_FILE_BYTES) -> bytes:
        """An undeclared file of the package (a raw document, the manifest), by its relative path."""
        check_relative(relative)
        if self.zip is not None:
            return read_zip_member(self.zip, self.prefix + relative, limit=limit)
        return read_inside(self.root, relative, limit=limit)

    def members(self, folder: str) -> dict[str, bool]:
        """The files directly inside `folder` (e.g. "raw"), each with whether it is a regular file."""
        if self.zip is not None:
            found = {}
            for info in self.zip.infolist():
                if not info.filename.startswith(self.prefix):
                    continue
                path = PurePosixPath(info.filename[len(self.prefix):])
                if len(path.parts) == 2 and path.parts[0] == folder and not info.is_dir():
                    found[path.name] = True
            return found
        return list_folder(self.root, folder)

    def has_member(self, relative: str) -> bool:
        if self.zip is not None:
            return self.prefix + relative in self.zip.NameToInfo
        return entry_kind(self.root, relative) is not None

    def resources(self) -> dict[str, dict]:
        listed = self.descriptor.get("resources", [])
        if not isinstance(listed, list):
            return {}
        return {r["name"]: r for r in listed if isinstance(r, dict) and isinstance(r.get("name"), str)}

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
        read_verified(self.root, declared)  # opens every part of the path without following a link
        return Path(self.root) / check_relative(declared.get("path"))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def open_package(package: str | Path | PackageSource | None) -> PackageSource:
    return package if isinstance(package, PackageSource) else PackageSource(package)
