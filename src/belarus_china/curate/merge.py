"""Merge what several documents say about one record, keeping every source's claim.

Each document's values for a record are its claims; columns are decided in groups (tables.yaml
`merge.groups`; any other column is a group of its own). The rule, stated once:
1. A date window (the group holding the window's bounds): the days the words fix (a first and last
   day, or the day) are decided first, as any other value below; then the curated window is the
   narrowest one every claim allows that is consistent with the fixed days (the intersection of
   their windows). A claim whose window excludes a fixed day, or does not meet the others, is a
   conflict.
2. Any other group: claims that agree (no column both state with different values; a list that
   names fewer items agrees) are combined, each column taking the value any of them states and a
   list the union of the items.
3. Still disagreeing: a `resolve: {group: reason}` entry on the record in one file makes that file's
   claim win, with the curator's reason.
4. Otherwise the value stated by most sources wins; a tie is an error asking for `resolve`.
Every stated column of every claim becomes a row of the `claims` table, with `agrees` from
contract.provenance.claim_agrees: the same rule validation applies to a published package.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..base.problems import Problem
from ..contract.dates import Window
from ..contract.provenance import claim_agrees, value_text
from ..contract.registry import Table
from ..contract.vocabulary import Claims, Evidence
from .records import Record


@dataclass(frozen=True)
class Claim:
    """One document's values for a shared record (with its window computed, for a dated table)."""
    record: Record
    source: str
    values: dict
    window: Window | None = None


def _groups(table: Table) -> dict[str, tuple[str, ...]]:
    """The claim groups; columns the build derives from a window (precision, EDTF) are no claims:
    they are recomputed from the curated window."""
    role = table.window
    derived = set(role.derived) - {role.day, role.first, role.last} if role is not None else set()
    grouped = {c for cols in table.claim_groups.values() for c in cols}
    groups = dict(table.claim_groups)
    for name in table.column_names:
        if name not in grouped and name not in table.primary_key and name not in table.curator_only \
                and name not in derived:
            groups[name] = (name,)
    return groups


def _conflict(table: Table, a: dict, b: dict, keys: list[str]) -> bool:
    """Two claims conflict when both state a column (None states nothing) with different values."""
    return any(a.get(k) is not None and b.get(k) is not None and a[k] != b[k] and not table.is_list(k) for k in keys)


def _stated(table: Table, values: dict, keys: list[str]) -> tuple[str, ...]:
    """What a claim states for a group's single-valued columns, as a vote."""
    return tuple(str(values[k]) for k in keys if values.get(k) is not None and not table.is_list(k))


def _render(table: Table, values: dict, keys: list[str]) -> str:
    return ", ".join(f"{k}={value_text(values[k], table, table.column(k))}" for k in keys if k in values)


class _Merger:
    def __init__(self, table: Table, claims: list[Claim], problems: list[Problem]):
        self.table = table
        self.claims = claims
        self.problems = problems
        self.label = f"{table.name}[{claims[0].record.id}]"
        self.rules: dict[str, str] = {}   # column -> the rule that decided it

    def decide(self, group: str, columns: tuple[str, ...], stated: list[Claim]) -> dict | None:
        """Agreeing claims combine; else a resolution, else the majority (None: a tie, reported)."""
        table = self.table
        keys = [c for c in columns if c not in table.words_columns]
        candidates, rule = stated, "single source" if len(stated) == 1 else "all sources agree"
        disagree = any(_conflict(table, a.values, b.values, keys) for i, a in enumerate(candidates)
                       for b in candidates[i + 1:])
        if disagree:
            resolvers = [c for c in candidates if group in c.record.resolve]
            if len(resolvers) == 1:
                candidates, rule = resolvers, f"curator's resolution: {resolvers[0].record.resolve[group]}"
            elif len(resolvers) > 1:
                self.problems.append(Problem("merge-resolve-conflict", "more than one file claims to resolve this group",
                                             file=", ".join(c.record.file for c in resolvers), record=self.label,
                                             column=group))
                return None
            else:
                votes = Counter(_stated(table, c.values, keys) for c in candidates)
                (top, count), *rest = votes.most_common()
                if rest and rest[0][1] == count:
                    said = "; ".join(f"{c.source}: {_render(table, c.values, keys)}" for c in candidates)
                    self.problems.append(Problem("merge-tie", (
                        f"sources disagree and no rule decides ({said}); add `resolve: {{{group}: <reason>}}` "
                        "to the record in the file whose value is right"), record=self.label, column=group))
                    return None
                candidates = [c for c in candidates if _stated(table, c.values, keys) == top]
                rule = f"majority of sources ({count} of {len(stated)})"
        # Combine the agreeing candidates, the most complete claim first; lists take every item.
        chosen: dict = {}
        for claim in sorted(candidates, key=lambda c: (-len(c.values), c.source)):
            for column in columns:
                if claim.values.get(column) is None:
                    continue
                if table.is_list(column) and column in chosen:
                    chosen[column] = chosen[column] + [i for i in claim.values[column] if i not in chosen[column]]
                else:
                    chosen.setdefault(column, claim.values[column])
        for column in chosen:
            self.rules[column] = rule
        return chosen

    def window(self, group: str, columns: tuple[str, ...], stated: list[Claim]) -> dict | None:
        """The curated window: fixed days decided first, then the intersection of the claims consistent with them."""
        role = self.table.window
        assert role is not None
        fixed_columns = tuple(c for c in (role.day, role.first, role.last) if c)
        fixing = [c for c in stated if any(c.values.get(col) is not None for col in fixed_columns)]
        fixed = self.decide(group, fixed_columns, fixing) if fixing else {}
        if fixed is None:
            return None
        first = fixed.get(role.first or role.day or "")
        last = fixed.get(role.last or role.day or "")
        if all(c.window is None for c in stated):
            # No claim's words gave a window: the reason is already reported where it was read.
            for column in fixed:
                self.rules[column] = self.rules.get(column, "single source")
            return {c: v for c, v in fixed.items() if v is not None}
        consistent = [c for c in stated if c.window is not None and _allows(c.window, first) and _allows(c.window, last)]
        result: Window | None = Window(first, last)
        for claim in consistent:
            assert claim.window is not None and result is not None
            result = result.intersect(claim.window) if result else None
        if result is None or not consistent:
            resolvers = [c for c in stated if group in c.record.resolve and c.window is not None]
            if len(resolvers) != 1:
                said = "; ".join(f"{c.source}: {c.window}" for c in stated)
                self.problems.append(Problem("merge-tie", f"the sources' date windows do not meet ({said}); add "
                                                          f"`resolve: {{{group}: <reason>}}` to the file whose window is right",
                                             record=self.label, column=role.earliest))
                return None
            winner = resolvers[0]
            assert winner.window is not None
            result, rule = winner.window, f"curator's resolution: {winner.record.resolve[group]}"
            consistent = [winner]
        else:
            excluded = len(stated) - len(consistent)
            rule = ("single source" if len(stated) == 1 else
                    "narrowest window every source allows" if not excluded else
                    "narrowest window consistent with the fixed days")
        # The words, anchor and duration shown on the row are those of the claim with the narrowest window.
        narrowest = min(consistent, key=lambda c: _width(c.window))
        chosen = {c: narrowest.values[c] for c in columns if c in self.table.words_columns and c in narrowest.values}
        chosen.update({role.earliest: result.earliest, role.latest: result.latest})
        chosen.update({c: v for c, v in fixed.items() if v is not None})
        for column in columns:
            self.rules.setdefault(column, rule)
        return chosen


