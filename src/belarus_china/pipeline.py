"""`belarus-china build`: raw + curated records -> tables -> validate -> publish, atomically."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .assemble import Assembled, assemble
from .contract import check_tables
from .frames import to_frames
from .problems import ProblemsFound
from .publish import render_package, stage, swap_into_place
from .registry import Registry, read_registry
from .validate import validate_package


@dataclass
class BuildResult:
    frames: dict[str, pd.DataFrame]
    assembled: Assembled
    files: dict[str, bytes]


def make_tables(root: Path, registry: Registry) -> tuple[Assembled, dict[str, pd.DataFrame]]:
    assembled = assemble(root, registry)
    frames = to_frames(registry, assembled.rows)
    texts = {f"raw/{name}": text for name, text in assembled.texts.items()}
    problems = check_tables(registry, frames, texts)
    if problems:
        raise ProblemsFound("tables", problems)
    return assembled, frames


def build(root: Path, *, use_frictionless: bool = True, publish: bool = True) -> BuildResult:
    """Build the package under `root`; nothing under datasets/ or datapackage.json changes unless it all validates."""
    root = Path(root).resolve()
    registry = read_registry(root / "validation")
    assembled, frames = make_tables(root, registry)
    files = render_package(registry, frames, root)
    if publish:
        staging = stage(root, files)
        try:
            problems = validate_package(staging, registry, use_frictionless=use_frictionless)
            if problems:
                raise ProblemsFound("validation of the written package", problems)
            swap_into_place(root, staging)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(frames=frames, assembled=assembled, files=files)
