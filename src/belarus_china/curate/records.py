"""Read the curator's YAML files under build/ into typed records, collecting every problem.

Only what the tables cannot show is checked here: the shape of each file, section and record,
unknown keys, columns the build fills in, and each value's conversion to its column's type. Every
table rule (required values, enumerations, references, evidence) is the contract's, and its
problems are mapped back to the file and record that produced the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..base.codec import CodecError, join_list, parse_text
from ..base.problems import Problem
from ..contract.registry import Column, Registry, Table, field_descriptor
from . import file_format as F
from .yaml_reader import load_yaml


@dataclass(frozen=True, slots=True)  # slots: one per curated excerpt and record, at corpus scale
class EvidenceItem:
    excerpt: str
    within: str | None = None
    occurrence: int | None = None
    supports: tuple[str, ...] = ()
    raw_file: str | None = None
    reason: str | None = None  # only for dismissals


@dataclass(frozen=True, slots=True)
class Inferred:
    """Why a value is not stated literally, and whether it is read from the text or known from outside."""
    reason: str
    basis: str = F.BASIS_TEXT


@dataclass(frozen=True, slots=True)
class Record:
    table: str
    id: str
    file: str
    raw_file: str | None
    values: dict
    evidence: tuple[EvidenceItem, ...]
    inferred: dict[str, Inferred] = field(default_factory=dict)
    resolve: dict[str, str] = field(default_factory=dict)
    distinct_from: dict[str, str] = field(default_factory=dict)   # other id -> why this record is not that one
    replaces: tuple[str, ...] = ()                                # earlier ids of this record
    differs_in: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other id -> columns that differ

    @property
    def label(self) -> str:
        return f"{self.table}[{self.id}]"


@dataclass(frozen=True)
class CurationFile:
    path: str
    raw_file: str
    records: tuple[Record, ...]
    dismissed: tuple[EvidenceItem, ...]


class _Reader:
    def __init__(self, registry: Registry, problems: list[Problem]):
        self.registry = registry
        self.problems = problems

    def problem(self, code: str, file: str, record: str | None, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(code, message, file=file, record=record, column=field_name))

    def convert(self, file: str, record: str, table: Table, column: Column, raw):
        """YAML text (BaseLoader keeps every scalar a string) to the column's Python value."""
        descriptor = field_descriptor(table, column)
        if table.is_list(column.name):
            items = raw if isinstance(raw, list) else [raw]
            if not all(isinstance(i, str) for i in items):
                self.problem("value-type", file, record, column.name, "must be a list of plain values")
                return None
            items = [" ".join(i.split()) for i in items]
            try:
                join_list(items, descriptor)
            except CodecError as exc:
                self.problem("list-item", file, record, column.name, str(exc))
                return None
            return items
        if not isinstance(raw, str):
            self.problem("value-type", file, record, column.name,
                         f"must be a single {column.type} value, not a {type(raw).__name__}")
            return None
        text = raw.strip()
        if text == "":
            self.problem("empty-value", file, record, column.name,
                         "is empty: leave the key out when the document does not state it")
            return None
        try:
            return parse_text(text, descriptor)
        except CodecError as exc:
            self.problem("value-unparseable", file, record, column.name, str(exc))
            return None

    def evidence_item(self, file: str, record: str, raw, allowed: set[str]) -> EvidenceItem | None:
        if isinstance(raw, str):
            return EvidenceItem(excerpt=raw)
        if not isinstance(raw, dict):
            self.problem("evidence-item", file, record, F.EVIDENCE, f"an item must be an excerpt or a mapping, not {raw!r}")
            return None
        unknown = set(raw) - allowed
        if unknown:
            self.problem("evidence-item", file, record, F.EVIDENCE,
                         f"unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")
            return None
        if not isinstance(raw.get(F.EXCERPT), str) or not raw[F.EXCERPT].strip():
            self.problem("evidence-item", file, record, F.EVIDENCE, "an item needs a non-empty `excerpt`")
            return None
        occurrence = raw.get(F.OCCURRENCE)
        if occurrence is not None:
            if not (isinstance(occurrence, str) and occurrence.isdigit() and int(occurrence) >= 1):
                self.problem("evidence-item", file, record, F.EVIDENCE,
                             f"occurrence must be a whole number from 1, not {occurrence!r}")
                return None
            occurrence = int(occurrence)
        supports = raw.get(F.SUPPORTS) or []
        if isinstance(supports, str):
            supports = [supports]
        return EvidenceItem(excerpt=raw[F.EXCERPT], within=raw.get(F.WITHIN), occurrence=occurrence,
                            supports=tuple(supports), raw_file=raw.get(F.RAW_FILE), reason=raw.get(F.REASON))

    def record(self, file: str, table: Table, raw, raw_file: str | None) -> Record | None:
        key = table.primary_key[0]
        if not isinstance(raw, dict):
            self.problem("curation-shape", file, None, None, f"{table.section}: each entry must be a mapping, not {raw!r}")
            return None
        record_id = raw.get(key) if isinstance(raw.get(key), str) else None
        label = f"{table.name}[{record_id or '?'}]"
        if record_id is None:
            self.problem("missing-id", file, label, key, "missing: every record needs its id")
        computed = table.computed_columns
        allowed = (set(table.column_names) - computed) | F.RECORD_EXTRAS
        for name in raw:
            if name in computed:
                self.problem("computed-field", file, label, name, "is filled in by the build; leave it out")
            elif name not in allowed:
                self.problem("unknown-field", file, label, name, f"unknown field for {table.name} (allowed: {sorted(allowed)})")
        values = {}
        for column in table.columns:
            if column.name in raw and column.name not in computed:
                value = self.convert(file, label, table, column, raw[column.name])
                if value is not None:
                    values[column.name] = value
        evidence_raw = raw.get(F.EVIDENCE) or []
        if not isinstance(evidence_raw, list):
            evidence_raw = [evidence_raw]
        evidence_keys = F.EVIDENCE_KEYS if raw_file is None else F.EVIDENCE_KEYS - {F.RAW_FILE}
        evidence = tuple(e for e in (self.evidence_item(file, label, item, evidence_keys) for item in evidence_raw) if e)
        inferred = self.inferences(file, label, raw)
        resolve = self.mapping(file, label, raw, F.RESOLVE)
        distinct, differs_in = self.distinctions(file, label, raw)
        replaces = self.ids(file, label, table, raw.get(F.REPLACES))
        if record_id is None:
            return None
        return Record(table.name, record_id, file, raw_file, values, evidence, inferred, resolve, distinct, replaces,
                      differs_in)

    def distinctions(self, file: str, label: str, raw: dict) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
        """`distinct_from` maps another id to {differs_in: [columns], reason: ...} (a bare reason names no column:
        the contract then reports the missing `differs_in`)."""
        value = raw.get(F.DISTINCT_FROM) or {}
        reasons: dict[str, str] = {}
        columns: dict[str, tuple[str, ...]] = {}
        if not isinstance(value, dict):
            self.problem("curation-shape", file, label, F.DISTINCT_FROM, "must map another record's id to why it differs")
            return {}, {}
        for other, entry in value.items():
            if isinstance(entry, dict) and set(entry) <= {F.REASON, F.DIFFERS_IN}:
                reason, differs = entry.get(F.REASON), entry.get(F.DIFFERS_IN) or []
            else:
                reason, differs = entry, []
            differs = [differs] if isinstance(differs, str) else differs
            if not isinstance(reason, str) or not reason.strip() or not all(isinstance(c, str) for c in differs):
                self.problem("curation-shape", file, label, F.DISTINCT_FROM,
                             f"{other}: give {{{F.DIFFERS_IN}: [columns], {F.REASON}: why they differ}}")
                continue
            reasons[other] = " ".join(reason.split())
            columns[other] = tuple(differs)
        return reasons, columns

    def ids(self, file: str, label: str, table: Table, value) -> tuple[str, ...]:
        """A list of earlier ids (`replaces:`), each a valid id of the table."""
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        key = table.column(table.primary_key[0])
        good = []
        for item in items:
            if not isinstance(item, str) or (key.pattern and not re.fullmatch(key.pattern, item)):
                self.problem("curation-shape", file, label, F.REPLACES,
                             f"must list earlier ids of the record, each matching {key.pattern}, not {item!r}")
                continue
            good.append(item)
        return tuple(good)

    def inferences(self, file: str, label: str, raw: dict) -> dict[str, Inferred]:
        """`inferred:` maps a field to its reason, or to {reason, basis} (basis text or external)."""
        value = raw.get(F.INFERRED) or {}
        if not isinstance(value, dict):
            self.problem("curation-shape", file, label, F.INFERRED, "must map a field name to a reason")
            return {}
        found = {}
        for name, entry in value.items():
            if isinstance(entry, dict) and set(entry) <= {F.REASON, F.BASIS}:
                reason, basis = entry.get(F.REASON), entry.get(F.BASIS, F.BASIS_TEXT)
            else:
                reason, basis = entry, F.BASIS_TEXT
            if not isinstance(reason, str) or not reason.strip() or basis not in F.BASES:
                self.problem("curation-shape", file, label, F.INFERRED,
                             f"{name}: give a non-empty reason, or {{reason: ..., basis: {' | '.join(F.BASES)}}}")
                continue
            found[name] = Inferred(" ".join(reason.split()), basis)
        return found

    def mapping(self, file: str, label: str, raw: dict, key: str) -> dict[str, str]:
        value = raw.get(key) or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            self.problem("curation-shape", file, label, key, "must map a field name to a non-empty reason")
            return {}
        return {k: " ".join(v.split()) for k, v in value.items()}


