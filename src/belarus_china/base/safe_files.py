"""Safe access to the files a package names: inside the package, never through a link, only regular
files, with the declared size checked before and the sha256 after reading.

A package is untrusted input (it may come from anyone), so:
- a path is relative, has no `..`, no empty part and no backslash, and is not too long;
- a folder's files are opened one path part at a time from the package folder, with O_NOFOLLOW, so
  no symbolic link is ever followed (not even one that points inside the package), and nothing can
  be swapped for a link between the check and the read (where the OS has no O_NOFOLLOW, as on
  Windows, by lstat before and fstat after the open: see `no_follow.py`);
- a FIFO, device or folder is refused after an lstat and before any open (a FIFO would block, a
  device may act on open); the fstat of the opened file is checked again;
- the size is checked against the declared `bytes` and the per-file limit before anything is read,
  and at most that many bytes are read;
- a zip member is looked up by name and read (never extracted) only after its central-directory
  entry says it is a plain file of the declared size within the limit, not encrypted, stored or
  deflated; the read stops at that size whatever the compressed data holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .limits import MAX_FILE_BYTES, MAX_JSON_DEPTH, MAX_PATH_CHARS, size_text
from .no_follow import PackageFileError, is_link, list_inside, open_checked, open_inside, set_blocking, stat_inside

_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def check_relative(relative) -> str:
    """Refuse paths that are absolute, URLs, climb out of the package, or that no file system would hold."""
    if not isinstance(relative, str) or not relative:
        raise PackageFileError("path-unsafe", f"path {str(relative)[:80]!r} is not a relative file path")
    shown = repr(relative[:80]) + ("…" if len(relative) > 80 else "")
    if "://" in relative or relative.startswith(("/", "\\")) or (len(relative) > 1 and relative[1] == ":"):
        raise PackageFileError("path-unsafe", f"path {shown} is absolute or a URL; only paths inside the package are read")
    parts = relative.split("/")
    if ".." in parts or "\\" in relative:
        raise PackageFileError("path-unsafe", f"path {shown} climbs out of the package")
    if "" in parts or "." in parts or "\x00" in relative:
        raise PackageFileError("path-unsafe", f"path {shown} has an empty or '.' part or a NUL character")
    if any("\ud800" <= c <= "\udfff" for c in relative):  # no UTF-8 name: a zip could not hold it (review 5, F12)
        raise PackageFileError("path-unsafe", f"path {shown} has a lone surrogate, which no UTF-8 file name holds")
    if len(relative) > MAX_PATH_CHARS or any(len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts):
        raise PackageFileError("path-unsafe", f"path {shown} is longer than {MAX_PATH_CHARS} characters "
                               "or has a part longer than 255 bytes")
    return relative


# --- what the descriptor declares ------------------------------------------------------------------

def declared_size(resource: dict) -> int | None:
    """The declared `bytes` (None when absent); a value that is not a whole number is a shape error."""
    size = resource.get("bytes")
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise PackageFileError("descriptor-shape", f"`bytes` of {resource.get('path')!r} must be a whole number of bytes, "
                               f"not {str(size)[:40]!r}")
    if size > MAX_FILE_BYTES:
        raise PackageFileError("file-too-large", f"{resource.get('path')!r} is declared as {size:,} bytes, more than "
                               f"the limit of {size_text(MAX_FILE_BYTES)} per file; it is not read")
    return size


def declared_digest(resource: dict) -> str:
    """The declared sha256 hex digest; refuses a missing, malformed or other-algorithm hash before any read."""
    declared = resource.get("hash")
    path = resource.get("path")
    if declared is None or declared == "":
        raise PackageFileError("hash-missing", f"{path} has no hash in the descriptor; refusing to trust it")
    if not isinstance(declared, str):
        raise PackageFileError("descriptor-shape", f"`hash` of {path!r} must be a string, not {type(declared).__name__}")
    algorithm, _, digest = declared.rpartition(":")
    if algorithm not in ("sha256", "") or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
        raise PackageFileError("hash-unsupported", f"{path}: unsupported hash {declared[:80]!r} (sha256 expected)")
    return digest.lower()


def verify(resource: dict, data: bytes) -> bytes:
    """Check the declared `bytes` and `hash` (sha256) of a resource's data before trusting it."""
    size = declared_size(resource)
    if size is not None and size != len(data):
        raise PackageFileError("size-mismatch", f"{resource['path']} has {len(data)} bytes, the descriptor says {size} "
                               "(damaged, truncated or edited)")
    if hashlib.sha256(data).hexdigest() != declared_digest(resource):
        raise PackageFileError("hash-mismatch",
                               f"{resource['path']} does not match its sha256 in the descriptor (damaged or edited)")
    return data


