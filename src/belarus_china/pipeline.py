"""`belarus-china build`: raw + curated records -> tables -> validate -> publish, atomically."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .assemble import Assembled, assemble
from .audit import Candidate, report_markdown, run_audit
from .contract import check_tables
from .frames import to_frames
from .problems import Problem, ProblemsFound
from .publish import render_package, stage, swap_into_place
from .registry import Registry, read_registry
from .validate import validate_package


@dataclass
class BuildResult:
    frames: dict[str, pd.DataFrame]
    assembled: Assembled
    files: dict[str, bytes]
    candidates: list[Candidate]


def make_tables(root: Path, registry: Registry) -> tuple[Assembled, dict[str, pd.DataFrame]]:
    assembled = assemble(root, registry)
    frames = to_frames(registry, assembled.rows)
    texts = {f"raw/{name}": text for name, text in assembled.texts.items()}
    problems = check_tables(registry, frames, texts)
    if problems:
        raise ProblemsFound("tables", problems)
    return assembled, frames


def coverage(assembled: Assembled) -> list[Candidate]:
    """The coverage audit; raises while any candidate fact is neither curated nor dismissed."""
    candidates = run_audit(assembled, assembled.rows["actors"])
    uncovered = [
        Problem(file=f"raw/{c.raw_file}", record=f"chars {c.start}-{c.end}", column=c.kind,
                message=f"{c.text!r} is covered by no evidence excerpt and no `dismissed` entry")
        for c in candidates if c.status == "uncovered"
    ]
    if uncovered:
        raise ProblemsFound("coverage audit", uncovered)
    return candidates


def build(root: Path, *, use_frictionless: bool = True, publish: bool = True) -> BuildResult:
    """Build the package under `root`; nothing under datasets/ or datapackage.json changes unless it all validates."""
    root = Path(root).resolve()
    registry = read_registry(root / "validation")
    assembled, frames = make_tables(root, registry)
    candidates = coverage(assembled)
    files = render_package(registry, frames, root)
    files["docs/coverage.md"] = report_markdown(candidates).encode("utf-8")
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
    return BuildResult(frames=frames, assembled=assembled, files=files, candidates=candidates)
