"""Table rule: an enumeration value is said by the excerpts that support it.

A column whose allowed values have words in the registry (fields.yaml `enum_words`, by language:
visit_type `state_visit`: "state visit", "visite d'État", "государственн визит", ...) holds a value
only where an excerpt supporting the column (or the words kept beside it, `visit_type_as_reported`)
says one of the value's words, in any language; otherwise the value is a marked inference. Each
word of the words may begin a longer word of the text (an inflection: "государственн визит" finds
"государственным визитом"); text without spaces (Chinese) is searched as it is. For a record
several documents describe, each source's claim is checked with that source's own excerpts.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from ..base.problems import Problem
from .frames import Rows
from .registry import Registry, Table
from .vocabulary import Claims, Evidence, Inferences, Sources


@cache
def _pattern(words: str) -> re.Pattern:
    parts = words.casefold().split()
    if all(part.isascii() or part[0].isalpha() and not _spaceless(part) for part in parts):
        return re.compile(r"(?<!\w)" + r"\w*\s+(?<!\w)".join(re.escape(p) for p in parts))
    return re.compile(re.escape(words.casefold()))


def _spaceless(word: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" for c in word)


def says(excerpt: str, words: tuple[str, ...]) -> bool:
    folded = " ".join(excerpt.casefold().replace("’", "'").split())
    return any(_pattern(w.replace("’", "'")).search(folded) for w in words)


def _checked(table: Table) -> list[tuple[str, dict[str, tuple[str, ...]], set[str]]]:
    """(column, value -> words, the columns whose excerpts may say them) of each column with enum words."""
    return [(c.name, c.enum_words, {c.name} | table.determined_by(c.name) | {w.column for w in table.words
                                                                            if c.name in w.determines})
            for c in table.columns if c.enum_words]


def check_enum_words(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series],
                     rows: Rows) -> list[Problem]:
    delimiter = registry.list_delimiter
    excerpts: dict[tuple[str, str], list[tuple[str, str, set[str], str]]] = {}
    for row in rows[Evidence.table]:
        supports = set((row[Evidence.supports] or "").split(delimiter)) if row[Evidence.supports] else set()
        excerpts.setdefault((row[Evidence.record_table], row[Evidence.record_id]), []).append(
            (row[Evidence.id], row[Evidence.source_id], supports, row[Evidence.excerpt] or ""))
    inferences = frames[Inferences.table]
    inferred = set(zip(*(inferences[c].tolist() for c in (Inferences.record_table, Inferences.record_id,
                                                           Inferences.field, Inferences.source_id)), strict=True))
    problems = []
    for table in registry:
        checked = _checked(table)
        if not checked:
            continue
        if table.mergeable:
            problems += _check_claims(table, checked, rows, excerpts, inferred, delimiter)
            continue
        source_column = Sources.id if Sources.id in table.column_names else None
        for record_id, row in zip(ids[table.name].tolist(), rows[table.name], strict=True):
            source = row.get(source_column) if source_column else record_id
            for column, words, supporting in checked:
                value = row.get(column)
                if value is None or value not in words or (table.name, record_id, column, source) in inferred:
                    continue
                said = [x for _, _, supports, x in excerpts.get((table.name, record_id), []) if supports & supporting]
                if not any(says(x, words[value]) for x in said):
                    problems.append(_problem(column, value, words[value], len(said), table=table.name,
                                             record=record_id, column=column))
    return problems


def _check_claims(table: Table, checked, rows: Rows, excerpts, inferred, delimiter: str) -> list[Problem]:
    problems = []
    by_column = {column: (words, supporting) for column, words, supporting in checked}
    for row in rows[Claims.table]:
        if row[Claims.record_table] != table.name or row[Claims.field] not in by_column:
            continue
        record, column, source, value = (row[Claims.record_id], row[Claims.field], row[Claims.source_id],
                                         row[Claims.claimed_value])
        words, supporting = by_column[column]
        if value not in words or (table.name, record, column, source) in inferred:
            continue
        cited = set((row[Claims.evidence_ids] or "").split(delimiter))
        said = [x for evidence_id, by, supports, x in excerpts.get((table.name, record), [])
                if by == source and evidence_id in cited and supports & supporting]
        if not any(says(x, words[value]) for x in said):
            problems.append(_problem(column, value, words[value], len(said), table=Claims.table,
                                     record=f"{table.name}/{record}/{column}/{source}", column=Claims.evidence_ids))
    return problems


def _problem(field: str, value: str, words: tuple[str, ...], count: int, **where) -> Problem:
    listed = ", ".join(repr(w) for w in words[:6]) + (", ..." if len(words) > 6 else "")
    where_said = f"none of its {count} supporting excerpt(s)" if count else "no excerpt supporting it"
    return Problem("enum-not-said", f"{field} {value!r}: {where_said} says {listed} (validation/fields.yaml "
                                    "enum_words), and no inference marks it", **where)
