"""Table rules for where each value comes from: the document's own words (quotations, stances, the
words a value was read from) lie inside the record's excerpts; a place, country or actor value is shown by an
excerpt that supports its column (or is a marked inference); a source is credited only with what
its own evidence supports; each claim's `agrees` is what the curated value makes it; an actor's
canonical name occurs in a document or is marked as known from outside; and an inference said to be
read from the text names something the text contains.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from ..base.codec import csv_cell
from ..base.problems import Problem
from .date_words import duration_days
from .dates import DateWordsError
from .frames import Rows
from .languages import language_names
from .registry import Column, Registry, Table, field_descriptor
from .text_match import shows_word, shows_words
from .vocabulary import Actors, Claims, Evidence, Inferences, Quotes, Sources

EXTERNAL = Inferences.external


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def value_text(value, table: Table, column: Column) -> str | None:
    """A value as the claims table writes it (the CSV text of its column's type)."""
    return _value_text(value, table, field_descriptor(table, column))


def _value_text(value, table: Table, descriptor: dict) -> str | None:
    if isinstance(value, list):
        return table.list_delimiter.join(value) if value else None
    text = csv_cell(value, descriptor)
    return text or None


def _claimed_column(table: Table, field: str) -> tuple[Table, Column, set[str], dict]:
    """What checking a claim about `field` needs: the table, the column, the columns whose evidence supports
    it, and its field descriptor."""
    column = table.column(field)
    return table, column, {field} | table.determined_by(field), field_descriptor(table, column)


def claim_agrees(table: Table, field: str, claimed: str, curated: str | None) -> bool:
    """Whether a source's claimed value (as text) agrees with the curated one (as text): equal; for a
    list, every item claimed is curated (a source that names fewer agrees); for a window bound, the
    claimed bound allows the curated window (a claim that states less agrees)."""
    window = table.window
    if window is not None and field == window.anchor:
        return True  # how a source's words are read, not a claim about the date: each source reads its own
    if curated is None:
        return False
    if window is not None and field == window.duration:
        return _days(claimed) == _days(curated)
    if window is not None and field == window.earliest:
        return claimed <= curated  # ISO dates compare as text
    if window is not None and field == window.latest:
        return claimed >= curated
    if table.is_list(field):
        return set(claimed.split(table.list_delimiter)) <= set(curated.split(table.list_delimiter))
    return claimed == curated


def _days(words: str) -> int | str:
    try:
        return duration_days(words)
    except DateWordsError:
        return words


@dataclass
class _Index:
    registry: Registry
    frames: dict[str, pd.DataFrame]
    texts: dict[str, str]                                   # source_id -> document text
    evidence: dict[str, dict]                               # evidence_id -> row
    cited: dict[tuple[str, str], list[dict]]                # (table, record) -> evidence rows
    inferred: dict[tuple[str, str, str], dict[str, str]]    # (table, record, field) -> {source: basis}
    aliases: dict[str, list[str]]                           # actor_id -> aliases
    rows: Rows                                              # each table's rows as dicts

    def shows(self, column: Column, value: str, excerpt: str) -> bool:
        if column.shown_as == "place":
            return " ".join(value.split()) in " ".join(excerpt.split())
        if column.shown_as == "country":
            return shows_words(excerpt, self.registry.countries.get(value, ()))
        if column.shown_as == "language_name":
            return shows_words(excerpt, language_names(value))
        return shows_words(excerpt, self.aliases.get(value, ()))


def _index(registry: Registry, frames: dict[str, pd.DataFrame], texts_by_path: dict[str, str], rows: Rows) -> _Index:
    sources = frames[Sources.table]
    texts = {sid: texts_by_path[path] for sid, path in zip(sources[Sources.id].tolist(), sources[Sources.raw_path].tolist(),
                                                           strict=True) if path in texts_by_path}
    delimiter = registry.list_delimiter
    evidence_rows = rows[Evidence.table]
    for row in evidence_rows:
        supports = _text(row[Evidence.supports])
        row["_supports"] = set(supports.split(delimiter)) if supports else set()
        row["_excerpt"] = row[Evidence.excerpt] if isinstance(row[Evidence.excerpt], str) else ""
    cited: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in evidence_rows:
        cited[(row[Evidence.record_table], row[Evidence.record_id])].append(row)
    inferred: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    inferences = frames[Inferences.table]
    for table, record, field, source, basis in zip(*(inferences[c].tolist() for c in (
            Inferences.record_table, Inferences.record_id, Inferences.field, Inferences.source_id, Inferences.basis)),
            strict=True):
        inferred[(table, record, field)][source] = basis
    actors = frames[Actors.table]
    aliases = {aid: (_text(a) or "").split(delimiter) for aid, a in zip(actors[Actors.id].tolist(),
                                                                       actors[Actors.aliases].tolist(), strict=True)}
    return _Index(registry, frames, texts, {r[Evidence.id]: r for r in evidence_rows}, cited, inferred, aliases, rows)


def check_provenance(registry: Registry, frames: dict[str, pd.DataFrame], texts_by_path: dict[str, str],
                     ids: dict[str, pd.Series], rows: Rows) -> list[Problem]:
    index = _index(registry, frames, texts_by_path, rows)
    problems = _check_shown(index, ids)
    problems += _check_claims(index)
    problems += _check_names(index)
    problems += _check_basis(index, ids)
    problems += _check_verbatim(index, ids)
    return problems


def _fold(text: str) -> str:
    return " ".join(text.split())


def _inside(words: str, excerpts: list[str]) -> bool:
    """Whether the words lie inside one of the excerpts exactly, code point for code point: a no-break
    space, a dash or a quotation mark the document prints is part of its words."""
    return any(words in excerpt for excerpt in excerpts)


def _not_inside(words: str, excerpts: list[str], where: str) -> str:
    folded = _fold(words)
    near = any(folded in _fold(excerpt) for excerpt in excerpts)
    hint = (" (it matches only with white space folded: store the document's own characters, e.g. its no-break "
            "spaces)") if near else ""
    return f"{words!r} is not inside any excerpt of {where}{hint}"


def _check_verbatim(index: _Index, ids: dict[str, pd.Series]) -> list[Problem]:
    """The document's own words (a quotation, a stance, the words a value was read from) lie inside an
    excerpt of the record, from the source that wrote them: nothing paraphrased passes for a quotation."""
    problems = []
    for table in index.registry:
        columns = sorted(table.verbatim_columns)
        if not columns and table.translation is None:
            continue
        role = table.translation
        for record_id, row in zip(ids[table.name].tolist(), index.rows[table.name], strict=True):
            excerpts = [e["_excerpt"] for e in index.cited.get((table.name, record_id), [])]
            # A translation the document prints is its words too; the curator's own is not.
            own = [role.translation] if role is not None and _text(row.get(role.by)) == Quotes.by_document else []
            for name in [*columns, *own]:
                words = _text(row.get(name))
                if words is not None and not _inside(words, excerpts):
                    problems.append(Problem("not-verbatim", _not_inside(words, excerpts, "the record"),
                                            table=table.name, record=record_id, column=name))
    claims = index.frames[Claims.table]
    verbatim = {table.name: table.verbatim_columns for table in index.registry}  # a property: computed once
    for table_name, record, field, source, claimed, words in zip(*(claims[c].tolist() for c in (
            Claims.record_table, Claims.record_id, Claims.field, Claims.source_id, Claims.claimed_value,
            Claims.value_as_reported)), strict=True):
        if table_name not in verbatim:
            continue
        said = [_text(words)] + ([_text(claimed)] if field in verbatim[table_name] else [])
        excerpts = [e["_excerpt"] for e in index.cited.get((table_name, record), []) if e[Evidence.source_id] == source]
        for text in said:
            if text is not None and not _inside(text, excerpts):
                problems.append(Problem("not-verbatim", _not_inside(text, excerpts, f"{source} for the record"),
                                        table=Claims.table, record=f"{table_name}/{record}/{field}/{source}",
                                        column=Claims.value_as_reported))
    return problems


def _shown_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.shown_as]


