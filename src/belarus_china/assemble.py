"""Curated records + raw documents -> the rows of every table, with evidence located.

Every problem is collected; the caller raises them together so the curator sees them all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import normalise
from .curation import EvidenceItem, Record, read_curation
from .locate import LocateError, locate
from .merge import merge
from .problems import Problem, ProblemsFound
from .rawstore import check_raw, read_text, sha256_bytes
from .registry import Registry

_TIMESTAMP = re.compile(r'data-t="(\d{2}:\d{2}:\d{2})"')


@dataclass
class Assembled:
    rows: dict[str, list[dict]]
    texts: dict[str, str]                      # raw file name -> decoded text
    dismissed: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # raw file -> spans + reason
    evidence_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


def video_time(text: str, end: int) -> str | None:
    """The yt-timestamp anchor that follows the excerpt on the same line, if any."""
    line_end = text.find("\n", end)
    match = _TIMESTAMP.search(text, end, len(text) if line_end == -1 else line_end)
    return match.group(1) if match else None


def alias_pattern(alias: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)")


def _is_word(char: str) -> bool:
    """What `\\w` matches in a str pattern: a Unicode alphanumeric (str.isalnum) or the underscore."""
    return char.isalnum() or char == "_"


def first_whole_word(text: str, alias: str) -> tuple[int, int] | None:
    """The span of alias_pattern(alias).search(text), found with str.find: the same leftmost whole-word
    occurrence, without compiling one regular expression per alias."""
    position = text.find(alias)
    while position != -1:
        end = position + len(alias)
        if (position == 0 or not _is_word(text[position - 1])) and (end == len(text) or not _is_word(text[end])):
            return position, end
        position = text.find(alias, position + 1)
    return None


class _Assembler:
    def __init__(self, registry: Registry, texts: dict[str, str]):
        self.registry = registry
        self.texts = texts
        self.problems: list[Problem] = []
        self.evidence: list[dict] = []
        self.evidence_of: dict[tuple[str, str], list[dict]] = defaultdict(list)  # (file, record id)
        self.source_of: dict[str, str] = {}          # curation file -> source_id
        self.source_of_raw: dict[str, str] = {}      # raw file -> source_id
        self.video_sources: set[str] = set()

    def problem(self, record: Record | None, column: str | None, message: str, file: str | None = None) -> None:
        label = f"{record.table}[{record.id}]" if record else None
        self.problems.append(Problem(file=file or (record.file if record else None), record=label, column=column,
                                     message=message))

    def add_evidence(self, record: Record, item: EvidenceItem, raw_file: str) -> None:
        text = self.texts.get(raw_file)
        if text is None:
            self.problem(record, "evidence", f"names raw file {raw_file!r}, which is not in raw/")
            return
        try:
            start, end = locate(text, item.excerpt, within=item.within, occurrence=item.occurrence)
        except LocateError as exc:
            self.problem(record, "evidence", f"excerpt {item.excerpt.strip()[:80]!r} in raw/{raw_file}: {exc}")
            return
        source_id = self.source_of_raw.get(raw_file)
        if source_id is None:
            return  # the document's own source record is broken; reported there
        row = {
            "evidence_id": f"{record.id}-{source_id}-{start}-{end}",
            "record_table": record.table,
            "record_id": record.id,
            "supports": list(item.supports) or None,
            "source_id": source_id,
            "excerpt": text[start:end],
            "char_start": start,
            "char_end": end,
            "video_time": video_time(text, end) if source_id in self.video_sources else None,
        }
        self.evidence.append(row)
        self.evidence_of[(record.file, record.id)].append(row)

    def record_evidence(self, record: Record) -> None:
        if not record.evidence and record.table != "actors":
            self.problem(record, "evidence", "every record cites at least one verbatim excerpt")
        for item in record.evidence:
            raw_file = item.raw_file or record.raw_file
            if raw_file is None:
                self.problem(record, "evidence", "an excerpt in actors.yaml must name its raw_file")
                continue
            self.add_evidence(record, item, raw_file)


def _check_quote(asm: _Assembler, record: Record) -> None:
    text = record.values.get("text")
    if text and not any(text in e["excerpt"] for e in asm.evidence_of[(record.file, record.id)]):
        asm.problem(record, "text", "the quoted text is not inside any of the record's evidence excerpts")


def _check_value_words(asm: _Assembler, record: Record, column: str, unit: str | None) -> None:
    """A number keeps the document's words (value_as_reported); value and qualifier must be what they say."""
    values = record.values
    words = values.get("value_as_reported")
    if words is None or unit is None:
        return
    try:
        parsed = normalise.parse_quantity(words, unit)
    except normalise.NormaliseError as exc:
        asm.problem(record, "value_as_reported", str(exc))
        return
    if column not in values:
        asm.problem(record, column, f"is missing but value_as_reported {words!r} says {parsed.value:g}")
        return
    if abs(parsed.value - values[column]) > 1e-9 * max(1.0, abs(parsed.value)):
        asm.problem(record, column, f"is {values[column]:g} but value_as_reported {words!r} says {parsed.value:g}")
    qualifier = values.get("value_qualifier", "exact")
    if parsed.qualifier != qualifier:
        asm.problem(record, "value_qualifier",
                    f"is {qualifier!r} but value_as_reported {words!r} says {parsed.qualifier!r}")


