"""The verbatim raw documents and their committed checksum manifest (raw/SHA256SUMS)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .problems import Problem

MANIFEST = "SHA256SUMS"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(raw_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    path = raw_dir / MANIFEST
    label = f"raw/{MANIFEST}"
    if not path.is_file():
        return {}, [Problem(file=label, message="the checksum manifest is missing")]
    entries, problems = {}, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            problems.append(Problem(file=label, message=f"line {number} is not '<sha256>  <file name>': {line!r}"))
            continue
        entries[name] = digest
    return entries, problems


def check_raw(raw_dir: Path) -> list[Problem]:
    """Every raw document is in the manifest with its checksum, and nothing else is there."""
    manifest, problems = read_manifest(raw_dir)
    present = sorted(p.name for p in raw_dir.iterdir() if p.name != MANIFEST) if raw_dir.is_dir() else []
    for name in sorted(set(manifest) - set(present)):
        problems.append(Problem(file=f"raw/{name}", message="is listed in the manifest but missing"))
    for name in present:
        path = raw_dir / name
        if name not in manifest:
            problems.append(Problem(file=f"raw/{name}", message="is not in the manifest (an extra or renamed file)"))
        elif not path.is_file() or path.is_symlink():
            problems.append(Problem(file=f"raw/{name}", message="is not a regular file"))
        elif sha256_file(path) != manifest[name]:
            problems.append(Problem(file=f"raw/{name}", message="differs from the manifest checksum (edited or damaged)"))
        else:
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(Problem(file=f"raw/{name}", message=f"is not UTF-8 text: {exc}"))
    return problems


def read_text(path: Path) -> str:
    # Bytes decoded as UTF-8 without newline translation: offsets count code points of exactly this text.
    return path.read_bytes().decode("utf-8")