def _check_shown(index: _Index, ids: dict[str, pd.Series]) -> list[Problem]:
    """Single-source tables here; a shared record's values are checked claim by claim (_check_claims)."""
    problems = []
    for table in index.registry:
        columns = _shown_columns(table)
        if not columns or table.mergeable:
            continue
        for record_id, row in zip(ids[table.name].tolist(), index.rows[table.name], strict=True):
            for column in columns:
                value = _text(row.get(column.name))
                if value is None or (table.name, record_id, column.name) in index.inferred:
                    continue
                excerpts = [e[Evidence.excerpt] for e in index.cited.get((table.name, record_id), [])
                            if column.name in e["_supports"]]
                items = value.split(table.list_delimiter) if table.is_list(column.name) else [value]
                for item in items:
                    if not any(index.shows(column, item, excerpt) for excerpt in excerpts):
                        problems.append(Problem("value-not-shown", _not_shown(column, item, excerpts),
                                                table=table.name, record=record_id, column=column.name))
    return problems


def _not_shown(column: Column, item: str, excerpts: list[str]) -> str:
    what = {"place": "the value", "country": "a name of the country", "actor": "an alias of the actor",
            "language_name": "a name of the language"}[column.shown_as or ""]
    where = f"none of its {len(excerpts)} supporting excerpt(s)" if excerpts else "no excerpt supporting this column"
    return f"{item!r}: {where} shows {what}, and no inference is recorded"


