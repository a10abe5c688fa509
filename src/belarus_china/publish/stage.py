"""Publishing the written files: a staging folder beside the published package, validated, then
swapped into place; on failure the old files are restored."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..base.paths import DESCRIPTOR
from ..base.rawstore import RAW_FOLDER

PUBLISHED = ("datasets", "docs", DESCRIPTOR, "CITATION.cff")  # everything the build generates


def write_tree(directory: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def stage(root: Path, files: dict[str, bytes]) -> Path:
    """Write the package beside the published one, with a copy of raw/ so it validates on its own."""
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = root / f".staging-{os.getpid()}"
    write_tree(staging, files)
    shutil.copytree(root / RAW_FOLDER, staging / RAW_FOLDER)
    return staging


def swap_into_place(root: Path, staging: Path) -> None:
    """Replace the published files with the staged ones; on failure restore the old ones."""
    previous = root / f".previous-{os.getpid()}"
    shutil.rmtree(previous, ignore_errors=True)
    previous.mkdir()
    try:
        for name in PUBLISHED:
            if (root / name).exists():
                os.replace(root / name, previous / name)
        for name in PUBLISHED:
            os.replace(staging / name, root / name)
    except BaseException:
        for name in PUBLISHED:
            if (previous / name).exists():
                if (root / name).is_dir():
                    shutil.rmtree(root / name)
                os.replace(previous / name, root / name)
        raise
    finally:
        shutil.rmtree(previous, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
