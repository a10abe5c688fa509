"""Curated records + raw documents -> the rows of every table, with evidence located.

The orchestrator of the curation stage, one short step per concern:
raw documents -> curation files (`records`) -> sources -> evidence (`evidence`) -> actors ->
fact records (words checked, `contract.words`) -> merged claims (`merge`) -> inferences -> dismissals.
Per-table behaviour comes from the registry's roles, not from branches on table names.

Every problem is collected, never raised one at a time. The rows keep their origin: which file
and record produced them, so a problem the contract finds on the tables names the curation file,
record and field (`Assembled.locate`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..base.problems import Problem, ProblemsFound
from ..base.rawstore import RAW_FOLDER, check_raw, read_text, sha256_bytes
from ..contract.registry import Registry, Table
from ..contract.vocabulary import Claims, Evidence, Inferences, Sources
from ..contract.words import word_problems
from . import file_format as F
from .evidence import EvidenceLocator
from .locate import LocateError, locate
from .merge import merge
from .records import CurationFile, Record, read_curation


@dataclass(frozen=True)
class Origin:
    file: str
    label: str                  # the curated record, e.g. visits[lukashenko-china-2023-02-28]
    columns: frozenset[str]     # the columns that file states for the record


@dataclass
class Assembled:
    rows: dict[str, list[dict]]
    texts: dict[str, str]                      # raw file name -> decoded text
    problems: list[Problem]
    dismissed: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # raw file -> spans + reason
    evidence_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    origins: dict[tuple[str, str], list[Origin]] = field(default_factory=dict)     # (table, record id) -> origins

    def locate(self, problem: Problem) -> Problem:
        """A problem the contract found on a table row, renamed to the curation file, record and field."""
        origins = self.origins.get((problem.table, problem.record or "")) if problem.table else None
        if not origins:
            return problem
        stating = [o for o in origins if problem.column in o.columns] or origins
        return Problem(problem.code, problem.message, file=", ".join(sorted({o.file for o in stating})),
                       record=stating[0].label, column=problem.column)


class _Assembly:
    evidence: EvidenceLocator  # set once the sources are known (every evidence row names its source)

    def __init__(self, registry: Registry, texts: dict[str, str], problems: list[Problem]):
        self.registry = registry
        self.texts = texts
        self.problems = problems
        self.rows: dict[str, list[dict]] = {name: [] for name in registry.names}
        self.origins: dict[tuple[str, str], list[Origin]] = defaultdict(list)
        self.source_of: dict[str, str] = {}          # curation file -> source_id
        self.source_of_raw: dict[str, str] = {}      # raw file -> source_id
        self.video_sources: set[str] = set()

    def emit(self, table: Table, values: dict, records: list[Record]) -> None:
        """A row, with the records that produced it."""
        self.rows[table.name].append(values)
        record_id = "/".join(str(values.get(k)) for k in table.primary_key)
        for r in records:
            self.origins[(table.name, record_id)].append(Origin(r.file, r.label, frozenset(r.values)))

    def filled(self, table: Table, record: Record, raw_file: str | None) -> dict:
        """The record's values with the columns the build fills in (tables.yaml `filled_by_build`)."""
        values = dict(record.values)
        text = self.texts.get(raw_file or "", "")
        fill = {"document_path": f"{RAW_FOLDER}/{raw_file}", "document_sha256": sha256_bytes(text.encode("utf-8")),
                "document_length": len(text), "document_source": self.source_of_raw.get(raw_file or "")}
        for column, role in table.filled_by_build.items():
            values[column] = fill[role]
        return values

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
        """Each document's own record first: every other record's evidence is keyed by its source_id."""
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
                if record.values.get(Sources.doc_kind) == Sources.video_summary:
                    self.video_sources.add(record.id)
        for record in found:
            self.emit(table, self.filled(table, record, record.raw_file), [record])
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
            for column in record.inferred:
                self.problems.append(Problem("inferred-actor", "actors carry no inferred values; explain in notes instead",
                                             file=record.file, record=record.label, column=column))
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
                for code, column, message in word_problems(table, record.values):
                    self.problems.append(Problem(code, message, file=record.file, record=record.label, column=column))
        return by_id

    def claimed_references(self, by_id: dict[tuple[str, str], list[Record]], chosen: dict[tuple[str, str], dict]) -> None:
        """An id a file claims for a shared record must exist even when another source's value won (the
        contract checks the values that are published; an outvoted claim is not among them)."""
        known = {name: {str(v.get(self.registry[name].primary_key[0])) for v in rows} for name, rows in self.rows.items()}
        for key, records in by_id.items():
            table = self.registry[key[0]]
            if not table.mergeable:
                continue
            for record in records:
                for column, ref_table, ref_column in table.foreign_keys():
                    value = record.values.get(column)
                    if value is None or value == chosen.get(key, {}).get(column):
                        continue
                    for item in value if isinstance(value, list) else [value]:
                        if item not in known.get(ref_table, set()):
                            self.problems.append(Problem("foreign-key", f"{item!r} is not among {ref_table}.{ref_column}",
                                                         file=record.file, record=record.label, column=column))

    def merged(self, by_id: dict[tuple[str, str], list[Record]]) -> dict[tuple[str, str], dict]:
        chosen = {}
        for (table_name, _), records in sorted(by_id.items()):
            table = self.registry[table_name]
            if table.mergeable:
                # Several files describe one record; a second record of the same id in one file is a duplicate.
                first_of_file: dict[str, Record] = {}
                for r in records:
                    first_of_file.setdefault(r.file, r)
                sharing = list(first_of_file.values())
                values, claims = merge(table, sharing, self.source_of, self.evidence.cited, self.problems,
                                       self.registry.precision_order(table))
                self.emit(table, values, sharing)
                claims_table = self.registry[Claims.table]
                for claim in claims:
                    source = next(r for r in sharing if self.source_of[r.file] == claim[Claims.source_id])
                    self.emit(claims_table, claim, [source])
                extra = [r for r in records if r not in sharing]
                chosen[(table_name, records[0].id)] = values
            else:
                extra = records
            for record in extra:
                self.emit(table, self.filled(table, record, record.raw_file), [record])
        return chosen

    def inferences(self, files: list[CurationFile]) -> None:
        table = self.registry[Inferences.table]
        for f in files:
            for record in f.records:
                for column, reason in record.inferred.items():
                    self.emit(table, {Inferences.record_table: record.table, Inferences.record_id: record.id,
                                      Inferences.field: column, Inferences.source_id: self.source_of.get(f.path),
                                      Inferences.reason: reason}, [record])

    def evidence_rows(self) -> None:
        table = self.registry[Evidence.table]
        for row in self.evidence.rows:
            self.rows[table.name].append(row)
        for (file, label), rows in self.evidence.of_record.items():
            for row in rows:
                self.origins[(table.name, row[Evidence.id])].append(Origin(file, label, frozenset(row)))

    def dismissals(self, files: list[CurationFile]) -> dict[str, list[tuple[int, int, str]]]:
        dismissed: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for f in files:
            text = self.texts.get(f.raw_file)
            if text is None:
                continue
            for item in f.dismissed:
                try:
                    start, end = locate(text, item.excerpt, within=item.within, occurrence=item.occurrence)
                except LocateError as exc:
                    self.problems.append(Problem(exc.code, f"excerpt in raw/{f.raw_file}: {exc}", file=f.path,
                                                 record=f"dismissed[{item.excerpt.strip()[:40]}]"))
                    continue
                dismissed[f.raw_file].append((start, end, item.reason or ""))
        return dict(dismissed)