def _check_figure(asm: _Assembler, record: Record) -> None:
    _check_value_words(asm, record, "value", record.values.get("unit"))
    _check_change(asm, record)
    _check_period(asm, record)


def _check_change(asm: _Assembler, record: Record) -> None:
    """A stated change keeps its words ("doubled" is 100), and the number must be what they say."""
    values = record.values
    words = values.get("change_as_reported")
    if words is None:
        if "change_pct" in values:
            asm.problem(record, "change_as_reported", "give the document's words for change_pct")
        return
    try:
        pct = normalise.parse_change_pct(words)
    except normalise.NormaliseError as exc:
        asm.problem(record, "change_as_reported", str(exc))
        return
    if values.get("change_pct") != pct:
        asm.problem(record, "change_pct", f"is {values.get('change_pct')} but change_as_reported {words!r} says {pct:g}")


def _check_period(asm: _Assembler, record: Record) -> None:
    """Period words that name a period by themselves must give period_start and period_end; relative
    words ("last year") need the document's date and are explained in `inferred` instead."""
    values = record.values
    words = values.get("period_as_reported")
    if words is None:
        return
    try:
        span = normalise.parse_date_phrase(words)
    except normalise.NormaliseError:
        return
    if (values.get("period_start"), values.get("period_end")) != (span.earliest, span.latest):
        asm.problem(record, "period_start",
                    f"period_as_reported {words!r} means {span.earliest} to {span.latest}, not "
                    f"{values.get('period_start')} to {values.get('period_end')}")


def _check_agreement_value(asm: _Assembler, record: Record) -> None:
    _check_value_words(asm, record, "value_usd", "USD")


def _check_precision(asm: _Assembler, record: Record) -> None:
    table = asm.registry[record.table]
    if table.precision_of is None:
        return
    has_date = table.precision_of in record.values
    has_precision = "date_precision" in record.values
    if has_date != has_precision:
        asm.problem(record, "date_precision", f"give date_precision exactly when {table.precision_of} is given")


def _check_required(asm: _Assembler, table, values: dict, records: list[Record]) -> None:
    """A required column no file states (for a shared record: none of the files describing it)."""
    for column in table.columns:
        if table.is_required(column) and values.get(column.name) is None:
            files = ", ".join(sorted({r.file for r in records})) or None
            asm.problems.append(Problem(file=files, record=f"{table.name}[{values.get(table.primary_key[0])}]",
                                        column=column.name, message="missing: this field is required"))


def _check_references(asm: _Assembler, record: Record, known: dict[str, set[str]]) -> None:
    """Every id a record names (its own claim, even when outvoted) must be a curated record."""
    for column in asm.registry[record.table].columns:
        if column.references is None or column.references[0] == record.table or column.name not in record.values:
            continue
        ref_table, ref_column = column.references
        value = record.values[column.name]
        for item in value if isinstance(value, list) else [value]:
            if item not in known.get(ref_table, set()):
                asm.problem(record, column.name, f"{item!r} is not among {ref_table}.{ref_column}")