def _allows(window: Window, day) -> bool:
    return day is None or ((window.earliest is None or window.earliest <= day) and
                           (window.latest is None or day <= window.latest))


def _width(window: Window | None) -> int:
    if window is None or window.earliest is None or window.latest is None:
        return 10**6
    return (window.latest - window.earliest).days


def merge(table: Table, claims: list[Claim], evidence_of: Callable[[Record], list[dict]],
          problems: list[Problem]) -> tuple[dict, list[dict]]:
    """The curated values of one shared record and its claims rows (one per stated column and source)."""
    record_id = claims[0].record.id
    merged: dict = {table.primary_key[0]: record_id}
    merger = _Merger(table, claims, problems)
    for name in table.curator_only:
        texts = {c.record.file: c.values[name] for c in claims if name in c.values}
        if len(set(map(str, texts.values()))) > 1:
            problems.append(Problem("curator-text-conflict",
                                    "the curator's text differs between files; write it in one file only",
                                    file=", ".join(sorted(texts)), record=merger.label, column=name))
        if texts:
            merged[name] = next(iter(texts.values()))
    window_group = table.window.earliest if table.window else None
    for group, columns in _groups(table).items():
        stated = [c for c in claims if any(col in c.values for col in columns)]
        if not stated:
            continue
        chosen = (merger.window(group, columns, stated) if window_group in columns else
                  merger.decide(group, columns, stated))
        if chosen is not None:
            merged.update(chosen)
    return merged, _claims_rows(table, claims, merged, merger.rules, evidence_of)


def _claims_rows(table: Table, claims: list[Claim], merged: dict, rules: dict[str, str],
                 evidence_of: Callable[[Record], list[dict]]) -> list[dict]:
    derived = set(table.window.derived) - {table.window.day, table.window.first, table.window.last} if table.window else set()
    rows = []
    for claim in claims:
        cited = evidence_of(claim.record)
        inputs = {table.window.anchor, table.window.duration} if table.window else set()
        for field, value in claim.values.items():
            if field in table.primary_key or field in table.curator_only or \
                    (field in table.words_columns and field not in inputs):
                continue
            if field in derived or value is None:
                continue
            column = table.column(field)
            words_column = table.words_for(field)
            words = claim.values.get(words_column) if words_column else None
            supporting = {field} | table.determined_by(field)
            evidence_ids = [e[Evidence.id] for e in cited if set(e[Evidence.supports] or []) & supporting]
            claimed = value_text(value, table, column) or ""
            rows.append({
                Claims.record_table: table.name,
                Claims.record_id: claim.record.id,
                Claims.field: field,
                Claims.source_id: claim.source,
                Claims.claimed_value: claimed,
                Claims.value_as_reported: words,
                Claims.agrees: claim_agrees(table, field, claimed, value_text(merged.get(field), table, column)),
                Claims.rule: rules.get(field, "single source"),
                Claims.evidence_ids: evidence_ids or None,
            })
    return rows