# --- files of a folder -------------------------------------------------------------------------------

def _read_fd(fd: int, size: int, limit: int, label: str) -> bytes:
    chunks, total = [], 0
    while total <= min(size, limit):
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise PackageFileError("file-too-large", f"{label} is larger than the limit of {size_text(limit)}; it is not read")
    return b"".join(chunks)


def read_path(path: Path, *, limit: int = MAX_FILE_BYTES, label: str | None = None, follow: bool = True) -> bytes:
    """A file the user named (links in the name they typed are theirs to follow, unless follow=False),
    refusing special files and files over `limit`."""
    label = label or str(path)
    fd, info = open_checked(str(path), None, label, follow=follow)
    try:
        if info.st_size > limit:
            raise PackageFileError("file-too-large", f"{label} has {info.st_size:,} bytes, more than the limit of "
                                   f"{size_text(limit)}; it is not read")
        return _read_fd(fd, info.st_size, limit, label)
    finally:
        os.close(fd)


def open_regular(path: Path, label: str):
    """A binary file object for a regular file the user named (following the links in the name they
    gave); a FIFO, device or folder is refused without waiting on it."""
    fd, _ = open_checked(str(path), None, label, follow=True)
    set_blocking(fd)
    return os.fdopen(fd, "rb")


def read_inside(root: Path, relative, *, limit: int = MAX_FILE_BYTES, expected_size: int | None = None) -> bytes:
    """The bytes of `relative` inside the package folder `root`, under every rule of the module docstring."""
    fd, info = open_inside(Path(root), check_relative(relative).split("/"), relative)
    try:
        if info.st_size > limit:
            raise PackageFileError("file-too-large", f"{relative} has {info.st_size:,} bytes, more than the limit of "
                                   f"{size_text(limit)}; it is not read")
        if expected_size is not None and info.st_size != expected_size:
            raise PackageFileError("size-mismatch", f"{relative} has {info.st_size} bytes, the descriptor says "
                                   f"{expected_size} (damaged, truncated or edited)")
        return _read_fd(fd, info.st_size, limit, relative)
    finally:
        os.close(fd)


def entry_kind(root: Path, relative: str) -> str | None:
    """"file", "link", "special" or None (absent) for a path inside the package, without following links."""
    info = stat_inside(Path(root), check_relative(relative).split("/"), relative)
    if info is None:
        return None
    if is_link(info):
        return "link"
    return "file" if stat.S_ISREG(info.st_mode) else "special"


def list_folder(root: Path, folder: str) -> dict[str, bool]:
    """The entries directly inside `folder` of the package, each with whether it is a regular file
    (links count as not regular); {} when the folder is missing or is itself a link."""
    try:
        return list_inside(Path(root), check_relative(folder).split("/"), folder)
    except PackageFileError:
        return {}


def read_verified(package_dir: Path, resource: dict) -> bytes:
    """The resource's bytes from a package folder, after the path, size and hash checks."""
    declared_digest(resource)  # a missing or malformed hash is refused before anything is read
    data = read_inside(package_dir, resource.get("path"), expected_size=declared_size(resource))
    return verify(resource, data)


# --- members of a zip ----------------------------------------------------------------------------------

