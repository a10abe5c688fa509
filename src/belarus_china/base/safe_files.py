"""Safe access to the files a descriptor names: inside the package, with the declared size and hash."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path, PurePosixPath


class PackageFileError(ValueError):
    """A resource file is unsafe, missing or not what the descriptor says; `code` is its problem code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_relative(relative) -> str:
    """Refuse resource paths that are absolute, URLs or climb out of the package."""
    if not isinstance(relative, str) or not relative:
        raise PackageFileError("path-unsafe", f"resource path {relative!r} is not a relative file path")
    if "://" in relative or relative.startswith(("/", "\\")) or (len(relative) > 1 and relative[1] == ":"):
        raise PackageFileError("path-unsafe",
                               f"resource path {relative!r} is absolute or a URL; only paths inside the package are read")
    if ".." in PurePosixPath(relative).parts or "\\" in relative:
        raise PackageFileError("path-unsafe", f"resource path {relative!r} climbs out of the package")
    return relative


def resolve_inside(package_dir: Path, relative) -> Path:
    """The file `relative` names, refusing absolute paths, URLs, `..` and links that leave the package."""
    check_relative(relative)
    root = Path(package_dir).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise PackageFileError("path-unsafe", f"resource path {relative!r} resolves outside the package (through a link)")
    if not path.is_file():
        raise PackageFileError("file-missing", f"resource file {relative!r} is missing")
    return path


def verify(resource: dict, data: bytes) -> bytes:
    """Check the declared `bytes` and `hash` (sha256) of a resource's data before trusting it."""
    declared_size = resource.get("bytes")
    if declared_size is not None and declared_size != len(data):
        raise PackageFileError("size-mismatch", f"{resource['path']} has {len(data)} bytes, the descriptor says {declared_size} "
                               "(damaged, truncated or edited)")
    declared_hash = resource.get("hash")
    if not declared_hash:
        raise PackageFileError("hash-missing", f"{resource['path']} has no hash in the descriptor; refusing to trust it")
    algorithm, _, digest = declared_hash.rpartition(":")
    if algorithm not in ("sha256", "") or (algorithm == "" and len(digest) != 64):
        raise PackageFileError("hash-unsupported", f"{resource['path']}: unsupported hash {declared_hash!r} (sha256 expected)")
    if hashlib.sha256(data).hexdigest() != digest:
        raise PackageFileError("hash-mismatch",
                               f"{resource['path']} does not match its sha256 in the descriptor (damaged or edited)")
    return data


def read_verified(package_dir: Path, resource: dict) -> bytes:
    """The resource's bytes from a package folder, after the path, size and hash checks."""
    return verify(resource, resolve_inside(package_dir, resource.get("path")).read_bytes())


def read_verified_from_zip(archive: zipfile.ZipFile, resource: dict) -> bytes:
    """The resource's bytes from a release zip: the member is looked up by name, never extracted."""
    name = check_relative(resource.get("path"))
    try:
        return verify(resource, archive.read(name))
    except KeyError:
        raise PackageFileError("file-missing", f"resource file {name!r} is missing from the zip") from None