class _WordIndex:
    """Which raw files contain a given word (a maximal run of `\\w` characters), to search an alias
    only in the documents that can hold it.

    A whole-word match of an alias contains each maximal run of word characters of the alias as a
    maximal run of the text: inside the alias a run is bounded by the alias's own non-word
    characters, at its ends by alias_pattern's lookarounds. So a document lacking one of the alias's
    words cannot match, and skipping it changes no result; it only avoids searching every document
    for every alias (actors x documents, quadratic as both grow).
    """

    _WORD = re.compile(r"\w+")

    def __init__(self, texts: dict[str, str]):
        self.names = sorted(texts)
        self.files_with: dict[str, list[str]] = defaultdict(list)  # word -> raw files, in sorted order
        for raw_file in self.names:
            for word in set(self._WORD.findall(texts[raw_file])):
                self.files_with[word].append(raw_file)

    def candidates(self, alias: str) -> list[str]:
        """The raw files, in sorted order, that contain the alias's rarest word (all files if it has none)."""
        words = set(self._WORD.findall(alias))
        if not words:
            return self.names
        return min((self.files_with.get(w, []) for w in words), key=len)


def _actors(asm: _Assembler, actors: list[Record]) -> list[dict]:
    rows, seen = [], {}
    index = _WordIndex(asm.texts)
    for record in actors:
        if record.id in seen:
            asm.problem(record, "actor_id", f"is defined twice (also in {seen[record.id]})")
            continue
        seen[record.id] = record.file
        asm.record_evidence(record)
        for alias in record.values.get("aliases", []):
            found = False
            for raw_file in index.candidates(alias):
                span = first_whole_word(asm.texts[raw_file], alias)
                if span is not None:
                    found = True
                    _add_span(asm, record, raw_file, span)
            if not found:
                asm.problem(record, "aliases", f"{alias!r} occurs in no raw document (as a whole word)")
        if not asm.evidence_of[(record.file, record.id)]:
            asm.problem(record, "evidence", "no alias occurs in the documents and no excerpt is given")
        rows.append(dict(record.values))
    return rows


def _add_span(asm: _Assembler, record: Record, raw_file: str, span: tuple[int, int]) -> None:
    """Evidence for an alias's first whole-word occurrence (the build places it, not the curator)."""
    start, end = span
    source_id = asm.source_of_raw.get(raw_file)
    if source_id is None:
        return
    row = {
        "evidence_id": f"{record.id}-{source_id}-{start}-{end}", "record_table": "actors", "record_id": record.id,
        "supports": ["aliases"], "source_id": source_id, "excerpt": asm.texts[raw_file][start:end],
        "char_start": start, "char_end": end,
        "video_time": video_time(asm.texts[raw_file], end) if source_id in asm.video_sources else None,
    }
    asm.evidence.append(row)
    asm.evidence_of[(record.file, record.id)].append(row)


