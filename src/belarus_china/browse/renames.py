"""Renamed record ids: follow an old id to the record's id now (`belarus_china.resolve_id`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..base.package_source import PackageSource, open_package
from ..contract.vocabulary import RenamedIds
from ..loader import load_from


def renamed(source: PackageSource) -> dict[tuple[str, str], str]:
    """(table, old id) -> the id it was renamed to; empty for a package without the table."""
    if RenamedIds.table not in source.tables():
        return {}
    frame = load_from(source, RenamedIds.table)
    return {(str(t), str(old)): str(new) for t, old, new in zip(
        frame[RenamedIds.record_table].astype("string"), frame[RenamedIds.old_id], frame[RenamedIds.record_id],
        strict=True) if not pd.isna(old)}


def resolve_id(table: str, record_id: str, package: str | Path | None = None) -> str:
    """The id a record has now, following renames (an id never renamed is returned as it is)."""
    source = open_package(package)
    try:
        renames = renamed(source)
    finally:
        if source is not package:
            source.close()
    seen = {record_id}
    while (table, record_id) in renames:
        record_id = renames[(table, record_id)]
        if record_id in seen:  # the contract forbids a cycle; a hostile package must not hang us
            break
        seen.add(record_id)
    return record_id
