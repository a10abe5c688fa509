"""A per-file cache of parsed curation YAML, so that a rebuild after editing one curation file parses only
that file again.

Parsing the YAML (PyYAML's composer, bounded by `safe_yaml`) is the per-document step whose result depends
on nothing but the file's bytes and the code: the rest of curation (locating excerpts, reading dates,
merging records that several documents describe, the actors' aliases in every document) and the contract
checks read across documents and run again on every build.

An entry lives in `.cache/curation/` under the build root (gitignored, never published: publishing moves
only datasets/, docs/, the descriptor, CITATION.cff and dist/). It is keyed by the sha256 of the file's
bytes and of the code that parses it (every source file of the package, PyYAML's version and whether
libyaml is used), and it holds the parsed document as JSON with the sha256 of that JSON. An entry that
is damaged, edited, made by other code, or not of the shape a parse gives (mappings with text keys,
lists, text) is ignored and written again, and JSON cannot run code as a pickle could. An entry someone
forged with the right key and hash would be taken for the file, but gains nothing a curation file does
not have (whoever can write `.cache/` can write `build/`): its document goes through every check a parsed
file does (record shapes, the contract, excerpts against the checksummed raw text). Only documents that
parsed without a problem are cached, so every problem is reported by the parser itself, every time.
Delete the folder to empty the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..base.safe_files import PackageFileError, parse_json

FOLDER = Path(".cache") / "curation"
FORMAT = "curation-yaml-1"   # bump when an entry's layout changes
ENTRY_LIMIT = 64 * 1024 * 1024  # bytes; a larger entry is ignored (a curation file is far smaller)


@lru_cache(maxsize=1)
def code_version() -> str:
    """sha256 of every source file of the package and of the YAML library it parses with."""
    import yaml

    digest = hashlib.sha256(f"{FORMAT} {yaml.__version__} {getattr(yaml, '__with_libyaml__', False)}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _plain(value: Any, depth: int = 0) -> bool:
    """Whether `value` is what a parse gives and JSON keeps exactly: mappings with text keys, lists, text."""
    if depth > 200:
        return False
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class ParseCache:
    """Parsed curation files of one build root, by the sha256 of their bytes and of the code."""

    def __init__(self, root: Path):
        self.folder = Path(root) / FOLDER
        self.hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    @staticmethod
    def key(data: bytes) -> str:
        return hashlib.sha256(code_version().encode("ascii") + b"\0" + data).hexdigest()

    def get(self, key: str) -> Any | None:
        """The cached parse of the file with this key, or None when there is none worth trusting."""
        path = self._path(key)
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > ENTRY_LIMIT:
                return None
            entry = parse_json(path.read_bytes(), str(path))
        except (OSError, PackageFileError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or entry.get("format") != FORMAT:
            return None
        payload = entry.get("document")
        if not _plain(payload) or hashlib.sha256(_encode(payload)).hexdigest() != entry.get("sha256"):
            return None  # damaged or edited
        return payload

    def put(self, key: str, document: Any) -> None:
        """Keep a parse; a cache that cannot be written is no reason to fail a build."""
        if not _plain(document):
            return
        encoded = _encode(document)
        entry = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(encoded).hexdigest(), "document": document}
        path = self._path(key)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(_encode(entry))
            os.replace(temporary, path)  # a reader sees the whole entry or none
        except OSError:
            temporary.unlink(missing_ok=True)

    def parsed(self, data: bytes, parse: Callable[[], Any]) -> Any:
        """The parse of `data`: from the cache, else `parse()` (kept when it gives a document)."""
        key = self.key(data)
        cached = self.get(key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        document = parse()
        if document is not None:
            self.put(key, document)
        return document