def read_curation(build_dir: Path, registry: Registry, problems: list[Problem]) -> tuple[list[CurationFile], list[Record]]:
    """Every document file and the shared records (actors.yaml), as records; problems are appended, not raised."""
    reader = _Reader(registry, problems)
    sections = registry.section_tables()
    shared = {t.shared_file: t for t in registry if t.shared_file}
    file_keys = {F.RAW_FILE, F.DISMISSED, *sections}
    files: list[CurationFile] = []
    shared_records: list[Record] = []
    for name, table in sorted(shared.items()):
        path = build_dir / name
        if not path.is_file():
            continue
        label = f"build/{name}"
        data = load_yaml(path, problems, label)
        if data is None:
            continue
        if not isinstance(data, dict) or set(data) - {table.section}:
            reader.problem("curation-shape", label, None, None,
                           f"must hold one key, `{table.section}`, with a list of {table.name}")
            continue
        for item in data.get(table.section) or []:
            record = reader.record(label, table, item, None)
            if record:
                shared_records.append(record)
    for path in sorted(build_dir.glob("*.yaml")):
        if path.name in shared:
            continue
        label = f"build/{path.name}"
        data = load_yaml(path, problems, label)
        if data is None:
            continue
        if not isinstance(data, dict):
            reader.problem("curation-shape", label, None, None, "must be a mapping with raw_file, source and record sections")
            continue
        for key in set(data) - file_keys:
            reader.problem("unknown-section", label, None, key, f"unknown section (allowed: {sorted(file_keys)})")
        raw_file = data.get(F.RAW_FILE)
        if raw_file != path.stem + ".txt":
            reader.problem("raw-file-name", label, None, F.RAW_FILE,
                           f"must be {path.stem + '.txt'!r}, the document this file curates")
            raw_file = path.stem + ".txt"
        records: list[Record] = []
        for section, table in sections.items():
            if table.one_per_file:
                item = data.get(section)
                if not isinstance(item, dict):
                    reader.problem("curation-shape", label, section, None,
                                   f"missing: every document file has a `{section}` record")
                    continue
                items = [item]
            else:
                items = data.get(section) or []
                if not isinstance(items, list):
                    reader.problem("curation-shape", label, section, None, "must be a list of records")
                    continue
            for item in items:
                record = reader.record(label, table, item, raw_file)
                if record:
                    (shared_records if table.shared_file else records).append(record)
        dismissed = []
        for item in data.get(F.DISMISSED) or []:
            entry = reader.evidence_item(label, F.DISMISSED, item, F.DISMISSED_KEYS)
            if entry is None:
                continue
            if not (entry.reason or "").strip():
                reader.problem("dismissal-reason", label, f"{F.DISMISSED}[{entry.excerpt[:40]}]", F.REASON,
                               "every dismissal needs a reason")
            dismissed.append(entry)
        files.append(CurationFile(label, raw_file, tuple(records), tuple(dismissed)))
    return files, shared_records
