"""Merge what several documents say about one visit or agreement, keeping every source's claim.

The rule that picks the curated value of a group of columns (tables.yaml `merge.groups`;
any other column is a group of its own):
1. Claims that agree (no column both state with different values) are combined: each column
   takes the value any of them states.
2. For a dated group, only the claims with the finest date precision compete (the order of the
   precision column's allowed values, finest first): a source giving the exact days outranks one
   saying "early March".
3. Still disagreeing: a `resolve: {group: reason}` entry on the record in one file makes that
   file's claim win, with the curator's reason.
4. Otherwise the value stated by most sources wins; a tie is an error asking for `resolve`.
Every claim becomes a row of the `claims` table with `agrees` true or false; a coarser date claim
agrees when its window holds the curated date ("late February" holds 28 February).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from ..base.problems import Problem
from ..contract.registry import Table
from ..contract.vocabulary import Claims, Evidence
from ..contract.words import window_end
from .records import Record


def render(value, delimiter: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return delimiter.join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _groups(table: Table) -> dict[str, tuple[str, ...]]:
    grouped = {c for cols in table.claim_groups.values() for c in cols}
    groups = dict(table.claim_groups)
    for name in table.column_names:
        if name not in grouped and name not in table.primary_key and name not in table.curator_only:
            groups[name] = (name,)
    return groups


def _conflict(a: dict, b: dict, keys: list[str]) -> bool:
    return any(k in a and k in b and a[k] != b[k] for k in keys)


class _Precision:
    """Ranks of a table's date precisions, finest first, from the registry."""

    def __init__(self, order: list[str], column: str | None):
        self.rank = {name: i for i, name in enumerate(order)}
        self.column = column
        self.coarsest_rank = len(order) - 1

    def of(self, values: dict, default: int = 0) -> int:
        return self.rank.get(values.get(self.column) or "", default)


def _agrees(claim: dict, chosen: dict, keys: list[str], precision: _Precision) -> bool:
    """A claim agrees when every column it shares with the curated value is equal, except that a
    coarser date (e.g. "late February" at month precision) agrees when its window holds the curated day."""
    coarser = precision.of(claim) > precision.of(chosen)
    for key in keys:
        if key not in claim or key not in chosen:
            continue
        if coarser and key == precision.column:
            continue
        if coarser and isinstance(claim[key], date):
            if not claim[key] <= chosen[key] <= window_end(claim[key], claim[precision.column]):
                return False
        elif claim[key] != chosen[key]:
            return False
    return True


def merge(table: Table, records: list[Record], source_of: dict[str, str],
          evidence_of, problems: list[Problem], precision_order: list[str]) -> tuple[dict, list[dict]]:
    """Return the curated values of one record and its claims rows.

    `evidence_of(record)` gives the evidence rows located for one file's record."""
    record_id = records[0].id
    label = f"{table.name}[{record_id}]"
    merged: dict = {table.primary_key[0]: record_id}
    claims: list[dict] = []
    precision = _Precision(precision_order, table.precision[1] if table.precision else None)
    delimiter = table.list_delimiter

    for name in table.curator_only:
        texts = {r.file: r.values[name] for r in records if name in r.values}
        if len(set(map(str, texts.values()))) > 1:
            problems.append(Problem("curator-text-conflict",
                                    "the curator's text differs between files; write it in one file only",
                                    file=", ".join(sorted(texts)), record=label, column=name))
        if texts:
            merged[name] = next(iter(texts.values()))

    for group, columns in _groups(table).items():
        keys = [c for c in columns if c not in table.words_columns]
        stated: list[tuple[Record, dict]] = [(r, {c: r.values[c] for c in columns if c in r.values}) for r in records]
        stated = [(r, v) for r, v in stated if any(k in v for k in keys)]
        if not stated:
            continue
        candidates, rule = stated, "single source" if len(stated) == 1 else "all sources agree"
        if precision.column in columns:
            coarsest = precision.coarsest_rank
            finest = min(precision.of(v, coarsest) for _, v in stated)
            finer = [(r, v) for r, v in stated if precision.of(v, coarsest) == finest]
            if len(finer) < len(stated):
                candidates, rule = finer, "finest date precision wins"
        disagree = any(_conflict(a, b, keys) for i, (_, a) in enumerate(candidates) for _, b in candidates[i + 1:])
        if disagree:
            resolvers = [(r, v) for r, v in candidates if group in r.resolve]
            if len(resolvers) == 1:
                winner = resolvers[0]
                candidates, rule = [winner], f"curator's resolution: {winner[0].resolve[group]}"
            elif len(resolvers) > 1:
                problems.append(Problem("merge-resolve-conflict", "more than one file claims to resolve this group",
                                        file=", ".join(r.file for r, _ in resolvers), record=label, column=group))
                continue
            else:
                votes = Counter(tuple(v.get(k) for k in keys) for _, v in candidates)
                (top, count), *rest = votes.most_common()
                if rest and rest[0][1] == count:
                    said = "; ".join(f"{source_of[r.file]}: {', '.join(f'{k}={render(v[k], delimiter)}' for k in keys if k in v)}"
                                     for r, v in candidates)
                    problems.append(Problem("merge-tie", (
                        f"sources disagree and no rule decides ({said}); add `resolve: {{{group}: <reason>}}` "
                        "to the record in the file whose value is right"), record=label, column=group))
                    continue
                candidates = [(r, v) for r, v in candidates if tuple(v.get(k) for k in keys) == top]
                rule = f"majority of sources ({count} of {len(stated)})"
        # Combine the agreeing candidates, the most complete claim first.
        candidates = sorted(candidates, key=lambda rv: (-len(rv[1]), source_of[rv[0].file]))
        chosen: dict = {}
        for _, values in candidates:
            for column, value in values.items():
                chosen.setdefault(column, value)
        merged.update(chosen)
        for r, values in stated:
            words = [render(values[c], delimiter) for c in columns if c in table.words_columns and c in values]
            evidence_ids = [e[Evidence.id] for e in evidence_of(r)
                            if not e[Evidence.supports] or set(e[Evidence.supports]) & set(columns)]
            claims.append({
                Claims.record_table: table.name,
                Claims.record_id: record_id,
                Claims.claim: group,
                Claims.source_id: source_of[r.file],
                Claims.claimed_value: "; ".join(f"{k}={render(values[k], delimiter)}" for k in keys if k in values),
                Claims.value_as_reported: words[0] if words else None,
                Claims.agrees: _agrees(values, chosen, keys, precision),
                Claims.rule: rule,
                Claims.evidence_ids: evidence_ids or None,
            })
    return merged, claims
