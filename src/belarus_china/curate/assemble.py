"""Curated records + raw documents -> the rows of every table, with evidence located.

The orchestrator of the curation stage, one short step per concern:
raw documents -> curation files (`records`) -> sources -> evidence (`evidence`) -> actors ->
fact records (words checked, `contract.words`) -> date windows read from their words, records in
the order their anchors need (`contract.date_reader`, in `assemble_dates`) -> merged claims (`merge`) ->
event-data codes from each row's kind (the registry's `event_codes`) -> inferences -> dismissals
(`assemble_rows`).
Per-table behaviour comes from the registry's roles, not from branches on table names.

Every problem is collected, never raised one at a time. The rows keep their origin: which file
and record produced them, so a problem the contract finds on the tables names the curation file,
record and field (`Assembled.locate`).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..base.problems import Problem, ProblemsFound
from ..base.rawstore import RAW_FOLDER, check_raw, read_text
from ..contract.dates import Window
from ..contract.registry import Registry, Table
from ..contract.vocabulary import Claims, Evidence, Sources
from ..contract.words import word_problems
from . import file_format as F
from .assemble_dates import DatedSteps
from .assemble_rows import RowSteps
from .assembled import Assembled
from .evidence import EvidenceLocator
from .lookalikes import find_lookalikes
from .merge import merge
from .records import CurationFile, Record, read_curation
from .verbatim import store_raw_slices

UNREADABLE_FILE = frozenset({"yaml-syntax", "yaml-encoding", "yaml-duplicate-key", "yaml-alias", "yaml-too-deep",
                             "curation-file-too-large"})


class _Assembly(DatedSteps, RowSteps):
    """The steps of `assemble`, in the order it runs them (dates in DatedSteps, the rows about rows in RowSteps)."""

    # --- the steps ---

    def match_documents(self, files: list[CurationFile]) -> None:
        curated = {f.raw_file for f in files}
        for name in sorted(set(self.texts) - curated):
            self.problems.append(Problem("uncurated-document", f"has no curation file build/{Path(name).stem}.yaml",
                                         file=f"{RAW_FOLDER}/{name}"))
        for f in files:
            if f.raw_file not in self.texts:
                self.problems.append(Problem("curation-raw-missing", f"{RAW_FOLDER}/{f.raw_file} does not exist",
                                             file=f.path, column=F.RAW_FILE))

    def sources(self, files: list[CurationFile]) -> list[Record]:
        """Each document's own record first: every other record's evidence is keyed by its source_id,
        and relative dates are read against its publication window."""
        table = next(t for t in self.registry if t.one_per_file)
        found = []
        for f in files:
            for record in f.records:
                if record.table != table.name or f.raw_file not in self.texts:
                    continue
                found.append(record)
                if record.id in self.source_of_raw.values():
                    continue  # the contract reports the duplicate key; this document's evidence would be misfiled
                self.source_of[f.path] = record.id
                self.source_of_raw[f.raw_file] = record.id
                self.language_of_raw[f.raw_file] = record.values.get(Sources.language)
                if record.values.get(Sources.doc_kind) == Sources.video_summary:
                    self.video_sources.add(record.id)
        for record in found:
            values = self.filled(table, record, record.raw_file)
            self.source_values.append((record, values))
            window = self.dated(table, record, values, None, None)
            if window is not None and self.source_of.get(record.file) == record.id:
                self.windows[(table.name, record.id)] = window
            self.emit(table, values, [record])
        return found

    def actors(self, records: list[Record]) -> None:
        table = next(t for t in self.registry if t.shared_file)
        seen: set[str] = set()
        first = []
        for record in records:
            self.emit(table, dict(record.values), [record])
            if record.id not in seen:  # a second definition is reported by the contract as a duplicate key
                seen.add(record.id)
                first.append(record)
                self.evidence.record(record)
        self.evidence.aliases(first)

    def facts(self, files: list[CurationFile]) -> dict[tuple[str, str], list[Record]]:
        """Fact records grouped by (table, id); each record's evidence located and words checked."""
        by_id: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for f in files:
            if f.path not in self.source_of:
                continue
            for record in f.records:
                table = self.registry[record.table]
                if table.one_per_file:
                    continue
                by_id[(record.table, record.id)].append(record)
                self.evidence.record(record)
                self.raw_slices(table, record, record.values)
                for code, column, message in word_problems(table, record.values):
                    self.problem(code, record, column, message)
        return by_id

    def raw_slices(self, table: Table, record: Record, values: dict) -> None:
        """The record's own words as the document prints them (its excerpts located first)."""
        store_raw_slices(table, values, [row[Evidence.excerpt] for row in self.evidence.cited(record)])

    def merged(self, by_id: dict[tuple[str, str], list[Record]]) -> None:
        claims_table = self.registry[Claims.table]
        for key in self.ordered(by_id):
            table_name, record_id = key
            table = self.registry[table_name]
            records = by_id[key]
            first_of_file: dict[str, Record] = {}
            for r in records:
                first_of_file.setdefault(r.file, r)
            sharing = list(first_of_file.values()) if table.mergeable else records[:1]
            extra = [r for r in records if r not in sharing]
            claims = [self.claim(table, r) for r in sharing]
            if table.mergeable:
                values, rows = merge(table, claims, self.evidence.cited, self.problems)
                window = None
                if table.window is not None and (values.get(table.window.earliest) or values.get(table.window.latest)):
                    window = Window(values.get(table.window.earliest), values.get(table.window.latest),
                                    values.get(table.window.first or table.window.day or ""),
                                    values.get(table.window.last or table.window.day or ""))
                own = window
                window = self.within(table, values, window, rows)
                self.emit(table, values, sharing, {c.record.file: c.values for c in claims})
                self.inherited(table, values, own, window, claims)
                for row in rows:
                    source = next(c.record for c in claims if c.source == row[Claims.source_id])
                    self.emit(claims_table, row, [source])
            else:
                claim = claims[0]
                values = dict(claim.values)
                window = self.within(table, values, claim.window, [])
                self.emit(table, values, sharing)
                self.inherited(table, values, claim.window, window, claims)
            if window is not None:
                self.windows[key] = window
            for record in extra:  # reported by the contract as a duplicate key
                self.emit(table, self.filled(table, record, record.raw_file), [record])


