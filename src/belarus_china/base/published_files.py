"""Which files of datasets/ and docs/ a package's descriptor lists: the rule by which the build refuses to
replace a folder holding a file no build made, `package` refuses to zip one, and `validate` reports one."""

from __future__ import annotations

import os
from pathlib import Path

BUILT_FOLDERS = ("datasets", "docs")  # replaced whole by the build, so checked for strangers' files


def listed_files(descriptor: dict) -> set[str]:
    """The paths of the tables (CSV and Parquet copies) and the generated files a descriptor lists."""
    listed = set()
    resources = descriptor.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        for entry in (resource, resource.get("parquet") if isinstance(resource, dict) else None):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                listed.add(entry["path"])
    generated = descriptor.get("generated_files")
    for entry in generated if isinstance(generated, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            listed.add(entry["path"])
    return listed


def unlisted_files(root: Path, listed: set[str]) -> list[str]:
    """Files (and links) in datasets/ and docs/ of a folder that `listed` does not name."""
    present: set[str] = set()
    for folder in BUILT_FOLDERS:
        for directory, folders, names in os.walk(root / folder):
            here = Path(directory)
            present.update((here / name).relative_to(root).as_posix() for name in names)
            present.update((here / name).relative_to(root).as_posix() for name in folders if (here / name).is_symlink())
        if (root / folder).is_symlink():
            present.add(folder)
    return sorted(present - listed)


def unlisted_members(names: list[str], prefix: str, listed: set[str]) -> list[str]:
    """The same for a zip's member names (folder entries aside), below the zip's package folder `prefix`."""
    inside = (name[len(prefix):] for name in names if name.startswith(prefix) and not name.endswith("/"))
    return sorted(name for name in inside if name.split("/", 1)[0] in BUILT_FOLDERS and name not in listed)
