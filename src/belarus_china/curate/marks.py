"""Rows the build writes to make visible what curation leaves implicit: a window bound taken from the
record a row lies within (an `inferences` row, no silent windows) and a declared distinction (a
`distinctions` row naming the columns that differ). The contract checks both (contract.inherited,
contract.distinct)."""

from __future__ import annotations

from collections.abc import Iterator

from ..contract.dates import Window
from ..contract.registry import Table
from ..contract.vocabulary import Distinctions, Inferences
from . import file_format as F
from .merge import Claim
from .records import Record


def inherited_bounds(table: Table, values: dict, own: Window | None, result: Window | None,
                     claims: list[Claim]) -> Iterator[tuple[dict, Record]]:
    """An inference row for each bound the record's own words leave open and its container's window fills,
    for each source describing the record (unless its curator already marked that bound)."""
    role = table.window
    if role is None or result is None or not role.within or not values.get(role.within):
        return
    references = table.column(role.within).references
    container = f"{references[0] if references else role.within}/{values[role.within]}"
    for bound, mine, taken in ((role.earliest, own.earliest if own else None, result.earliest),
                               (role.latest, own.latest if own else None, result.latest)):
        if mine is not None or taken is None:
            continue
        for claim in claims:
            if bound in claim.record.inferred or not claim.source:
                continue
            reason = f"No words of the document date it: the bound is that of {container}, which it lies within."
            yield ({Inferences.record_table: table.name, Inferences.record_id: values[table.primary_key[0]],
                    Inferences.field: bound, Inferences.source_id: claim.source, Inferences.basis: F.BASIS_TEXT,
                    Inferences.reason: reason}, claim.record)


def distinction_rows(records: list[Record]) -> Iterator[tuple[dict, Record]]:
    """Each `distinct_from` entry as a row of distinctions, with the columns said to differ."""
    for record in records:
        for other, why in record.distinct_from.items():
            yield ({Distinctions.record_table: record.table, Distinctions.record_id: record.id,
                    Distinctions.other_id: other, Distinctions.differs_in: list(record.differs_in.get(other, ())) or None,
                    Distinctions.why: why}, record)
