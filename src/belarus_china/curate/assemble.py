"""Curated records + raw documents -> the rows of every table, with evidence located.

The orchestrator of the curation stage, one short step per concern:
raw documents -> curation files (`records`) -> sources -> evidence (`evidence`) -> actors ->
fact records (words checked, `contract.words`) -> date windows read from their words, records in
the order their anchors need (`contract.dates`) -> merged claims (`merge`) -> event-data codes from each
row's kind (the registry's `event_codes`) -> inferences -> dismissals.
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
from ..contract.dates import DateWordsError, Window, contained, kind_of, read_window
from ..contract.disagreement import disagreeing, disputed_columns
from ..contract.provenance import claim_agrees, value_text
from ..contract.registry import Registry, Table
from ..contract.vocabulary import Claims, Distinctions, Evidence, Inferences, RenamedIds, Sources
from ..contract.windows import SOURCE_ANCHOR, anchor_message, derived, words_window
from ..contract.words import word_problems
from . import file_format as F
from .evidence import EvidenceLocator
from .locate import LocateError, locate
from .lookalikes import find_lookalikes
from .marks import distinction_rows, inherited_bounds
from .merge import Claim, merge
from .records import CurationFile, Record, read_curation
from .verbatim import store_raw_slices


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


UNREADABLE_FILE = frozenset({"yaml-syntax", "yaml-encoding", "yaml-duplicate-key", "yaml-alias", "yaml-too-deep",
                             "curation-file-too-large"})


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

    # --- dates ---

    def _anchor(self, record: Record, name: str | None) -> Window | None:
        if name is None:
            return None
        if name == SOURCE_ANCHOR:
            return self.windows.get((Sources.table, self.source_of.get(record.file, "")))
        table, _, record_id = name.partition("/")
        return self.windows.get((table, record_id))

    def dated(self, table: Table, record: Record, values: dict, anchor: Window | None,
              container: Window | None) -> Window | None:
        """Read the record's date words into its window and write the window's columns into `values`.

        A bound the curator gives stands as given (whether the words give it is the contract's rule, in
        contract.windows); the words fill the bounds the curator leaves out."""
        role = table.window
        if role is None:
            return None
        words = values.get(role.words)
        low, high = values.get(role.earliest), values.get(role.latest)
        if low and high and low > high:
            return None  # no window to read: the bounds stay as curated, and the contract reports their order
        given = Window(low, high)
        window = None
        if words is not None:
            if kind_of_safe(words) in ("yearless", "relative", "event") and anchor is None:
                named = values.get(role.anchor) if role.anchor else None
                self.problem("date-anchor", record, role.anchor or role.words,
                             anchor_message(role, named) if named else
                             f"{role.words} {words!r} is read against an anchor: give {role.anchor} "
                             "(source, or table/id of a dated record)" if role.anchor else
                             f"{role.words} {words!r} needs an anchor this table cannot give")
                return None
            try:
                window = words_window(table, words, anchor, container, values.get(role.duration) if role.duration else None)
            except DateWordsError as exc:
                if kind_of_safe(words) != "unread":
                    self.problem("date-words", record, role.words, str(exc))
                    return None
                if not (given.earliest or given.latest):
                    # A typo ("March 1, 20233") must not leave a record silently undated.
                    self.problem("date-words", record, role.words,
                                 f"{exc}; give {role.earliest} and {role.latest} as inferences (with the reason), "
                                 "or move the words to notes")
                    return None
        if window is not None:
            # A bound the curator gives stands as given: whether it is what the words say is the contract's
            # rule (contract.windows), reported on the row and named here by Assembled.locate.
            low, high = given.earliest or window.earliest, given.latest or window.latest
            if low and high and low > high:
                values[role.earliest], values[role.latest] = low, high
                return None
            window = Window(low, high, window.first, window.last)
        elif given.earliest or given.latest:
            window = given
        if window is None:
            return None
        values[role.earliest], values[role.latest] = window.earliest, window.latest
        values.update(derived(table, window))
        return window

    def _dependencies(self, table: Table, record: Record) -> list[tuple[str, str]]:
        deps: list[tuple[str, str]] = []
        role = table.window
        if role is None:
            return deps
        anchor = record.values.get(role.anchor) if role.anchor else None
        if anchor and anchor != SOURCE_ANCHOR:
            target, _, record_id = anchor.partition("/")
            deps.append((target, record_id))
        if role.within and record.values.get(role.within):
            references = table.column(role.within).references
            if references:
                deps.append((references[0], record.values[role.within]))
        return deps

    def ordered(self, by_id: dict[tuple[str, str], list[Record]]) -> list[tuple[str, str]]:
        """Records in an order where every anchor and container comes before the records read against it."""
        order: list[tuple[str, str]] = []
        state: dict[tuple[str, str], str] = {}

        def visit(key: tuple[str, str], path: list[tuple[str, str]]) -> None:
            if state.get(key) == "done" or key not in by_id:
                return
            if state.get(key) == "visiting":
                cycle = " -> ".join(f"{t}/{i}" for t, i in [*path[path.index(key):], key])
                record = by_id[key][0]
                self.problem("date-anchor", record, None, f"date anchors form a cycle: {cycle}")
                return
            state[key] = "visiting"
            for record in by_id[key]:
                for dep in self._dependencies(self.registry[key[0]], record):
                    visit(dep, [*path, key])
            state[key] = "done"
            order.append(key)

        for key in sorted(by_id):
            visit(key, [])
        return order

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

    def within(self, table: Table, values: dict, window: Window | None, claims_rows: list[dict]) -> Window | None:
        """The curated window of a record that lies within another (contract.dates.contained), written into
        `values`; the claims of the record's window bounds say the rule that narrowed them."""
        role = table.window
        if role is None:
            return window
        if window is None and (values.get(role.earliest) or values.get(role.latest)):
            return None  # bounds that give no window (out of order) stay as curated, for the contract to judge
        container = None
        if role.within and values.get(role.within):
            references = table.column(role.within).references
            container = self.windows.get((references[0], values[role.within])) if references else None
        result = contained(window, container)
        if result is None:
            return None
        if window is None or (result.earliest, result.latest) != (window.earliest, window.latest):
            values[role.earliest], values[role.latest] = result.earliest, result.latest
            for row in claims_rows:
                if row[Claims.field] in (role.earliest, role.latest):
                    curated = value_text(values[row[Claims.field]], table, table.column(row[Claims.field]))
                    row[Claims.agrees] = claim_agrees(table, row[Claims.field], row[Claims.claimed_value], curated)
                    row[Claims.rule] = f"{row[Claims.rule]}, narrowed to the window of {role.within} {values[role.within]}"
        values.update(derived(table, result))
        return result

    def inherited(self, table: Table, values: dict, own: Window | None, result: Window | None,
                  claims: list[Claim]) -> None:
        for row, record in inherited_bounds(table, values, own, result, claims):
            self.emit(self.registry[Inferences.table], row, [record])

    def event_codes(self) -> None:
        """The CAMEO and PLOVER codes of every row, from its curated kind (event_codes.yaml): never curated,
        so never a claim of a source; the contract checks each published code against the same mapping."""
        for table in self.registry:
            role = table.event_codes
            if role is None:
                continue
            for row in self.rows[table.name]:
                row.update(role.codes_for(row.get(role.source)))

    def claim(self, table: Table, record: Record) -> Claim:
        """One file's values for a record, with the build's columns filled in and its window read."""
        values = self.filled(table, record, record.raw_file)
        window = None
        role = table.window
        if role is not None:
            anchor = self._anchor(record, values.get(role.anchor) if role.anchor else None)
            container = None
            if role.within and values.get(role.within):
                references = table.column(role.within).references
                container = self.windows.get((references[0], values[role.within])) if references else None
            window = self.dated(table, record, values, anchor, container)
        if table.period is not None:
            self.period(table, record, values)
        return Claim(record, self.source_of.get(record.file, ""), values, window)

    def period(self, table: Table, record: Record, values: dict) -> None:
        role = table.period
        assert role is not None
        words = values.get(role.words)
        if words is None:
            return
        anchor = self._anchor(record, values.get(role.anchor) if role.anchor else None)
        try:
            period = read_window(words, anchor=anchor)
        except DateWordsError:
            return  # words that give no period (e.g. "Before Russia's invasion"): the period stays as curated
        # A bound the curator gives stands as given (the contract reports one the words do not give).
        for column, read in ((role.start, period.earliest), (role.end, period.latest)):
            if values.get(column) is None:
                values[column] = read

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


def kind_of_safe(words: str) -> str:
    """What date words need (contract.dates.kind_of), or "unread" for words it does not read."""
    try:
        return kind_of(words)
    except DateWordsError:
        return "unread"


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
