"""Merge what several documents say about one visit or agreement, keeping every source's claim.

The rule that picks the curated value of a group of columns (tables.yaml `merge.groups`;
any other column is a group of its own):
1. Claims that agree (no column both state with different values) are combined: each column
   takes the value any of them states.
2. For a dated group, only the claims with the finest date_precision compete (day beats month,
   month beats year): a source giving the exact days outranks one saying "early March".
3. Still disagreeing: a `resolve: {group: reason}` entry on the record in one file makes that
   file's claim win, with the curator's reason.
4. Otherwise the value stated by most sources wins; a tie is an error asking for `resolve`.
Every claim becomes a row of the `claims` table with `agrees` true or false; a coarser date claim
agrees when its window holds the curated date ("late February" holds 28 February).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from .curation import Record
from .normalise import window_end
from .problems import Problem
from .registry import Table

PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def render(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return " | ".join(value)
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


def _agrees(claim: dict, chosen: dict, keys: list[str]) -> bool:
    """A claim agrees when every column it shares with the curated value is equal, except that a
    coarser date (e.g. "late February" at month precision) agrees when its window holds the curated day."""
    coarser = PRECISION_RANK.get(claim.get("date_precision"), 0) > PRECISION_RANK.get(chosen.get("date_precision"), 0)
    for key in keys:
        if key not in claim or key not in chosen:
            continue
        if coarser and key == "date_precision":
            continue
        if coarser and isinstance(claim[key], date):
            if not claim[key] <= chosen[key] <= window_end(claim[key], claim["date_precision"]):
                return False
        elif claim[key] != chosen[key]:
            return False
    return True


def merge(table: Table, records: list[Record], source_of: dict[str, str],
          evidence_of: dict[tuple[str, str], list[dict]], problems: list[Problem]) -> tuple[dict, list[dict]]:
    """Return the curated values of one record and its claims rows."""
    record_id = records[0].id
    label = f"{table.name}[{record_id}]"
    merged: dict = {table.primary_key[0]: record_id}
    claims: list[dict] = []

    for name in table.curator_only:
        stated = {r.file: r.values[name] for r in records if name in r.values}
        if len(set(map(str, stated.values()))) > 1:
            problems.append(Problem(file=", ".join(sorted(stated)), record=label, column=name,
                                    message="the curator's text differs between files; write it in one file only"))
        if stated:
            merged[name] = next(iter(stated.values()))

    for group, columns in _groups(table).items():
        keys = [c for c in columns if not c.endswith("_as_reported")]
        stated = [(r, {c: r.values[c] for c in columns if c in r.values}) for r in records]
        stated = [(r, v) for r, v in stated if any(k in v for k in keys)]
        if not stated:
            continue
        candidates, rule = stated, "single source" if len(stated) == 1 else "all sources agree"
        if "date_precision" in columns:
            finest = min(PRECISION_RANK[v.get("date_precision", "year")] for _, v in stated)
            finer = [(r, v) for r, v in stated if PRECISION_RANK[v.get("date_precision", "year")] == finest]
            if len(finer) < len(stated):
                candidates, rule = finer, "finest date precision wins"
        disagree = any(_conflict(a, b, keys) for i, (_, a) in enumerate(candidates) for _, b in candidates[i + 1:])
        if disagree:
            resolvers = [(r, v) for r, v in candidates if group in r.resolve]
            if len(resolvers) == 1:
                winner = resolvers[0]
                candidates, rule = [winner], f"curator's resolution: {winner[0].resolve[group]}"
            elif len(resolvers) > 1:
                problems.append(Problem(file=", ".join(r.file for r, _ in resolvers), record=label, column=group,
                                        message="more than one file claims to resolve this group"))
                continue
            else:
                votes = Counter(tuple(v.get(k) for k in keys) for _, v in candidates)
                (top, count), *rest = votes.most_common()
                if rest and rest[0][1] == count:
                    said = "; ".join(f"{source_of[r.file]}: {', '.join(f'{k}={render(v[k])}' for k in keys if k in v)}"
                                     for r, v in candidates)
                    problems.append(Problem(record=label, column=group, message=(
                        f"sources disagree and no rule decides ({said}); add `resolve: {{{group}: <reason>}}` "
                        "to the record in the file whose value is right")))
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
            source_id = source_of[r.file]
            words = [render(values[c]) for c in columns if c.endswith("_as_reported") and c in values]
            evidence_ids = [e["evidence_id"] for e in evidence_of.get((r.file, record_id), [])
                            if not e["supports"] or set(e["supports"]) & set(columns)]
            claims.append({
                "record_table": table.name,
                "record_id": record_id,
                "claim": group,
                "source_id": source_id,
                "claimed_value": "; ".join(f"{k}={render(values[k])}" for k in keys if k in values),
                "value_as_reported": words[0] if words else None,
                "agrees": _agrees(values, chosen, keys),
                "rule": rule,
                "evidence_ids": evidence_ids or None,
            })
    return merged, claims