def assemble(root: Path, registry: Registry) -> Assembled:
    """Read raw/ and build/ under `root` and return every table's rows and every curation problem.

    Raw documents that fail their manifest, and curation files that cannot be read, stop here
    (nothing else can be trusted); other problems
    are returned with the rows, so that the contract's problems can be reported beside them."""
    raw_dir, build_dir = root / RAW_FOLDER, root / "build"
    raw_problems = check_raw(raw_dir)
    if raw_problems:
        raise ProblemsFound("raw documents", raw_problems)
    texts = {p.name: read_text(p) for p in sorted(raw_dir.glob("*.txt"))}
    problems: list[Problem] = []
    files, shared_records = read_curation(build_dir, registry, problems)
    unreadable = [p for p in problems if p.code in UNREADABLE_FILE]
    if unreadable:
        # Without a file's records every check downstream would report their absence as a fault of its own.
        raise ProblemsFound("curation files", unreadable)
    work = _Assembly(registry, texts, problems)
    work.match_documents(files)
    work.sources(files)
    work.evidence = EvidenceLocator(texts, work.source_of_raw, work.video_sources, problems)
    for record, values in work.source_values:
        if work.source_of.get(record.file) == record.id:
            work.evidence.record(record)
            work.raw_slices(registry[Sources.table], record, values)
    work.actors(shared_records)
    by_id = work.facts(files)
    work.merged(by_id)
    work.event_codes()
    work.inferences(files, shared_records)
    all_records = [r for f in files for r in f.records] + shared_records
    work.renamed(all_records)
    work.distinctions(all_records)
    files_of = {key: tuple(sorted({o.file for o in origins})) for key, origins in work.origins.items()}
    problems.extend(find_lookalikes(registry, work.rows, all_records, files_of))
    work.evidence_rows()
    dismissed = work.dismissals(files)
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    raw_of_source = {v: k for k, v in work.source_of_raw.items()}
    for row in work.evidence.rows:
        spans[raw_of_source[row[Evidence.source_id]]].append((row[Evidence.char_start], row[Evidence.char_end]))
    return Assembled(rows=work.rows, texts=texts, problems=problems, dismissed=dismissed, evidence_spans=dict(spans),
                     origins=dict(work.origins))
