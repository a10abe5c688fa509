"""Merge review: after a document changes a merged value, the prose that may now be out of date.

A new document can move a shared record's curated value (an exact day narrows a window, a majority
changes a visit's kind). The tables follow by themselves; the curators' prose does not: a summary
or note elsewhere may still say "on or after 2 October". This compares the built tables with the
published ones and lists, for each changed value of a shared record, every summary or note (of
that record, or of any record naming it) that still contains the old value as written, and every
source's own claimed bound that equals the old one. It is advice printed by the build, not a
failure: a note may rightly keep the old value (saying what a document claimed).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..contract.registry import Registry
from ..contract.vocabulary import Claims, Inferences


@dataclass(frozen=True)
class ReviewItem:
    table: str
    record_id: str
    column: str
    old: str
    new: str
    where: str       # table[record].column holding the old value
    text: str        # the sentence (or the start of the text) holding it

    def __str__(self) -> str:
        return (f"{self.table}[{self.record_id}].{self.column} is now {self.new} (was {self.old}); "
                f"{self.where} still says: {self.text}")


def _value(value) -> object | None:
    if value is None or (not isinstance(value, list) and pd.isna(value)):
        return None
    if hasattr(value, "date") and not isinstance(value, date):
        return value.date()
    return value


def spellings(value) -> list[str]:
    """How prose may write a value: a date as ISO and as "2 October" / "October 2" (with the year)."""
    if isinstance(value, date):
        month = calendar.month_name[value.month]
        return [value.isoformat(), f"{value.day} {month} {value.year}", f"{month} {value.day}, {value.year}",
                f"{value.day} {month}", f"{month} {value.day}"]
    if isinstance(value, list):
        return []
    text = str(value)
    return [text] if len(text) >= 3 else []


def _sentence(text: str, at: int) -> str:
    start = max(text.rfind(". ", 0, at) + 2, 0)
    end = text.find(". ", at)
    return text[start: end + 1 if end >= 0 else len(text)].strip()[:240]


def review(registry: Registry, frames: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame] | None
           ) -> list[ReviewItem]:
    if not previous:
        return []
    prose = []   # (table, record id, column, text) of every curator's text in the new tables
    for table in registry:
        frame = frames[table.name]
        key = table.primary_key[0]
        for column in table.curator_only:
            if column in frame:
                for record_id, text in zip(frame[key].tolist(), frame[column].tolist(), strict=True):
                    if isinstance(text, str):
                        prose.append((table.name, str(record_id), column, text))
    inferred = frames[Inferences.table]
    inferred_keys = set(zip(*(inferred[c].astype(str).tolist() for c in (
        Inferences.record_table, Inferences.record_id, Inferences.field, Inferences.source_id)), strict=True))
    claims = frames[Claims.table]
    inferred_claims: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for table_name, record_id, field, source, claimed in zip(*(claims[c].astype(str).tolist() for c in (
            Claims.record_table, Claims.record_id, Claims.field, Claims.source_id, Claims.claimed_value)), strict=True):
        if (table_name, record_id, field, source) in inferred_keys:
            inferred_claims.setdefault((table_name, record_id, field), []).append((source, claimed))
    items = []
    for table in registry:
        if not table.mergeable or table.name not in previous:
            continue
        key = table.primary_key[0]
        old_rows = {str(r[key]): r for r in previous[table.name].to_dict("records")}
        columns = [c for cols in table.claim_groups.values() for c in cols if c not in table.words_columns]
        for row in frames[table.name].to_dict("records"):
            record_id = str(row[key])
            old_row = old_rows.get(record_id)
            if old_row is None:
                continue
            for column in columns:
                if table.is_list(column):
                    continue  # a list is held as text by the build and as a list by the loader; prose names no list
                old, new = _value(old_row.get(column)), _value(row.get(column))
                if old is None or old == new:
                    continue
                for where_table, where_id, where_column, text in prose:
                    if where_id != record_id and record_id not in text:
                        continue
                    for spelled in spellings(old):
                        at = text.find(spelled)
                        if at >= 0:
                            items.append(ReviewItem(table.name, record_id, column, str(old), str(new),
                                                    f"{where_table}[{where_id}].{where_column}", _sentence(text, at)))
                            break
                # A source's bound the curator inferred (not read from its words) may deserve a second look.
                for source, claimed in inferred_claims.get((table.name, record_id, column), []):
                    if _value(pd.Timestamp(claimed)) == old if isinstance(old, date) else str(claimed) == str(old):
                        items.append(ReviewItem(table.name, record_id, column, str(old), str(new),
                                                f"the inferred claim of {source}", f"{column} = {claimed}"))
    return items
