"""`belarus-china build`: raw + curated records -> tables -> audit -> validate -> publish, atomically."""

from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from . import charts, docs
from .assemble import Assembled, assemble
from .audit import Candidate, report_markdown, run_audit
from .contract import check_tables
from .frames import to_frames
from .problems import Problem, ProblemsFound
from .publish import package_metadata, render_package, stage, swap_into_place, version
from .registry import Registry, read_registry
from .release import citation_cff
from .sqlite_export import write_sqlite
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


def generated_files(root: Path, registry: Registry, frames, candidates) -> dict[str, bytes]:
    """Everything the build publishes besides the tables: documentation, charts, citation."""
    package_version = version(root)
    files = {
        "docs/codebook.md": docs.codebook(registry, frames),
        "docs/datasheet.md": docs.datasheet(registry, frames, candidates, package_version),
        "docs/coverage.md": report_markdown(candidates),
        "CITATION.cff": citation_cff(root, package_metadata(root), package_version),
    }
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    encoded.update(charts.render(frames))
    return encoded


def _quiet(_message: str) -> None:
    pass


@contextmanager
def _step(report: Callable[[str], None], label: str):
    """Announce a step; say how long it took when that was more than a second."""
    report(f"  {label} …")
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    if elapsed > 1:
        report(f"    done in {elapsed:.1f} s")


def build(root: Path, *, use_frictionless: bool = True, publish: bool = True,
          report: Callable[[str], None] = _quiet) -> BuildResult:
    """Build the package under `root`; nothing it publishes changes unless all of it validates."""
    root = Path(root).resolve()
    registry = read_registry(root / "validation")
    with _step(report, "checking raw/, reading build/, locating excerpts, checking the tables"):
        assembled, frames = make_tables(root, registry)
    with _step(report, "auditing coverage of the raw documents"):
        candidates = coverage(assembled)
    with _step(report, "writing CSV, Parquet, datapackage.json, docs and charts"):
        files = render_package(registry, frames, root)
        files.update(generated_files(root, registry, frames, candidates))
    if publish:
        staging = stage(root, files)
        try:
            with _step(report, "validating the written package" + (" (with frictionless)" if use_frictionless else "")):
                problems = validate_package(staging, registry, use_frictionless=use_frictionless)
            if problems:
                raise ProblemsFound("validation of the written package", problems)
            swap_into_place(root, staging)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        with _step(report, "writing the SQLite database for Datasette (dist/, not committed)"):
            write_sqlite(root, root / "dist" / "belarus-china.sqlite", registry)
    return BuildResult(frames=frames, assembled=assembled, files=files, candidates=candidates)

