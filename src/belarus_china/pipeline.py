"""`belarus-china build`: raw + curated records -> tables -> audit -> validate -> publish, atomically.

Each step is one function named for what it does; the data flows one way:
raw -> curate (`curate.assemble`) -> contract check (`contract.rules`, problems mapped back to the
curation files) -> coverage audit -> views (`contract.views`) -> publish (render each file into the
staging folder as it is made, validate the written files, write the SQLite database into staging, move it
all into place through the journal), under the build lock.

What a step is done with is let go before the next one starts, so that the build's peak memory is its
largest step rather than the sum of them: the curation records, raw texts and row dicts after the audit,
every file's bytes as soon as it is written (only sizes and hashes are kept), the frames once the package
is staged (validation reads the written files; the SQLite export reads them one table at a time). The
result keeps counts, not data.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from .base import journal
from .base.journal import SQLITE_ITEM
from .base.lock import LOCK_TIMEOUT, BuildLock, LockHeld
from .base.paths import DESCRIPTOR
from .base.problems import Problem, ProblemsFound, catalogue_markdown, write_error
from .base.rawstore import RAW_FOLDER, read_text
from .contract.frames import to_frames
from .contract.registry import Registry, read_package_metadata, read_registry
from .contract.rules import check_tables
from .contract.validate import validate_package
from .contract.views import make_views
from .contract.vocabulary import Claims, Evidence, Inferences, Sources
from .curate.assemble import assemble
from .curate.assembled import Assembled
from .curate.audit import KINDS, Candidate, report_table, run_audit
from .curate.review import ReviewItem, review
from .loader import load_all
from .publish import charts, docs, viewer, web_annotations
from .publish.coverage_report import coverage as coverage_report
from .publish.croissant import CROISSANT_FILE, croissant_bytes, landing_jsonld
from .publish.descriptor import render_package, version
from .publish.release import citation_cff, release_date
from .publish.security_doc import security_markdown
from .publish.sqlite import write_sqlite
from .publish.stage import discard, read_journal_or_none, refuse_unknown_files, stage
from .publish.stage import publish as publish_staged
from .publish.written import StagedFiles

SQLITE_PATH = SQLITE_ITEM


@dataclass(frozen=True)
class Counts:
    """What the summary says about the tables, counted while they were alive (the build keeps no frames)."""
    rows: dict[str, int]        # table -> rows
    views: dict[str, int]       # view -> rows
    conflicts: int              # claims that disagree with the curated value

    @classmethod
    def of(cls, frames: dict[str, pd.DataFrame], views: dict[str, pd.DataFrame]) -> Counts:
        return cls({name: len(frame) for name, frame in frames.items()},
                   {name: len(frame) for name, frame in views.items()},
                   int((frames[Claims.table][Claims.agrees] == False).sum()))  # noqa: E712  (nullable boolean)


@dataclass
class BuildResult:
    counts: Counts
    candidates: list[Candidate]
    root: Path
    frictionless: bool = True
    review: list[ReviewItem] = field(default_factory=list)
    published: str | None = None  # what publishing did (None when the build did not publish)

    @property
    def rows(self) -> dict[str, int]:
        return self.counts.rows

    def summary(self) -> str:
        """What the build published, as `belarus-china build` prints it."""
        rows = self.counts.rows
        width = max(len(name) for name in rows)
        lines = [f"published {self.root / DESCRIPTOR}" + (f" ({self.published})" if self.published else "")]
        lines += [f"  {name:<{width}}  {count:>5} rows" for name, count in rows.items()]
        if self.counts.views:
            lines.append("views (validation/views.yaml), made from the tables: "
                         + ", ".join(f"{name} ({count} rows)" for name, count in self.counts.views.items()))
        audit = Counter(c.status for c in self.candidates)
        lines += [
            f"evidence: {rows[Evidence.table]} excerpts, every offset verified against raw/",
            f"coverage audit: {len(self.candidates)} candidate facts: {audit['covered']} covered, "
            f"{audit['dismissed']} dismissed, {audit['uncovered']} uncovered",
            f"conflicts between sources: {self.counts.conflicts}; inferred values: {rows[Inferences.table]}",
            "validation: passed (registry contract, cross-table rules, evidence offsets, raw checksums, CSV = Parquet, "
            "views = what the tables give"
            + (", frictionless)" if self.frictionless else "; frictionless skipped)"),
            "files: datasets/csv, datasets/parquet (tables and views), docs/ (codebook, datasheet, coverage, problems, "
            "security, charts, evidence viewer sources/, Web Annotations annotations/), "
            f"{CROISSANT_FILE} (Croissant 1.1), CITATION.cff; {SQLITE_PATH} for `belarus-china serve`",
        ]
        if self.review:
            lines.append(f"merge review: {len(self.review)} text(s) may state a value this build changed; look at:")
            lines += [f"  - {item}" for item in self.review]
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
    return assembled, checked_tables(registry, assembled)


def checked_tables(registry: Registry, assembled: Assembled) -> dict[str, pd.DataFrame]:
    """The assembled rows as frames, checked against the contract (problems named by curation file and record).
    Each table's row dicts are let go as soon as its frame exists (`assembled.rows` is empty afterwards)."""
    frames = to_frames(registry, assembled.rows, release=True)
    texts = {f"{RAW_FOLDER}/{name}": text for name, text in assembled.texts.items()}
    # A record whose excerpt could not be placed has no evidence row: that is already reported.
    unplaced = {(p.file, p.record) for p in assembled.problems if p.code in _EVIDENCE_CODES}
    located = [assembled.locate(p) for p in check_tables(registry, frames, texts)]
    located = [p for p in located if not (p.code == "no-evidence" and (p.file, p.record) in unplaced)]
    problems = list(dict.fromkeys(assembled.problems + located))  # a duplicate key is reported once per row
    if problems:
        raise ProblemsFound("curation", problems)
    return frames


