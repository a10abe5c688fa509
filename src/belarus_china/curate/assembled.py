"""What the curation stage gives (`Assembled`: every table's rows, with the origin of each row), and the
state its steps share while they make the rows (`AssemblyState`, the base of curate.assemble's steps).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..base.problems import Problem
from ..base.rawstore import RAW_FOLDER, sha256_bytes
from ..contract.dates import Window
from ..contract.registry import Registry, Table
from ..contract.vocabulary import Claims, Inferences
from .evidence import EvidenceLocator
from .records import Record


@dataclass(frozen=True, slots=True)  # slots: one per row, held until the tables are checked
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
        column = problem.column
        if problem.table in (Claims.table, Inferences.table) and problem.record:
            # A claim or inference row is about one field of a record: the curator wrote that field.
            column = problem.record.split("/")[2]
        stating = [o for o in origins if column in o.columns] or origins
        return Problem(problem.code, problem.message, file=", ".join(sorted({o.file for o in stating})),
                       record=stating[0].label, column=column)



class AssemblyState:
    """The rows made so far, where each came from, and what the steps look up (sources, windows)."""

    evidence: EvidenceLocator  # set once the sources are known (every evidence row names its source)

    def __init__(self, registry: Registry, texts: dict[str, str], problems: list[Problem]):
        self.registry = registry
        self.texts = texts
        self.problems = problems
        self.rows: dict[str, list[dict]] = {name: [] for name in registry.names}
        self.origins: dict[tuple[str, str], list[Origin]] = defaultdict(list)
        self.source_of: dict[str, str] = {}          # curation file -> source_id
        self.source_of_raw: dict[str, str] = {}      # raw file -> source_id
        self.language_of_raw: dict[str, str | None] = {}    # raw file -> the document's language
        self.video_sources: set[str] = set()
        self.windows: dict[tuple[str, str], Window] = {}   # (table, id) -> curated window, for anchors
        self._column_sets: dict[frozenset[str], frozenset[str]] = {}
        self.source_values: list[tuple[Record, dict]] = []   # each source record and its row

    def columns(self, names) -> frozenset[str]:
        """One shared frozenset per distinct set of column names: every evidence row states the same columns,
        and a set per row was a large part of the assembly's memory at corpus scale."""
        key = frozenset(names)
        return self._column_sets.setdefault(key, key)

    def problem(self, code: str, record: Record, column: str | None, message: str) -> None:
        self.problems.append(Problem(code, message, file=record.file, record=record.label, column=column))

    def emit(self, table: Table, values: dict, records: list[Record], origin_columns: dict | None = None) -> None:
        """A row, with the records that produced it."""
        self.rows[table.name].append(values)
        record_id = "/".join(str(values.get(k)) for k in table.primary_key)
        for r in records:
            stated = (origin_columns or {}).get(r.file, r.values)
            self.origins[(table.name, record_id)].append(Origin(r.file, r.label, self.columns(stated)))

    def filled(self, table: Table, record: Record, raw_file: str | None) -> dict:
        """The record's values with the columns the build fills in (tables.yaml `filled_by_build`)."""
        values = dict(record.values)
        text = self.texts.get(raw_file or "", "")
        fill = {"document_path": f"{RAW_FOLDER}/{raw_file}", "document_sha256": sha256_bytes(text.encode("utf-8")),
                "document_length": len(text), "document_source": self.source_of_raw.get(raw_file or ""),
                "document_language": self.language_of_raw.get(raw_file or "")}
        for column, role in table.filled_by_build.items():
            values[column] = fill[role]
        for column, role in table.default_by_build.items():
            if values.get(column) is None:
                values[column] = fill[role]
        return values
