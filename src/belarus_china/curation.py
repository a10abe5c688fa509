"""Read the curator's YAML files under build/ into typed records, collecting every problem.

Nothing here raises on the first bad value: each problem names the file, the record and the
field, and the build reports them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import normalise
from .problems import Problem
from .registry import LIST_DELIMITER, Column, Registry

ACTORS_FILE = "actors.yaml"
FACT_SECTIONS = ("visits", "agreements", "trade_figures", "quotes")
FILE_KEYS = {"raw_file", "source", "actors", *FACT_SECTIONS, "dismissed"}
RECORD_EXTRAS = {"evidence", "inferred", "resolve"}
EVIDENCE_KEYS = {"excerpt", "within", "occurrence", "supports", "raw_file"}
DISMISSED_KEYS = {"excerpt", "within", "occurrence", "reason"}
# Columns the build fills in itself; a curator who writes them is told so.
COMPUTED = {
    "sources": {"raw_path", "sha256", "char_count"},
    "trade_figures": {"source_id"},
    "quotes": {"source_id"},
}


@dataclass
class EvidenceItem:
    excerpt: str
    within: str | None = None
    occurrence: int | None = None
    supports: list[str] = field(default_factory=list)
    raw_file: str | None = None
    reason: str | None = None  # only for dismissals


@dataclass
class Record:
    table: str
    id: str
    file: str
    raw_file: str | None
    values: dict
    evidence: list[EvidenceItem]
    inferred: dict[str, str] = field(default_factory=dict)
    resolve: dict[str, str] = field(default_factory=dict)


@dataclass
class CurationFile:
    path: str
    raw_file: str
    records: list[Record]
    dismissed: list[EvidenceItem]


class _Reader:
    def __init__(self, registry: Registry, problems: list[Problem]):
        self.registry = registry
        self.problems = problems

    def problem(self, file: str, record: str | None, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(file=file, record=record, column=field_name, message=message))

    def convert(self, file: str, record: str, column: Column, raw):
        """YAML text (BaseLoader keeps every scalar a string) to the column's Python value."""
        if column.type == "list":
            items = raw if isinstance(raw, list) else [raw]
            if not all(isinstance(i, str) for i in items):
                self.problem(file, record, column.name, "must be a list of plain values")
                return None
            items = [" ".join(i.split()) for i in items]
            bad = [i for i in items if not i or LIST_DELIMITER.strip() in i]
            if bad:
                self.problem(file, record, column.name, f"list items must be non-empty and free of '|': {bad}")
                return None
            return items
        if not isinstance(raw, str):
            self.problem(file, record, column.name, f"must be a single {column.type} value, not a {type(raw).__name__}")
            return None
        text = raw.strip()
        if text == "":
            self.problem(file, record, column.name, "is empty: leave the key out when the document does not state it")
            return None
        try:
            if column.type == "date":
                return normalise.parse_iso_date(text)
            if column.type == "integer":
                return normalise.parse_integer(text)
            if column.type == "number":
                return normalise.parse_number(text)
            if column.type == "boolean":
                if text not in ("true", "false"):
                    raise normalise.NormaliseError(f"{text!r} is not true or false")
                return text == "true"
        except normalise.NormaliseError as exc:
            self.problem(file, record, column.name, str(exc))
            return None
        if column.enum and text not in column.enum:
            self.problem(file, record, column.name, f"{text!r} is not one of {sorted(column.enum)}")
            return None
        return " ".join(text.split()) if "\n" in text else text

    def evidence_item(self, file: str, record: str, raw, allowed: set[str]) -> EvidenceItem | None:
        if isinstance(raw, str):
            return EvidenceItem(excerpt=raw)
        if not isinstance(raw, dict):
            self.problem(file, record, "evidence", f"an item must be an excerpt or a mapping, not {raw!r}")
            return None
        unknown = set(raw) - allowed
        if unknown:
            self.problem(file, record, "evidence", f"unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")
            return None
        if not isinstance(raw.get("excerpt"), str) or not raw["excerpt"].strip():
            self.problem(file, record, "evidence", "an item needs a non-empty `excerpt`")
            return None
        occurrence = raw.get("occurrence")
        if occurrence is not None:
            if not (isinstance(occurrence, str) and occurrence.isdigit() and int(occurrence) >= 1):
                self.problem(file, record, "evidence", f"occurrence must be a whole number from 1, not {occurrence!r}")
                return None
            occurrence = int(occurrence)
        supports = raw.get("supports") or []
        if isinstance(supports, str):
            supports = [supports]
        return EvidenceItem(excerpt=raw["excerpt"], within=raw.get("within"), occurrence=occurrence,
                            supports=list(supports), raw_file=raw.get("raw_file"), reason=raw.get("reason"))

    def record(self, file: str, table_name: str, raw, raw_file: str | None) -> Record | None:
        table = self.registry[table_name]
        key = table.primary_key[0]
        if not isinstance(raw, dict):
            self.problem(file, None, None, f"{table_name}: each entry must be a mapping, not {raw!r}")
            return None
        record_id = raw.get(key) if isinstance(raw.get(key), str) else None
        label = f"{table_name}[{record_id or '?'}]"
        if record_id is None:
            self.problem(file, label, key, "missing: every record needs its id")
        computed = COMPUTED.get(table_name, set())
        allowed = (set(table.column_names) - computed) | RECORD_EXTRAS
        for name in raw:
            if name in computed:
                self.problem(file, label, name, "is filled in by the build; leave it out")
            elif name not in allowed:
                self.problem(file, label, name, f"unknown field for {table_name} (allowed: {sorted(allowed)})")
        values = {}
        for column in table.columns:
            if column.name in raw and column.name not in computed:
                value = self.convert(file, label, column, raw[column.name])
                if value is not None:
                    values[column.name] = value
        evidence_raw = raw.get("evidence") or []
        if not isinstance(evidence_raw, list):
            evidence_raw = [evidence_raw]
        evidence_keys = EVIDENCE_KEYS if raw_file is None else EVIDENCE_KEYS - {"raw_file"}
        evidence = [e for e in (self.evidence_item(file, label, item, evidence_keys) for item in evidence_raw) if e]
        for item in evidence:
            for name in item.supports:
                if name not in table.column_names:
                    self.problem(file, label, "evidence", f"supports {name!r}, which is no column of {table_name}")
        inferred = self.mapping(file, label, raw, "inferred", table)
        resolve = self.mapping(file, label, raw, "resolve", None)
        for name in inferred:
            if name not in values:
                self.problem(file, label, name, "is listed under `inferred` but has no value")
        if record_id is None:
            return None
        return Record(table_name, record_id, file, raw_file, values, evidence, inferred, resolve)

    def mapping(self, file: str, label: str, raw: dict, key: str, table) -> dict[str, str]:
        value = raw.get(key) or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            self.problem(file, label, key, "must map a field name to a non-empty reason")
            return {}
        if table is not None:
            for name in value:
                if name not in table.column_names:
                    self.problem(file, label, key, f"names {name!r}, which is no column of {table.name}")
        return {k: " ".join(v.split()) for k, v in value.items()}


