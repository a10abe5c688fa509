"""`belarus-china build`: raw + curated records -> tables -> audit -> validate -> publish, atomically.

Each step is one function named for what it does; the data flows one way:
raw -> curate (`curate.assemble`) -> contract check (`contract.rules`, problems mapped back to the
curation files) -> coverage audit -> views (`contract.views`) -> publish (render, stage, validate the
written files, swap) -> SQLite.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .base.paths import DESCRIPTOR
from .base.problems import Problem, ProblemsFound, catalogue_markdown
from .base.rawstore import RAW_FOLDER, read_text
from .contract.frames import to_frames
from .contract.registry import Registry, read_package_metadata, read_registry
from .contract.rules import check_tables
from .contract.validate import validate_package
from .contract.views import make_views
from .contract.vocabulary import Claims, Evidence, Inferences, Sources
from .curate.assemble import Assembled, assemble
from .curate.audit import KINDS, Candidate, report_table, run_audit
from .publish import charts, docs, viewer, web_annotations
from .publish.descriptor import render_package, version
from .publish.release import citation_cff
from .publish.sqlite import write_sqlite
from .publish.stage import stage, swap_into_place

SQLITE_PATH = "dist/belarus-china.sqlite"


@dataclass
class BuildResult:
    frames: dict[str, pd.DataFrame]
    assembled: Assembled
    files: dict[str, bytes]
    candidates: list[Candidate]
    root: Path
    frictionless: bool = True
    views: dict[str, pd.DataFrame] = field(default_factory=dict)

    def summary(self) -> str:
        """What the build published, as `belarus-china build` prints it."""
        frames = self.frames
        width = max(len(name) for name in frames)
        lines = [f"published {self.root / DESCRIPTOR}"]
        lines += [f"  {name:<{width}}  {len(frame):>5} rows" for name, frame in frames.items()]
        if self.views:
            lines.append("views (validation/views.yaml), made from the tables: "
                         + ", ".join(f"{name} ({len(frame)} rows)" for name, frame in self.views.items()))
        audit = Counter(c.status for c in self.candidates)
        conflicts = int((frames[Claims.table][Claims.agrees] == False).sum())  # noqa: E712  (nullable boolean)
        lines += [
            f"evidence: {len(frames[Evidence.table])} excerpts, every offset verified against raw/",
            f"coverage audit: {len(self.candidates)} candidate facts: {audit['covered']} covered, "
            f"{audit['dismissed']} dismissed, {audit['uncovered']} uncovered",
            f"conflicts between sources: {conflicts}; inferred values: {len(frames[Inferences.table])}",
            "validation: passed (registry contract, cross-table rules, evidence offsets, raw checksums, CSV = Parquet, "
            "views = what the tables give"
            + (", frictionless)" if self.frictionless else "; frictionless skipped)"),
            "files: datasets/csv, datasets/parquet (tables and views), docs/ (codebook, datasheet, coverage, problems, charts, "
            "evidence viewer sources/, Web Annotations annotations/), "
            f"CITATION.cff; {SQLITE_PATH} for `belarus-china serve`",
        ]
        return "\n".join(lines)


_EVIDENCE_CODES = {"excerpt-not-found", "excerpt-ambiguous", "excerpt-occurrence", "excerpt-within", "evidence-item",
                   "evidence-raw-file", "alias-not-found"}


def views_of(registry: Registry, frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The views (validation/views.yaml), made from the checked tables; raises when one cannot be published."""
    views, problems = make_views(registry, frames)
    if problems:
        raise ProblemsFound("views", problems)
    return views


def make_tables(root: Path, registry: Registry) -> tuple[Assembled, dict[str, pd.DataFrame]]:
    """Curate, then check the tables against the contract; every problem of both, named by file and record."""
    assembled = assemble(root, registry)
    frames = to_frames(registry, assembled.rows)
    texts = {f"{RAW_FOLDER}/{name}": text for name, text in assembled.texts.items()}
    # A record whose excerpt could not be placed has no evidence row: that is already reported.
    unplaced = {(p.file, p.record) for p in assembled.problems if p.code in _EVIDENCE_CODES}
    located = [assembled.locate(p) for p in check_tables(registry, frames, texts)]
    located = [p for p in located if not (p.code == "no-evidence" and (p.file, p.record) in unplaced)]
    problems = list(dict.fromkeys(assembled.problems + located))  # a duplicate key is reported once per row
    if problems:
        raise ProblemsFound("curation", problems)
    return assembled, frames


def coverage(assembled: Assembled) -> list[Candidate]:
    """The coverage audit; raises while any candidate fact is neither curated nor dismissed."""
    candidates = run_audit(assembled)
    uncovered = [
        Problem("coverage-uncovered", f"{c.text!r} is covered by no evidence excerpt and no `dismissed` entry",
                file=f"{RAW_FOLDER}/{c.raw_file}", record=f"chars {c.start}-{c.end}", column=c.kind)
        for c in candidates if c.status == "uncovered"
    ]
    if uncovered:
        raise ProblemsFound("coverage audit", uncovered)
    return candidates


def audit_report(root: Path) -> tuple[str, bool]:
    """`belarus-china audit`: the coverage table of the raw documents, and whether nothing is uncovered.
    Raises ProblemsFound when the documents or curation files cannot be read."""
    root = Path(root).resolve()
    assembled = assemble(root, read_registry(root / "validation"))
    hard = [p for p in assembled.problems if p.code in ("yaml-syntax", "yaml-encoding", "curation-shape")]
    if hard:
        raise ProblemsFound("curation", hard)
    candidates = run_audit(assembled)
    return report_table(candidates, list(assembled.texts)), not any(c.status == "uncovered" for c in candidates)


def generated_files(root: Path, registry: Registry, frames, candidates, views=None) -> dict[str, bytes]:
    """Everything the build publishes besides the tables: documentation, charts, citation, the evidence
    viewer and the evidence as Web Annotations."""
    package_version = version(root)
    metadata = read_package_metadata(root / "validation")
    files = {
        "docs/codebook.md": docs.codebook(registry, frames, views or {}),
        "docs/datasheet.md": docs.datasheet(registry, frames, candidates, package_version),
        "docs/coverage.md": docs.coverage(candidates, KINDS),
        "docs/problems.md": catalogue_markdown(),
        "CITATION.cff": citation_cff(root, metadata, package_version),
    }
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    encoded.update(charts.render(frames, chart_caption(metadata['name'], package_version)))
    texts = {path: read_text(root / path) for path in frames[Sources.table][Sources.raw_path]}
    encoded.update(viewer.render(registry, frames, texts))      # docs/sources/: the evidence viewer
    encoded.update(web_annotations.render(registry, frames, texts, metadata))  # docs/annotations/: W3C Web Annotations
    return encoded


def chart_caption(name: str, package_version: str) -> str:
    """The line under every chart: which package and version drew it (a chart outlives its page)."""
    return f"{name} {package_version} · from the published tables"


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
    with _step(report, "making the views, writing CSV, Parquet, datapackage.json, docs and charts"):
        views = views_of(registry, frames)
        files = render_package(registry, {**frames, **views}, read_package_metadata(root / "validation"), version(root))
        files.update(generated_files(root, registry, frames, candidates, views))
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
            write_sqlite(root, root / SQLITE_PATH, registry)
    return BuildResult(frames=frames, assembled=assembled, files=files, candidates=candidates, root=root,
                       frictionless=use_frictionless, views=views)