def _check_claims(index: _Index) -> list[Problem]:
    """Every claim cites its own source's evidence for its column (or is that source's inference),
    shows a place, country or actor value, and agrees exactly when the curated value allows it."""
    problems = []
    delimiter = index.registry.list_delimiter
    curated_rows = {}
    referenced: dict[tuple[str, str], set[str]] = {}  # (table, column) -> the ids a claim may name
    # (table, field) -> what every claim of it needs, looked up once
    about: dict[tuple[str, str], tuple[Table, Column, set[str], dict] | None] = {}
    for table in index.registry:
        if table.mergeable:
            frame = index.frames[table.name]
            curated_rows[table.name] = dict(zip(frame[table.primary_key[0]].tolist(), index.rows[table.name],
                                                strict=True))
    for row in index.rows[Claims.table]:
        table_name, record, field, source = (row[Claims.record_table], row[Claims.record_id], row[Claims.field],
                                             row[Claims.source_id])
        label = f"{table_name}/{record}/{field}/{source}"
        if (table_name, field) not in about:
            known_column = table_name in index.registry.tables and field in index.registry[table_name].column_names
            about[(table_name, field)] = _claimed_column(index.registry[table_name], field) if known_column else None
        claimed_column = about[(table_name, field)]
        if claimed_column is None:
            continue  # reported as a dangling reference or an unknown column elsewhere
        table, column, supporting, descriptor = claimed_column
        inferred = source in index.inferred.get((table_name, record, field), {})
        cited = [index.evidence.get(e) for e in (_text(row[Claims.evidence_ids]) or "").split(delimiter) if e]
        wrong = [e[Evidence.id] for e in cited if e is not None and (
            e[Evidence.source_id] != source or (e[Evidence.record_table], e[Evidence.record_id]) != (table_name, record))]
        if wrong:
            problems.append(Problem("claim-unsupported", f"cites evidence of another source or record: {wrong}",
                                    table=Claims.table, record=label, column=Claims.evidence_ids))
        own = [e for e in cited if e is not None and e[Evidence.id] not in wrong and e["_supports"] & supporting]
        if not own and not inferred:
            problems.append(Problem("claim-unsupported", f"no evidence of {source} supports {field} "
                                                         "and the source infers no value for it",
                                    table=Claims.table, record=label, column=Claims.evidence_ids))
        value = _text(row[Claims.claimed_value]) or ""
        if column.references:
            target_table, target_column = column.references
            if column.references not in referenced:  # once per column (not setdefault: its default is built every call)
                referenced[column.references] = (set(index.frames[target_table][target_column].astype(str).tolist())
                                                 if target_table in index.frames else set())
            known = referenced[column.references]
            items = value.split(delimiter) if table.is_list(field) else [value]
            for item in items:
                if item not in known:
                    problems.append(Problem("foreign-key", f"{item!r} names no row of {target_table}.{target_column}",
                                            table=Claims.table, record=label, column=Claims.claimed_value))
        if column.shown_as and not inferred:
            excerpts = [e[Evidence.excerpt] for e in own if field in e["_supports"]]
            items = value.split(delimiter) if table.is_list(field) else [value]
            for item in items:
                if not any(index.shows(column, item, x) for x in excerpts):
                    problems.append(Problem("value-not-shown", _not_shown(column, item, excerpts), table=Claims.table,
                                            record=label, column=Claims.claimed_value))
        curated = curated_rows.get(table_name, {}).get(record)
        if curated is not None:
            curated_text = _value_text(curated.get(field), table, descriptor)
            agrees = bool(row[Claims.agrees])
            if agrees != claim_agrees(table, field, value, curated_text):
                problems.append(Problem("claim-agrees", f"agrees is {agrees} but the source claims {value!r} and the "
                                                        f"curated value is {curated_text!r}",
                                        table=Claims.table, record=label, column=Claims.agrees))
    return problems