# BaseLoader: every scalar stays text, so `NO`, `2023-03-01` or `1e3` are never re-typed by YAML.
# CBaseLoader is the same loader on libyaml's parser, about 10x faster on large curation files.
# libyaml accepts a few things PyYAML rejects (tabs as indentation or separation, `? ` inside flow
# collections, a byte-order mark inside the text), so a file containing any of those characters,
# a file libyaml rejects, and every file when libyaml is missing go to the pure-Python BaseLoader,
# which decides and reports exactly as before.
_FAST_LOADER = getattr(yaml, "CBaseLoader", None)
_PYYAML_ONLY = ("\t", "?", "\ufeff")


def _load_yaml(path: Path, problems: list[Problem], label: str):
    try:
        text = path.read_text(encoding="utf-8")
        if _FAST_LOADER is not None and not any(char in text for char in _PYYAML_ONLY):
            try:
                return yaml.load(text, Loader=_FAST_LOADER)
            except yaml.YAMLError:
                pass  # parse again below so the message (line, column, problem) is PyYAML's own
        return yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(file=label, message=f"not valid YAML{where}: {getattr(exc, 'problem', exc)}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(file=label, message=f"not UTF-8 text: {exc}"))
    return None


def read_curation(build_dir: Path, registry: Registry, problems: list[Problem]) -> tuple[list[CurationFile], list[Record]]:
    """Every document file and the shared actors, as records; problems are appended, not raised."""
    reader = _Reader(registry, problems)
    files: list[CurationFile] = []
    actors: list[Record] = []
    actors_path = build_dir / ACTORS_FILE
    if actors_path.is_file():
        label = f"build/{ACTORS_FILE}"
        data = _load_yaml(actors_path, problems, label)
        if data is not None:
            if not isinstance(data, dict) or set(data) - {"actors"}:
                reader.problem(label, None, None, "must hold one key, `actors`, with a list of actors")
            else:
                for item in data.get("actors") or []:
                    record = reader.record(label, "actors", item, None)
                    if record:
                        actors.append(record)
    for path in sorted(build_dir.glob("*.yaml")):
        if path.name == ACTORS_FILE:
            continue
        label = f"build/{path.name}"
        data = _load_yaml(path, problems, label)
        if data is None:
            continue
        if not isinstance(data, dict):
            reader.problem(label, None, None, "must be a mapping with raw_file, source and record sections")
            continue
        for key in set(data) - FILE_KEYS:
            reader.problem(label, None, key, f"unknown section (allowed: {sorted(FILE_KEYS)})")
        raw_file = data.get("raw_file")
        if raw_file != path.stem + ".txt":
            reader.problem(label, None, "raw_file", f"must be {path.stem + '.txt'!r}, the document this file curates")
            raw_file = path.stem + ".txt"
        records: list[Record] = []
        source = data.get("source")
        if not isinstance(source, dict):
            reader.problem(label, "source", None, "missing: every document file has a `source` record")
        else:
            record = reader.record(label, "sources", source, raw_file)
            if record:
                records.append(record)
        for section in ("actors", *FACT_SECTIONS):
            items = data.get(section) or []
            if not isinstance(items, list):
                reader.problem(label, section, None, "must be a list of records")
                continue
            for item in items:
                record = reader.record(label, section, item, raw_file)
                if record:
                    (actors if section == "actors" else records).append(record)
        dismissed = []
        for item in data.get("dismissed") or []:
            entry = reader.evidence_item(label, "dismissed", item, DISMISSED_KEYS)
            if entry is None:
                continue
            if not (entry.reason or "").strip():
                reader.problem(label, f"dismissed[{entry.excerpt[:40]}]", "reason", "every dismissal needs a reason")
            dismissed.append(entry)
        files.append(CurationFile(label, raw_file, records, dismissed))
    return files, actors
