"""The cache of `belarus-china serve`: where the database, its metadata and the rendered pages of a package are
kept between runs. $XDG_CACHE_HOME/belarus-china (else ~/.cache/belarus-china), made 0700 and refused if it is a
link or someone else's; one entry per package content hash and code fingerprint (`cache_key`), so a changed
package or code gets another and a stale database is never served; an entry is complete only when it is a
private folder holding the database, the metadata and the files folder (`is_private_entry`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from .serve_metadata import DB_NAME

CACHE_FOLDER = "belarus-china"       # under $XDG_CACHE_HOME (else ~/.cache)
FILES = "files"                     # the folder of an entry holding the rendered pages (docs/sources/)


def write_json(path: Path, data: dict) -> None:
    """Write through a new temporary file (mkstemp: a name nobody can have planted) moved over `path`."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise



class CacheError(OSError):
    """The cache folder is not one of this user's own (a link, not a folder, someone else's): problem code
    `cache-unsafe`."""

    code = "cache-unsafe"


def cache_root() -> Path:
    """$XDG_CACHE_HOME/belarus-china, else ~/.cache/belarus-china (a relative XDG_CACHE_HOME is ignored,
    as the XDG specification says)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / CACHE_FOLDER


def private_folder(path: Path) -> Path:
    """`path` as a folder of this user's that nobody else can write: made (0700) if missing; a link, a
    file or a folder of someone else's is refused (CacheError); one open to others is closed (chmod 0700
    through a descriptor opened without following links)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise CacheError(f"the cache folder {path} is not a folder (a link or a file?): {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            raise CacheError(f"the cache folder {path} belongs to someone else (uid {info.st_uid}); "
                             "set XDG_CACHE_HOME to a folder of your own")
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o700)
    finally:
        os.close(fd)
    return path


def code_fingerprint(registry_directory: Path | None = None) -> str:
    """sha256 of what makes the database besides the package: this package's code and registry files, and the
    SQLite library's version (a database of an older serve is never served)."""
    from ..base import paths

    digest = hashlib.sha256(sqlite3.sqlite_version.encode())
    code = Path(__file__).resolve().parents[1]
    registry_folder = registry_directory or paths.registry_dir()
    for path in [*sorted(code.rglob("*.py")), *sorted(Path(registry_folder).glob("*.yaml"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(descriptor: dict) -> str:
    """The content hash naming a package's cache entry: its descriptor (which holds the size and sha256 of
    every table file; raw documents are checked against the sha256 of the sources table) and the code's
    fingerprint. Another package, or the same one changed, gets another entry."""
    digest = hashlib.sha256(json.dumps(descriptor, sort_keys=True, ensure_ascii=False).encode())
    digest.update(code_fingerprint().encode())
    return digest.hexdigest()[:32]


def is_private_entry(path: Path) -> bool:
    """A complete cache entry of ours: a real folder (not a link) owned by us, closed to others, holding the
    database and metadata as regular files."""
    try:
        info = os.lstat(path)
        files = [os.lstat(path / f"{DB_NAME}.sqlite"), os.lstat(path / f"{DB_NAME}.metadata.json"),
                 os.lstat(path / FILES)]
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not stat.S_IMODE(info.st_mode) & 0o077
            and all(f.st_uid == os.getuid() for f in files) and stat.S_ISREG(files[0].st_mode)
            and stat.S_ISREG(files[1].st_mode) and stat.S_ISDIR(files[2].st_mode))