def coverage(candidates: list[Candidate]) -> list[Candidate]:
    """The coverage audit's verdict; raises while any candidate fact is neither curated nor dismissed."""
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
    registry = read_registry(root / "validation")
    assembled = assemble(root, registry)
    hard = [p for p in assembled.problems if p.code in ("yaml-syntax", "yaml-encoding", "curation-shape")]
    if hard:
        raise ProblemsFound("curation", hard)
    candidates = run_audit(assembled, registry)
    return report_table(candidates, list(assembled.texts)), not any(c.status == "uncovered" for c in candidates)


def generate(root: Path, registry: Registry, frames, candidates, views=None) -> Iterator[tuple[str, bytes]]:
    """Everything the build publishes besides the tables (documentation, charts, citation, the evidence
    viewer and the evidence as Web Annotations), one file at a time, (path, bytes): the build writes each
    before the next is rendered."""
    package_version = version(root)
    metadata = package_metadata(root, frames)
    texts = {
        "docs/codebook.md": lambda: docs.codebook(registry, frames, views or {}),
        "docs/datasheet.md": lambda: docs.datasheet(registry, frames, candidates, package_version),
        "docs/coverage.md": lambda: coverage_report(candidates, KINDS),
        "docs/problems.md": catalogue_markdown,
        "docs/security.md": security_markdown,
        "CITATION.cff": lambda: citation_cff(root, metadata, package_version),
    }
    for name, render in texts.items():
        yield name, render().encode("utf-8")
    yield from charts.render(frames, chart_caption(metadata['name'], package_version), registry).items()
    raw = {path: read_text(root / path) for path in frames[Sources.table][Sources.raw_path]}
    yield from viewer.render_files(registry, frames, raw, viewer_head(root, registry, frames))  # docs/sources/
    yield from web_annotations.render_files(registry, frames, raw, metadata)  # docs/annotations/: W3C Web Annotations


def viewer_head(root: Path, registry: Registry, frames) -> str:
    """What the viewer's index page carries in its <head>: the package as a schema.org Dataset (JSON-LD)."""
    package_version = version(root)
    return landing_jsonld(registry, package_metadata(root, frames), package_version, release_date(root, package_version))


def chart_caption(name: str, package_version: str) -> str:
    """The line under every chart: which package and version drew it (a chart outlives its page)."""
    return f"{name} {package_version} · from the published tables"


def _quiet(_message: str) -> None:
    pass


def package_metadata(root: Path, frames: dict[str, pd.DataFrame]) -> dict:
    """validation/package.yaml with its counts filled in from the tables (`{documents}`)."""
    metadata = read_package_metadata(root / "validation")
    metadata["description"] = str(metadata["description"]).format(documents=len(frames[Sources.table]))
    return metadata


def check_release_heading(root: Path) -> None:
    """The version must have its CHANGELOG heading: CITATION.cff's release date is read from it."""
    package_version = version(root)
    if release_date(root, package_version) is None:
        raise ProblemsFound("release notes", [Problem(
            "changelog-heading",
            f"version {package_version} (pyproject.toml) has no heading in CHANGELOG.md; add "
            f"`## [{package_version}] - YYYY-MM-DD` (the release date) above the previous version, with what changed",
            file="CHANGELOG.md")])


@contextmanager
def _step(report: Callable[[str], None], label: str):
    """Announce a step; say how long it took when that was more than a second."""
    report(f"  {label} …")
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    if elapsed > 1:
        report(f"    done in {elapsed:.1f} s")


def _check_dist(root: Path) -> None:
    if (root / "dist").is_symlink() or ((root / "dist").exists() and not (root / "dist").is_dir()):
        raise ProblemsFound("publishing", [Problem("write-failed", "dist/ is a link or not a folder; the build "
                                                   "moves files into place by renaming and writes through no link",
                                                   file="dist")])


