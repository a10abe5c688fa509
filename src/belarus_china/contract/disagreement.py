"""An excerpt supports what it agrees with.

An excerpt's `supports` names the columns its source's claim rests on. Where that source's claim lost
the merge (its `claims` row has agrees false), the excerpt is evidence of the source's own claim, not of
the published value: its `disagrees_on` column names those columns, so that no reader (and no viewer)
takes "paid an official visit" for support of a curated state visit. A disputed claim on a value column
disputes the columns its words are read from too (the date words of a window bound, the as-reported
words of a kind).

`disputed_columns` is the one definition: the build fills the column with it and the contract checks
the published column against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

from ..base.problems import Problem
from .registry import Registry
from .vocabulary import Claims, Evidence

Key = tuple[str, str, str]   # (record table, record id, source id)


def disputed_columns(registry: Registry, claims: Iterable[tuple[str, str, str, str, bool]]) -> dict[Key, set[str]]:
    """(table, record, source) -> the columns whose claim by that source disagrees with the curated value,
    with the columns the claimed value is read from; from (table, record, field, source, agrees) rows."""
    disputed: dict[Key, set[str]] = defaultdict(set)
    for table_name, record, field, source, agrees in claims:
        if agrees or table_name not in registry.tables or field not in registry[table_name].column_names:
            continue
        disputed[(table_name, record, source)] |= {field} | registry[table_name].determined_by(field)
    return disputed


def disagreeing(supports: Iterable[str], key: Key, disputed: dict[Key, set[str]]) -> list[str]:
    """The supported columns the excerpt's source disputes, in the order of `supports`."""
    against = disputed.get(key)
    return [c for c in supports if c in against] if against else []


def _items(value, delimiter: str) -> list[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [i for i in str(value).split(delimiter) if i]


def check_disagrees(registry: Registry, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Each excerpt's `disagrees_on` is exactly the supported columns its source's claims dispute."""
    claims = frames[Claims.table]
    disputed = disputed_columns(registry, zip(*(claims[c].tolist() for c in (
        Claims.record_table, Claims.record_id, Claims.field, Claims.source_id)),
        claims[Claims.agrees].fillna(True).astype(bool).tolist(), strict=True))
    evidence = frames[Evidence.table]
    delimiter = registry.list_delimiter
    problems = []
    for evidence_id, table, record, source, supports, stated in zip(*(evidence[c].tolist() for c in (
            Evidence.id, Evidence.record_table, Evidence.record_id, Evidence.source_id, Evidence.supports,
            Evidence.disagrees)), strict=True):
        expected = disagreeing(_items(supports, delimiter), (table, record, source), disputed)
        got = _items(stated, delimiter)
        if got != expected:
            problems.append(Problem("evidence-disagrees", f"is {got or 'empty'} but the claims of {source} dispute "
                                                          f"{expected or 'none'} of the columns it supports",
                                    table=Evidence.table, record=str(evidence_id), column=Evidence.disagrees))
    return problems
