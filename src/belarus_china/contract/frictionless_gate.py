"""frictionless as the standards gate, run so that it cannot fetch or read anything we did not check.

frictionless follows what a descriptor says: it fetches a URL `dialect`, `schema` or custom `$schema`,
reads paths we refused (through links, outside the package), unpacks zips into a temporary folder,
and decompresses by file extension. So it never sees the package itself: it validates a sanitised
copy in a folder we create (mkdtemp), holding only the CSV bytes our own checks verified (path,
size, sha256), under plain local names, and a descriptor rebuilt from the original's standard
metadata with inline dialects and schemas only. Any exception it raises becomes a problem.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..base.package_source import STANDARD_PROFILES
from ..base.paths import DESCRIPTOR
from ..base.problems import Problem

# What frictionless is given of the original descriptor: standard metadata that names no file.
PACKAGE_KEYS = ("name", "id", "title", "description", "version", "created", "homepage", "keywords", "licenses",
                "sources", "contributors")
RESOURCE_KEYS = ("name", "type", "title", "description", "format", "mediatype", "encoding", "bytes", "hash")


def _inline(value: dict) -> dict:
    """A dialect or schema object without the keys that name a profile to fetch."""
    return {k: v for k, v in value.items() if k not in ("$schema", "profile")}


class SanitisedCopy:
    """The verified CSV files of a package, with a clean descriptor, in a folder of our own."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="belarus-china-frictionless-"))
        self.resources: list[dict] = []

    def add(self, resource: dict, data: bytes) -> None:
        local = f"{len(self.resources)}.csv"  # no extension frictionless would decompress, no link, no folder
        # O_EXCL alone refuses any existing entry, a link included; the other flags exist only on some OSes.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.folder / local, flags | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        entry = {k: resource[k] for k in RESOURCE_KEYS if k in resource}
        entry["path"] = local
        for key in ("dialect", "schema"):
            if isinstance(resource.get(key), dict):
                entry[key] = _inline(resource[key])
        self.resources.append(entry)

    def validate(self, descriptor: dict) -> list[Problem]:
        package = {k: descriptor[k] for k in PACKAGE_KEYS if k in descriptor}
        if descriptor.get("$schema") in STANDARD_PROFILES:
            package = {"$schema": descriptor["$schema"], **package}
        package["resources"] = self.resources
        path = self.folder / DESCRIPTOR
        path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
        try:
            return _run(path)
        except Exception as exc:  # a third-party library on untrusted input: its failure is a report, not a crash
            return [Problem("frictionless", f"frictionless could not check the package: {type(exc).__name__}: "
                            f"{str(exc)[:500]}", file=DESCRIPTOR)]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(path: Path) -> list[Problem]:
    from frictionless import Package, system

    problems: list[Problem] = []
    with system.use_context(trusted=False):
        report = Package(str(path)).validate()
    if report.valid:
        return problems
    for error in report.errors:
        problems.append(Problem("frictionless", f"frictionless: {error.message}", file=DESCRIPTOR))
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            problems.append(Problem("frictionless", f"frictionless {error.type}: {error.note}", table=task.name,
                                    record=f"row {row}" if row else None, column=field))
    return problems