def _render(root: Path, registry: Registry, frames: dict[str, pd.DataFrame], candidates: list[Candidate],
            out: StagedFiles) -> Counts:
    """The views, the generated files and the tables, each written into staging as it is made."""
    views = views_of(registry, frames)
    before = set(out.written)
    out.write_all(generate(root, registry, frames, candidates, views))
    generated = {path: entry for path, entry in out.written.items() if path not in before}
    package = render_package(registry, {**frames, **views}, package_metadata(root, frames), version(root), out, generated)
    out.write(CROISSANT_FILE, croissant_bytes(registry, package, release_date(root, version(root))))
    return Counts.of(frames, views)


def _publish(root: Path, registry: Registry, staging: Path, written: list[str], use_frictionless: bool,
             report: Callable[[str], None]) -> str | None:
    """Validate the staged package, write the SQLite database, then move it all into place (the build lock is held)."""
    refuse_unknown_files(root, written)
    with _step(report, "validating the written package" + (" (with frictionless)" if use_frictionless else "")):
        problems = validate_package(staging, registry, use_frictionless=use_frictionless, check_journal=False)
    if problems:
        raise ProblemsFound("validation of the written package", problems)
    # Written into staging and published with the rest: a full disk here stops the build before
    # anything changed, instead of failing it after the new package was already in place.
    with _step(report, "writing the SQLite database for Datasette (dist/, not committed)"):
        try:
            write_sqlite(staging, staging / SQLITE_PATH, registry)
        except (OSError, sqlite3.Error) as exc:
            raise ProblemsFound("publishing", [Problem("write-failed", f"writing {SQLITE_PATH} failed: "
                                                       f"{write_error(exc)}; nothing was published")]) from None
    return publish_staged(root, staging)


def build(root: Path, *, use_frictionless: bool = True, publish: bool = True,
          report: Callable[[str], None] = _quiet, lock_timeout: float = LOCK_TIMEOUT) -> BuildResult:
    """Build the package under `root`; nothing it publishes changes unless all of it validates.

    With publish=True the build holds the folder's build lock from before it reads anything until
    its package is in place, waiting up to `lock_timeout` seconds for another build to finish
    (ProblemsFound, build-locked, after that); it first finishes any publish a killed build left
    (see base/journal.py) and removes dead builds' staging folders."""
    root = Path(root).resolve()
    if not publish:
        return _make(root, use_frictionless, report, publish=False)
    try:
        lock = BuildLock(root, timeout=lock_timeout, report=report).acquire()
    except LockHeld as exc:
        raise ProblemsFound("build lock", [Problem("build-locked", f"{exc}; nothing was read or published")]) from None
    except OSError as exc:
        raise ProblemsFound("build lock", [Problem("write-failed", f"cannot create the build lock: {exc}")]) from None
    try:
        try:
            finished = journal.recover(root)
        except journal.JournalRefused as exc:
            raise ProblemsFound("recovery", [Problem("journal-refused", f"{exc}; nothing was moved or removed. If no "
                                                     "build was interrupted in this folder, move the journal away",
                                                     file=journal.JOURNAL_FILE)]) from None
        except (journal.JournalError, OSError) as exc:
            raise ProblemsFound("recovery", [Problem("publish-incomplete", f"a previous build's publish could not be "
                                                     f"finished: {exc}; nothing more was moved")]) from None
        if finished:
            report(f"  {finished}")
        return _make(root, use_frictionless, report, publish=True)
    finally:
        lock.release()


def _make(root: Path, use_frictionless: bool, report: Callable[[str], None], *, publish: bool) -> BuildResult:
    registry = read_registry(root / "validation")
    check_release_heading(root)
    with _step(report, "checking raw/, reading build/, locating excerpts"):
        assembled = assemble(root, registry)
    # The audit reads the row dicts, so it runs before they become frames (and are let go); its verdict is
    # given after the tables are checked, so that curation problems are still reported first.
    with _step(report, "auditing coverage of the raw documents"):
        candidates = run_audit(assembled, registry)
    with _step(report, "checking the tables"):
        frames = checked_tables(registry, assembled)
    del assembled  # the curation records, raw texts and origins: nothing after the check reads them
    coverage(candidates)
    changes = review(registry, frames, published_frames(root))
    if publish:
        _check_dist(root)
    with _step(report, "making the views, writing CSV, Parquet, datapackage.json, docs and charts"):
        staging, out, counts = stage(root, partial(_render, root, registry, frames, candidates))
    del frames  # from here on the package is read from its written files
    published = None
    try:
        if publish:
            published = _publish(root, registry, staging, list(out.written), use_frictionless, report)
    finally:
        if staging.exists() and read_journal_or_none(root) is None:
            discard(staging)
    return BuildResult(counts=counts, candidates=candidates, root=root, frictionless=use_frictionless,
                       review=changes, published=published)


def published_frames(root: Path) -> dict[str, pd.DataFrame] | None:
    """The tables published before this build, for the merge review; None when there are none (or they
    cannot be read: the build replaces them, and validation says what was wrong)."""
    if not (root / DESCRIPTOR).is_file():
        return None
    try:
        return load_all(root)
    except Exception:  # noqa: BLE001 (any damage: there is simply nothing to compare with)
        return None
