"""Records that look like one thing curated twice under two ids (the silent duplicate).

Records of a table merge only when they share an id, so a maintainer who names a known visit anew
("lukashenko-china-2023-12-04" for the second trip) would publish it twice. Each table says in
tables.yaml (`lookalike`) what makes two of its records look alike; two that do stop the build
unless a file says why they are distinct (`distinct_from: {other-id: {differs_in, reason}}`). The comparison is
on the assembled rows (after merging, so a window is the curated one), grouped by the `same`
columns so that it stays linear in the number of records. Rows that belong to one source (figures,
quotations) are compared only with that source's other rows: two documents reporting one figure are
two rows by design.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..base.problems import Problem
from ..contract.dates import Window
from ..contract.registry import Registry, Table
from ..contract.vocabulary import Sources
from . import file_format as F
from .records import Record


@dataclass(frozen=True)
class _Row:
    record_id: str
    values: dict
    files: tuple[str, ...]


def _key(table: Table, values: dict) -> tuple:
    # A row that belongs to one source (a figure, a quotation) is that source's: two documents reporting the
    # same figure are two rows by design, so only rows of the same source are compared.
    key: list = [values.get(Sources.id)] if not table.mergeable and Sources.id in table.column_names else []
    for column in table.lookalike.same if table.lookalike else ():
        value = values.get(column)
        key.append(tuple(sorted(value)) if isinstance(value, list) else value)
    return tuple(key)


def _window(table: Table, values: dict) -> Window | None:
    role = table.window
    low, high = (values.get(role.earliest), values.get(role.latest)) if role is not None else (None, None)
    if (low is None and high is None) or (low is not None and high is not None and low > high):
        return None  # no window, or one out of order (the contract reports it)
    return Window(low, high)


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _alike(table: Table, a: dict, b: dict) -> bool:
    role = table.lookalike
    assert role is not None
    for column in role.compatible:
        if a.get(column) is not None and b.get(column) is not None and a[column] != b[column]:
            return False
    if role.window:
        first, second = _window(table, a), _window(table, b)
        # An undated record may be any of the dated ones: it looks like each of them.
        if first is not None and second is not None and first.intersect(second) is None:
            return False
    if role.overlapping_text:
        x, y = _fold(a.get(role.overlapping_text)), _fold(b.get(role.overlapping_text))
        if not x or not y or (x not in y and y not in x):
            return False
    return True


def _candidate_pairs(table: Table, members: list[_Row]) -> list[tuple[int, int]]:
    """The pairs (i < j, in order) of one group that `_alike` must look at. Where windows must overlap, a sweep
    over the windows sorted by their first day skips the pairs whose windows are certainly disjoint (one ends
    before the other begins): a group can hold every visit of one guest, and comparing all their pairs was
    quadratic (the 100% synthetic corpus did not get past it). An undated record may be any of the others,
    so it is paired with all of them."""
    count = len(members)
    if not (table.lookalike and table.lookalike.window) or count < 3:
        return [(i, j) for i in range(count) for j in range(i + 1, count)]
    windows = [_window(table, member.values) for member in members]
    pairs = {(min(i, j), max(i, j)) for i, window in enumerate(windows) if window is None
             for j in range(count) if i != j}
    dated = [(i, window) for i, window in enumerate(windows) if window is not None]
    # An open first day is as early as any: those sort first. An open last day never ends.
    dated.sort(key=lambda item: (item[1].earliest is not None, item[1].earliest or date.min))
    active: list[tuple[int, Window]] = []
    for i, window in dated:
        start = window.earliest
        if start is not None:
            active = [(k, other) for k, other in active if other.latest is None or other.latest >= start]
        pairs |= {(min(i, k), max(i, k)) for k, _ in active}
        active.append((i, window))
    return sorted(pairs)


def find_lookalikes(registry: Registry, rows: dict[str, list[dict]], records: Iterable[Record],
                    files_of: dict[tuple[str, str], tuple[str, ...]]) -> list[Problem]:
    """A problem for each pair of records that look alike and that no file calls distinct."""
    distinct: set[tuple[str, str, str]] = set()
    for record in records:
        for other in record.distinct_from:
            distinct |= {(record.table, record.id, other), (record.table, other, record.id)}
    problems = []
    for table in registry:
        if table.lookalike is None:
            continue
        key_column = table.primary_key[0]
        groups: dict[tuple, list[_Row]] = defaultdict(list)
        for values in rows[table.name]:
            record_id = str(values.get(key_column))
            groups[_key(table, values)].append(_Row(record_id, values, files_of.get((table.name, record_id), ())))
        for members in groups.values():
            for i, j in _candidate_pairs(table, members):
                first, second = members[i], members[j]
                if (table.name, first.record_id, second.record_id) in distinct:
                    continue
                if not _alike(table, first.values, second.values):
                    continue
                problems.append(Problem(
                    "lookalike-record",
                    f"looks like {table.name}[{first.record_id}] in {', '.join(first.files)} "
                    f"(same {', '.join(table.lookalike.same) or 'kind'}"
                    + (", overlapping windows" if table.lookalike.window else "") + "); if it is that record, "
                    f"use the id {first.record_id}; if not, add `{F.DISTINCT_FROM}: {{{first.record_id}: "
                    f"{{{F.DIFFERS_IN}: [columns], {F.REASON}: <why they differ>}}}}` to it",
                    file=", ".join(second.files), record=f"{table.name}[{second.record_id}]"))
    return problems