def _check_names(index: _Index) -> list[Problem]:
    """An actor's canonical name is one of the spellings the documents use, or known from outside."""
    problems = []
    actors = index.frames[Actors.table]
    for actor_id, name in zip(actors[Actors.id].tolist(), actors[Actors.name].tolist(), strict=True):
        if _text(name) is None or name in index.aliases.get(actor_id, []):
            continue  # a missing name is reported as required (pandera); `NA in list` would raise
        if EXTERNAL in index.inferred.get((Actors.table, actor_id, Actors.name), {}).values():
            continue
        problems.append(Problem("name-not-shown", f"{name!r} is none of the actor's aliases (the spellings the "
                                                  "documents use); mark it as an inference with basis external",
                                table=Actors.table, record=actor_id, column=Actors.name))
    return problems


def _is_shown(registry: Registry, table_name: str, field: str) -> bool:
    if table_name not in registry.tables or field not in registry[table_name].column_names:
        return False
    return registry[table_name].column(field).shown_as is not None or (table_name, field) == (Actors.table, Actors.name)


def _check_basis(index: _Index, ids: dict[str, pd.Series]) -> list[Problem]:
    """An inference said to be read from the text names a place, country or actor its document contains."""
    problems = []
    values: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)  # (table, record, field) -> source -> value
    for table in index.registry:
        shown = [c.name for c in _shown_columns(table)] + ([Actors.name] if table.name == Actors.table else [])
        if not shown:
            continue
        source_column = Sources.id if Sources.id in table.column_names else None
        for record_id, row in zip(ids[table.name].tolist(), index.rows[table.name], strict=True):
            for name in shown:
                value = _text(row.get(name))
                if value is not None:
                    source = (_text(row.get(source_column)) if source_column else None) or ""
                    values[(table.name, record_id, name)][source] = value
    claims = index.frames[Claims.table]
    for table_name, record, field, source, value in zip(*(claims[c].tolist() for c in (
            Claims.record_table, Claims.record_id, Claims.field, Claims.source_id, Claims.claimed_value)), strict=True):
        if (table_name, record, field) in values or _is_shown(index.registry, table_name, field):
            values[(table_name, record, field)][source] = value
    for (table_name, record, field), by_source in index.inferred.items():
        if (table_name, record, field) not in values or table_name not in index.registry.tables:
            continue
        table = index.registry[table_name]
        column = table.column(field)
        for source, basis in by_source.items():
            if basis == EXTERNAL:
                continue
            stated = values[(table_name, record, field)]
            value = stated.get(source) or stated.get("") or next(iter(stated.values()))
            text = index.texts.get(source, "")
            items = value.split(table.list_delimiter) if table.is_list(field) else [value]
            if column.shown_as is None:  # an actor's canonical name
                missing = [v for v in items if not shows_word(text, v)]
            else:
                missing = [v for v in items if not index.shows(column, v, text)]
            if missing:
                problems.append(Problem("basis-external", f"{missing} is inferred as read from the text of {source}, "
                                                          "which never names it; give the inference basis external",
                                        table=Inferences.table, record=f"{table_name}/{record}/{field}/{source}",
                                        column=Inferences.basis))
    return problems
