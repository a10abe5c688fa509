"""The rows of the assembly about other rows: event-data codes, inferences, renamed ids, distinctions,
evidence (with the columns each disagrees on) and dismissed spans.
"""

from __future__ import annotations

from collections import defaultdict

from ..base.problems import Problem
from ..contract.disagreement import disagreeing, disputed_columns
from ..contract.vocabulary import Claims, Distinctions, Evidence, Inferences, RenamedIds
from .assembled import AssemblyState, Origin
from .locate import LocateError, locate
from .marks import distinction_rows
from .records import CurationFile, Record


class RowSteps(AssemblyState):
    """Rows about the fact rows, made once those are merged (mixed into curate.assemble's assembly)."""

    def event_codes(self) -> None:
        """The CAMEO and PLOVER codes of every row, from its curated kind (event_codes.yaml): never curated,
        so never a claim of a source; the contract checks each published code against the same mapping."""
        for table in self.registry:
            role = table.event_codes
            if role is None:
                continue
            for row in self.rows[table.name]:
                row.update(role.codes_for(row.get(role.source)))

    # --- inferences, evidence, dismissals ---

    def inferences(self, files: list[CurationFile], shared: list[Record]) -> None:
        table = self.registry[Inferences.table]
        stated: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for t in self.registry:
            for row in self.rows[t.name]:
                record_id = "/".join(str(row.get(k)) for k in t.primary_key)
                stated[(t.name, record_id, "")] |= {k for k, v in row.items() if v is not None}
        for claim_row in self.rows[Claims.table]:
            stated[(claim_row[Claims.record_table], claim_row[Claims.record_id], "")].add(claim_row[Claims.field])
        records = [r for f in files for r in f.records] + shared
        for record in records:
            source = self.source_of.get(record.file)
            for column, inferred in record.inferred.items():
                if column in self.registry[record.table].column_names and \
                        column not in stated[(record.table, record.id, "")]:
                    self.problem("inferred-without-value", record, column, "is listed under `inferred` but has no value")
                if source is None:
                    self.problem("inferred-without-source", record, column,
                                 "an inference in a shared file must be recorded in the file of the document it is "
                                 "read from (or known against)")
                    continue
                self.emit(table, {Inferences.record_table: record.table, Inferences.record_id: record.id,
                                  Inferences.field: column, Inferences.source_id: source,
                                  Inferences.basis: inferred.basis, Inferences.reason: inferred.reason}, [record])

    def renamed(self, records: list[Record]) -> None:
        """Each earlier id a record `replaces`, as a row of renamed_ids (once, whichever files say it)."""
        table = self.registry[RenamedIds.table]
        seen: set[tuple[str, str, str]] = set()
        for record in records:
            for old in record.replaces:
                if (record.table, old, record.id) in seen:
                    continue
                seen.add((record.table, old, record.id))
                self.emit(table, {RenamedIds.record_table: record.table, RenamedIds.old_id: old,
                                  RenamedIds.record_id: record.id}, [record])

    def distinctions(self, records: list[Record]) -> None:
        for row, record in distinction_rows(records):
            self.emit(self.registry[Distinctions.table], row, [record])

    def evidence_rows(self) -> None:
        table = self.registry[Evidence.table]
        disputed = disputed_columns(self.registry, ((c[Claims.record_table], c[Claims.record_id], c[Claims.field],
                                                     c[Claims.source_id], c[Claims.agrees])
                                                    for c in self.rows[Claims.table]))
        for row in self.evidence.rows:
            key = (row[Evidence.record_table], row[Evidence.record_id], row[Evidence.source_id])
            row[Evidence.disagrees] = disagreeing(row[Evidence.supports] or [], key, disputed) or None
            self.rows[table.name].append(row)
        for (file, label), rows in self.evidence.of_record.items():
            for row in rows:
                self.origins[(table.name, row[Evidence.id])].append(Origin(file, label, self.columns(row)))

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