def zip_member_info(archive: zipfile.ZipFile, name: str, *, expected_size: int | None = None,
                    limit: int = MAX_FILE_BYTES) -> zipfile.ZipInfo:
    """The central-directory entry of a plain, readable member of at most `limit` bytes (and of the declared
    size), refused otherwise before any of its data is read."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PackageFileError("file-missing", f"{name!r} is missing from the zip") from None
    mode = info.external_attr >> 16
    if info.is_dir() or (mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG)):
        kind = "a folder" if info.is_dir() else ("a symbolic link" if stat.S_ISLNK(mode) else "not a regular file")
        raise PackageFileError("file-not-regular", f"zip member {name!r} is {kind}")
    if info.flag_bits & 0x1:
        raise PackageFileError("zip-member-unreadable", f"zip member {name!r} is encrypted")
    if info.compress_type not in _ZIP_METHODS:
        raise PackageFileError("zip-member-unreadable", f"zip member {name!r} uses compression method "
                               f"{info.compress_type}; only stored and deflate are read")
    if info.file_size > limit:
        raise PackageFileError("file-too-large", f"zip member {name!r} is {info.file_size:,} bytes uncompressed, more "
                               f"than the limit of {size_text(limit)}; it is not read")
    if expected_size is not None and info.file_size != expected_size:
        raise PackageFileError("size-mismatch", f"{name} has {info.file_size} bytes in the zip, the descriptor says "
                               f"{expected_size} (damaged, truncated or edited)")
    return info


def read_zip_member(archive: zipfile.ZipFile, name: str, *, expected_size: int | None = None,
                    limit: int = MAX_FILE_BYTES) -> bytes:
    info = zip_member_info(archive, name, expected_size=expected_size, limit=limit)
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)  # the reader stops at file_size and checks the CRC there
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise PackageFileError("zip-member-unreadable", f"zip member {name!r} cannot be read: {exc}") from None
    if len(data) != info.file_size:
        raise PackageFileError("zip-member-unreadable", f"zip member {name!r} holds {len(data)} bytes, its entry says "
                               f"{info.file_size}")
    return data


def read_verified_from_zip(archive: zipfile.ZipFile, resource: dict, prefix: str = "") -> bytes:
    """The resource's bytes from a release zip: the member is looked up by name, never extracted."""
    name = check_relative(resource.get("path"))
    declared_digest(resource)
    data = read_zip_member(archive, prefix + name, expected_size=declared_size(resource))
    return verify(resource, data)


# --- JSON ---------------------------------------------------------------------------------------------

_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)   # a backslash and the byte it escapes (only inside strings)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')  # bytes that neither quote nor nest
_QUOTE, _OPENERS = ord('"'), (ord("["), ord("{"))


def json_depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether the JSON text nests objects and arrays deeper than `limit`, found without parsing it
    (json.loads recurses once per level: a deep enough text would raise RecursionError, or worse).

    Escapes are removed first (so an escaped quote cannot end a string), then every byte but quotes and
    brackets (a C-speed `translate`; neither occurs inside a multi-byte UTF-8 character); a bracket after an
    odd number of quotes is inside a string. The rest is counted with NumPy: the descriptor grows with the
    corpus (its sources and generated files), and this check runs on every `load()`.

    On a text that is not JSON (a backslash outside a string, a string never closed) the count may differ
    from the nesting a parser would see past that point; but json.loads stops there, and up to it, a valid
    prefix, the count is exact, so it never says shallow where the parser would recurse deeper than `limit`."""
    if b"\\" in data:
        data = _JSON_ESCAPE.sub(b"", data)
    kept = np.frombuffer(data.translate(None, _NOT_STRUCTURE), dtype=np.uint8)
    quotes = kept == _QUOTE
    brackets = kept[~quotes & (np.cumsum(quotes) % 2 == 0)]
    if len(brackets) == 0 or len(brackets) <= limit:
        return False
    depth = np.cumsum(np.where((brackets == _OPENERS[0]) | (brackets == _OPENERS[1]), 1, -1))
    return bool(depth.max() > limit)


def _no_constant(name: str):
    raise ValueError(f"{name} is not standard JSON")


def parse_json(data: bytes, label: str, *, depth: int = MAX_JSON_DEPTH):
    """Parse untrusted JSON: refuses deep nesting before parsing, and NaN and Infinity."""
    if json_depth_exceeds(data, depth):
        raise PackageFileError("descriptor-too-deep", f"{label} nests deeper than {depth} levels; it is not parsed")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageFileError("descriptor-unreadable", f"{label} is not valid JSON: {str(exc)[:200]}") from None