def assemble(root: Path, registry: Registry) -> Assembled:
    """Read raw/ and build/ under `root` and return every table's rows and every curation problem.

    Raw documents that fail their manifest stop here (nothing else can be trusted); other problems
    are returned with the rows, so that the contract's problems can be reported beside them."""
    raw_dir, build_dir = root / RAW_FOLDER, root / "build"
    raw_problems = check_raw(raw_dir)
    if raw_problems:
        raise ProblemsFound("raw documents", raw_problems)
    texts = {p.name: read_text(p) for p in sorted(raw_dir.glob("*.txt"))}
    problems: list[Problem] = []
    files, shared_records = read_curation(build_dir, registry, problems)
    work = _Assembly(registry, texts, problems)
    work.match_documents(files)
    sources = work.sources(files)
    work.evidence = EvidenceLocator(texts, work.source_of_raw, work.video_sources, problems)
    for record in sources:
        if work.source_of.get(record.file) == record.id:
            work.evidence.record(record)
    work.actors(shared_records)
    by_id = work.facts(files)
    chosen = work.merged(by_id)
    work.claimed_references(by_id, chosen)
    work.inferences(files)
    work.evidence_rows()
    dismissed = work.dismissals(files)
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    raw_of_source = {v: k for k, v in work.source_of_raw.items()}
    for row in work.evidence.rows:
        spans[raw_of_source[row[Evidence.source_id]]].append((row[Evidence.char_start], row[Evidence.char_end]))
    return Assembled(rows=work.rows, texts=texts, problems=problems, dismissed=dismissed, evidence_spans=dict(spans),
                     origins=dict(work.origins))