def assemble(root: Path, registry: Registry) -> Assembled:
    """Read raw/ and build/ under `root` and return every table's rows, or raise ProblemsFound."""
    raw_dir, build_dir = root / "raw", root / "build"
    raw_problems = check_raw(raw_dir)
    if raw_problems:
        raise ProblemsFound("raw documents", raw_problems)
    texts = {p.name: read_text(p) for p in sorted(raw_dir.glob("*.txt"))}
    problems: list[Problem] = []
    files, actor_records = read_curation(build_dir, registry, problems)
    asm = _Assembler(registry, texts)
    asm.problems = problems

    curated = {f.raw_file for f in files}
    for name in sorted(set(texts) - curated):
        asm.problems.append(Problem(file=f"raw/{name}", message=f"has no curation file build/{Path(name).stem}.yaml"))
    for f in files:
        if f.raw_file not in texts:
            asm.problems.append(Problem(file=f.path, column="raw_file", message=f"raw/{f.raw_file} does not exist"))

    # Sources first: every other record's evidence is keyed by its document's source_id.
    rows: dict[str, list[dict]] = {name: [] for name in registry.names}
    sources_seen: dict[str, str] = {}
    for f in files:
        for record in f.records:
            if record.table != "sources" or f.raw_file not in texts:
                continue
            if record.id in sources_seen:
                asm.problem(record, "source_id", f"is used by two documents (also {sources_seen[record.id]})")
                continue
            sources_seen[record.id] = f.path
            asm.source_of[f.path] = record.id
            asm.source_of_raw[f.raw_file] = record.id
            if record.values.get("doc_kind") == "video_summary":
                asm.video_sources.add(record.id)
    for f in files:
        for record in f.records:
            if record.table == "sources" and asm.source_of.get(f.path) == record.id:
                data = texts[f.raw_file].encode("utf-8")
                values = dict(record.values)
                values.update(raw_path=f"raw/{f.raw_file}", sha256=sha256_bytes(data),
                              char_count=len(texts[f.raw_file]))
                rows["sources"].append(values)
                asm.record_evidence(record)
                _check_precision(asm, record)

    rows["actors"] = _actors(asm, actor_records)

    by_id: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for f in files:
        if f.path not in asm.source_of:
            continue
        for record in f.records:
            if record.table == "sources":
                continue
            if record.table in ("trade_figures", "quotes"):
                record.values["source_id"] = asm.source_of[f.path]
            same = by_id[(record.table, record.id)]
            if same and (not registry[record.table].mergeable or any(r.file == record.file for r in same)):
                asm.problem(record, registry[record.table].primary_key[0],
                            f"duplicate id (also in {', '.join(sorted({r.file for r in same}))})")
                continue
            same.append(record)
            asm.record_evidence(record)
            _check_precision(asm, record)
            if record.table == "quotes":
                _check_quote(asm, record)
            elif record.table == "trade_figures":
                _check_figure(asm, record)
            elif record.table == "agreements":
                _check_agreement_value(asm, record)

    known = {name: {rid for (t, rid) in by_id if t == name} for name in registry.names}
    known.update(actors={r.id for r in actor_records}, sources=set(sources_seen))
    for records in by_id.values():
        for record in records:
            _check_references(asm, record, known)

    for (table_name, _), records in sorted(by_id.items()):
        table = registry[table_name]
        if table.mergeable:
            values, claims = merge(table, records, asm.source_of, asm.evidence_of, asm.problems)
            rows["claims"].extend(claims)
        else:
            values = dict(records[0].values)
        rows[table_name].append(values)
        _check_required(asm, table, values, records)
    # Every record of each source and actor id, looked up once rather than searched per row.
    source_records: dict[str, list[Record]] = defaultdict(list)
    for f in files:
        for record in f.records:
            if record.table == "sources":
                source_records[record.id].append(record)
    actor_records_of: dict[str, list[Record]] = defaultdict(list)
    for record in actor_records:
        actor_records_of[record.id].append(record)
    for values in rows["sources"]:
        _check_required(asm, registry["sources"], values, source_records.get(values["source_id"], []))
    for values in rows["actors"]:
        _check_required(asm, registry["actors"], values, actor_records_of.get(values["actor_id"], []))

    for f in files:
        for record in f.records:
            for column, reason in record.inferred.items():
                rows["inferences"].append({"record_table": record.table, "record_id": record.id, "field": column,
                                           "source_id": asm.source_of.get(f.path), "reason": reason})
    for record in actor_records:
        for column, reason in record.inferred.items():
            asm.problem(record, column, "actors carry no inferred values; explain in notes instead")

    ids = defaultdict(int)
    for row in asm.evidence:
        ids[row["evidence_id"]] += 1
    for evidence_id, count in ids.items():
        if count > 1:
            asm.problems.append(Problem(table="evidence", record=evidence_id,
                                        message="the same excerpt is cited twice for one record"))
    rows["evidence"] = asm.evidence

    dismissed: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for f in files:
        text = texts.get(f.raw_file)
        for item in f.dismissed if text is not None else []:
            try:
                start, end = locate(text, item.excerpt, within=item.within, occurrence=item.occurrence)
            except LocateError as exc:
                asm.problems.append(Problem(file=f.path, record=f"dismissed[{item.excerpt.strip()[:40]}]",
                                            message=f"excerpt in raw/{f.raw_file}: {exc}"))
                continue
            dismissed[f.raw_file].append((start, end, item.reason or ""))

    if asm.problems:
        raise ProblemsFound("curation", asm.problems)
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    raw_of_source = {v: k for k, v in asm.source_of_raw.items()}
    for row in asm.evidence:
        spans[raw_of_source[row["source_id"]]].append((row["char_start"], row["char_end"]))
    return Assembled(rows=rows, texts=texts, dismissed=dict(dismissed), evidence_spans=dict(spans))
